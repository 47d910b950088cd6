import Foundation
import JSONCore
import TextAndFiles

/// The APIs of a template as stages of the deployment: each API's definition (its body, or a
/// Swagger 2.0 document made from its events, as the translator makes it), its stages (the
/// named one, and `Stage` unless `OpenApiVersion` is set), its stage settings, usage plans and
/// API keys.
extension ProjectBuilder {
    mutating func assembleAPIs() throws(TemplateError) {
        // Each stage name's APIs, in order: one API per stage name, except the legacy `Stage`
        // stage every API without OpenApiVersion has (merged below).
        var stageOwners: [String: [(api: String, tokens: [String], definition: JSONObject, stage: JSONValue)]] = [:]
        for logicalId in apiOrder {
            guard let api = apis[logicalId] else { continue }
            let tokens = api.implicit ? ["Globals", "Api"] : ["Resources", logicalId, "Properties"]
            let isCloudFormation = source.document["Resources"]?[logicalId]?["Type"]?.stringValue == "AWS::ApiGateway::RestApi"
            if !isCloudFormation { try checkSAMApi(logicalId, api.properties, implicit: api.implicit, at: tokens) }
            let properties = try resolveEmulated(api.properties, keeping: TemplateTransform.apiProperties, at: tokens)
            var stageNames: [String]
            if api.implicit {
                stageNames = properties["OpenApiVersion"] == nil ? ["Prod", "Stage"] : ["Prod"]
            } else if isCloudFormation {
                stageNames = try cloudFormation.stages(of: logicalId)
                if stageNames.isEmpty { warnings.append("\(logicalId): no AWS::ApiGateway::Stage or Deployment with a StageName refers to it; it is not served") }
            } else {
                guard case .string(let stageName)? = properties["StageName"] else {
                    throw source.error(tokens + ["StageName"], "Resource with id [\(logicalId)] is invalid. Missing required property 'StageName'.")
                }
                stageNames = properties["OpenApiVersion"] == nil ? [stageName, "Stage"] : [stageName]
                if stageName == "Stage" { stageNames = ["Stage"] }
            }
            var definition = try body(of: properties, at: tokens)
            if isCloudFormation, properties["Body"] == nil {
                // Built from AWS::ApiGateway::Resource and Method resources (cdk synth, the Serverless Framework).
                let paths = try cloudFormation.paths(of: logicalId)
                definition["paths"] = .object(paths)
                DefinitionPieces.addSchemes(try cloudFormation.securitySchemes(of: logicalId, paths: paths), to: &definition)
                if let name = properties["Name"]?.stringValue { definition["info"] = ["title": .string(name), "version": "1.0"] }
            }
            try addRoutes(api, properties: properties, to: &definition)
            if let cors = properties["Cors"] { addCors(cors, to: &definition) }
            if !isCloudFormation {
                try applyAuthorizers(api, properties: properties, at: tokens, to: &definition)
                try applyResourcePolicy(api, properties: properties, stage: stageNames.first ?? "", at: tokens, to: &definition)
            } else if let policy = properties["Policy"] {
                // CloudFormation's `Policy`: the document, or its JSON text.
                definition["x-amazon-apigateway-policy"] = policy
            }
            applyAPIKeys(properties, to: &definition)
            if properties["BinaryMediaTypes"] != nil {
                let types = try source.elements(properties["BinaryMediaTypes"], at: tokens + ["BinaryMediaTypes"])
                definition["x-amazon-apigateway-binary-media-types"] = .array(types.map { .string($0.plainText.replacingOccurrences(of: "~1", with: "/")) })
            }
            if let responses = properties["GatewayResponses"] {
                definition["x-amazon-apigateway-gateway-responses"] = try gatewayResponses(responses, at: tokens + ["GatewayResponses"])
            }
            if definition["info"] == nil { definition["info"] = ["title": .string(transform.stackName), "version": "1.0"] }
            let file = logicalId + ".json"
            definitions[file] = .object(definition)
            if apiId.isEmpty { apiId = intrinsics.references[logicalId] ?? StableIdentifier.make("api:" + logicalId, length: 10) }
            let stage = DefinitionPieces.stageSettings(properties, definition: file)
            for name in stageNames {
                // A CloudFormation Stage resource carries its own settings.
                let stage = isCloudFormation ? try cloudFormation.stageSettings(of: logicalId, stage: name, definition: file) : stage
                stageOwners[name, default: []].append((logicalId, tokens, definition, stage))
                if stageOwners[name]!.count == 1 { stages[name] = stage }
            }
            // The plan covers the API's named stage (the translator's ApiStages), not `Stage`.
            usagePlan(properties["Auth"]?["UsagePlan"], api: logicalId, stages: Array(stageNames.prefix(1)), at: tokens + ["Auth", "UsagePlan"])
        }
        // Several APIs with a stage of the same name (the legacy `Stage` stage every API
        // without OpenApiVersion has, or `Prod` twice): served as one stage holding every
        // API's routes, with the first API's settings (on AWS each API has its own host; a
        // route two of them share is an error here until APIs are told apart by host).
        for (name, owners) in stageOwners.sorted(by: { $0.key < $1.key }) where owners.count > 1 {
            var merged = owners[0].definition
            var paths = merged["paths"]?.objectValue ?? JSONObject()
            for other in owners.dropFirst() {
                for path in other.definition["paths"]?.objectValue ?? JSONObject() {
                    var item = paths[path.key]?.objectValue ?? JSONObject()
                    for operation in path.value.objectValue ?? JSONObject() {
                        let isMethod = !operation.key.hasPrefix("x-") || operation.key == "x-amazon-apigateway-any-method"
                        if item[operation.key] != nil, isMethod, operation.key != "parameters" {
                            warnings.append(
                                "\(other.api) and \(owners[0].api) both route \(operation.key.uppercased()) \(path.key) at their \(name) stage, which is served as one here: \(owners[0].api)'s answers")
                            continue
                        }
                        item[operation.key] = operation.value
                    }
                    paths[path.key] = .object(item)
                }
                // Security schemes, models and media types member by member (the first API's
                // wins a name both define differently, with a warning).
                func mergeMembers(_ from: JSONValue?, into target: JSONValue?, at place: String) -> JSONValue? {
                    guard case .object(let incoming)? = from else { return target }
                    var result = target?.objectValue ?? JSONObject()
                    for member in incoming {
                        if let existing = result[member.key] {
                            if existing != member.value {
                                warnings.append(
                                    "\(other.api) and \(owners[0].api) both define \(place)/\(member.key) at their \(name) stage, which is served as one here: \(owners[0].api)'s is used")
                            }
                            continue
                        }
                        result[member.key] = member.value
                    }
                    return .object(result)
                }
                merged["securityDefinitions"] = mergeMembers(other.definition["securityDefinitions"], into: merged["securityDefinitions"], at: "securityDefinitions")
                if case .object(let components)? = other.definition["components"] {
                    var mergedComponents = merged["components"]?.objectValue ?? JSONObject()
                    for section in components {
                        mergedComponents[section.key] = mergeMembers(section.value, into: mergedComponents[section.key], at: "components/" + section.key)
                    }
                    merged["components"] = .object(mergedComponents)
                }
                if case .array(let types)? = other.definition["x-amazon-apigateway-binary-media-types"] {
                    let existing = merged["x-amazon-apigateway-binary-media-types"]?.arrayValue ?? []
                    merged["x-amazon-apigateway-binary-media-types"] = .array(existing + types.filter { !existing.contains($0) })
                }
            }
            merged["paths"] = .object(paths)
            let file = name + ".merged.json"
            definitions[file] = .object(merged)
            if case .object(var stage) = owners[0].stage {
                stage["definition"] = .string(file)
                stages[name] = .object(stage)
            }
            warnings.append(
                "the APIs \(owners.map(\.api).joined(separator: ", ")) each have a \(name) stage: it is served once, with all their routes (on AWS each is on its own host)")
        }
        let served = Set(stageOwners.values.flatMap { $0.map(\.api) })
        if served.count > 1 {
            warnings.append("the template has \(served.count) APIs (\(apiOrder.joined(separator: ", "))): their stages are served side by side under one API id")
        }
    }

    /// The definition an API starts from: `DefinitionBody` / `Body`, `DefinitionUri` (a local
    /// file), or an empty Swagger 2.0 document.
    mutating func body(of properties: JSONValue, at tokens: [String]) throws(TemplateError) -> JSONObject {
        if let body = properties["DefinitionBody"] ?? properties["Body"] {
            let member = properties["DefinitionBody"] != nil ? "DefinitionBody" : "Body"
            guard case .object(let object) = body else { throw source.error(tokens + [member], "\(member) is an OpenAPI document (a mapping)") }
            for path in object["paths"]?.objectValue ?? JSONObject() {
                guard case .object = path.value else {
                    throw source.error(tokens + [member, "paths", path.key], "Value of '\(path.key)' path must be a dictionary according to Swagger spec.")
                }
            }
            return object
        }
        if let uri = properties["DefinitionUri"] {
            guard case .string(let path) = uri, !path.hasPrefix("s3://") else {
                warnings.append(
                    "\((tokens + ["DefinitionUri"]).joined(separator: "/")): the definition is in S3, which cannot be fetched locally: the API is served without its routes (give a local file)")
                return JSONObject.of(["swagger": "2.0", "info": ["version": "1.0", "title": .string(transform.stackName)], "paths": .object(JSONObject())])
            }
            let file = path.hasPrefix("/") ? path : transform.baseDirectory + "/" + path
            readFiles.paths.append(file)
            guard let bytes = FileReader.read(path: file) else { throw source.error(tokens + ["DefinitionUri"], "cannot read \(file)") }
            let document: JSONValue
            do {
                document = try TemplateSource(file: file, bytes: bytes).document
            } catch {
                throw error
            }
            guard case .object(let object)? = try intrinsics.resolve(document, at: tokens + ["DefinitionUri"]) else {
                throw source.error(tokens + ["DefinitionUri"], "\(file) is not an OpenAPI document")
            }
            return object
        }
        return JSONObject.of(["swagger": "2.0", "info": ["version": "1.0", "title": .string(transform.stackName)], "paths": .object(JSONObject())])
    }

    /// Adds each event's route as the translator does: an `aws_proxy` POST integration calling
    /// the function (its alias with `AutoPublishAlias`), unless the body has that route.
    func addRoutes(_ api: APIBuild, properties: JSONValue, to definition: inout JSONObject) throws(TemplateError) {
        // A body the user wrote is served as written: the translator adds events' routes only
        // to a body it makes, or with MergeDefinitions.
        let ownBody = properties["DefinitionBody"] != nil || properties["DefinitionUri"] != nil || properties["Body"] != nil
        if ownBody && properties["MergeDefinitions"]?.boolValue != true { return }
        var paths = definition["paths"]?.objectValue ?? JSONObject()
        for route in api.routes {
            let methodKey = route.method == "any" ? "x-amazon-apigateway-any-method" : route.method
            var item = paths[route.path]?.objectValue ?? JSONObject()
            let event = route.tokens.count >= 2 ? route.tokens[route.tokens.count - 2] : ""
            if case .object(var existing)? = item[methodKey], ownBody {
                // MergeDefinitions: the event's integration goes into the body's method; what
                // the body says of it stays.
                existing["x-amazon-apigateway-integration"] = existing["x-amazon-apigateway-integration"] ?? .object(JSONObject.of([
                    "type": "aws_proxy", "httpMethod": "POST", "uri": .string(integrationURI(route.function)),
                ]))
                if existing["responses"] == nil { existing["responses"] = .object(JSONObject()) }
                if let required = route.apiKeyRequired, existing["security"] == nil { existing["security"] = required ? [["api_key": []]] : .array([]) }
                item[methodKey] = .object(existing)
                paths[route.path] = .object(item)
                continue
            }
            if item[methodKey] != nil {
                throw source.error(
                    route.tokens + ["Method"],
                    "Resource with id [\(route.tokens.count > 1 ? route.tokens[1] : "")] is invalid. Event with id [\(event)] is invalid. API method \"\(route.method)\" defined multiple times for path \"\(route.path)\".")
            }
            if route.apiKeyRequired == false, properties["Auth"]?["ApiKeyRequired"] == nil {
                throw source.error(
                    route.tokens + ["Auth", "ApiKeyRequired"],
                    "Event with id [\(event)] is invalid. Unable to set ApiKeyRequired [False] on API method [\(route.method)] for path [\(route.path)] because the related API does not specify any ApiKeyRequired.")
            }
            var operation = JSONObject.of([
                "x-amazon-apigateway-integration": ["type": "aws_proxy", "httpMethod": "POST", "uri": .string(integrationURI(route.function))],
                "responses": .object(JSONObject()),
            ])
            let parameters = route.path.split(separator: "/").compactMap { segment -> JSONValue? in
                guard segment.hasPrefix("{"), segment.hasSuffix("}") else { return nil }
                let name = segment.dropFirst().dropLast()
                return name.hasSuffix("+") ? nil : ["name": .string(String(name)), "in": "path", "required": true, "type": "string"]
            }
            if !parameters.isEmpty, definition["swagger"] != nil { operation["parameters"] = .array(parameters) }
            // The event's own setting; the API's default is applied to every method afterwards.
            if let required = route.apiKeyRequired { operation["security"] = required ? [["api_key": []]] : .array([]) }
            if let model = route.requestModel { try addRequestModel(model, of: route, event: event, api: properties, to: &operation, in: &definition) }
            item[methodKey] = .object(operation)
            paths[route.path] = .object(item)
        }
        definition["paths"] = .object(paths)
    }

    /// An event's `RequestModel` as the translator adds it: the API's model (from `Models`,
    /// named in lower case) as the body's schema, `Required`, and with `ValidateBody` /
    /// `ValidateParameters` a request validator (`body-only`, `params-only`,
    /// `body-and-params`), which the gateway enforces (400 `Invalid request body`).
    func addRequestModel(
        _ model: JSONValue, of route: APIBuild.Route, event: String, api: JSONValue, to operation: inout JSONObject, in definition: inout JSONObject
    ) throws(TemplateError) {
        let place = route.tokens + ["RequestModel"]
        guard case .string(let name)? = model["Model"] else { throw source.error(place + ["Model"], "Event with id [\(event)] is invalid. RequestModel needs a Model") }
        let lower = name.lowercased()
        let where_ = "on API method [\(route.method)] for path [\(route.path)]"
        guard case .object(let models)? = api["Models"] else {
            throw source.error(place, "Event with id [\(event)] is invalid. Unable to set RequestModel [\(name)] \(where_) because the related API does not contain valid Models.")
        }
        guard let schema = models[name] else {
            throw source.error(place, "Event with id [\(event)] is invalid. Unable to set RequestModel [\(name)] \(where_) because it wasn't defined in the API's Models.")
        }
        let required = model["Required"]?.boolValue
        if definition["openapi"] != nil {
            var body = JSONObject.of(["content": ["application/json": ["schema": ["$ref": .string("#/components/schemas/\(lower)")]]]])
            if let required { body["required"] = .bool(required) }
            operation["requestBody"] = .object(body)
            var components = definition["components"]?.objectValue ?? JSONObject()
            var schemas = components["schemas"]?.objectValue ?? JSONObject()
            schemas[lower] = schema
            components["schemas"] = .object(schemas)
            definition["components"] = .object(components)
        } else {
            var parameter = JSONObject.of(["in": "body", "name": .string(lower), "schema": ["$ref": .string("#/definitions/\(lower)")]])
            if let required { parameter["required"] = .bool(required) }
            operation["parameters"] = .array((operation["parameters"]?.arrayValue ?? []) + [.object(parameter)])
            var definitions = definition["definitions"]?.objectValue ?? JSONObject()
            definitions[lower] = schema
            definition["definitions"] = .object(definitions)
        }
        let validateBody = model["ValidateBody"], validateParameters = model["ValidateParameters"]
        guard validateBody != nil || validateParameters != nil else { return }
        guard validateBody.map({ $0.boolValue != nil }) ?? true, validateParameters.map({ $0.boolValue != nil }) ?? true else {
            throw source.error(
                place, "Event with id [\(event)] is invalid. Unable to set Validator to RequestModel [\(name)] \(where_) ValidateBody and ValidateParameters must be a boolean type, strings or intrinsics are not supported.")
        }
        let body = validateBody?.boolValue ?? false, parameters = validateParameters?.boolValue ?? false
        let validator = body && parameters ? "body-and-params" : body ? "body-only" : parameters ? "params-only" : "no-validation"
        var validators = definition["x-amazon-apigateway-request-validators"]?.objectValue ?? JSONObject()
        validators[validator] = ["validateRequestBody": .bool(body), "validateRequestParameters": .bool(parameters)]
        definition["x-amazon-apigateway-request-validators"] = .object(validators)
        operation["x-amazon-apigateway-request-validator"] = .string(validator)
    }

    /// The Lambda proxy integration URI calling `function` (its alias with `AutoPublishAlias`).
    func integrationURI(_ function: String) -> String {
        let target = function + (aliases[function].map { ":" + $0 } ?? "")
        return "arn:aws:apigateway:\(transform.region):lambda:path/2015-03-31/functions/arn:aws:lambda:\(transform.region):\(transform.accountId):function:\(target)/invocations"
    }

    /// `Auth.ApiKeyRequired` on every method of the definition (the body's too) that does not
    /// say otherwise, the CORS preflight included unless `AddApiKeyRequiredToCorsPreflight` is
    /// false; and the `api_key` scheme declared when any method needs it.
    func applyAPIKeys(_ properties: JSONValue, to definition: inout JSONObject) {
        let byDefault = properties["Auth"]?["ApiKeyRequired"]?.boolValue == true
        let preflight = properties["Auth"]?["AddApiKeyRequiredToCorsPreflight"]?.boolValue != false
        var paths = definition["paths"]?.objectValue ?? JSONObject()
        var used = false
        for path in paths {
            guard case .object(var item) = path.value else { continue }
            for operation in item where !operation.key.hasPrefix("x-") || operation.key == "x-amazon-apigateway-any-method" {
                guard operation.key != "parameters", case .object(var method) = operation.value else { continue }
                switch method["security"] {
                case .array(let requirements)? where requirements.contains(where: { $0["api_key"] != nil }):
                    used = true
                case .array(let requirements)? where !requirements.isEmpty && byDefault:
                    method["security"] = .array(requirements.map { requirement in
                        guard case .object(var object) = requirement else { return requirement }
                        object["api_key"] = .array([])
                        return .object(object)
                    })
                    used = true
                case nil where byDefault && (operation.key != "options" || preflight):
                    method["security"] = [["api_key": []]]
                    used = true
                default:
                    break
                }
                item[operation.key] = .object(method)
            }
            paths[path.key] = .object(item)
        }
        definition["paths"] = .object(paths)
        guard used else { return }
        DefinitionPieces.addSchemes(JSONObject.of(["api_key": ["type": "apiKey", "name": "x-api-key", "in": "header"]]), to: &definition)
    }

    /// `Cors`: an `OPTIONS` MOCK method on every path that has none, answering the
    /// `Access-Control-Allow-*` headers (values as written: quoted strings, `"'*'"`).
    func addCors(_ cors: JSONValue, to definition: inout JSONObject) {
        var headers: [(String, String)] = []
        if case .string(let origin) = cors {
            headers = [("Origin", origin)]
        } else {
            if let origin = cors["AllowOrigin"]?.stringValue { headers.append(("Origin", origin)) }
            if let methods = cors["AllowMethods"]?.stringValue { headers.append(("Methods", methods)) }
            if let allowed = cors["AllowHeaders"]?.stringValue { headers.append(("Headers", allowed)) }
            if let age = cors["MaxAge"] { headers.append(("Max-Age", age.plainText.hasPrefix("'") ? age.plainText : "'\(age.plainText)'")) }
            if cors["AllowCredentials"]?.boolValue == true { headers.append(("Credentials", "'true'")) }
        }
        var paths = definition["paths"]?.objectValue ?? JSONObject()
        for member in paths {
            guard case .object(var item) = member.value, item["options"] == nil else { continue }
            let methods = item.members.map(\.key).filter { !$0.hasPrefix("x-") && $0 != "parameters" }.map { $0 == "x-amazon-apigateway-any-method" ? "*" : $0.uppercased() }
            var responseParameters = JSONObject()
            var responseHeaders = JSONObject()
            for (name, value) in headers {
                responseParameters["method.response.header.Access-Control-Allow-\(name)"] = .string(value)
                responseHeaders["Access-Control-Allow-\(name)"] = ["type": "string"]
            }
            if !headers.contains(where: { $0.0 == "Methods" }) {
                let list = "'" + (methods + ["OPTIONS"]).joined(separator: ",") + "'"
                responseParameters["method.response.header.Access-Control-Allow-Methods"] = .string(list)
                responseHeaders["Access-Control-Allow-Methods"] = ["type": "string"]
            }
            let preflight = JSONObject.of([
                "summary": "CORS support", "consumes": ["application/json"], "produces": ["application/json"],
                "responses": ["200": ["description": "Default response for CORS method", "headers": .object(responseHeaders)]],
                "x-amazon-apigateway-integration": [
                    "type": "mock", "requestTemplates": ["application/json": "{\n  \"statusCode\" : 200\n}\n"],
                    "responses": ["default": ["statusCode": "200", "responseParameters": .object(responseParameters), "responseTemplates": ["application/json": "{}\n"]]],
                ],
            ])
            item["options"] = .object(preflight)
            paths[member.key] = .object(item)
        }
        definition["paths"] = .object(paths)
    }

    /// `Auth.UsagePlan`: `PER_API` makes `<Api>UsagePlan` and `<Api>ApiKey`; `SHARED` one
    /// `ServerlessUsagePlan` and `ServerlessApiKey` for every API that shares it; `NONE` nothing.
    mutating func usagePlan(_ value: JSONValue?, api: String, stages: [String], at tokens: [String]) {
        guard let value, let mode = value["CreateUsagePlan"]?.stringValue, mode != "NONE" else { return }
        let plan = mode == "SHARED" ? "ServerlessUsagePlan" : api + "UsagePlan"
        let key = mode == "SHARED" ? "ServerlessApiKey" : api + "ApiKey"
        var definition = usagePlans[plan]?.objectValue ?? JSONObject()
        let existing = definition["stages"]?.arrayValue ?? []
        definition["stages"] = .array(existing + stages.filter { stage in !existing.contains(.string(stage)) }.map(JSONValue.string))
        CloudFormationResources.addLimits(of: value, to: &definition)
        usagePlans[plan] = .object(definition)
        apiKeys[key] = ["enabled": true, "usagePlans": [.string(plan)]]
    }


}
