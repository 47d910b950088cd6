import JSONCore

/// What an API offers its callers, as its definition declares it: the operations with their
/// parameters, bodies and responses, and the models. The one reading of paths, parameters,
/// `$ref`s to components and security that the gateway (`OpenAPIImporter.importAPI`, which adds
/// the integrations) and the client generator share.
public struct APIInterface: Sendable {
    /// `info.title`.
    public var title: String
    /// The file it was read from (for messages).
    public var file: String
    /// `components.schemas` (Swagger's `definitions`), in document order.
    public var models: [(name: String, schema: JSONValue)]
    /// The operations, in document order: by path, then GET, PUT, POST, DELETE, PATCH, HEAD,
    /// OPTIONS, ANY.
    public var operations: [OperationInterface]
    /// The definition as OpenAPI 3.0 (Swagger 2.0 and 3.1 brought to it): what `$ref`s in the
    /// models resolve in.
    public var document: JSONValue
}

/// One operation as a caller sees it.
public struct OperationInterface: Sendable {
    /// The resource path (`/items/{ID}`).
    public var path: String
    /// `GET`, `ANY`, …
    public var httpMethod: String
    /// `operationId`.
    public var operationId: String?
    /// `summary`, else `description`.
    public var summary: String?
    /// Whether the operation's own `security` names an `x-api-key` header scheme (API Gateway's
    /// `apiKeyRequired`).
    public var apiKeyRequired: Bool
    /// Path-level parameters, overridden by operation-level ones of the same name and place,
    /// with `$ref`s to `#/components/parameters` resolved; in declaration order.
    public var parameters: [ParameterDefinition]
    /// The request body (a `$ref` to `#/components/requestBodies` resolved).
    public var requestBody: BodyDefinition?
    /// The responses by status (`200`, `4XX`, `default`), in document order (`$ref`s to
    /// `#/components/responses` resolved).
    public var responses: [(status: String, body: BodyDefinition)]
    /// The operation's place in the document.
    public var pointer: JSONPointer
    /// `deprecated: true`.
    public var isDeprecated = false
}

/// A parameter of an operation.
public struct ParameterDefinition: Sendable {
    /// Where it travels.
    public enum Location: String, Sendable {
        case path, query, header, cookie
    }

    /// The name on the wire.
    public var name: String
    public var location: Location
    /// Path parameters are always required.
    public var isRequired: Bool
    /// Its schema (`{}` when none is given).
    public var schema: JSONValue
    /// The parameter object's place (its schema is at `pointer/schema`).
    public var pointer: JSONPointer
    /// Its `description`.
    public var description: String? = nil
    /// `style` (`form`, `spaceDelimited`, `pipeDelimited`, `deepObject`, `simple`, …), when given.
    public var style: String? = nil
    /// `explode`, when given (OpenAPI's default: true for `form`, false otherwise).
    public var explode: Bool? = nil
}

/// A request body or a response: its content by media type.
public struct BodyDefinition: Sendable {
    /// One media type's schema.
    public struct Content: Sendable {
        public var mediaType: String
        /// The schema, when one is given.
        public var schema: JSONValue?
        /// For multipart types: a part's media type by part name (the `encoding` object's `contentType`).
        public var partTypes: [String: String] = [:]
    }

    /// `required` (request bodies).
    public var isRequired: Bool
    /// `content`, in document order.
    public var content: [Content]
    /// The body or response object's place (a media type's schema is at
    /// `pointer/content/<type>/schema`).
    public var pointer: JSONPointer

    /// The schema for `mediaType`, with its place.
    public func schema(for mediaType: String) -> (schema: JSONValue, pointer: JSONPointer)? {
        guard let entry = content.first(where: { $0.mediaType == mediaType }), let schema = entry.schema else { return nil }
        return (schema, pointer.appending("content").appending(mediaType).appending("schema"))
    }
}

extension OpenAPIImporter {
    /// Reads what `document` (OpenAPI 3.0/3.1 or Swagger 2.0) offers its callers.
    public static func interface(_ document: JSONValue, file: String) throws(APIDefinitionError) -> APIInterface {
        let reader = DocumentReader(file: file)
        let normalized = try APIDocument.normalized(document, file: file)
        let root = try reader.object(normalized, at: .root)
        return try reader.interface(root)
    }
}

extension DocumentReader {
    /// The interface of a normalised (OpenAPI 3.0) document.
    func interface(_ root: JSONObject) throws(APIDefinitionError) -> APIInterface {
        let title = root["info"]?["title"]?.stringValue ?? "API"
        let keySchemes = OpenAPIImporter.apiKeySchemes(in: .object(root))
        let components = root["components"]
        var operations: [OperationInterface] = []
        for pathMember in try object(root["paths"] ?? [:], at: ["paths"]) {
            let path = pathMember.key
            let pathItem = try object(pathMember.value, at: ["paths", path])
            let shared = try parameters(pathItem["parameters"], at: JSONPointer(tokens: ["paths", path, "parameters"]), components: components)
            for (key, httpMethod) in OpenAPIImporter.operationKeys {
                guard let value = pathItem[key] else { continue }
                let pointer = JSONPointer(tokens: ["paths", path, key])
                let operation = try object(value, at: pointer)
                // Operation-level parameters replace path-level ones of the same name and place.
                var merged = shared
                for parameter in try parameters(operation["parameters"], at: pointer.appending("parameters"), components: components) {
                    if let index = merged.firstIndex(where: { $0.name == parameter.name && $0.location == parameter.location }) {
                        merged[index] = parameter
                    } else {
                        merged.append(parameter)
                    }
                }
                var requestBody: BodyDefinition?
                if let body = operation["requestBody"] {
                    requestBody = try self.body(body, at: pointer.appending("requestBody"), components: components, section: "requestBodies")
                }
                var responses: [(String, BodyDefinition)] = []
                for member in try members(operation["responses"], at: pointer.tokens + ["responses"]) {
                    responses.append(
                        (member.key, try body(member.value, at: pointer.appending("responses").appending(member.key), components: components, section: "responses")))
                }
                operations.append(
                    OperationInterface(
                        path: path, httpMethod: httpMethod, operationId: operation["operationId"]?.stringValue,
                        summary: operation["summary"]?.stringValue ?? operation["description"]?.stringValue,
                        apiKeyRequired: OpenAPIImporter.requiresAPIKey(.object(operation), schemes: keySchemes), parameters: merged,
                        requestBody: requestBody, responses: responses, pointer: pointer, isDeprecated: operation["deprecated"]?.boolValue == true))
            }
        }
        let models = try members(components?["schemas"], at: ["components", "schemas"]).map { (name: $0.key, schema: $0.value) }
        return APIInterface(title: title, file: file, models: models, operations: operations, document: .object(root))
    }

    /// A `$ref` to `#/components/<section>/NAME`, followed (a chain of at most 8): the object and its place.
    func component(_ value: JSONValue, at pointer: JSONPointer, components: JSONValue?, section: String) throws(APIDefinitionError) -> (JSONValue, JSONPointer) {
        var value = value
        var pointer = pointer
        var hops = 0
        while let reference = value["$ref"]?.stringValue {
            let prefix = "#/components/\(section)/"
            guard reference.hasPrefix(prefix) else {
                throw APIDefinitionError(file: file, pointer: pointer.appending("$ref"), message: "\(reference): only #/components/\(section)/NAME can be referenced here\(APIDocument.otherFileNote(reference))")
            }
            let name = JSONPointer.unescape(String(reference.dropFirst(prefix.count)))
            guard hops < 8, let target = components?[section]?[name] else {
                throw APIDefinitionError(
                    file: file, pointer: pointer.appending("$ref"), message: hops < 8 ? "\(reference) does not exist" : "\(reference): too many references in a row")
            }
            value = target
            pointer = JSONPointer(tokens: ["components", section, name])
            hops += 1
        }
        return (value, pointer)
    }

    /// The parameters at `pointer`: none when the member is absent or written empty
    /// (`parameters:` with no value, as OpenAPI tools accept it).
    func parameters(_ value: JSONValue?, at pointer: JSONPointer, components: JSONValue?) throws(APIDefinitionError) -> [ParameterDefinition] {
        let list: [JSONValue]
        do { list = try JSONShape.elements(value) } catch { throw APIDefinitionError(file: file, pointer: pointer, message: error.message) }
        var result: [ParameterDefinition] = []
        for (index, entry) in list.enumerated() {
            let (parameter, place) = try component(entry, at: pointer.appending(index: index), components: components, section: "parameters")
            guard case .string(let name)? = parameter["name"], case .string(let locationText)? = parameter["in"] else {
                throw APIDefinitionError(file: file, pointer: place, message: "a parameter needs \"name\" and \"in\"")
            }
            guard let location = ParameterDefinition.Location(rawValue: locationText) else {
                throw APIDefinitionError(file: file, pointer: place.appending("in"), message: "\"in\" must be path, query, header or cookie")
            }
            result.append(
                ParameterDefinition(
                    name: name, location: location, isRequired: location == .path || parameter["required"]?.boolValue == true,
                    schema: parameter["schema"] ?? .object(JSONObject()), pointer: place, description: parameter["description"]?.stringValue,
                    style: parameter["style"]?.stringValue, explode: parameter["explode"]?.boolValue))
        }
        return result
    }

    func body(_ value: JSONValue, at pointer: JSONPointer, components: JSONValue?, section: String) throws(APIDefinitionError) -> BodyDefinition {
        let (body, place) = try component(value, at: pointer, components: components, section: section)
        let content = try members(body["content"], at: place.tokens + ["content"]).map { (member) throws(APIDefinitionError) in
            var entry = BodyDefinition.Content(mediaType: member.key, schema: member.value["schema"])
            for part in try members(member.value["encoding"], at: place.tokens + ["content", member.key, "encoding"]) {
                if let type = part.value["contentType"]?.stringValue { entry.partTypes[part.key] = type }
            }
            return entry
        }
        return BodyDefinition(isRequired: body["required"]?.boolValue ?? false, content: content, pointer: place)
    }
}
