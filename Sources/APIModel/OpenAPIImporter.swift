import JSONCore
import JSONSchema

/// Imports an API definition (OpenAPI 3.0 or 3.1, Swagger 2.0: see `APIDocument`) with `x-amazon-apigateway-*` extensions, as API Gateway's
/// ImportRestApi does (reference §11): paths become resources, operations methods, the
/// operation-level `security` with an `apiKey` scheme named `x-api-key` sets
/// `apiKeyRequired`, `components.schemas` become models.
public enum OpenAPIImporter {
    static let operationKeys: [(String, String)] = [
        ("get", "GET"), ("put", "PUT"), ("post", "POST"), ("delete", "DELETE"), ("patch", "PATCH"), ("head", "HEAD"),
        ("options", "OPTIONS"), ("x-amazon-apigateway-any-method", "ANY"),
    ]

    /// Imports `document`, read from `file` (used in messages) at `uri`.
    public static func importAPI(_ document: JSONValue, file: String, uri: String) throws(APIDefinitionError) -> RestAPI {
        let reader = DocumentReader(file: file, uri: uri)
        // Swagger 2.0 and OpenAPI 3.1 arrive here already brought to OpenAPI 3.0 (`APIDocument`);
        // a document given directly is brought there too.
        let root = try reader.object(try APIDocument.normalized(document, file: file), at: .root)
        let title = root["info"]?["title"]?.stringValue ?? "API"

        var validators: [String: RequestValidator] = [:]
        for member in try reader.members(root["x-amazon-apigateway-request-validators"], at: ["x-amazon-apigateway-request-validators"]) {
            validators[member.key] = RequestValidator(
                validateRequestBody: member.value["validateRequestBody"]?.boolValue ?? false,
                validateRequestParameters: member.value["validateRequestParameters"]?.boolValue ?? false)
        }
        let defaultValidator = root["x-amazon-apigateway-request-validator"]?.stringValue
        if let defaultValidator, validators[defaultValidator] == nil {
            throw reader.fail(["x-amazon-apigateway-request-validator"], "unknown request validator \"\(defaultValidator)\"")
        }
        var gatewayResponses: [String: GatewayResponseDefinition] = [:]
        for member in try reader.members(root["x-amazon-apigateway-gateway-responses"], at: ["x-amazon-apigateway-gateway-responses"]) {
            guard GatewayResponseType(rawValue: member.key) != nil else {
                throw reader.fail(["x-amazon-apigateway-gateway-responses", member.key], "unknown gateway response type \(member.key)")
            }
            let status = try member.value["statusCode"].map { (value) throws(APIDefinitionError) -> Int in
                try reader.status(value, at: ["x-amazon-apigateway-gateway-responses", member.key, "statusCode"])
            }
            let here = ["x-amazon-apigateway-gateway-responses", member.key]
            gatewayResponses[member.key] = GatewayResponseDefinition(
                statusCode: status, responseParameters: try reader.stringPairs(member.value["responseParameters"], at: here + ["responseParameters"]),
                responseTemplates: try reader.stringMap(member.value["responseTemplates"], at: here + ["responseTemplates"]))
        }
        let modelNames = (root["components"]?["schemas"]?.objectValue?.keys ?? [])

        // Operations as callers see them (the reading the client generator shares), then each
        // one's integration.
        let interface = try reader.interface(root)
        let authorizers = try reader.authorizers(root)
        var resources: [Resource] = []
        var index: [String: Int] = [:]
        for pathMember in try reader.object(root["paths"] ?? [:], at: ["paths"]) {
            index[pathMember.key] = resources.count
            resources.append(Resource(path: pathMember.key, parts: try reader.pathParts(pathMember.key, at: ["paths", pathMember.key]), methods: [:]))
        }
        for operation in interface.operations {
            guard let position = index[operation.path], let value = root["paths"]?[operation.path]?[operation.pointer.tokens[2]] else { continue }
            var method = try reader.method(value, interface: operation, validators: validators, models: Set(modelNames))
            method.authorization = try reader.authorization(value, at: operation.pointer, root: root, authorizers: authorizers)
            resources[position].methods[operation.httpMethod] = method
        }
        try checkSiblings(resources, reader: reader)
        return RestAPI(
            title: title, file: file, documentURI: uri, apiKeySource: root["x-amazon-apigateway-api-key-source"]?.stringValue ?? "HEADER",
            binaryMediaTypes: (root["x-amazon-apigateway-binary-media-types"]?.arrayValue ?? [JSONValue]()).compactMap { $0.stringValue },
            resources: resources, modelNames: modelNames, requestValidators: validators, defaultValidator: defaultValidator,
            gatewayResponses: gatewayResponses, authorizers: authorizers, resourcePolicy: try reader.resourcePolicy(root))
    }

    /// API Gateway's resource rules: one variable sibling per parent, nothing under a greedy part.
    static func checkSiblings(_ resources: [Resource], reader: DocumentReader) throws(APIDefinitionError) {
        var variableChild: [String: String] = [:]
        for resource in resources {
            for (index, part) in resource.parts.enumerated() {
                let parent = resource.parts[..<index].map(\.text).joined(separator: "/")
                switch part {
                case .parameter, .greedy:
                    if let existing = variableChild[parent], existing != part.text {
                        throw reader.fail(
                            ["paths", resource.path],
                            "A sibling (\(existing)) of this resource already has a variable path part -- only one is allowed")
                    }
                    variableChild[parent] = part.text
                    if case .greedy = part, index < resource.parts.count - 1 {
                        throw reader.fail(["paths", resource.path], "Cannot create a child of a resource with a greedy path variable: \(part.text)")
                    }
                case .literal:
                    break
                }
            }
        }
    }
}

extension PathPart {
    var text: String {
        switch self {
        case .literal(let text): return text
        case .parameter(let name): return "{\(name)}"
        case .greedy(let name): return "{\(name)+}"
        }
    }
}

/// Typed reads with errors that carry the file and pointer.
struct DocumentReader {
    let file: String
    /// The document's URI, against which a body schema's `$ref` to a file resolves.
    var uri: String = ""

    func fail(_ tokens: [String], _ message: String) -> APIDefinitionError {
        APIDefinitionError(file: file, pointer: JSONPointer(tokens: tokens), message: message)
    }

    func object(_ value: JSONValue, at tokens: [String]) throws(APIDefinitionError) -> JSONObject {
        try object(value, at: JSONPointer(tokens: tokens))
    }

    /// The members of an optional object: none when `value` is absent or written empty
    /// (`responses:` with no value, as OpenAPI tools accept it), an error naming the place
    /// when it is there but not an object (never silently empty).
    func members(_ value: JSONValue?, at tokens: [String]) throws(APIDefinitionError) -> JSONObject {
        do { return try JSONShape.members(value) } catch { throw failure(error, at: tokens) }
    }

    /// A member that must be an object (`null` is no object here).
    func object(_ value: JSONValue, at pointer: JSONPointer) throws(APIDefinitionError) -> JSONObject {
        guard case .object(let object) = value else {
            throw APIDefinitionError(file: file, pointer: pointer, message: "expected an object, found \(value.typeName)")
        }
        return object
    }

    /// A `JSONShape` mismatch at `tokens` (at the element, when an element is the problem).
    func failure(_ mismatch: JSONShape.Mismatch, at tokens: [String]) -> APIDefinitionError {
        fail(tokens + (mismatch.index.map { [String($0)] } ?? []), mismatch.message)
    }

    /// The elements of an optional array: none when `value` is absent or null, an error naming
    /// the place when it is there but not an array.
    func elements(_ value: JSONValue?, at tokens: [String]) throws(APIDefinitionError) -> [JSONValue] {
        do { return try JSONShape.elements(value) } catch { throw failure(error, at: tokens) }
    }

    /// An optional array of strings (`consumes`, `cacheKeyParameters`); an element of another
    /// type is an error at its index.
    func strings(_ value: JSONValue?, at tokens: [String]) throws(APIDefinitionError) -> [String] {
        do { return try JSONShape.strings(value) } catch { throw failure(error, at: tokens) }
    }

    /// An optional object of strings, in document order (`responseParameters`,
    /// `requestTemplates`); a member of another type is an error at its name.
    func stringPairs(_ value: JSONValue?, at tokens: [String]) throws(APIDefinitionError) -> [(String, String)] {
        var result: [(String, String)] = []
        for member in try members(value, at: tokens) {
            guard case .string(let text) = member.value else {
                throw fail(tokens + [member.key], "expected a string, found \(member.value.typeName)")
            }
            result.append((member.key, text))
        }
        return result
    }

    /// `stringPairs` as a table.
    func stringMap(_ value: JSONValue?, at tokens: [String]) throws(APIDefinitionError) -> [String: String] {
        Dictionary(try stringPairs(value, at: tokens), uniquingKeysWith: { _, last in last })
    }

    func status(_ value: JSONValue, at tokens: [String]) throws(APIDefinitionError) -> Int {
        let number: Int?
        switch value {
        case .string(let text): number = Int(text)
        case .number(let value): number = value.intValue
        default: number = nil
        }
        guard let number, (100...599).contains(number) else { throw fail(tokens, "statusCode must be an HTTP status (100–599)") }
        return number
    }

    func pathParts(_ path: String, at tokens: [String]) throws(APIDefinitionError) -> [PathPart] {
        guard path.hasPrefix("/") else { throw fail(tokens, "a path must start with '/'") }
        var parts: [PathPart] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment.hasPrefix("{") && segment.hasSuffix("}") {
                var name = segment.dropFirst().dropLast()
                if name.hasSuffix("+") {
                    name = name.dropLast()
                    parts.append(.greedy(String(name)))
                } else {
                    parts.append(.parameter(String(name)))
                }
                guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }) else {
                    throw fail(tokens, "invalid path parameter \(segment)")
                }
            } else {
                guard segment.allSatisfy({ $0.isLetter || $0.isNumber || "_-.,:".contains($0) }) else {
                    throw fail(tokens, "invalid path segment \"\(segment)\": a parameter must be a whole segment, and segments hold only letters, digits, _ - . , :")
                }
                parts.append(.literal(String(segment)))
            }
        }
        return parts
    }

    func method(
        _ operation: JSONValue, interface: OperationInterface, validators: [String: RequestValidator], models: Set<String>
    ) throws(APIDefinitionError) -> Method {
        let pointer = interface.pointer
        let operationObject = try object(operation, at: pointer)
        var requestParameters: [(String, Bool)] = []
        for parameter in interface.parameters {
            let kind: String
            switch parameter.location {
            case .path: kind = "path"
            case .query: kind = "querystring"
            case .header: kind = "header"
            case .cookie: continue
            }
            requestParameters.append(("method.request.\(kind).\(parameter.name)", parameter.isRequired))
        }
        var requestModels: [String: String] = [:]
        for content in interface.requestBody?.content ?? [] {
            if let name = modelName(content.schema?["$ref"]?.stringValue) { requestModels[content.mediaType] = name }
        }
        var responseModels: [Int: [String: String]] = [:]
        for (statusText, body) in interface.responses {
            guard let status = Int(statusText) else { continue }
            var byType: [String: String] = [:]
            for content in body.content {
                if let name = modelName(content.schema?["$ref"]?.stringValue) { byType[content.mediaType] = name }
            }
            responseModels[status] = byType
        }
        let validator = operationObject["x-amazon-apigateway-request-validator"]?.stringValue
        if let validator, validators[validator] == nil {
            throw fail(pointer.tokens + ["x-amazon-apigateway-request-validator"], "unknown request validator \"\(validator)\"")
        }
        for (contentType, name) in requestModels where !models.contains(name) && !name.contains("://") {
            throw fail(pointer.tokens + ["requestBody", "content", contentType, "schema", "$ref"], "unknown model \(name)")
        }
        guard let integrationValue = operationObject["x-amazon-apigateway-integration"] else {
            throw fail(pointer.tokens, "the operation has no x-amazon-apigateway-integration")
        }
        let integration = try self.integration(integrationValue, at: pointer.tokens + ["x-amazon-apigateway-integration"])
        return Method(
            httpMethod: interface.httpMethod, operationId: interface.operationId, apiKeyRequired: interface.apiKeyRequired,
            requestParameters: requestParameters, requestModels: requestModels, requestValidator: validator, integration: integration,
            responseModels: responseModels, pointer: pointer, interface: interface)
    }

    /// `#/components/schemas/Item` → `Item`.
    /// The model a body schema's `$ref` names: `#/components/schemas/NAME` → `NAME`; beyond
    /// API Gateway (whose import needs one self-contained document), a `$ref` to a model file
    /// (`models/Pet.json`, `common.yaml#/Error`) → that schema's absolute URI, which holds `://`
    /// as no model name does.
    func modelName(_ reference: String?) -> String? {
        guard let reference else { return nil }
        if reference.hasPrefix("#/components/schemas/") { return String(reference.dropFirst("#/components/schemas/".count)) }
        guard !reference.hasPrefix("#"), !uri.isEmpty, !reference.contains("://"), SchemaRegistry.apiGatewayModelName(in: reference) == nil else { return nil }
        return SchemaURI.resolve(reference, against: uri)
    }

    func integration(_ value: JSONValue, at tokens: [String]) throws(APIDefinitionError) -> Integration {
        let object = try self.object(value, at: JSONPointer(tokens: tokens))
        guard case .string(let typeText)? = object["type"], let kind = Integration.Kind(rawValue: typeText.uppercased()) else {
            throw fail(tokens + ["type"], "type must be one of aws, aws_proxy, http, http_proxy, mock")
        }
        let uri = object["uri"]?.stringValue ?? ""
        if kind == .aws || kind == .awsProxy {
            guard uri.contains(":lambda:path/2015-03-31/functions/"), uri.hasSuffix("/invocations") else {
                throw fail(tokens + ["uri"], "only Lambda function URIs (…:lambda:path/2015-03-31/functions/…/invocations) are supported for aws integrations")
            }
        }
        let timeout = object["timeoutInMillis"]?.numberValue?.intValue ?? 29000
        guard (50...29000).contains(timeout) else { throw fail(tokens + ["timeoutInMillis"], "Timeout should be between 50 ms and 29000 ms") }
        guard let passthrough = PassthroughBehavior(rawValue: (object["passthroughBehavior"]?.stringValue ?? "when_no_match").uppercased()) else {
            throw fail(tokens + ["passthroughBehavior"], "passthroughBehavior must be when_no_match, when_no_templates or never")
        }
        var patterned: [IntegrationResponse] = []
        var fallback: IntegrationResponse?
        for member in try members(object["responses"], at: tokens + ["responses"]) {
            let responseTokens = tokens + ["responses", member.key]
            let status = try self.status(member.value["statusCode"] ?? .null, at: responseTokens + ["statusCode"])
            let response = IntegrationResponse(
                selectionPattern: member.key == "default" ? nil : member.key, statusCode: status,
                responseParameters: try stringPairs(member.value["responseParameters"], at: responseTokens + ["responseParameters"]),
                responseTemplates: try stringMap(member.value["responseTemplates"], at: responseTokens + ["responseTemplates"]))
            if response.selectionPattern == nil { fallback = response } else { patterned.append(response) }
        }
        return Integration(
            kind: kind, httpMethod: (object["httpMethod"]?.stringValue ?? "POST").uppercased(), uri: uri,
            requestTemplates: try stringMap(object["requestTemplates"], at: tokens + ["requestTemplates"]), passthroughBehavior: passthrough,
            timeoutMillis: timeout, cacheKeyParameters: try strings(object["cacheKeyParameters"], at: tokens + ["cacheKeyParameters"]),
            cacheNamespace: object["cacheNamespace"]?.stringValue, responses: patterned + (fallback.map { [$0] } ?? []))
    }
}

/// Gateway response types and their default status (reference §8.3).
public enum GatewayResponseType: String, Sendable, CaseIterable {
    case accessDenied = "ACCESS_DENIED", apiConfigurationError = "API_CONFIGURATION_ERROR"
    case authorizerConfigurationError = "AUTHORIZER_CONFIGURATION_ERROR", authorizerFailure = "AUTHORIZER_FAILURE"
    case badRequestBody = "BAD_REQUEST_BODY", badRequestParameters = "BAD_REQUEST_PARAMETERS", default4XX = "DEFAULT_4XX"
    case default5XX = "DEFAULT_5XX", expiredToken = "EXPIRED_TOKEN", integrationFailure = "INTEGRATION_FAILURE"
    case integrationTimeout = "INTEGRATION_TIMEOUT", invalidAPIKey = "INVALID_API_KEY", invalidSignature = "INVALID_SIGNATURE"
    case missingAuthenticationToken = "MISSING_AUTHENTICATION_TOKEN", quotaExceeded = "QUOTA_EXCEEDED"
    case requestTooLarge = "REQUEST_TOO_LARGE", resourceNotFound = "RESOURCE_NOT_FOUND", throttled = "THROTTLED"
    case unauthorized = "UNAUTHORIZED", unsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE", wafFiltered = "WAF_FILTERED"

    /// The status AWS uses when nothing is customised (nil for the two defaults).
    public var defaultStatus: Int? {
        switch self {
        case .accessDenied, .expiredToken, .invalidAPIKey, .invalidSignature, .missingAuthenticationToken, .wafFiltered: return 403
        case .badRequestBody, .badRequestParameters: return 400
        case .unauthorized: return 401
        case .resourceNotFound: return 404
        case .requestTooLarge: return 413
        case .unsupportedMediaType: return 415
        case .quotaExceeded, .throttled: return 429
        case .apiConfigurationError, .authorizerConfigurationError, .authorizerFailure: return 500
        case .integrationFailure, .integrationTimeout: return 504
        case .default4XX, .default5XX: return nil
        }
    }
}

extension OpenAPIImporter {
    /// The security schemes that mean "API key in the `x-api-key` header" (what API Gateway
    /// reads as `apiKeyRequired`). The one rule the gateway and the client generator share.
    public static func apiKeySchemes(in root: JSONValue) -> Set<String> {
        var schemes: Set<String> = []
        for member in root["components"]?["securitySchemes"]?.objectValue ?? JSONObject() {
            if member.value["type"]?.stringValue == "apiKey", member.value["in"]?.stringValue?.lowercased() == "header",
                member.value["name"]?.stringValue?.lowercased() == "x-api-key"
            {
                schemes.insert(member.key)
            }
        }
        return schemes
    }

    /// Whether an operation requires the API key: its own `security` names one of `schemes`
    /// (API Gateway's import reads operation-level security only; the root-level `security`
    /// does not set `apiKeyRequired`).
    public static func requiresAPIKey(_ operation: JSONValue, schemes: Set<String>) -> Bool {
        (operation["security"]?.arrayValue ?? []).contains { requirement in
            (requirement.objectValue?.keys ?? []).contains { schemes.contains($0) }
        }
    }
}
