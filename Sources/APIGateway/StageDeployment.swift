import APIModel
import ECMARegex
import JSONCore
import JSONSchema
import MappingTemplates

/// A request path's bytes, walked one non-empty segment at a time without building strings
/// (only path-parameter values become strings).
struct PathBytes {
    let bytes: UnsafeBufferPointer<UInt8>

    /// The next non-empty segment at or after `position`, or nil at the end.
    func segment(from position: Int) -> Range<Int>? {
        var start = position
        while start < bytes.count, bytes[start] == UInt8(ascii: "/") { start += 1 }
        guard start < bytes.count else { return nil }
        var end = start + 1
        while end < bytes.count, bytes[end] != UInt8(ascii: "/") { end += 1 }
        return start..<end
    }

    /// The text of `range`.
    func string(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }

    /// Whether `range` holds exactly `text`.
    func equals(_ range: Range<Int>, _ text: [UInt8]) -> Bool {
        guard range.count == text.count else { return false }
        return text.withUnsafeBufferPointer { expected in
            var offset = 0
            while offset < expected.count {
                if bytes[range.lowerBound + offset] != expected[offset] { return false }
                offset += 1
            }
            return true
        }
    }
}

/// Matches request paths to resources: static parts beat `{param}`, which beats `{proxy+}`;
/// trailing slashes and empty segments are ignored for matching.
struct ResourceRouter: Sendable {
    struct Node: Sendable {
        /// Static children, by segment bytes (a short list: scanned, no hashing).
        var literals: [(text: [UInt8], node: Int)] = []
        var parameter: (name: String, node: Int)?
        var greedy: (name: String, resource: Int)?
        var resource: Int?
    }

    /// A node as matching reads it: a reference, so a step reads its fields in place.
    final class FrozenNode: Sendable {
        let literals: [(text: [UInt8], node: Int)]
        let parameter: (name: String, node: Int)?
        let greedy: (name: String, resource: Int)?
        let resource: Int?

        init(_ node: Node) {
            literals = node.literals
            parameter = node.parameter
            greedy = node.greedy
            resource = node.resource
        }
    }

    private let frozen: [FrozenNode]

    init(_ resources: [Resource]) {
        var nodes: [Node] = [Node()]
        for (index, resource) in resources.enumerated() {
            var current = 0
            for part in resource.parts {
                switch part {
                case .literal(let text):
                    let bytes = Array(text.utf8)
                    if let next = nodes[current].literals.first(where: { $0.text == bytes })?.node {
                        current = next
                    } else {
                        nodes.append(Node())
                        nodes[current].literals.append((bytes, nodes.count - 1))
                        current = nodes.count - 1
                    }
                case .parameter(let name):
                    if let existing = nodes[current].parameter {
                        current = existing.node
                    } else {
                        nodes.append(Node())
                        nodes[current].parameter = (name, nodes.count - 1)
                        current = nodes.count - 1
                    }
                case .greedy(let name):
                    nodes[current].greedy = (name, index)
                }
            }
            if case .greedy? = resource.parts.last { continue }
            nodes[current].resource = index
        }
        frozen = nodes.map(FrozenNode.init)
    }

    /// The resource and path parameters for the segments of `path` from `position` on, or nil.
    func route(_ path: PathBytes, from position: Int) -> (Int, [(String, String)])? {
        var parameters: [(String, String)] = []
        guard let resource = match(node: 0, path, from: position, &parameters) else { return nil }
        return (resource, parameters)
    }

    private func match(node index: Int, _ path: PathBytes, from position: Int, _ parameters: inout [(String, String)]) -> Int? {
        let node = frozen[index]
        guard let segment = path.segment(from: position) else { return node.resource }
        for literal in node.literals where path.equals(segment, literal.text) {
            if let found = match(node: literal.node, path, from: segment.upperBound, &parameters) { return found }
            break
        }
        if let (name, next) = node.parameter {
            if parameters.isEmpty { parameters.reserveCapacity(4) }
            parameters.append((name, path.string(segment)))
            if let found = match(node: next, path, from: segment.upperBound, &parameters) { return found }
            parameters.removeLast()
        }
        if let (name, resource) = node.greedy {
            // The rest of the path, its non-empty segments joined by `/`.
            var parts: [String] = []
            var rest: Range<Int>? = segment
            while let part = rest {
                parts.append(path.string(part))
                rest = path.segment(from: part.upperBound)
            }
            parameters.append((name, parts.joined(separator: "/")))
            return resource
        }
        return nil
    }
}

/// A method request parameter as mappings and cache keys name it (`method.request.path.ID`),
/// split once at deploy time.
struct ParameterReference: Sendable {
    /// Where the value comes from, in the order AWS lists missing parameters.
    enum Location: Int, Sendable, Comparable {
        case header, path, querystring, other

        init(_ text: String) {
            switch text {
            case "header": self = .header
            case "path": self = .path
            case "querystring": self = .querystring
            default: self = .other
            }
        }

        static func < (lhs: Location, rhs: Location) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    let location: Location
    /// The parameter's name (`ID`).
    let name: String
    /// The whole reference (`method.request.path.ID`).
    let key: String
}

/// One method, compiled: templates, selection patterns and models ready for every request.
final class CompiledMethod: Sendable {
    let resource: Resource
    let method: Method
    let requestTemplates: [String: MappingTemplate]
    let responses: [CompiledIntegrationResponse]
    let requestModels: [String: CompiledSchema]
    let responseModels: [Int: CompiledSchema]
    let validator: RequestValidator?
    /// Usage-plan method throttle key (`/items/GET`) and method-settings key (`items/GET`).
    let planKey: String
    let settingsKey: String
    /// Required parameters (`method.request.header.X` split once): location, name, full key.
    let requiredParameters: [ParameterReference]
    /// Cache-key parameters, split once.
    let cacheKeyParameters: [ParameterReference]
    /// The cache namespace and the key parameters' names: what a cache key shares with every
    /// request to this method (and to methods of the same namespace).
    let cacheKeyBase: HashedName
    /// Throttle bucket names for the stage (method-level and stage-level).
    let stageMethodBucket: HashedName
    let stageBucket: HashedName
    /// The stage's method settings for this method (its own, then `*/*`), resolved once.
    let setting: MethodSetting?
    /// The method's authorizer (CUSTOM, COGNITO_USER_POOLS), resolved once; nil when it has
    /// none or names one the API does not define (refused at request time).
    let authorizer: CompiledAuthorizer?

    init(
        resource: Resource, method: Method, requestTemplates: [String: MappingTemplate], responses: [CompiledIntegrationResponse], requestModels: [String: CompiledSchema], responseModels: [Int: CompiledSchema], validator: RequestValidator?, planKey: String, settingsKey: String, requiredParameters: [ParameterReference], cacheKeyParameters: [ParameterReference], cacheKeyPrefix: String, stageMethodBucket: String, stageBucket: String, lambdaTarget: String?, setting: MethodSetting?, authorizer: CompiledAuthorizer?
    ) {
        self.authorizer = authorizer
        self.resource = resource
        self.method = method
        self.requestTemplates = requestTemplates
        self.responses = responses
        self.requestModels = requestModels
        self.responseModels = responseModels
        self.validator = validator
        self.planKey = planKey
        self.settingsKey = settingsKey
        self.requiredParameters = requiredParameters
        self.cacheKeyParameters = cacheKeyParameters
        self.stageMethodBucket = HashedName(stageMethodBucket)
        self.stageBucket = HashedName(stageBucket)
        self.setting = setting
        cacheKeyBase = HashedName(cacheKeyPrefix + cacheKeyParameters.map(\.key).joined(separator: "|"))
        self.lambdaTarget = lambdaTarget
    }

    /// `method.request.path.ID` → (`path`, `ID`).
    static func split(_ key: String) -> ParameterReference? {
        let parts = key.split(separator: ".", maxSplits: 3).map(String.init)
        guard parts.count == 4, parts[0] == "method", parts[1] == "request" else { return nil }
        return ParameterReference(location: ParameterReference.Location(parts[2]), name: parts[3], key: key)
    }

    /// The Lambda function (`ItemsFunction:prod`) the URI names once the stage's variables are
    /// substituted; nil when it names none.
    let lambdaTarget: String?

    /// Resolves `…:function:NAME[:QUALIFIER]/invocations` with `${stageVariables.x}` substituted.
    static func lambdaTarget(uri: String, variables: [(String, String)]) -> String? {
        var resolved = uri
        for (name, value) in variables { resolved = resolved.replacingAll("${stageVariables.\(name)}", with: value) }
        guard let functionStart = resolved.range(of: ":function:"), let end = resolved.range(of: "/invocations") else { return nil }
        let target = String(resolved[functionStart.upperBound..<end.lowerBound])
        guard !target.contains("${"), !target.hasSuffix(":"), !target.isEmpty else { return nil }
        return target
    }
}

struct CompiledIntegrationResponse: Sendable {
    let definition: IntegrationResponse
    let pattern: ECMARegex?
    let templates: [String: MappingTemplate]
    /// Templates in document order (the first is the fallback).
    let templateOrder: [String]
    /// `method.response.header.NAME` mappings as (NAME, source expression, the value when the
    /// source is a static `'literal'`).
    let headerMappings: [(name: String, source: String, literal: String?)]
    /// Whether the selection pattern matches the empty selector (a successful Lambda call).
    let matchesEmptySelector: Bool

    init(definition: IntegrationResponse, pattern: ECMARegex?, templates: [String: MappingTemplate], templateOrder: [String]) {
        self.definition = definition
        self.pattern = pattern
        self.templates = templates
        self.templateOrder = templateOrder
        headerMappings = definition.responseParameters.compactMap { target, source in
            guard target.hasPrefix("method.response.header.") else { return nil }
            let literal = source.count >= 2 && source.hasPrefix("'") && source.hasSuffix("'") ? String(source.dropFirst().dropLast()) : nil
            return (String(target.dropFirst("method.response.header.".count)), source, literal)
        }
        matchesEmptySelector = pattern?.matches("") ?? false
    }
}

/// A stage's deployment: the API snapshot it serves, compiled.
package final class StageDeployment: Sendable {
    package let stage: StageConfiguration
    package let api: RestAPI
    let router: ResourceRouter
    /// Each resource's methods by HTTP method (a short list: scanned, no hashing).
    let methods: [[(httpMethod: String, method: CompiledMethod)]]
    /// The API's authorizers by name, with their functions resolved for this stage.
    let authorizers: [String: CompiledAuthorizer]
    /// The API's resource policy, read.
    let resourcePolicy: AccessPolicy?

    /// The resource policy's conditions that have no local meaning (a start warning each:
    /// never true for an Allow, always for a Deny).
    package var unsupportedPolicyConditions: [String] { resourcePolicy?.unsupportedConditions ?? [] }

    /// Every method that calls a Lambda function: the function's name (without a qualifier),
    /// the method and path, and where the integration is in the definition.
    /// An authorizer's call is listed as method `AUTHORIZER` with the authorizer's name as path.
    package var lambdaCalls: [(function: String, method: String, path: String, pointer: JSONPointer)] {
        func name(_ target: String) -> String { target.split(separator: ":", maxSplits: 1).first.map(String.init) ?? target }
        let integrations = methods.flatMap { table in
            table.compactMap { entry in
                entry.method.lambdaTarget.map { target in
                    (name(target), entry.httpMethod, entry.method.resource.path, entry.method.method.pointer.appending("x-amazon-apigateway-integration").appending("uri"))
                }
            }
        }
        let authorizerCalls = authorizers.values.sorted { $0.definition.name < $1.definition.name }.compactMap { authorizer in
            authorizer.lambdaTarget.map { (name($0), "AUTHORIZER", authorizer.definition.name, authorizer.definition.pointer.appending("authorizerUri")) }
        }
        return integrations + authorizerCalls
    }

    package init(stage: StageConfiguration, api: RestAPI, registry: SchemaRegistry, apiId: String) throws(GatewayLoadError) {
        self.stage = stage
        self.api = api
        router = ResourceRouter(api.resources)
        var compiler = SchemaCompiler(registry: registry)
        func model(_ name: String, at pointer: JSONPointer) throws(GatewayLoadError) -> CompiledSchema {
            do {
                // A model of the API, or (a URI) a schema in a model file the body's `$ref` names.
                if name.contains("://") { return try compiler.compile(uri: name) }
                return try compiler.compile(uri: api.documentURI + "#/components/schemas/" + JSONPointer.escape(name))
            } catch {
                throw .definition(APIDefinitionError(file: api.file, pointer: pointer, message: "model \(name): \(error.description)"))
            }
        }
        func template(_ source: String, at pointer: JSONPointer) throws(GatewayLoadError) -> MappingTemplate {
            do {
                return try MappingTemplate(source)
            } catch {
                throw .definition(APIDefinitionError(file: api.file, pointer: pointer, message: "mapping template: \(error.description)"))
            }
        }
        var authorizers: [String: CompiledAuthorizer] = [:]
        for (name, definition) in api.authorizers {
            var pattern: ECMARegex?
            if let expression = definition.identityValidationExpression {
                do {
                    pattern = try ECMARegex("^(?:" + expression + ")$")
                } catch {
                    throw .definition(
                        APIDefinitionError(
                            file: api.file, pointer: definition.pointer.appending("identityValidationExpression"),
                            message: "identityValidationExpression: \(error.reason)"))
                }
            }
            let target = CompiledMethod.lambdaTarget(uri: definition.uri, variables: stage.variables)
            var pools: [CognitoPool] = []
            for (index, arn) in definition.providerARNs.enumerated() {
                guard let pool = CognitoPool(arn: arn) else {
                    throw .definition(
                        APIDefinitionError(
                            file: api.file, pointer: definition.pointer.appending("providerARNs").appending(String(index)),
                            message: "\(arn) is not a Cognito user pool's ARN (arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID)"))
                }
                pools.append(pool)
            }
            let scope = [apiId + "/" + stage.name, name, target ?? ""].joined(separator: "\u{0}")
            authorizers[name] = CompiledAuthorizer(
                definition: definition, lambdaTarget: target, pattern: pattern, sources: definition.identitySource.compactMap(IdentitySource.init),
                cacheScope: scope, cacheScopeHash: scope.hashValue, pools: pools)
        }
        self.authorizers = authorizers
        if let document = api.resourcePolicy {
            do {
                resourcePolicy = try AccessPolicy(document: document)
            } catch {
                throw .definition(
                    APIDefinitionError(file: api.file, pointer: JSONPointer(tokens: ["x-amazon-apigateway-policy"]), message: "resource policy: \(error.reason)"))
            }
        } else {
            resourcePolicy = nil
        }
        var methods: [[(httpMethod: String, method: CompiledMethod)]] = []
        for resource in api.resources {
            var compiled: [String: CompiledMethod] = [:]
            for (httpMethod, method) in resource.methods {
                let integrationPointer = method.pointer.appending("x-amazon-apigateway-integration")
                var requestTemplates: [String: MappingTemplate] = [:]
                for (mime, source) in method.integration.requestTemplates {
                    requestTemplates[mime] = try template(source, at: integrationPointer.appending("requestTemplates").appending(mime))
                }
                var responses: [CompiledIntegrationResponse] = []
                for response in method.integration.responses {
                    let key = response.selectionPattern ?? "default"
                    let responsePointer = integrationPointer.appending("responses").appending(key)
                    var pattern: ECMARegex? = nil
                    if let source = response.selectionPattern {
                        do {
                            pattern = try ECMARegex("^(?:" + source + ")$")
                        } catch {
                            throw .definition(APIDefinitionError(file: api.file, pointer: responsePointer, message: "selection pattern: \(error.reason)"))
                        }
                    }
                    var templates: [String: MappingTemplate] = [:]
                    for (mime, source) in response.responseTemplates {
                        templates[mime] = try template(source, at: responsePointer.appending("responseTemplates").appending(mime))
                    }
                    responses.append(
                        CompiledIntegrationResponse(definition: response, pattern: pattern, templates: templates, templateOrder: response.responseTemplates.keys.sorted()))
                }
                var requestModels: [String: CompiledSchema] = [:]
                for (contentType, name) in method.requestModels {
                    requestModels[contentType] = try model(name, at: method.pointer.appending("requestBody"))
                }
                var responseModels: [Int: CompiledSchema] = [:]
                for (status, byType) in method.responseModels {
                    if let name = byType["application/json"], name != "Empty" {
                        responseModels[status] = try model(name, at: method.pointer.appending("responses").appending(String(status)))
                    }
                }
                let validatorName = method.requestValidator ?? api.defaultValidator
                let pathKey = resource.path == "/" ? "" : String(resource.path.dropFirst())
                compiled[httpMethod] = CompiledMethod(
                    resource: resource, method: method, requestTemplates: requestTemplates, responses: responses, requestModels: requestModels,
                    responseModels: responseModels, validator: validatorName.flatMap { api.requestValidators[$0] },
                    planKey: resource.path + "/" + httpMethod, settingsKey: pathKey + "/" + httpMethod,
                    requiredParameters: method.requestParameters.filter(\.1).compactMap { CompiledMethod.split($0.0) },
                    cacheKeyParameters: method.integration.cacheKeyParameters.compactMap(CompiledMethod.split),
                    cacheKeyPrefix: (method.integration.cacheNamespace ?? resource.path) + "|",
                    stageMethodBucket: "stage/\(stage.name)/\(pathKey)/\(httpMethod)", stageBucket: "stage/\(stage.name)",
                    lambdaTarget: CompiledMethod.lambdaTarget(uri: method.integration.uri, variables: stage.variables),
                    setting: stage.methodSettings[pathKey + "/" + httpMethod] ?? stage.methodSettings["*/*"],
                    authorizer: method.authorization.authorizerName.flatMap { authorizers[$0] })
            }
            methods.append(compiled.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        }
        self.methods = methods
    }

    /// The method for the path's segments from `position` on and `httpMethod`, with the path
    /// parameters (an explicit method beats ANY).
    func route(_ path: PathBytes, from position: Int, httpMethod: String) -> (CompiledMethod, [(String, String)])? {
        guard let (index, parameters) = router.route(path, from: position) else { return nil }
        let table = methods[index]
        guard let method = (table.first { $0.httpMethod == httpMethod } ?? table.first { $0.httpMethod == "ANY" })?.method else { return nil }
        return (method, parameters)
    }

    /// Method settings for a method (its own, then `*/*`).
    func setting(for method: CompiledMethod) -> MethodSetting? { method.setting }
}

/// An authorizer as a stage calls it: its function resolved with the stage's variables and its
/// `identityValidationExpression` compiled (a whole-token match).
/// A class: every request of a method with an authorizer hands it on, and one reference costs
/// one retain where a struct of strings and lists cost one per field.
final class CompiledAuthorizer: Sendable {
    let definition: AuthorizerDefinition
    /// The function (`Auth:live`); nil when the URI names none.
    let lambdaTarget: String?
    let pattern: ECMARegex?
    /// `identitySource`, read once.
    let sources: [IdentitySource]
    /// What every cache key of this authorizer starts with: API and stage, name, function.
    let cacheScope: String
    /// `cacheScope`'s hash, made once.
    let cacheScopeHash: Int
    /// A Cognito authorizer's user pools (`providerARNs`).
    let pools: [CognitoPool]

    init(
        definition: AuthorizerDefinition, lambdaTarget: String?, pattern: ECMARegex?, sources: [IdentitySource], cacheScope: String, cacheScopeHash: Int,
        pools: [CognitoPool]
    ) {
        self.definition = definition
        self.lambdaTarget = lambdaTarget
        self.pattern = pattern
        self.sources = sources
        self.cacheScope = cacheScope
        self.cacheScopeHash = cacheScopeHash
        self.pools = pools
    }
}

/// One entry of an authorizer's `identitySource`.
enum IdentitySource: Sendable, Equatable {
    case header(String)
    case query(String)
    case stageVariable(String)
    case context(String)

    /// `method.request.header.X`, `method.request.querystring.X`, `stageVariables.X`, `context.X`.
    init?(_ text: String) {
        for (prefix, make) in [
            ("method.request.header.", IdentitySource.header), ("method.request.querystring.", IdentitySource.query),
            ("stageVariables.", IdentitySource.stageVariable), ("context.", IdentitySource.context),
        ] where text.hasPrefix(prefix) {
            self = make(String(text.dropFirst(prefix.count)))
            return
        }
        return nil
    }
}

/// A problem loading the gateway: a definition error, an unreadable file, or bad state.
public enum GatewayLoadError: Error, Sendable, CustomStringConvertible {
    /// A definition or deployment file error (file and pointer).
    case definition(APIDefinitionError)
    /// Something else, with a message naming the file.
    case other(String)

    /// A readable message.
    public var description: String {
        switch self {
        case .definition(let error): return error.description
        case .other(let message): return message
        }
    }
}
