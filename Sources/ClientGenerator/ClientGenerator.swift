import APIModel
import JSONCore

/// One generated source file.
public struct GeneratedFile: Sendable, Equatable {
    /// The file name (`Types.swift`).
    public var name: String
    /// The text.
    public var contents: String
}

/// The generator: an OpenAPI 3.0 definition (with API Gateway's extensions) and the draft-04
/// models it references → a typed Swift client. Pure: documents in, text out.
///
/// Pipeline: parse (the caller) → translate (`ClientModel`) → render (`SwiftRenderer`).
public enum ClientGenerator {
    /// Translates and renders.
    /// - Parameters:
    ///   - documents: the definition and the model files, by file name (`ItemsAPI.json`, `Item.json`).
    ///   - apiFile: the definition's file name.
    ///   - clientName: the client type (default: the title without `API`, plus `Client`).
    ///   - command: the command that regenerates the output, named in each file's header.
    public static func generate(
        documents: [String: JSONValue], apiFile: String, clientName: String? = nil, options: GeneratorOptions = GeneratorOptions(), command: String
    ) throws(GeneratorError) -> [GeneratedFile] {
        try generateReporting(documents: documents, apiFile: apiFile, clientName: clientName, options: options, command: command).files
    }

    /// `generate`, with the warnings: what the definition says that the generated code does
    /// not express, each with its file and JSON Pointer (the code compiles regardless).
    public static func generateReporting(
        documents: [String: JSONValue], apiFile: String, clientName: String? = nil, options: GeneratorOptions = GeneratorOptions(), command: String
    ) throws(GeneratorError) -> (files: [GeneratedFile], warnings: [String]) {
        let model = try translate(documents: documents, apiFile: apiFile, clientName: clientName, options: options)
        return (SwiftRenderer(model: model, command: command, nestedTypes: options.nestedTypes).files(), model.warnings)
    }

    /// The translate step alone.
    public static func translate(
        documents: [String: JSONValue], apiFile: String, clientName: String? = nil, options: GeneratorOptions = GeneratorOptions()
    ) throws(GeneratorError) -> ClientModel {
        // Swagger 2.0 and OpenAPI 3.1 are read as the gateway reads them: brought to OpenAPI 3.0 first.
        var documents = documents
        if let original = documents[apiFile] {
            do {
                documents[apiFile] = try APIDocument.normalized(original, file: apiFile)
            } catch {
                throw GeneratorError(file: error.file, pointer: error.pointer.description, message: error.message)
            }
        }
        var schemas = try SchemaTranslator(documents: documents, apiFile: apiFile, options: options)
        let api = documents[apiFile]!
        let title = api["info"]?["title"]?.stringValue ?? String(apiFile.prefix { $0 != "." })
        let (translated, inlineTypes) = try OperationTranslator.operations(api: api, file: apiFile, schemas: &schemas)
        // Models reached only through references are registered while translating; translate
        // until no new model appears.
        var declared: [String: TypeDeclaration] = [:]
        while let next = schemas.models.keys.filter({ declared[$0] == nil }).min() {
            declared[next] = try schemas.declaration(model: next)
        }
        var types = Array(declared.values)
        types.append(contentsOf: inlineTypes)
        types.sort { $0.name < $1.name }
        var name = clientName ?? SwiftNames.type(title.hasSuffix("API") ? String(title.dropLast(3)) : title) + "Client"
        if name == "Client" { name = "APIClient" }
        let operations = translated.map { operation in
            var operation = operation
            operation.parameters = operation.parameters.map { parameter in
                var parameter = parameter
                if case .named(let typeName) = parameter.type, schemas.stringEnums.contains(typeName) { parameter.isStringEnum = true }
                return parameter
            }
            return operation
        }
        var model = ClientModel(clientName: name, title: title, types: types, operations: operations)
        model.warnings = schemas.warnings
        return model
    }
}

/// OpenAPI paths → client methods.
enum OperationTranslator {
    static let methodOrder = ["get", "put", "post", "delete", "patch", "head"]

    /// The operations, and the types of inline parameters and bodies (top-level types).
    static func operations(api: JSONValue, file: String, schemas: inout SchemaTranslator) throws(GeneratorError) -> ([OperationDeclaration], [TypeDeclaration]) {
        var result: [OperationDeclaration] = []
        var inlineTypes: [TypeDeclaration] = []
        var usedNames = Set<String>()
        // The key rule is the gateway's (APIModel): operation-level security naming an x-api-key header scheme.
        let keySchemes = OpenAPIImporter.apiKeySchemes(in: api)
        for pathMember in api["paths"]?.objectValue ?? JSONObject() {
            let path = pathMember.key
            let pathItem = pathMember.value
            for method in methodOrder {
                guard let operation = pathItem[method] else { continue }
                let pointer = "/paths/" + JSONPointer.escape(path) + "/" + method
                let fail = { (message: String) in GeneratorError(file: file, pointer: pointer, message: message) }
                let baseName = operation["operationId"]?.stringValue.map(SwiftNames.property)
                    ?? SwiftNames.property(method + " " + path.replacingAll("{", with: " by ").replacingAll("}", with: " "))
                let name = SwiftNames.unique(baseName, &usedNames)
                let typePrefix = SwiftNames.type(name.trimming("`"))

                // Parameters: path-level first, overridden by operation-level ones of the same name and place.
                var parameters: [ParameterDeclaration] = []
                var usedLabels = Set<String>()
                var declared: [(JSONValue, String)] = []
                for (index, parameter) in (pathItem["parameters"]?.arrayValue ?? []).enumerated() { declared.append((parameter, "/paths/" + JSONPointer.escape(path) + "/parameters/\(index)")) }
                for (index, parameter) in (operation["parameters"]?.arrayValue ?? []).enumerated() { declared.append((parameter, pointer + "/parameters/\(index)")) }
                var byKey: [String: (JSONValue, String)] = [:]
                var order: [String] = []
                for (parameter, at) in declared {
                    var parameter = parameter
                    if let reference = parameter["$ref"]?.stringValue, reference.hasPrefix("#/components/parameters/") {
                        guard let target = api["components"]?["parameters"]?[String(reference.dropFirst("#/components/parameters/".count))] else {
                            throw GeneratorError(file: file, pointer: at + "/$ref", message: "\(reference) does not exist")
                        }
                        parameter = target
                    }
                    guard let wire = parameter["name"]?.stringValue, let place = parameter["in"]?.stringValue else {
                        throw GeneratorError(file: file, pointer: at, message: "a parameter needs name and in")
                    }
                    let key = place + ":" + wire
                    if byKey[key] == nil { order.append(key) }
                    byKey[key] = (parameter, at)
                }
                var nested: [TypeDeclaration] = []
                for location in [ParameterDeclaration.Location.path, .query, .header] {
                    for key in order where key.hasPrefix(location.rawValue + ":") {
                        let (parameter, at) = byKey[key]!
                        let wire = parameter["name"]!.stringValue!
                        if location == .header && wire.lowercased() == "x-api-key" { continue }
                        let schema = parameter["schema"] ?? .object(JSONObject())
                        let type = try schemas.translate(
                            SchemaTranslator.Located(schema: schema, file: file, pointer: at + "/schema"), suggestedName: typePrefix + SwiftNames.type(wire), nested: &nested)
                        let required = location == .path || parameter["required"]?.boolValue == true
                        parameters.append(
                            ParameterDeclaration(
                                swiftName: SwiftNames.unique(SwiftNames.property(wire), &usedLabels), wireName: wire, location: location, type: type, isRequired: required))
                    }
                }
                for placeholder in path.split(separator: "{").dropFirst().map({ String($0.prefix { $0 != "}" }) }) {
                    let bare = placeholder.hasSuffix("+") ? String(placeholder.dropLast()) : placeholder
                    guard parameters.contains(where: { $0.location == .path && $0.wireName == bare }) else { throw fail("path parameter {\(placeholder)} is not declared") }
                }

                var body: (type: SwiftType, required: Bool)?
                if let requestBody = operation["requestBody"], requestBody["content"]?["application/json"] == nil,
                    let types = requestBody["content"]?.objectValue?.keys, !types.isEmpty
                {
                    schemas.warn(
                        SchemaTranslator.Located(schema: requestBody, file: file, pointer: pointer + "/requestBody"),
                        "the body is \(types.joined(separator: ", ")), not JSON: the method \(name) takes no body argument")
                }
                if let requestBody = operation["requestBody"], let schema = requestBody["content"]?["application/json"]?["schema"] {
                    let type = try schemas.translate(
                        SchemaTranslator.Located(schema: schema, file: file, pointer: pointer + "/requestBody/content/application~1json/schema"),
                        suggestedName: typePrefix + "Body", nested: &nested)
                    body = (type, requestBody["required"]?.boolValue ?? false)
                    usedLabels.insert("body")
                }

                var response: (type: SwiftType, model: String?)?
                let responses = operation["responses"]?.objectValue ?? JSONObject()
                if let success = responses.keys.filter({ $0.hasPrefix("2") }).sorted().first,
                    let schema = responses[success]?["content"]?["application/json"]?["schema"]
                {
                    let located = SchemaTranslator.Located(schema: schema, file: file, pointer: pointer + "/responses/\(success)/content/application~1json/schema")
                    let type = try schemas.translate(located, suggestedName: typePrefix + "Response", nested: &nested)
                    var model: String?
                    if let reference = schema["$ref"]?.stringValue { model = try schemas.model(for: reference, at: located) }
                    response = (type, model)
                }
                var errorResponses: [(status: String, type: SwiftType?)] = []
                for status in responses.keys.filter({ $0.hasPrefix("4") || $0.hasPrefix("5") }).sorted() {
                    var type: SwiftType?
                    if let schema = responses[status]?["content"]?["application/json"]?["schema"] {
                        let located = SchemaTranslator.Located(schema: schema, file: file, pointer: pointer + "/responses/\(status)/content/application~1json/schema")
                        type = try schemas.translate(located, suggestedName: typePrefix + "Error" + status, nested: &nested)
                    }
                    errorResponses.append((status, type))
                }
                inlineTypes.append(contentsOf: nested)

                let requiresKey = OpenAPIImporter.requiresAPIKey(operation, schemes: keySchemes)
                result.append(
                    OperationDeclaration(
                        name: name, httpMethod: method.uppercased(), path: path, parameters: parameters, body: body, response: response,
                        errorResponses: errorResponses, requiresAPIKey: requiresKey, documentation: operation["summary"]?.stringValue ?? operation["description"]?.stringValue))
            }
        }
        return (result, inlineTypes)
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }

    func trimming(_ characters: String) -> String {
        var text = Substring(self)
        while let first = text.first, characters.contains(first) { text = text.dropFirst() }
        while let last = text.last, characters.contains(last) { text = text.dropLast() }
        return String(text)
    }
}

extension ClientGenerator {
    /// The files a document's `$ref`s name (`Item.json`), in first-seen order: what a caller
    /// must load next to the definition.
    public static func referencedFiles(in document: JSONValue) -> [String] {
        var files: [String] = []
        var stack = [document]
        while let value = stack.popLast() {
            switch value {
            case .object(let object):
                for member in object {
                    if member.key == "$ref", let reference = member.value.stringValue {
                        let file = String(reference.prefix { $0 != "#" })
                        if let name = SchemaTranslator.fileName(file), !files.contains(name) { files.append(name) }
                    } else {
                        stack.append(member.value)
                    }
                }
            case .array(let elements): stack.append(contentsOf: elements.reversed())
            default: break
            }
        }
        return files
    }
}
