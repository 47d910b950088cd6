import JSONCore

/// The dialects of API definition the toolkit reads — OpenAPI 3.0.x, OpenAPI 3.1.x and Swagger
/// 2.0 (each with API Gateway's `x-amazon-apigateway-*` extensions) — brought to one form, an
/// OpenAPI 3.0 document, before anything else reads them: the importer (gateway, control
/// plane), the client generator and the exporter all see the same document.
///
/// Swagger 2.0 maps as API Gateway's import maps it: `definitions` → `components.schemas`
/// (and `#/definitions/X` → `#/components/schemas/X` everywhere); `in: body` parameters → a
/// request body in each of the operation's `consumes` types (default `application/json`);
/// `in: formData` parameters → an `application/x-www-form-urlencoded` (or `multipart/form-data`)
/// body whose schema has one property per field; other parameters get a `schema` from their
/// `type`, `format`, `items`, `enum` and bounds; responses get `content` in each `produces`
/// type and headers a `schema`; `securityDefinitions` → `components.securitySchemes` (with
/// `x-amazon-apigateway-authtype` and `-authorizer` kept); `#/parameters/X` and
/// `#/responses/X` are inlined.
public enum APIDocument {
    /// Which dialect `document` is written in.
    public enum Dialect: Sendable, Equatable {
        case openAPI30, openAPI31, swagger20
    }

    /// The dialect of `document`, or an error naming the file and what is wrong.
    public static func dialect(of document: JSONValue, file: String) throws(APIDefinitionError) -> Dialect {
        guard let root = document.objectValue else {
            throw APIDefinitionError(file: file, pointer: .root, message: "an API definition is a JSON object")
        }
        if let version = root["swagger"] {
            // `swagger: 2.0` unquoted in YAML is a number (SAM templates often write it so).
            guard version == "2.0" || version.numberValue?.doubleValue == 2 else {
                throw APIDefinitionError(file: file, pointer: JSONPointer(tokens: ["swagger"]), message: "only Swagger 2.0 is supported (found \(version))")
            }
            return .swagger20
        }
        guard let version = root["openapi"]?.stringValue ?? root["openapi"]?.numberValue.map({ $0.description.contains(".") ? $0.description : $0.description + ".0" }) else {
            throw APIDefinitionError(file: file, pointer: .root, message: "not an OpenAPI 3 or Swagger 2.0 document: no \"openapi\" or \"swagger\" member")
        }
        if version.hasPrefix("3.0") { return .openAPI30 }
        if version.hasPrefix("3.1") { return .openAPI31 }
        throw APIDefinitionError(
            file: file, pointer: JSONPointer(tokens: ["openapi"]), message: "only OpenAPI 3.0.x, 3.1.x and Swagger 2.0 are supported (found \(version))")
    }

    /// `document` as an OpenAPI 3.0 document (unchanged when it is one).
    public static func normalized(_ document: JSONValue, file: String) throws(APIDefinitionError) -> JSONValue {
        switch try dialect(of: document, file: file) {
        case .openAPI30: return document
        case .openAPI31: return fromOpenAPI31(document)
        case .swagger20: return try fromSwagger(document, file: file)
        }
    }

    // MARK: - OpenAPI 3.1

    /// 3.1 differs from 3.0 where the toolkit looks in one place: the version. Its schemas are
    /// JSON Schema 2020-12, which the gateway validates with draft-04's rules (so `type` arrays
    /// and `const`-free models behave alike; see the known differences in docs/gateway.md).
    static func fromOpenAPI31(_ document: JSONValue) -> JSONValue {
        guard var root = document.objectValue else { return document }
        root["openapi"] = "3.0.1"
        root["webhooks"] = nil
        root["jsonSchemaDialect"] = nil
        return .object(root)
    }

    // MARK: - Swagger 2.0

    static func fromSwagger(_ document: JSONValue, file: String) throws(APIDefinitionError) -> JSONValue {
        let swagger = rewritingReferences(document, from: "#/definitions/", to: "#/components/schemas/")
        guard let root = swagger.objectValue else { return swagger }
        let reader = DocumentReader(file: file)
        let globalConsumes = try reader.strings(root["consumes"], at: ["consumes"])
        let globalProduces = try reader.strings(root["produces"], at: ["produces"])
        let sharedParameters = try reader.members(root["parameters"], at: ["parameters"])
        let sharedResponses = try reader.members(root["responses"], at: ["responses"])

        var result = JSONObject()
        result["openapi"] = "3.0.1"
        result["info"] = root["info"] ?? ["title": "API", "version": "1"]
        if let host = root["host"]?.stringValue {
            let scheme = root["schemes"]?[0]?.stringValue ?? "https"
            result["servers"] = [["url": .string("\(scheme)://\(host)\(root["basePath"]?.stringValue ?? "")")]]
        }
        var paths = JSONObject()
        for pathMember in try reader.members(root["paths"], at: ["paths"]) {
            let here = ["paths", pathMember.key]
            var item = JSONObject()
            let pathParameters = try reader.elements(pathMember.value["parameters"], at: here + ["parameters"]).map { (value) throws(APIDefinitionError) -> JSONValue in
                try resolve(value, in: sharedParameters, prefix: "#/parameters/", file: file, at: here + ["parameters"])
            }
            for member in try reader.members(pathMember.value, at: here) {
                if member.key == "parameters" {
                    let plain = pathParameters.filter { !["body", "formData"].contains($0["in"]?.stringValue ?? "") }
                    if !plain.isEmpty { item["parameters"] = .array(plain.map(parameter)) }
                } else if OpenAPIImporter.operationKeys.contains(where: { $0.0 == member.key }), let operation = member.value.objectValue {
                    item[member.key] = .object(
                        try self.operation(
                            operation, inherited: pathParameters, consumes: globalConsumes, produces: globalProduces, parameters: sharedParameters,
                            responses: sharedResponses, file: file, at: here + [member.key]))
                } else {
                    item[member.key] = member.value
                }
            }
            paths[pathMember.key] = .object(item)
        }
        result["paths"] = .object(paths)
        for member in root where member.key.hasPrefix("x-") { result[member.key] = member.value }
        if let security = root["security"] { result["security"] = security }
        if let tags = root["tags"] { result["tags"] = tags }
        var components = JSONObject()
        if let definitions = root["definitions"] { components["schemas"] = definitions }
        var schemes = JSONObject()
        for member in try reader.members(root["securityDefinitions"], at: ["securityDefinitions"]) { schemes[member.key] = securityScheme(member.value) }
        if !schemes.isEmpty { components["securitySchemes"] = .object(schemes) }
        if !components.isEmpty { result["components"] = .object(components) }
        return .object(result)
    }

    static func operation(
        _ operation: JSONObject, inherited: [JSONValue], consumes: [String], produces: [String], parameters shared: JSONObject, responses sharedResponses: JSONObject,
        file: String, at here: [String]
    ) throws(APIDefinitionError) -> JSONObject {
        let consumes = operation["consumes"]?.arrayValue?.compactMap(\.stringValue) ?? consumes
        let produces = operation["produces"]?.arrayValue?.compactMap(\.stringValue) ?? produces
        let reader = DocumentReader(file: file)
        var own: [JSONValue] = []
        for (index, value) in try reader.elements(operation["parameters"], at: here + ["parameters"]).enumerated() {
            own.append(try resolve(value, in: shared, prefix: "#/parameters/", file: file, at: here + ["parameters", String(index)]))
        }
        // Operation parameters override path-level ones of the same name and location.
        let overridden = Set(own.map { "\($0["in"]?.stringValue ?? "") \($0["name"]?.stringValue ?? "")" })
        let all = inherited.filter { !overridden.contains("\($0["in"]?.stringValue ?? "") \($0["name"]?.stringValue ?? "")") } + own
        var result = JSONObject()
        for member in operation {
            switch member.key {
            case "parameters", "consumes", "produces", "responses", "schemes": continue
            default: result[member.key] = member.value
            }
        }
        let plain = own.filter { !["body", "formData"].contains($0["in"]?.stringValue ?? "") }
        if !plain.isEmpty { result["parameters"] = .array(plain.map(parameter)) }
        if let body = all.first(where: { $0["in"] == "body" }) {
            var content = JSONObject()
            for type in consumes.isEmpty ? ["application/json"] : consumes { content[type] = ["schema": body["schema"] ?? .object(JSONObject())] }
            var requestBody = JSONObject()
            if let description = body["description"] { requestBody["description"] = description }
            requestBody["content"] = .object(content)
            if body["required"]?.boolValue == true { requestBody["required"] = true }
            result["requestBody"] = .object(requestBody)
        } else {
            let fields = all.filter { $0["in"] == "formData" }
            if !fields.isEmpty {
                var properties = JSONObject()
                var required: [JSONValue] = []
                for field in fields {
                    guard let name = field["name"]?.stringValue else { continue }
                    properties[name] = field["type"] == "file" ? ["type": "string", "format": "binary"] : schema(of: field)
                    if field["required"]?.boolValue == true { required.append(.string(name)) }
                }
                var schema = JSONObject()
                schema["type"] = "object"
                schema["properties"] = .object(properties)
                if !required.isEmpty { schema["required"] = .array(required) }
                let type = consumes.first { $0 == "multipart/form-data" } ?? "application/x-www-form-urlencoded"
                var content = JSONObject()
                content[type] = JSONValue.object(JSONObject([JSONObject.Member(key: "schema", value: .object(schema))]))
                result["requestBody"] = .object(JSONObject([JSONObject.Member(key: "content", value: .object(content))]))
            }
        }
        var responses = JSONObject()
        for member in try reader.members(operation["responses"], at: here + ["responses"]) {
            let response = try resolve(member.value, in: sharedResponses, prefix: "#/responses/", file: file, at: here + ["responses", member.key])
            var converted = JSONObject()
            converted["description"] = response["description"] ?? .string("")
            if let headers = response["headers"]?.objectValue {
                var result = JSONObject()
                for header in headers {
                    var object = JSONObject()
                    if let description = header.value["description"] { object["description"] = description }
                    object["schema"] = schema(of: header.value)
                    result[header.key] = .object(object)
                }
                converted["headers"] = .object(result)
            }
            if let schema = response["schema"] {
                var content = JSONObject()
                for type in produces.isEmpty ? ["application/json"] : produces { content[type] = ["schema": schema] }
                converted["content"] = .object(content)
            }
            for extra in response.objectValue ?? JSONObject() where extra.key.hasPrefix("x-") { converted[extra.key] = extra.value }
            responses[member.key] = .object(converted)
        }
        result["responses"] = .object(responses)
        return result
    }

    /// A Swagger non-body parameter as OpenAPI 3 writes it.
    static func parameter(_ value: JSONValue) -> JSONValue {
        guard let object = value.objectValue else { return value }
        var result = JSONObject()
        for key in ["name", "in", "description", "required", "deprecated", "allowEmptyValue"] { if let member = object[key] { result[key] = member } }
        result["schema"] = schema(of: value)
        // An array's `collectionFormat` (csv when absent) as OpenAPI 3's style and explode.
        if object["type"] == "array" {
            switch object["collectionFormat"]?.stringValue ?? "csv" {
            case "multi": (result["style"], result["explode"]) = ("form", true)
            case "ssv": (result["style"], result["explode"]) = ("spaceDelimited", false)
            case "pipes": (result["style"], result["explode"]) = ("pipeDelimited", false)
            default: (result["style"], result["explode"]) = (object["in"] == "query" ? "form" : "simple", false)
            }
        }
        for member in object where member.key.hasPrefix("x-") { result[member.key] = member.value }
        return .object(result)
    }

    /// The schema of a Swagger parameter, header or `items` (`type`, `format`, bounds…).
    static func schema(of value: JSONValue) -> JSONValue {
        guard let object = value.objectValue else { return value }
        var schema = JSONObject()
        for key in [
            "type", "format", "default", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern",
            "maxItems", "minItems", "uniqueItems", "enum", "multipleOf",
        ] {
            if let member = object[key] { schema[key] = member }
        }
        if let items = object["items"] { schema["items"] = self.schema(of: items) }
        return .object(schema)
    }

    static func securityScheme(_ value: JSONValue) -> JSONValue {
        guard let object = value.objectValue else { return value }
        var result = JSONObject()
        switch object["type"]?.stringValue {
        case "basic":
            result["type"] = "http"
            result["scheme"] = "basic"
        case "oauth2":
            result["type"] = "oauth2"
            var flow = JSONObject()
            if let url = object["authorizationUrl"] { flow["authorizationUrl"] = url }
            if let url = object["tokenUrl"] { flow["tokenUrl"] = url }
            flow["scopes"] = object["scopes"] ?? .object(JSONObject())
            let names = ["implicit": "implicit", "password": "password", "application": "clientCredentials", "accessCode": "authorizationCode"]
            var flows = JSONObject()
            flows[names[object["flow"]?.stringValue ?? "implicit"] ?? "implicit"] = .object(flow)
            result["flows"] = .object(flows)
        default:
            for key in ["type", "name", "in"] { if let member = object[key] { result[key] = member } }
        }
        if let description = object["description"] { result["description"] = description }
        for member in object where member.key.hasPrefix("x-") { result[member.key] = member.value }
        return .object(result)
    }

    /// `value`, or the shared entry its `$ref` (`#/parameters/X`) names.
    static func resolve(_ value: JSONValue, in shared: JSONObject, prefix: String, file: String, at here: [String]) throws(APIDefinitionError) -> JSONValue {
        guard case .string(let reference)? = value["$ref"] else { return value }
        guard reference.hasPrefix(prefix) else {
            throw APIDefinitionError(
                file: file, pointer: JSONPointer(tokens: here + ["$ref"]), message: "\(reference): only \(prefix)NAME can be referenced here\(APIDocument.otherFileNote(reference))")
        }
        let name = JSONPointer.unescape(String(reference.dropFirst(prefix.count)))
        guard let target = shared[name] else {
            throw APIDefinitionError(file: file, pointer: JSONPointer(tokens: here + ["$ref"]), message: "\(reference) names nothing in the document")
        }
        return target
    }

    /// For a reference into another file that was not brought in: where such references are read.
    static func otherFileNote(_ reference: String) -> String {
        reference.hasPrefix("#") ? "" : " (a $ref into another file is read for schemas, and for parameters, responses, request bodies and headers where an operation uses them)"
    }

    /// `value` with every `$ref` starting with `from` made to start with `to` instead
    /// (`#/definitions/` ↔ `#/components/schemas/`: Swagger 2.0 and OpenAPI 3 name models there).
    static func rewritingReferences(_ value: JSONValue, from: String, to: String) -> JSONValue {
        switch value {
        case .object(let object):
            return .object(JSONObject(object.map { member in
                if member.key == "$ref", case .string(let reference) = member.value, reference.hasPrefix(from) {
                    return JSONObject.Member(key: "$ref", value: .string(to + reference.dropFirst(from.count)))
                }
                return JSONObject.Member(key: member.key, value: rewritingReferences(member.value, from: from, to: to))
            }))
        case .array(let elements):
            return .array(elements.map { rewritingReferences($0, from: from, to: to) })
        default:
            return value
        }
    }
}
