import JSONCore

/// What CloudFormation's own resources say, read for the deployment's model: a REST API's
/// stages and their settings, usage plans and keys, Lambda versions and aliases, and the API
/// itself when it is built from resources instead of a body.
///
/// A CloudFormation REST API built from `AWS::ApiGateway::Resource` and `AWS::ApiGateway::Method`
/// resources (as `cdk synth` and the Serverless Framework write them) instead of a `Body`: the
/// resource tree becomes the paths, each method an operation with its
/// `x-amazon-apigateway-integration` (type, HTTP method, URI, request templates, passthrough
/// behavior, integration responses), its API-key requirement, request parameters and method
/// responses.
struct CloudFormationResources {
    let source: TemplateSource
    let intrinsics: Intrinsics

    func paths(of api: String) throws(TemplateError) -> JSONObject {
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
            if let integration = properties["Integration"] { operation["x-amazon-apigateway-integration"] = try self.integration(integration, at: tokens + ["Integration"]) }
            var security: [JSONValue] = []
            switch properties["AuthorizationType"]?.stringValue?.uppercased() {
            case "CUSTOM"?, "COGNITO_USER_POOLS"?:
                guard case .string(let authorizer)? = raw["AuthorizerId"]?["Ref"],
                    resources[authorizer]?["Type"]?.stringValue == "AWS::ApiGateway::Authorizer"
                else {
                    throw source.error(
                        tokens + ["AuthorizerId"],
                        "Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer (a Ref to an AWS::ApiGateway::Authorizer of the template).")
                }
                security.append(.object(JSONObject.of([authorizer: properties["AuthorizationScopes"] ?? .array([])])))
            case "AWS_IAM"?:
                security.append(["AWS_IAM": []])
            default:
                break
            }
            if properties["ApiKeyRequired"]?.boolValue == true { security.append(["api_key": []]) }
            if !security.isEmpty { operation["security"] = .array(security) }
            var parameters: [JSONValue] = []
            for parameter in try source.members(properties["RequestParameters"], at: tokens + ["RequestParameters"]) {
                let parts = parameter.key.split(separator: ".")
                guard parts.count == 4, let location = ["querystring": "query", "header": "header", "path": "path"][String(parts[2])] else { continue }
                parameters.append([
                    "name": .string(String(parts[3])), "in": .string(location), "required": .bool(location == "path" || parameter.value.boolValue == true),
                    "schema": ["type": "string"],
                ])
            }
            if !parameters.isEmpty { operation["parameters"] = .array(parameters) }
            var responses = JSONObject()
            for (index, response) in try source.elements(properties["MethodResponses"], at: tokens + ["MethodResponses"]).enumerated() {
                let place = tokens + ["MethodResponses", String(index)]
                guard let status = response["StatusCode"]?.plainText else { throw source.error(place + ["StatusCode"], "a method response needs its StatusCode") }
                var entry = JSONObject.of(["description": .string(status)])
                var headers = JSONObject()
                for header in try source.members(response["ResponseParameters"], at: place + ["ResponseParameters"]) where header.key.hasPrefix("method.response.header.") {
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

    /// The API's `AWS::ApiGateway::Authorizer` resources as security schemes (named by logical
    /// id), and the `AWS_IAM` scheme when a method uses it.
    func securitySchemes(of api: String, paths: JSONObject) throws(TemplateError) -> JSONObject {
        var schemes = JSONObject()
        for member in source.document["Resources"]?.objectValue ?? JSONObject() where member.value["Type"]?.stringValue == "AWS::ApiGateway::Authorizer" {
            let tokens = ["Resources", member.key, "Properties"]
            guard member.value["Properties"]?["RestApiId"]?["Ref"]?.stringValue == api,
                let properties = try intrinsics.resolve(member.value["Properties"] ?? .null, at: tokens)
            else { continue }
            let type = properties["Type"]?.stringValue?.uppercased() ?? ""
            guard ["TOKEN", "REQUEST", "COGNITO_USER_POOLS"].contains(type) else {
                throw source.error(tokens + ["Type"], "an AWS::ApiGateway::Authorizer's Type is TOKEN, REQUEST or COGNITO_USER_POOLS")
            }
            var authorizer = JSONObject.of(["type": .string(type.lowercased())])
            if let uri = properties["AuthorizerUri"]?.stringValue { authorizer["authorizerUri"] = .string(uri) }
            if let source = properties["IdentitySource"]?.stringValue { authorizer["identitySource"] = .string(source) }
            if let expression = properties["IdentityValidationExpression"]?.stringValue { authorizer["identityValidationExpression"] = .string(expression) }
            if let ttl = properties["AuthorizerResultTtlInSeconds"] { authorizer["authorizerResultTtlInSeconds"] = ttl }
            if let arns = properties["ProviderARNs"] { authorizer["providerARNs"] = arns }
            let header = properties["IdentitySource"]?.stringValue.flatMap { source in
                source.hasPrefix("method.request.header.") ? String(source.dropFirst("method.request.header.".count)) : nil
            }
            schemes[member.key] = DefinitionPieces.authorizerScheme(
                name: type == "REQUEST" ? "Unused" : header ?? "Authorization", authType: type == "COGNITO_USER_POOLS" ? "cognito_user_pools" : "custom",
                authorizer)
        }
        let usesIAM = paths.contains { path in
            (path.value.objectValue ?? JSONObject()).contains { operation in
                (operation.value["security"]?.arrayValue ?? []).contains { $0["AWS_IAM"] != nil }
            }
        }
        if usesIAM { schemes["AWS_IAM"] = ProjectBuilder.iamScheme }
        return schemes
    }

    /// A method's `Integration` as the OpenAPI extension writes it.
    func integration(_ value: JSONValue, at tokens: [String]) throws(TemplateError) -> JSONValue {
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
        for response in try source.elements(value["IntegrationResponses"], at: tokens + ["IntegrationResponses"]) {
            var entry = JSONObject.of(["statusCode": .string(response["StatusCode"]?.plainText ?? "200")])
            if let templates = response["ResponseTemplates"] { entry["responseTemplates"] = templates }
            if let parameters = response["ResponseParameters"] { entry["responseParameters"] = parameters }
            if let handling = response["ContentHandling"]?.stringValue { entry["contentHandling"] = .string(handling) }
            responses[response["SelectionPattern"]?.stringValue ?? "default"] = .object(entry)
        }
        if !responses.isEmpty { integration["responses"] = .object(responses) }
        return .object(integration)
    }

    /// The stage names of a CloudFormation RestApi: its `AWS::ApiGateway::Stage`s and the
    /// `StageName` of its `AWS::ApiGateway::Deployment`s.
    func stages(of logicalId: String) throws(TemplateError) -> [String] {
        var names: [String] = []
        for member in try source.members(source.document["Resources"], at: ["Resources"]) {
            let type = member.value["Type"]?.stringValue
            guard type == "AWS::ApiGateway::Stage" || type == "AWS::ApiGateway::Deployment",
                member.value["Properties"]?["RestApiId"]?["Ref"]?.stringValue == logicalId,
                let name = try intrinsics.resolve(member.value["Properties"]?["StageName"] ?? .null, at: ["Resources", member.key, "Properties", "StageName"])?.stringValue
            else { continue }
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// The settings of a CloudFormation `AWS::ApiGateway::Stage`: `Variables`, the cache,
    /// `MethodSettings` (`/*` `*` is the stage's throttle; others by resource and method).
    func stageSettings(of api: String, stage name: String, definition file: String) throws(TemplateError) -> JSONValue {
        var stage = JSONObject.of(["definition": .string(file)])
        for member in try source.members(source.document["Resources"], at: ["Resources"]) where member.value["Type"]?.stringValue == "AWS::ApiGateway::Stage" {
            let tokens = ["Resources", member.key, "Properties"]
            guard member.value["Properties"]?["RestApiId"]?["Ref"]?.stringValue == api,
                let properties = try intrinsics.resolve(member.value["Properties"] ?? .null, at: tokens),
                properties["StageName"]?.stringValue == name
            else { continue }
            // Variables and the cache as a SAM Api has them; the rest is the Stage's own.
            stage = DefinitionPieces.stageSettings(properties, definition: file).objectValue ?? stage
            if let description = properties["Description"]?.stringValue { stage["description"] = .string(description) }
            var methodSettings = JSONObject()
            for setting in try source.elements(properties["MethodSettings"], at: tokens + ["MethodSettings"]) {
                let resource = (setting["ResourcePath"]?.stringValue ?? "/*").replacingOccurrences(of: "~1", with: "/")
                let method = setting["HttpMethod"]?.stringValue ?? "*"
                var throttle: JSONValue? = nil
                if let rate = setting["ThrottlingRateLimit"].flatMap({ Double($0.plainText) }), let burst = setting["ThrottlingBurstLimit"].flatMap({ Int($0.plainText) }) {
                    throttle = ["rateLimit": .number(JSONNumber(rate) ?? JSONNumber(0)), "burstLimit": .number(JSONNumber(burst))]
                }
                if resource == "/*" && method == "*" {
                    if let throttle { stage["throttle"] = throttle }
                    continue
                }
                var entry = JSONObject()
                if let throttle { entry["throttle"] = throttle }
                var caching = JSONObject()
                if let enabled = setting["CachingEnabled"]?.boolValue { caching["enabled"] = .bool(enabled) }
                if let ttl = setting["CacheTtlInSeconds"].flatMap({ Int($0.plainText) }) { caching["ttlInSeconds"] = .number(JSONNumber(ttl)) }
                if !caching.isEmpty { entry["caching"] = .object(caching) }
                methodSettings[String(resource.dropFirst()) + "/" + method] = .object(entry)
            }
            if !methodSettings.isEmpty { stage["methodSettings"] = .object(methodSettings) }
        }
        return .object(stage)
    }

    /// CloudFormation's `AWS::ApiGateway::UsagePlan`, `ApiKey` and `UsagePlanKey`: plans by
    /// name with the stages they name, keys enabled as declared (their values are made here),
    /// in the deployment's form.
    func keysAndPlans() throws(TemplateError) -> (plans: JSONObject, keys: JSONObject) {
        var usagePlans = JSONObject()
        var apiKeys = JSONObject()
        let resources = try source.members(source.document["Resources"], at: ["Resources"])
        func stageName(_ value: JSONValue?) -> String? {
            if case .string(let reference)? = value?["Ref"], let stage = resources[reference], stage["Type"]?.stringValue == "AWS::ApiGateway::Stage" {
                return stage["Properties"]?["StageName"]?.stringValue
            }
            return value?.stringValue
        }
        var planNames: [String: String] = [:]
        for member in resources where member.value["Type"]?.stringValue == "AWS::ApiGateway::UsagePlan" {
            let properties = member.value["Properties"] ?? .null
            let name = properties["UsagePlanName"]?.stringValue ?? member.key
            planNames[member.key] = name
            let stages = try source.elements(properties["ApiStages"], at: ["Resources", member.key, "Properties", "ApiStages"])
            var plan = JSONObject.of(["stages": .array(stages.compactMap { stageName($0["Stage"]).map(JSONValue.string) })])
            CloudFormationResources.addLimits(of: properties, to: &plan)
            usagePlans[name] = .object(plan)
        }
        var keyNames: [String: String] = [:]
        for member in resources where member.value["Type"]?.stringValue == "AWS::ApiGateway::ApiKey" {
            let name = member.value["Properties"]?["Name"]?.stringValue ?? member.key
            keyNames[member.key] = name
            apiKeys[name] = ["enabled": .bool(member.value["Properties"]?["Enabled"]?.boolValue ?? false), "usagePlans": .array([])]
        }
        for member in resources where member.value["Type"]?.stringValue == "AWS::ApiGateway::UsagePlanKey" {
            guard let key = member.value["Properties"]?["KeyId"]?["Ref"]?.stringValue.flatMap({ keyNames[$0] }),
                let plan = member.value["Properties"]?["UsagePlanId"]?["Ref"]?.stringValue.flatMap({ planNames[$0] }),
                case .object(var entry)? = apiKeys[key]
            else { continue }
            entry["usagePlans"] = .array((entry["usagePlans"]?.arrayValue ?? []) + [.string(plan)])
            apiKeys[key] = .object(entry)
        }
        return (usagePlans, apiKeys)
    }

    /// CloudFormation's `AWS::Lambda::Version`s (numbered in template order per function) and
    /// `AWS::Lambda::Alias`es of the template's functions; routes calling an alias find it.
    func versionsAndAliases(of functions: inout JSONObject) {
        let resources = source.document["Resources"]?.objectValue ?? JSONObject()
        var versionNumbers: [String: (function: String, number: Int)] = [:]
        for member in resources where member.value["Type"]?.stringValue == "AWS::Lambda::Version" {
            guard let target = member.value["Properties"]?["FunctionName"]?["Ref"]?.stringValue, let name = intrinsics.references[target],
                case .object(var function)? = functions[name]
            else { continue }
            let number = (function["versions"]?.arrayValue?.count ?? 0) + 1
            function["versions"] = .array((function["versions"]?.arrayValue ?? []) + [["version": .number(JSONNumber(number))]])
            functions[name] = .object(function)
            versionNumbers[member.key] = (name, number)
        }
        for member in resources where member.value["Type"]?.stringValue == "AWS::Lambda::Alias" {
            let properties = member.value["Properties"] ?? .null
            guard let target = properties["FunctionName"]?["Ref"]?.stringValue, let name = intrinsics.references[target],
                case .string(let alias)? = properties["Name"], case .object(var function)? = functions[name]
            else { continue }
            var version = "$LATEST"
            if case .array(let parts)? = properties["FunctionVersion"]?["Fn::GetAtt"], let id = parts.first?.stringValue, let known = versionNumbers[id] {
                version = String(known.number)
            } else if let text = properties["FunctionVersion"]?.stringValue {
                version = text
            }
            var aliases = function["aliases"]?.objectValue ?? JSONObject()
            aliases[alias] = ["version": .string(version)]
            function["aliases"] = .object(aliases)
            functions[name] = .object(function)
        }
    }


    /// A usage plan's `Quota` (`Limit`, `Period`) and `Throttle` (`RateLimit`, `BurstLimit`), as
    /// SAM's `UsagePlan` and CloudFormation's `AWS::ApiGateway::UsagePlan` both write them, in the
    /// deployment's form.
    static func addLimits(of value: JSONValue, to plan: inout JSONObject) {
        if let quota = value["Quota"], let limit = quota["Limit"].flatMap({ Int($0.plainText) }), let period = quota["Period"]?.stringValue {
            plan["quota"] = ["limit": .number(JSONNumber(limit)), "period": .string(period)]
        }
        if let throttle = value["Throttle"], let rate = throttle["RateLimit"].flatMap({ Double($0.plainText) }),
            let burst = throttle["BurstLimit"].flatMap({ Int($0.plainText) })
        {
            plan["throttle"] = ["rateLimit": .number(JSONNumber(rate) ?? JSONNumber(0)), "burstLimit": .number(JSONNumber(burst))]
        }
    }
}
