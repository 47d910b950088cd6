import JSONCore

/// An authorizer of a REST API (`x-amazon-apigateway-authorizer` on a security scheme, or
/// CreateAuthorizer): a Lambda function asked who may call (TOKEN, REQUEST), or a Cognito
/// user pool's tokens (COGNITO_USER_POOLS).
public struct AuthorizerDefinition: Sendable, Equatable {
    /// The authorizer types.
    public enum Kind: String, Sendable {
        /// One header's value is the identity; the function receives it as `authorizationToken`.
        case token = "TOKEN"
        /// Headers, query parameters, stage variables and context values; the function
        /// receives the request.
        case request = "REQUEST"
        /// A Cognito user pool's JWTs.
        case cognitoUserPools = "COGNITO_USER_POOLS"
    }

    /// The security scheme's name (the authorizer's name on AWS).
    public var name: String
    /// Its type.
    public var kind: Kind
    /// `authorizerUri`: `arn:aws:apigateway:…:lambda:path/2015-03-31/functions/…/invocations`
    /// (empty for Cognito).
    public var uri: String
    /// `identitySource`: `method.request.header.X`, `method.request.querystring.X`,
    /// `stageVariables.X`, `context.X`, in order.
    public var identitySource: [String]
    /// `identityValidationExpression`: a regular expression a TOKEN must match.
    public var identityValidationExpression: String?
    /// `authorizerResultTtlInSeconds` as written (nil when absent: 300 applies).
    public var resultTTL: Int?
    /// `providerARNs` (Cognito user pools).
    public var providerARNs: [String]
    /// `x-amazon-apigateway-authtype` (free text, no effect).
    public var authType: String?
    /// Where it is defined (for messages).
    public var pointer: JSONPointer

    /// The result TTL in force: 300 when absent, 0 means no caching.
    public var effectiveTTL: Int { resultTTL ?? 300 }

    /// An authorizer.
    public init(
        name: String, kind: Kind, uri: String, identitySource: [String], identityValidationExpression: String? = nil, resultTTL: Int? = nil,
        providerARNs: [String] = [], authType: String? = nil, pointer: JSONPointer = .root
    ) {
        self.name = name
        self.kind = kind
        self.uri = uri
        self.identitySource = identitySource
        self.identityValidationExpression = identityValidationExpression
        self.resultTTL = resultTTL
        self.providerARNs = providerARNs
        self.authType = authType
        self.pointer = pointer
    }
}

/// How a method authorizes its callers (`authorizationType` with `authorizerId` and
/// `authorizationScopes`).
public enum MethodAuthorization: Sendable, Equatable {
    /// `NONE`.
    case none
    /// `CUSTOM`: the named Lambda authorizer.
    case custom(String)
    /// `COGNITO_USER_POOLS`: the named authorizer, with the scopes an access token must hold
    /// one of (none: an ID token is wanted).
    case cognito(String, scopes: [String])
    /// `AWS_IAM`: a SigV4 signature for `execute-api`.
    case iam

    /// `NONE`, `CUSTOM`, `COGNITO_USER_POOLS` or `AWS_IAM`.
    public var typeName: String {
        switch self {
        case .none: return "NONE"
        case .custom: return "CUSTOM"
        case .cognito: return "COGNITO_USER_POOLS"
        case .iam: return "AWS_IAM"
        }
    }

    /// The authorizer's name, for `CUSTOM` and `COGNITO_USER_POOLS`.
    public var authorizerName: String? {
        switch self {
        case .custom(let name), .cognito(let name, _): return name
        case .none, .iam: return nil
        }
    }
}

extension DocumentReader {
    /// The authorizers of `components.securitySchemes` (schemes with
    /// `x-amazon-apigateway-authorizer`), checked as API Gateway's import checks them.
    func authorizers(_ root: JSONObject) throws(APIDefinitionError) -> [String: AuthorizerDefinition] {
        var result: [String: AuthorizerDefinition] = [:]
        let base = ["components", "securitySchemes"]
        for member in try members(root["components"]?["securitySchemes"], at: base) {
            guard let value = member.value["x-amazon-apigateway-authorizer"] else { continue }
            let here = base + [member.key, "x-amazon-apigateway-authorizer"]
            let object = try self.object(value, at: JSONPointer(tokens: here))
            let typeText = object["type"]?.stringValue?.uppercased() ?? "TOKEN"
            guard let kind = AuthorizerDefinition.Kind(rawValue: typeText) else {
                throw fail(here + ["type"], "type must be one of token, request, cognito_user_pools (found \(typeText.lowercased()))")
            }
            var ttl: Int?
            if let ttlValue = object["authorizerResultTtlInSeconds"] {
                guard let seconds = ttlValue.numberValue?.intValue ?? ttlValue.stringValue.flatMap({ Int($0) }), (0...3600).contains(seconds) else {
                    throw fail(here + ["authorizerResultTtlInSeconds"], "authorizerResultTtlInSeconds must be an integer from 0 to 3600")
                }
                ttl = seconds
            }
            let uri = object["authorizerUri"]?.stringValue ?? ""
            var sources: [String] = []
            if let text = object["identitySource"]?.stringValue {
                sources = text.split(separator: ",").map { $0.filter { $0 != " " && $0 != "\t" } }.filter { !$0.isEmpty }
            }
            switch kind {
            case .token, .request:
                guard uri.contains(":lambda:path/2015-03-31/functions/"), uri.hasSuffix("/invocations") else {
                    throw fail(here + ["authorizerUri"], "authorizerUri must name a Lambda function (arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{function ARN}/invocations)")
                }
            case .cognitoUserPools:
                guard !(try strings(object["providerARNs"], at: here + ["providerARNs"])).isEmpty else {
                    throw fail(here + ["providerARNs"], "a cognito_user_pools authorizer needs providerARNs (the user pools' ARNs)")
                }
            }
            if kind != .request, sources.isEmpty {
                // TOKEN and Cognito read one header: the scheme's `name` (`in: header`).
                let header = member.value["name"]?.stringValue ?? "Authorization"
                sources = ["method.request.header." + header]
            }
            if kind != .request, sources.count != 1 || !sources[0].hasPrefix("method.request.header.") {
                throw fail(here + ["identitySource"], "a \(typeText.lowercased()) authorizer reads one header: identitySource is method.request.header.{name}")
            }
            for source in sources {
                let accepted = ["method.request.header.", "method.request.querystring.", "stageVariables.", "context."]
                guard let prefix = accepted.first(where: source.hasPrefix), source.count > prefix.count else {
                    throw fail(
                        here + ["identitySource"],
                        "invalid identity source \(source): use method.request.header.X, method.request.querystring.X, stageVariables.X or context.X (path parameters cannot be identity sources)")
                }
            }
            result[member.key] = AuthorizerDefinition(
                name: member.key, kind: kind, uri: uri, identitySource: sources,
                identityValidationExpression: object["identityValidationExpression"]?.stringValue, resultTTL: ttl,
                providerARNs: try strings(object["providerARNs"], at: here + ["providerARNs"]),
                authType: member.value["x-amazon-apigateway-authtype"]?.stringValue, pointer: JSONPointer(tokens: here))
        }
        return result
    }

    /// `x-amazon-apigateway-policy`: a policy document (an object, or its JSON text as
    /// UpdateRestApi and CloudFormation's `Policy` may give it).
    func resourcePolicy(_ root: JSONObject) throws(APIDefinitionError) -> JSONValue? {
        switch root["x-amazon-apigateway-policy"] {
        case nil, .null?: return nil
        case .object(let policy)?: return .object(policy)
        case .string(let text)?:
            guard let parsed = try? JSONParser().parse(text), case .object = parsed else {
                throw fail(["x-amazon-apigateway-policy"], "the resource policy is not a JSON policy document")
            }
            return parsed
        case let other?: throw fail(["x-amazon-apigateway-policy"], "the resource policy is a policy document (an object), found \(other.typeName)")
        }
    }

    /// An operation's authorization: its own `security`, else the document's (API Gateway's
    /// import applies a root-level authorizer to operations without their own). The first
    /// requirement naming an authorizer scheme, or a scheme with
    /// `x-amazon-apigateway-authtype: awsSigv4` (AWS_IAM), decides.
    /// A `security` that is not a list of requirement objects is an error, never read as none
    /// (a method would be served open).
    func authorization(
        _ operation: JSONValue, at pointer: JSONPointer, root: JSONObject, authorizers: [String: AuthorizerDefinition]
    ) throws(APIDefinitionError) -> MethodAuthorization {
        let place = operation["security"] != nil ? pointer.tokens + ["security"] : ["security"]
        let requirements = try elements(operation["security"] ?? root["security"], at: place)
        let schemes = root["components"]?["securitySchemes"]?.objectValue
        for (index, requirement) in requirements.enumerated() {
            guard case .object(let names) = requirement else {
                throw fail(place + [String(index)], "a security requirement is an object of scheme names, found \(requirement.typeName)")
            }
            for member in names {
                if let authorizer = authorizers[member.key] {
                    if authorizer.kind == .cognitoUserPools {
                        let scopes: [String]
                        do { scopes = try JSONShape.strings(member.value) } catch {
                            throw fail(place + [String(index), member.key] + (error.index.map { [String($0)] } ?? []), "a requirement's scopes: \(error.message)")
                        }
                        return .cognito(member.key, scopes: scopes)
                    }
                    return .custom(member.key)
                }
                if schemes?[member.key]?["x-amazon-apigateway-authtype"]?.stringValue?.lowercased() == "awssigv4" { return .iam }
            }
        }
        return .none
    }
}
