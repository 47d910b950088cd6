import APIModel
import ECMARegex
import JSONCore
import JSONSchema
import MappingTemplates

/// Matches request paths to resources: static parts beat `{param}`, which beats `{proxy+}`;
/// trailing slashes and empty segments are ignored for matching.
struct ResourceRouter: Sendable {
    struct Node: Sendable {
        var literals: [String: Int] = [:]
        var parameter: (name: String, node: Int)?
        var greedy: (name: String, resource: Int)?
        var resource: Int?
    }

    private(set) var nodes: [Node] = [Node()]

    init(_ resources: [Resource]) {
        for (index, resource) in resources.enumerated() {
            var current = 0
            for part in resource.parts {
                switch part {
                case .literal(let text):
                    if let next = nodes[current].literals[text] {
                        current = next
                    } else {
                        nodes.append(Node())
                        nodes[current].literals[text] = nodes.count - 1
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
    }

    /// The resource and path parameters for `segments`, or nil.
    func route(_ segments: [Substring]) -> (Int, [(String, String)])? {
        var parameters: [(String, String)] = []
        guard let resource = match(node: 0, segments[...], &parameters) else { return nil }
        return (resource, parameters)
    }

    private func match(node index: Int, _ rest: ArraySlice<Substring>, _ parameters: inout [(String, String)]) -> Int? {
        guard let first = rest.first else { return nodes[index].resource }
        if let next = nodes[index].literals[String(first)], let found = match(node: next, rest.dropFirst(), &parameters) { return found }
        if let (name, next) = nodes[index].parameter {
            parameters.append((name, String(first)))
            if let found = match(node: next, rest.dropFirst(), &parameters) { return found }
            parameters.removeLast()
        }
        if let (name, resource) = nodes[index].greedy {
            parameters.append((name, rest.joined(separator: "/")))
            return resource
        }
        return nil
    }
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
    let requiredParameters: [(location: String, name: String, key: String)]
    /// Cache-key parameters, split once.
    let cacheKeyParameters: [(location: String, name: String, key: String)]
    /// `namespace|` for cache keys.
    let cacheKeyPrefix: String
    /// Throttle bucket names for the stage (method-level and stage-level).
    let stageMethodBucket: String
    let stageBucket: String
    /// The stage's method settings for this method (its own, then `*/*`), resolved once.
    let setting: MethodSetting?

    init(
        resource: Resource, method: Method, requestTemplates: [String: MappingTemplate], responses: [CompiledIntegrationResponse], requestModels: [String: CompiledSchema], responseModels: [Int: CompiledSchema], validator: RequestValidator?, planKey: String, settingsKey: String, requiredParameters: [(location: String, name: String, key: String)], cacheKeyParameters: [(location: String, name: String, key: String)], cacheKeyPrefix: String, stageMethodBucket: String, stageBucket: String, lambdaTarget: String?, setting: MethodSetting?
    ) {
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
        self.cacheKeyPrefix = cacheKeyPrefix
        self.stageMethodBucket = stageMethodBucket
        self.stageBucket = stageBucket
        self.setting = setting
        self.lambdaTarget = lambdaTarget
    }

    /// `method.request.path.ID` → (`path`, `ID`).
    static func split(_ key: String) -> (location: String, name: String, key: String)? {
        let parts = key.split(separator: ".", maxSplits: 3).map(String.init)
        guard parts.count == 4, parts[0] == "method", parts[1] == "request" else { return nil }
        return (parts[2], parts[3], key)
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
final class StageDeployment: Sendable {
    let stage: StageConfiguration
    let api: RestAPI
    let router: ResourceRouter
    /// Methods by resource index and HTTP method.
    let methods: [[String: CompiledMethod]]

    init(stage: StageConfiguration, api: RestAPI, registry: SchemaRegistry, apiId: String) throws(GatewayLoadError) {
        self.stage = stage
        self.api = api
        router = ResourceRouter(api.resources)
        var compiler = SchemaCompiler(registry: registry)
        func model(_ name: String, at pointer: JSONPointer) throws(GatewayLoadError) -> CompiledSchema {
            do {
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
        var methods: [[String: CompiledMethod]] = []
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
                    setting: stage.methodSettings[pathKey + "/" + httpMethod] ?? stage.methodSettings["*/*"])
            }
            methods.append(compiled)
        }
        self.methods = methods
    }

    /// The method for `segments` and `httpMethod` (an explicit method beats ANY).
    func route(_ segments: [Substring], httpMethod: String) -> (CompiledMethod, [(String, String)])? {
        guard let (index, parameters) = router.route(segments) else { return nil }
        guard let method = methods[index][httpMethod] ?? methods[index]["ANY"] else { return nil }
        return (method, parameters)
    }

    /// Method settings for a method (its own, then `*/*`).
    func setting(for method: CompiledMethod) -> MethodSetting? { method.setting }
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
