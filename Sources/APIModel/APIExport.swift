import JSONCore
import JSONSchema

/// What `GetExport` (and `gateway export`) write: the deployed API as one self-contained
/// document, as API Gateway's export writes it.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// OpenAPI 3.0.1.
    case oas30
    /// Swagger 2.0 (OpenAPI 2.0).
    case swagger
}

/// An API definition that cannot be exported, with the place in it.
public struct ExportError: Error, Sendable, CustomStringConvertible {
    /// The file the problem is in.
    public let file: String
    /// Where in it.
    public let pointer: JSONPointer
    /// What is wrong.
    public let message: String

    public var description: String { "\(file): \(pointer.uriFragment): \(message)" }
}

/// Turns a deployed OpenAPI 3 definition into API Gateway's export: models inlined under
/// `components.schemas` (or `definitions`) with every `$ref` rewritten to point inside the
/// document, no `$schema`/`id` in models (OpenAPI has no such schema keywords), every path
/// parameter declared on every operation, the stage's invoke URL as the server, and the
/// `x-amazon-apigateway-*` extensions kept only when asked for (`extensions=apigateway`).
public struct APIExporter {
    /// Reads a model file a `$ref` names: (path relative to the definition's directory, or
    /// absolute) → its JSON; nil when it cannot be read.
    public typealias ModelReader = (String) -> JSONValue?

    let file: String
    let readModel: ModelReader
    /// Model name by the file it was read from (relative path as written, normalised).
    private var nameByFile: [String: String] = [:]
    private var schemas = JSONObject()

    /// An exporter for the definition in `file`, reading model files with `readModel`.
    public init(file: String, readModel: @escaping ModelReader) {
        self.file = file
        self.readModel = readModel
    }

    /// The export of `document` deployed as `stage` of API `apiId` in `region`.
    public mutating func export(
        _ document: JSONValue, stage: String, apiId: String, region: String, format: ExportFormat, extensions: Bool
    ) throws(ExportError) -> JSONValue {
        guard var root = document.objectValue else { throw ExportError(file: file, pointer: .root, message: "the definition is not an object") }
        // Models first: file references become named components.
        for member in root["components"]?["schemas"]?.objectValue ?? JSONObject() {
            if case .string(let reference)? = member.value["$ref"], !reference.hasPrefix("#"), let target = fileTarget(reference) {
                nameByFile[target.path] = member.key
            }
        }
        for member in root["components"]?["schemas"]?.objectValue ?? JSONObject() {
            let here = JSONPointer(tokens: ["components", "schemas", member.key])
            var schema = member.value
            if case .string(let reference)? = schema["$ref"], !reference.hasPrefix("#"), let target = fileTarget(reference), target.fragment.isEmpty {
                guard let loaded = readModel(target.path) else {
                    throw ExportError(file: file, pointer: here.appending("$ref"), message: "cannot read the model file \(reference)")
                }
                schema = loaded
                schemas[member.key] = try model(schema, directory: directory(of: target.path), at: here)
            } else {
                schemas[member.key] = try model(schema, directory: "", at: here)
            }
        }
        // Paths: schemas rewritten, path parameters declared (those the API declares are read as
        // the gateway reads them: path-level and operation-level, `$ref`s followed).
        let interface: APIInterface
        do {
            interface = try DocumentReader(file: file).interface(root)
        } catch {
            throw ExportError(file: error.file, pointer: error.pointer, message: error.message)
        }
        var paths = JSONObject()
        for pathMember in root["paths"]?.objectValue ?? JSONObject() {
            guard var item = pathMember.value.objectValue else { continue }
            let names = PathTemplate.parameterNames(pathMember.key)
            for operation in item.keys where PathTemplate.httpMethods.contains(operation) {
                guard var object = item[operation]?.objectValue else { continue }
                let here = JSONPointer(tokens: ["paths", pathMember.key, operation])
                var parameters = object["parameters"]?.arrayValue ?? []
                let read = interface.operations.first { $0.pointer == here }?.parameters ?? []
                let declared = Set(read.filter { $0.location == .path }.map(\.name))
                for name in names where !declared.contains(name) {
                    parameters.append(["name": .string(name), "in": "path", "required": true, "schema": ["type": "string"]])
                }
                if !parameters.isEmpty { object["parameters"] = .array(parameters) }
                item[operation] = try rewriteSchemas(in: .object(object), directory: "", at: here)
            }
            paths[pathMember.key] = .object(item)
        }
        root["paths"] = .object(paths)
        var components = root["components"]?.objectValue ?? JSONObject()
        components["schemas"] = schemas.isEmpty ? nil : .object(schemas)
        root["components"] = components.isEmpty ? nil : .object(components)
        root["servers"] = [
            [
                "url": .string("https://\(apiId).execute-api.\(region).amazonaws.com/{basePath}"),
                "variables": ["basePath": ["default": .string(stage)]],
            ]
        ]
        var exported = JSONValue.object(root)
        if !extensions { exported = APIExporter.withoutExtensions(exported) }
        switch format {
        case .oas30: return APIExporter.ordered(exported, first: ["openapi", "info", "servers", "paths", "components"])
        case .swagger: return SwaggerConversion.convert(exported, host: "\(apiId).execute-api.\(region).amazonaws.com", basePath: "/" + stage)
        }
    }

    // MARK: - Models

    /// A model as OpenAPI wants it: no `$schema` or `id`, references rewritten.
    /// A model file's schema, made a model of the document: its `$ref`s pointed inside the
    /// document (`within` is the model the file became, for its references to itself).
    private mutating func model(_ schema: JSONValue, directory: String, at pointer: JSONPointer, within: String? = nil) throws(ExportError) -> JSONValue {
        var schema = schema
        if case .object(var object) = schema {
            object["$schema"] = nil
            if case .string? = object["id"] { object["id"] = nil }
            schema = .object(object)
        }
        return try rewriteSchemas(in: schema, directory: directory, at: pointer, within: within)
    }

    /// Every `$ref` in `value` pointed inside the document.
    private mutating func rewriteSchemas(in value: JSONValue, directory: String, at pointer: JSONPointer, within: String? = nil) throws(ExportError) -> JSONValue {
        switch value {
        case .object(var object):
            if case .string(let reference)? = object["$ref"] {
                object["$ref"] = .string(try internalReference(reference, directory: directory, at: pointer.appending("$ref"), within: within))
                return .object(object)
            }
            for member in object {
                object[member.key] = try rewriteSchemas(in: member.value, directory: directory, at: pointer.appending(member.key), within: within)
            }
            return .object(object)
        case .array(let elements):
            var result: [JSONValue] = []
            for (index, element) in elements.enumerated() {
                result.append(try rewriteSchemas(in: element, directory: directory, at: pointer.appending(index: index), within: within))
            }
            return .array(result)
        default:
            return value
        }
    }

    /// `#/components/schemas/Name[/…]` for a reference to a model file, a model URL or a model.
    private mutating func internalReference(_ reference: String, directory: String, at pointer: JSONPointer, within: String? = nil) throws(ExportError) -> String {
        // Inside a model file, `#/…` is that file: the model it became.
        if let within, reference.hasPrefix("#") { return "#/components/schemas/" + within + reference.dropFirst() }
        if reference.hasPrefix("#/components/schemas/") { return reference }
        if let name = SchemaRegistry.apiGatewayModelName(in: reference) {
            if schemas[name] == nil, nameByFile.values.contains(name) == false {
                // A model URL naming a model the definition does not declare: its file beside it.
                guard let loaded = readModel(name + ".json") else {
                    throw ExportError(file: file, pointer: pointer, message: "\(reference) names model \(name), which the definition does not declare")
                }
                nameByFile[name + ".json"] = name
                schemas[name] = .null  // reserved while it is converted (cycles)
                schemas[name] = try model(loaded, directory: "", at: pointer, within: name)
            }
            return "#/components/schemas/" + name
        }
        if reference.hasPrefix("#") {
            throw ExportError(file: file, pointer: pointer, message: "\(reference) does not point at a model under #/components/schemas")
        }
        guard let target = fileTarget(reference, directory: directory) else {
            throw ExportError(file: file, pointer: pointer, message: "\(reference) is outside the definition and not a model file")
        }
        let name: String
        if let known = nameByFile[target.path] {
            name = known
        } else {
            var base = String(target.path.split(separator: "/").last ?? "Model")
            if base.hasSuffix(".json") { base.removeLast(5) }
            var candidate = base
            var number = 2
            while schemas[candidate] != nil || nameByFile.values.contains(candidate) {
                candidate = base + String(number)
                number += 1
            }
            name = candidate
            guard let loaded = readModel(target.path) else {
                throw ExportError(file: file, pointer: pointer, message: "cannot read the model file \(reference)")
            }
            nameByFile[target.path] = name
            schemas[name] = .null
            schemas[name] = try model(loaded, directory: self.directory(of: target.path), at: pointer, within: name)
        }
        return "#/components/schemas/" + name + target.fragment
    }

    /// The file path (relative to the definition's directory) and fragment of a reference to
    /// a file; nil for URLs.
    private func fileTarget(_ reference: String, directory: String = "") -> (path: String, fragment: String)? {
        let parts = reference.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let target = String(parts[0])
        guard !target.isEmpty, !target.contains(":") else { return nil }
        let fragment = parts.count > 1 && parts[1].count > 0 ? String(parts[1]) : ""
        let joined = target.hasPrefix("/") || directory.isEmpty ? target : directory + "/" + target
        return (APIExporter.normalised(joined), fragment)
    }

    private func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    static func normalised(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            parts.append(part)
        }
        return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }

    // MARK: - Shape

    /// `value` without `x-amazon-apigateway-*` members anywhere.
    static func withoutExtensions(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            return .object(JSONObject(object.filter { !$0.key.hasPrefix("x-amazon-apigateway-") }.map { JSONObject.Member(key: $0.key, value: withoutExtensions($0.value)) }))
        case .array(let elements):
            return .array(elements.map(withoutExtensions))
        default:
            return value
        }
    }

    /// The object with `first` keys leading, in that order, then the rest as they were.
    static func ordered(_ value: JSONValue, first: [String]) -> JSONValue {
        guard let object = value.objectValue else { return value }
        var members: [JSONObject.Member] = first.compactMap { key in object[key].map { JSONObject.Member(key: key, value: $0) } }
        members += object.filter { !first.contains($0.key) }
        return .object(JSONObject(members))
    }
}

/// Path templates (`/items/{ID}`, `/files/{path+}`).
enum PathTemplate {
    static let httpMethods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace", "x-amazon-apigateway-any-method"]

    /// The parameter names of a path template (`{proxy+}` → `proxy`).
    static func parameterNames(_ path: String) -> [String] {
        path.split(separator: "/").compactMap { part in
            guard part.hasPrefix("{"), part.hasSuffix("}") else { return nil }
            var name = part.dropFirst().dropLast()
            if name.hasSuffix("+") { name = name.dropLast() }
            return String(name)
        }
    }
}
