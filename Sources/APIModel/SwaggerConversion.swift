import JSONCore

/// An exported OpenAPI 3 document written as Swagger 2.0, as API Gateway's `swagger` export
/// writes it: `host`/`basePath`/`schemes` for the server, models under `definitions`, request
/// bodies as `in: body` parameters named after their model, `consumes`/`produces` from the
/// media types, parameter schemas as `type`/`format`, `securityDefinitions`.
enum SwaggerConversion {
    /// Keywords a non-body Swagger parameter (or header) may carry beside `type`.
    static let simpleKeywords = [
        "format", "items", "collectionFormat", "default", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength",
        "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "enum", "multipleOf",
    ]

    static func convert(_ document: JSONValue, host: String, basePath: String) -> JSONValue {
        let root = document.objectValue ?? JSONObject()
        var result = JSONObject()
        result["swagger"] = "2.0"
        if let info = root["info"] { result["info"] = info }
        result["host"] = .string(host)
        result["basePath"] = .string(basePath)
        result["schemes"] = ["https"]
        var paths = JSONObject()
        for pathMember in root["paths"]?.objectValue ?? JSONObject() {
            var item = JSONObject()
            for member in pathMember.value.objectValue ?? JSONObject() {
                if PathTemplate.httpMethods.contains(member.key), let operation = member.value.objectValue {
                    item[member.key] = .object(self.operation(operation))
                } else if member.key == "parameters" {
                    item["parameters"] = .array((member.value.arrayValue ?? []).map(parameter))
                } else {
                    item[member.key] = rewritten(member.value)
                }
            }
            paths[pathMember.key] = .object(item)
        }
        result["paths"] = .object(paths)
        var security = JSONObject()
        for member in root["components"]?["securitySchemes"]?.objectValue ?? JSONObject() {
            security[member.key] = securityScheme(member.value)
        }
        if !security.isEmpty { result["securityDefinitions"] = .object(security) }
        if let security = root["security"] { result["security"] = security }
        if let schemas = root["components"]?["schemas"] { result["definitions"] = rewritten(schemas) }
        for member in root where member.key.hasPrefix("x-") { result[member.key] = rewritten(member.value) }
        return .object(result)
    }

    static func operation(_ operation: JSONObject) -> JSONObject {
        var result = JSONObject()
        var consumes: [String] = [], produces: [String] = []
        var parameters = (operation["parameters"]?.arrayValue ?? []).map(parameter)
        if let body = operation["requestBody"]?.objectValue {
            let content = body["content"]?.objectValue ?? JSONObject()
            consumes = content.keys
            if let chosen = content["application/json"] ?? content.keys.first.flatMap({ content[$0] }), let schema = chosen["schema"] {
                let model = schema["$ref"]?.stringValue.flatMap { $0.hasPrefix("#/components/schemas/") ? String($0.dropFirst(21)) : nil }
                var parameter = JSONObject()
                parameter["in"] = "body"
                parameter["name"] = .string(model ?? "body")
                parameter["required"] = .bool(body["required"]?.boolValue ?? true)
                parameter["schema"] = rewritten(schema)
                parameters.append(.object(parameter))
            }
        }
        var responses = JSONObject()
        for member in operation["responses"]?.objectValue ?? JSONObject() {
            let response = member.value.objectValue ?? JSONObject()
            var converted = JSONObject()
            converted["description"] = response["description"] ?? .string("\(member.key) response")
            let content = response["content"]?.objectValue ?? JSONObject()
            for type in content.keys where !produces.contains(type) { produces.append(type) }
            if let schema = (content["application/json"] ?? content.keys.first.flatMap({ content[$0] }))?["schema"] { converted["schema"] = rewritten(schema) }
            if let headers = response["headers"]?.objectValue {
                var result = JSONObject()
                for header in headers { result[header.key] = .object(simple(header.value["schema"], into: JSONObject(), extra: header.value)) }
                converted["headers"] = .object(result)
            }
            responses[member.key] = .object(converted)
        }
        for member in operation {
            switch member.key {
            case "parameters", "requestBody", "responses", "callbacks", "servers": continue
            default: result[member.key] = rewritten(member.value)
            }
        }
        if !consumes.isEmpty { result["consumes"] = .array(consumes.map(JSONValue.string)) }
        if !produces.isEmpty { result["produces"] = .array(produces.map(JSONValue.string)) }
        if !parameters.isEmpty { result["parameters"] = .array(parameters) }
        result["responses"] = .object(responses)
        return APIExporter.ordered(.object(result), first: ["operationId", "consumes", "produces", "parameters", "responses"]).objectValue!
    }

    /// A path, query or header parameter: `schema` folded into `type` and its keywords.
    static func parameter(_ value: JSONValue) -> JSONValue {
        guard let object = value.objectValue else { return value }
        var result = JSONObject()
        for member in object where member.key != "schema" && member.key != "style" && member.key != "explode" && member.key != "content" {
            result[member.key] = member.value
        }
        if object["in"] == "path" { result["required"] = true }
        return .object(simple(object["schema"], into: result, extra: JSONValue.object(JSONObject())))
    }

    /// `type` (a scalar one: objects and references become `string`) and the keywords Swagger
    /// allows outside a body.
    static func simple(_ schema: JSONValue?, into result: JSONObject, extra: JSONValue) -> JSONObject {
        var result = result
        if let description = extra["description"] { result["description"] = description }
        let type = schema?["type"]?.stringValue ?? "string"
        result["type"] = .string(["string", "number", "integer", "boolean", "array"].contains(type) ? type : "string")
        for keyword in simpleKeywords { if let value = schema?[keyword] { result[keyword] = value } }
        if type == "array", result["items"] == nil { result["items"] = ["type": "string"] }
        return result
    }

    static func securityScheme(_ value: JSONValue) -> JSONValue {
        guard let object = value.objectValue else { return value }
        var result = JSONObject()
        switch object["type"]?.stringValue {
        case "apiKey":
            result["type"] = "apiKey"
            result["name"] = object["name"] ?? "x-api-key"
            result["in"] = object["in"] ?? "header"
        case "oauth2":
            result["type"] = "oauth2"
            result["flow"] = "implicit"
            result["authorizationUrl"] = object["flows"]?["implicit"]?["authorizationUrl"] ?? ""
        default:
            result["type"] = "apiKey"
            result["name"] = "Authorization"
            result["in"] = "header"
        }
        for member in object where member.key.hasPrefix("x-") { result[member.key] = member.value }
        return .object(result)
    }

    /// `value` with `#/components/schemas/` references pointed at `#/definitions/`.
    static func rewritten(_ value: JSONValue) -> JSONValue {
        APIDocument.rewritingReferences(value, from: "#/components/schemas/", to: "#/definitions/")
    }
}
