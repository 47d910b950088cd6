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
            guard let properties = try intrinsics.resolve(api.properties, at: tokens) else { continue }
            for member in properties.objectValue ?? JSONObject() where !TemplateTransform.apiProperties.contains(member.key) {
                notEmulated.append((tokens + [member.key]).joined(separator: "/"))
            }
            let isCloudFormation = source.document["Resources"]?[logicalId]?["Type"]?.stringValue == "AWS::ApiGateway::RestApi"
            var stageNames: [String]
            if api.implicit {
                stageNames = properties["OpenApiVersion"] == nil ? ["Prod", "Stage"] : ["Prod"]
            } else if isCloudFormation {
                stageNames = cloudFormationStages(of: logicalId)
                if stageNames.isEmpty { warnings.append("\(logicalId): no AWS::ApiGateway::Stage or Deployment with a StageName refers to it; it is not served") }
            } else {
                guard case .string(let stageName)? = properties["StageName"] else {
                    throw source.error(tokens + ["StageName"], "Resource with id [\(logicalId)] is invalid. Missing required property 'StageName'.")
                }
                stageNames = properties["OpenApiVersion"] == nil ? [stageName, "Stage"] : [stageName]
                if stageName == "Stage" { stageNames = ["Stage"] }
            }
            var definition = try body(of: properties, at: tokens)
            try addRoutes(api, properties: properties, to: &definition)
            if let cors = properties["Cors"] {
                // The translator puts the API's ApiKeyRequired on the preflight too, unless told not to.
                let keyed = properties["Auth"]?["ApiKeyRequired"]?.boolValue == true && properties["Auth"]?["AddApiKeyRequiredToCorsPreflight"]?.boolValue != false
                addCors(cors, to: &definition, apiKeyRequired: keyed)
            }
            if let types = properties["BinaryMediaTypes"]?.arrayValue {
                definition["x-amazon-apigateway-binary-media-types"] = .array(types.map { .string($0.plainText.replacingOccurrences(of: "~1", with: "/")) })
            }
            if definition["info"] == nil { definition["info"] = ["title": .string(transform.stackName), "version": "1.0"] }
            let file = logicalId + ".json"
            definitions[file] = .object(definition)
            if apiId.isEmpty { apiId = intrinsics.references[logicalId] ?? StableIdentifier.make("api:" + logicalId, length: 10) }
            let stage = stageSettings(properties, definition: file)
            for name in stageNames {
                if let owner = stageOwners[name]?.first, name != "Stage" {
                    throw source.error(
                        tokens, "\(logicalId) and \(owner.api) both have a stage named \(name); several APIs are served side by side only when their stage names differ")
                }
                stageOwners[name, default: []].append((logicalId, tokens, definition, stage))
                stages[name] = stage
            }
            // The plan covers the API's named stage (the translator's ApiStages), not `Stage`.
            usagePlan(properties["Auth"]?["UsagePlan"], api: logicalId, stages: Array(stageNames.prefix(1)), at: tokens + ["Auth", "UsagePlan"])
        }
        // Several APIs' `Stage` stages: served as one stage holding every API's routes (on AWS
        // each API has its own host; a route two of them share is an error here).
        if let shared = stageOwners["Stage"], shared.count > 1 {
            var merged = shared[0].definition
            var paths = merged["paths"]?.objectValue ?? JSONObject()
            for other in shared.dropFirst() {
                for path in other.definition["paths"]?.objectValue ?? JSONObject() {
                    var item = paths[path.key]?.objectValue ?? JSONObject()
                    for operation in path.value.objectValue ?? JSONObject() {
                        if item[operation.key] != nil, !operation.key.hasPrefix("x-") || operation.key == "x-amazon-apigateway-any-method" {
                            throw source.error(
                                other.tokens, "\(other.api) and \(shared[0].api) both route \(operation.key.uppercased()) \(path.key) at their Stage stage, which is served as one here")
                        }
                        item[operation.key] = operation.value
                    }
                    paths[path.key] = .object(item)
                }
                for member in ["securityDefinitions", "x-amazon-apigateway-binary-media-types"] where merged[member] == nil { merged[member] = other.definition[member] }
                if merged["components"] == nil { merged["components"] = other.definition["components"] }
            }
            merged["paths"] = .object(paths)
            definitions["Stage.json"] = .object(merged)
            if case .object(var stage) = shared[0].stage {
                stage["definition"] = "Stage.json"
                stages["Stage"] = .object(stage)
            }
            warnings.append(
                "the APIs \(shared.map(\.api).joined(separator: ", ")) each have a Stage stage: it is served once, with all their routes (on AWS each is on its own host)")
        }
        let served = Set(stageOwners.values.flatMap { $0.map(\.api) })
        if served.count > 1 {
            warnings.append("the template has \(served.count) APIs (\(apiOrder.joined(separator: ", "))): their stages are served side by side under one API id")
        }
    }

    /// The stage names of a CloudFormation RestApi: its `AWS::ApiGateway::Stage`s and the
    /// `StageName` of its `AWS::ApiGateway::Deployment`s.
    func cloudFormationStages(of logicalId: String) -> [String] {
        var names: [String] = []
        for member in source.document["Resources"]?.objectValue ?? JSONObject() {
            let type = member.value["Type"]?.stringValue
            guard type == "AWS::ApiGateway::Stage" || type == "AWS::ApiGateway::Deployment",
                member.value["Properties"]?["RestApiId"]?["Ref"]?.stringValue == logicalId,
                let name = try? intrinsics.resolve(member.value["Properties"]?["StageName"] ?? .null, at: ["Resources", member.key, "Properties", "StageName"])?.stringValue
            else { continue }
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// The definition an API starts from: `DefinitionBody` / `Body`, `DefinitionUri` (a local
    /// file), or an empty Swagger 2.0 document.
    func body(of properties: JSONValue, at tokens: [String]) throws(TemplateError) -> JSONObject {
        if let body = properties["DefinitionBody"] ?? properties["Body"] {
            guard case .object(let object) = body else { throw source.error(tokens + ["DefinitionBody"], "DefinitionBody is an OpenAPI document (a mapping)") }
            return object
        }
        if let uri = properties["DefinitionUri"] {
            guard case .string(let path) = uri, !path.hasPrefix("s3://") else {
                throw source.error(tokens + ["DefinitionUri"], "DefinitionUri in S3 cannot be read locally; give a local file")
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
        let defaultKeyRequired = properties["Auth"]?["ApiKeyRequired"]?.boolValue ?? false
        var usesKeys = false
        for route in api.routes {
            let methodKey = route.method == "any" ? "x-amazon-apigateway-any-method" : route.method
            var item = paths[route.path]?.objectValue ?? JSONObject()
            if item[methodKey] != nil { continue }
            let target = route.function + (aliases[route.function].map { ":" + $0 } ?? "")
            let uri = "arn:aws:apigateway:\(transform.region):lambda:path/2015-03-31/functions/arn:aws:lambda:\(transform.region):\(transform.accountId):function:\(target)/invocations"
            var operation = JSONObject.of([
                "x-amazon-apigateway-integration": ["type": "aws_proxy", "httpMethod": "POST", "uri": .string(uri)], "responses": .object(JSONObject()),
            ])
            let parameters = route.path.split(separator: "/").compactMap { segment -> JSONValue? in
                guard segment.hasPrefix("{"), segment.hasSuffix("}") else { return nil }
                let name = segment.dropFirst().dropLast()
                return name.hasSuffix("+") ? nil : ["name": .string(String(name)), "in": "path", "required": true, "type": "string"]
            }
            if !parameters.isEmpty, definition["swagger"] != nil { operation["parameters"] = .array(parameters) }
            if route.apiKeyRequired ?? defaultKeyRequired {
                operation["security"] = [["api_key": []]]
                usesKeys = true
            }
            item[methodKey] = .object(operation)
            paths[route.path] = .object(item)
        }
        definition["paths"] = .object(paths)
        if usesKeys {
            let scheme: JSONValue = ["type": "apiKey", "name": "x-api-key", "in": "header"]
            if definition["openapi"] != nil {
                var components = definition["components"]?.objectValue ?? JSONObject()
                var schemes = components["securitySchemes"]?.objectValue ?? JSONObject()
                schemes["api_key"] = scheme
                components["securitySchemes"] = .object(schemes)
                definition["components"] = .object(components)
            } else {
                var schemes = definition["securityDefinitions"]?.objectValue ?? JSONObject()
                schemes["api_key"] = scheme
                definition["securityDefinitions"] = .object(schemes)
            }
        }
    }

    /// `Cors`: an `OPTIONS` MOCK method on every path that has none, answering the
    /// `Access-Control-Allow-*` headers (values as written: quoted strings, `"'*'"`).
    func addCors(_ cors: JSONValue, to definition: inout JSONObject, apiKeyRequired: Bool) {
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
            var preflight = JSONObject.of([
                "summary": "CORS support", "consumes": ["application/json"], "produces": ["application/json"],
                "responses": ["200": ["description": "Default response for CORS method", "headers": .object(responseHeaders)]],
                "x-amazon-apigateway-integration": [
                    "type": "mock", "requestTemplates": ["application/json": "{\n  \"statusCode\" : 200\n}\n"],
                    "responses": ["default": ["statusCode": "200", "responseParameters": .object(responseParameters), "responseTemplates": ["application/json": "{}\n"]]],
                ],
            ])
            if apiKeyRequired { preflight["security"] = [["api_key": []]] }
            item["options"] = .object(preflight)
            paths[member.key] = .object(item)
        }
        definition["paths"] = .object(paths)
    }

    /// A stage of the deployment: the definition, `Variables`, the cache.
    func stageSettings(_ properties: JSONValue, definition: String) -> JSONValue {
        var stage = JSONObject.of(["definition": .string(definition)])
        if let variables = properties["Variables"]?.objectValue {
            var values = JSONObject()
            for variable in variables { values[variable.key] = .string(variable.value.plainText) }
            stage["variables"] = .object(values)
        }
        if properties["CacheClusterEnabled"]?.plainText == "true" {
            var cache = JSONObject.of(["enabled": true])
            if let size = properties["CacheClusterSize"].flatMap({ Double($0.plainText) }) { cache["clusterSizeGB"] = .number(JSONNumber(size) ?? JSONNumber(0)) }
            stage["cache"] = .object(cache)
        }
        return .object(stage)
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
        if let quota = value["Quota"], let limit = quota["Limit"].flatMap({ Int($0.plainText) }), let period = quota["Period"]?.stringValue {
            definition["quota"] = ["limit": .number(JSONNumber(limit)), "period": .string(period)]
        }
        if let throttle = value["Throttle"], let rate = throttle["RateLimit"].flatMap({ Double($0.plainText) }),
            let burst = throttle["BurstLimit"].flatMap({ Int($0.plainText) })
        {
            definition["throttle"] = ["rateLimit": .number(JSONNumber(rate) ?? JSONNumber(0)), "burstLimit": .number(JSONNumber(burst))]
        }
        usagePlans[plan] = .object(definition)
        apiKeys[key] = ["enabled": true, "usagePlans": [.string(plan)]]
    }
}
