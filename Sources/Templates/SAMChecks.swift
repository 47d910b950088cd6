import JSONCore

/// The translator's checks of an `AWS::Serverless::Api` and of `Globals`, with its messages:
/// a template it refuses is refused here, at the property's line and column.
extension ProjectBuilder {
    /// `Globals` sets only what the translator lets it set for each resource type.
    func checkGlobals() throws(TemplateError) {
        let globals = try source.members(source.document["Globals"], at: ["Globals"])
        for (section, allowed) in [("Function", SAMProperties.globalsFunction), ("Api", SAMProperties.globalsApi)] {
            for member in try source.members(globals[section], at: ["Globals", section]) where !allowed.contains(member.key) {
                throw source.error(
                    ["Globals", section, member.key],
                    "'\(member.key)' is not a supported property of '\(section)'. Must be one of the following values - [\(allowed.sorted().joined(separator: ", "))]")
            }
        }
    }

    /// An API's properties as the translator checks them before it makes anything.
    func checkSAMApi(_ logicalId: String, _ properties: JSONValue, implicit: Bool, at tokens: [String]) throws(TemplateError) {
        func invalid(_ path: [String], _ message: String) -> TemplateError {
            source.error(tokens + path, "Resource with id [\(logicalId)] is invalid. \(message)")
        }
        if !implicit {
            for member in try source.members(properties, at: tokens) where !SAMProperties.api.contains(member.key) {
                throw invalid(
                    [member.key], "property \(member.key) not defined for resource of type AWS::Serverless::Api"
                        + Suggestion.didYouMean(member.key, among: Array(SAMProperties.api)))
            }
            if case .string(let name)? = properties["StageName"], name.isEmpty { throw invalid(["StageName"], "StageName cannot be empty.") }
        }
        if let version = properties["OpenApiVersion"] {
            let text: String
            switch version {
            case .string(let value): text = value
            case .number(let number): text = number.description  // `3.0` unquoted is a number in YAML
            default: throw invalid(["OpenApiVersion"], "Property 'OpenApiVersion' should be a string.")
            }
            if text.firstMatch(of: /^[2-3](\.\d)(\.\d)?$/) == nil { throw invalid(["OpenApiVersion"], "The OpenApiVersion value must be of the format '3.0.0'.") }
        }
        if let auth = properties["Auth"], auth.objectValue == nil { throw invalid(["Auth"], "Property 'Auth' should be a map.") }
        if let policy = properties["Auth"]?["ResourcePolicy"], policy.objectValue == nil {
            throw source.error(tokens + ["Auth", "ResourcePolicy"], "ResourcePolicy must be a map (ResourcePolicyStatement).")
        }
        if let flag = properties["FailOnWarnings"], flag.boolValue == nil, flag.objectValue == nil {
            throw invalid(["FailOnWarnings"], "Type of property 'FailOnWarnings' is invalid.")
        }
        if properties["DisableExecuteApiEndpoint"]?.boolValue == false, properties["DefinitionBody"] == nil {
            throw invalid(["DisableExecuteApiEndpoint"], "DisableExecuteApiEndpoint works only within 'DefinitionBody' property.")
        }
        if let plan = properties["Auth"]?["UsagePlan"] {
            guard case .object(let object) = plan else { throw invalid(["Auth", "UsagePlan"], "'UsagePlan' must be a dictionary") }
            let allowed: Set<String> = ["CreateUsagePlan", "Description", "Quota", "Tags", "Throttle", "UsagePlanName"]
            if object.members.contains(where: { !allowed.contains($0.key) }) { throw invalid(["Auth", "UsagePlan"], "Invalid property for 'UsagePlan'") }
            if case .string(let mode)? = object["CreateUsagePlan"], !["PER_API", "SHARED", "NONE"].contains(mode) {
                throw invalid(["Auth", "UsagePlan", "CreateUsagePlan"], "'CreateUsagePlan' accepts only PER_API, SHARED or NONE")
            }
        }
        if let cors = properties["Cors"] {
            if properties["DefinitionUri"] != nil { throw invalid(["Cors"], "Cors works only with inline Swagger specified in 'DefinitionBody' property.") }
            if case .object(let object) = cors, !Intrinsics.isFunction(cors) {
                let allowed: Set<String> = ["AllowMethods", "AllowHeaders", "AllowOrigin", "MaxAge", "AllowCredentials"]
                if let unknown = object.members.first(where: { !allowed.contains($0.key) }) {
                    throw invalid(["Cors", unknown.key], "Invalid key '\(unknown.key)' for 'Cors' property.")
                }
                if object["AllowOrigin"] == .string("") {
                    throw invalid(["Cors", "AllowOrigin"], "Structure of the SAM template is invalid. Invalid input. Value for AllowedOrigins is required")
                }
            }
        }
        if let responses = properties["GatewayResponses"] {
            guard case .object(let object) = responses else { throw invalid(["GatewayResponses"], "Property 'GatewayResponses' should be a map.") }
            for member in object {
                let place = ["GatewayResponses", member.key]
                if Intrinsics.isFunction(member.value) {
                    throw invalid(place, "Unable to set GatewayResponses attribute because intrinsic functions are not supported for this field.")
                }
                guard case .object(let response) = member.value else {
                    throw invalid(place, "Invalid property type '\(member.value.typeName)' for GatewayResponses. Expected an object of type 'GatewayResponse'.")
                }
                for property in response where !["ResponseParameters", "ResponseTemplates", "StatusCode"].contains(property.key) {
                    throw invalid(place + [property.key], "Invalid property '\(property.key)' in 'GatewayResponses' property '\(member.key)'.")
                }
                if let status = response["StatusCode"], Int(status.plainText) == nil { throw invalid(place + ["StatusCode"], "Property 'StatusCode' must be numeric") }
                if let parameters = response["ResponseParameters"] {
                    guard case .object(let groups) = parameters else {
                        throw invalid(place + ["ResponseParameters"], "Property 'GatewayResponses.\(member.key).ResponseParameters' should be a map.")
                    }
                    for group in groups where !["Headers", "Paths", "QueryStrings"].contains(group.key) {
                        throw invalid(place + ["ResponseParameters", group.key], "Invalid gateway response parameter '\(group.key)'")
                    }
                }
            }
        }
        if let body = properties["DefinitionBody"], case .object(let document) = body {
            if let definitions = document["securityDefinitions"], definitions.objectValue == nil {
                throw source.error(tokens + ["DefinitionBody", "securityDefinitions"], "securityDefinitions must be a dictionary.")
            }
            for path in document["paths"]?.objectValue ?? JSONObject() {
                guard case .object(let item) = path.value else {
                    throw source.error(tokens + ["DefinitionBody", "paths", path.key], "Value of '\(path.key)' path must be a dictionary according to Swagger spec.")
                }
                for method in item where !method.key.hasPrefix("x-") || method.key == "x-amazon-apigateway-any-method" {
                    guard method.key != "parameters" else { continue }
                    guard case .object = method.value else {
                        throw source.error(
                            tokens + ["DefinitionBody", "paths", path.key, method.key], "Definition of method '\(method.key)' for path '\(path.key)' should be a map.")
                    }
                }
            }
        }
    }

    /// `GatewayResponses` as the definition's `x-amazon-apigateway-gateway-responses`.
    func gatewayResponses(_ value: JSONValue, at tokens: [String]) throws(TemplateError) -> JSONValue {
        var responses = JSONObject()
        for member in try source.members(value, at: tokens) {
            var response = JSONObject()
            if let status = member.value["StatusCode"] { response["statusCode"] = .string(status.plainText) }
            var parameters = JSONObject()
            for (group, prefix) in [("Headers", "header"), ("Paths", "path"), ("QueryStrings", "querystring")] {
                let place = tokens + [member.key, "ResponseParameters"]
                for parameter in try source.members(try source.members(member.value["ResponseParameters"], at: place)[group], at: place + [group]) {
                    parameters["gatewayresponse.\(prefix).\(parameter.key)"] = .string(parameter.value.plainText)
                }
            }
            if !parameters.isEmpty { response["responseParameters"] = .object(parameters) }
            if let templates = member.value["ResponseTemplates"] { response["responseTemplates"] = templates }
            responses[member.key] = .object(response)
        }
        return .object(responses)
    }
}
