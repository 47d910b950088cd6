import JSONCore

/// The pieces of an API definition and a deployment a template's resources make, as pure
/// functions of their inputs (the `ProjectBuilder` calls them; so does the CloudFormation reader).
enum DefinitionPieces {
    /// Adds security schemes where the definition's version keeps them: OpenAPI 3's
    /// `components.securitySchemes`, Swagger 2.0's `securityDefinitions`.
    static func addSchemes(_ schemes: JSONObject, to definition: inout JSONObject) {
        guard !schemes.isEmpty else { return }
        if definition["openapi"] != nil {
            var components = definition["components"]?.objectValue ?? JSONObject()
            var existing = components["securitySchemes"]?.objectValue ?? JSONObject()
            for scheme in schemes { existing[scheme.key] = scheme.value }
            components["securitySchemes"] = .object(existing)
            definition["components"] = .object(components)
        } else {
            var existing = definition["securityDefinitions"]?.objectValue ?? JSONObject()
            for scheme in schemes { existing[scheme.key] = scheme.value }
            definition["securityDefinitions"] = .object(existing)
        }
    }

    /// A security scheme carrying an authorizer, as the translator and API Gateway's import
    /// write it (`type: apiKey`, `in: header`).
    static func authorizerScheme(name: String, authType: String, _ authorizer: JSONObject) -> JSONValue {
        .object(JSONObject.of([
            "type": "apiKey", "name": .string(name), "in": "header", "x-amazon-apigateway-authtype": .string(authType),
            "x-amazon-apigateway-authorizer": .object(authorizer),
        ]))
    }

    /// A stage of the deployment: the definition, `Variables`, the cache.
    static func stageSettings(_ properties: JSONValue, definition: String) -> JSONValue {
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
}

/// SAM's `Globals`, merged under each resource's own properties as the translator merges them.
enum SAMGlobals {
    /// Merges `globals` under `properties` (the resource's own values win; maps merge; lists concatenate).
    static func merged(_ properties: JSONValue, globals: JSONValue?) -> JSONValue {
        guard case .object(let global)? = globals else { return properties }
        guard case .object(let own) = properties else { return properties == .null ? .object(global) : properties }
        var result = global
        let isIntrinsic = Intrinsics.isFunction
        for member in own {
            switch (global[member.key], member.value) {
            case (.object?, .object) where !isIntrinsic(global[member.key]) && !isIntrinsic(member.value):
                result[member.key] = merged(member.value, globals: global[member.key])
            case (.array(let first)?, .array(let second)):
                result[member.key] = .array(first + second)
            default:
                result[member.key] = member.value
            }
        }
        return .object(result)
    }
}
