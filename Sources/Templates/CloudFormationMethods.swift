import JSONCore

/// A CloudFormation REST API built from `AWS::ApiGateway::Resource` and `AWS::ApiGateway::Method`
/// resources (as `cdk synth` and the Serverless Framework write them) instead of a `Body`: the
/// resource tree becomes the paths, each method an operation with its
/// `x-amazon-apigateway-integration` (type, HTTP method, URI, request templates, passthrough
/// behavior, integration responses), its API-key requirement, request parameters and method
/// responses.
extension ProjectBuilder {
    func cloudFormationPaths(of api: String) throws(TemplateError) -> JSONObject {
        let resources = source.document["Resources"]?.objectValue ?? JSONObject()
        // Each resource's path, from its parent (the API's root or another resource).
        var paths: [String: String] = [:]
        func path(of id: String, depth: Int = 0) throws(TemplateError) -> String {
            if let known = paths[id] { return known }
            let tokens = ["Resources", id, "Properties"]
            guard depth < 64, let resource = resources[id], resource["Type"]?.stringValue == "AWS::ApiGateway::Resource" else {
                throw source.error(tokens, "\(id) is not an AWS::ApiGateway::Resource of the template (or the resources' parents form a loop)")
            }
            let properties = resource["Properties"] ?? .null
            let parent: String
            if case .string(let reference)? = properties["ParentId"]?["Ref"] {
                parent = try path(of: reference, depth: depth + 1)
            } else {
                parent = "/"
            }
            guard let part = try intrinsics.resolve(properties["PathPart"] ?? .null, at: tokens + ["PathPart"])?.stringValue, !part.isEmpty else {
                throw source.error(tokens + ["PathPart"], "an AWS::ApiGateway::Resource needs a PathPart")
            }
            let full = (parent == "/" ? "" : parent) + "/" + part
            paths[id] = full
            return full
        }
        var result = JSONObject()
        for member in resources where member.value["Type"]?.stringValue == "AWS::ApiGateway::Method" {
            let tokens = ["Resources", member.key, "Properties"]
            guard member.value["Properties"]?["RestApiId"]?["Ref"]?.stringValue == api else { continue }
            if case .string(let condition)? = member.value["Condition"], try !intrinsics.isTrue(condition, at: ["Resources", member.key, "Condition"], depth: 0) {
                continue
            }
            guard let properties = try intrinsics.resolve(member.value["Properties"] ?? .null, at: tokens) else { continue }
            let raw = member.value["Properties"] ?? .null
            let resourcePath: String
            if case .string(let reference)? = raw["ResourceId"]?["Ref"] {
                resourcePath = try path(of: reference)
            } else {
                resourcePath = "/"
            }
            guard case .string(let verb)? = properties["HttpMethod"] else { throw source.error(tokens + ["HttpMethod"], "an AWS::ApiGateway::Method needs an HttpMethod") }
            let method = verb.uppercased() == "ANY" ? "x-amazon-apigateway-any-method" : verb.lowercased()
            var operation = JSONObject()
            if let integration = properties["Integration"] { operation["x-amazon-apigateway-integration"] = ProjectBuilder.integration(integration) }
            if properties["ApiKeyRequired"]?.boolValue == true { operation["security"] = [["api_key": []]] }
            var parameters: [JSONValue] = []
            for parameter in properties["RequestParameters"]?.objectValue ?? JSONObject() {
                let parts = parameter.key.split(separator: ".")
                guard parts.count == 4, let location = ["querystring": "query", "header": "header", "path": "path"][String(parts[2])] else { continue }
                parameters.append([
                    "name": .string(String(parts[3])), "in": .string(location), "required": .bool(location == "path" || parameter.value.boolValue == true),
                    "schema": ["type": "string"],
                ])
            }
            if !parameters.isEmpty { operation["parameters"] = .array(parameters) }
            var responses = JSONObject()
            for response in properties["MethodResponses"]?.arrayValue ?? [] {
                guard let status = response["StatusCode"]?.plainText else { continue }
                var entry = JSONObject.of(["description": .string(status)])
                var headers = JSONObject()
                for header in response["ResponseParameters"]?.objectValue ?? JSONObject() where header.key.hasPrefix("method.response.header.") {
                    headers[String(header.key.dropFirst("method.response.header.".count))] = ["schema": ["type": "string"]]
                }
                if !headers.isEmpty { entry["headers"] = .object(headers) }
                responses[status] = .object(entry)
            }
            operation["responses"] = .object(responses)
            var item = result[resourcePath]?.objectValue ?? JSONObject()
            item[method] = .object(operation)
            result[resourcePath] = .object(item)
        }
        return result
    }

    /// A method's `Integration` as the OpenAPI extension writes it.
    static func integration(_ value: JSONValue) -> JSONValue {
        var integration = JSONObject()
        if let type = value["Type"]?.stringValue { integration["type"] = .string(type.lowercased()) }
        if let method = value["IntegrationHttpMethod"]?.stringValue { integration["httpMethod"] = .string(method) }
        if let uri = value["Uri"]?.stringValue { integration["uri"] = .string(uri) }
        if let templates = value["RequestTemplates"] { integration["requestTemplates"] = templates }
        if let parameters = value["RequestParameters"] { integration["requestParameters"] = parameters }
        if let behavior = value["PassthroughBehavior"]?.stringValue { integration["passthroughBehavior"] = .string(behavior.lowercased()) }
        if let handling = value["ContentHandling"]?.stringValue { integration["contentHandling"] = .string(handling) }
        if let keys = value["CacheKeyParameters"] { integration["cacheKeyParameters"] = keys }
        if let timeout = value["TimeoutInMillis"] { integration["timeoutInMillis"] = timeout }
        var responses = JSONObject()
        for response in value["IntegrationResponses"]?.arrayValue ?? [] {
            var entry = JSONObject.of(["statusCode": .string(response["StatusCode"]?.plainText ?? "200")])
            if let templates = response["ResponseTemplates"] { entry["responseTemplates"] = templates }
            if let parameters = response["ResponseParameters"] { entry["responseParameters"] = parameters }
            if let handling = response["ContentHandling"]?.stringValue { entry["contentHandling"] = .string(handling) }
            responses[response["SelectionPattern"]?.stringValue ?? "default"] = .object(entry)
        }
        if !responses.isEmpty { integration["responses"] = .object(responses) }
        return .object(integration)
    }
}
