import APIModel
import Foundation
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
    ) throws(GeneratorError) -> (files: [GeneratedFile], warnings: [GeneratorError]) {
        let model = try translate(documents: documents, apiFile: apiFile, clientName: clientName, options: options)
        return (SwiftRenderer(model: model, command: command, nestedTypes: options.nestedTypes, typeFiles: options.typeFiles).files(), model.warnings)
    }

    /// The translate step alone. Errors and warnings point into the user's own document (a
    /// Swagger 2.0 file's parameters, not the OpenAPI 3.0 form it is read in).
    public static func translate(
        documents: [String: JSONValue], apiFile: String, clientName: String? = nil, options: GeneratorOptions = GeneratorOptions()
    ) throws(GeneratorError) -> ClientModel {
        let original = documents[apiFile] ?? .null
        func inSource(_ message: GeneratorError) -> GeneratorError {
            guard message.file == apiFile, let pointer = try? JSONPointer(parsing: message.pointer) else { return message }
            var mapped = message
            mapped.pointer = APIDocument.sourcePointer(pointer, in: original).description
            if original["swagger"] != nil { mapped.message = mapped.message.replacingOccurrences(of: "#/components/schemas/", with: "#/definitions/") }
            return mapped
        }
        do {
            var model = try translateNormalized(documents: documents, apiFile: apiFile, clientName: clientName, options: options)
            model.warnings = model.warnings.map(inSource)
            return model
        } catch {
            throw inSource(error)
        }
    }

    static func translateNormalized(
        documents: [String: JSONValue], apiFile: String, clientName: String?, options: GeneratorOptions
    ) throws(GeneratorError) -> ClientModel {
        // The API is read as the gateway reads it (APIModel: Swagger 2.0 and OpenAPI 3.1 brought
        // to 3.0, parameters merged, components resolved, the key rule).
        guard let original = documents[apiFile] else { throw GeneratorError(file: apiFile, pointer: "", message: "the file is missing") }
        let interface: APIInterface
        do {
            let document = try ExternalReferences.inlined(original, file: apiFile, documents: documents)
            interface = try OpenAPIImporter.interface(document, file: apiFile)
        } catch {
            throw GeneratorError(file: error.file, pointer: error.pointer.description, message: error.message)
        }
        var schemas = try SchemaTranslator(documents: documents, interface: interface, options: options)
        let title = interface.title
        let (translated, inlineTypes) = try OperationTranslator.operations(interface, schemas: &schemas)
        // Models reached only through references are registered while translating; translate
        // until no new model appears.
        // The undeclared model with the least name goes next (the list is rebuilt only when a
        // declaration registered new models: rebuilding it each time was quadratic).
        var declared: [String: [TypeDeclaration]] = [:]
        var queue: [String] = []
        var known = 0
        while true {
            if schemas.models.count != known {
                known = schemas.models.count
                queue = schemas.models.keys.filter { declared[$0] == nil }.sorted(by: >)
            }
            guard let next = queue.popLast() else { break }
            declared[next] = try schemas.declarations(model: next)
        }
        var types = declared.values.flatMap { $0 }
        types.append(contentsOf: inlineTypes)
        types.sort { $0.name < $1.name }
        types = SharedStringEnums.apply(to: RecursionBreaker.apply(to: types))
        var name = clientName ?? SwiftNames.type(title.hasSuffix("API") ? String(title.dropLast(3)) : title) + "Client"
        if name == "Client" { name = "APIClient" }
        if let clientName {
            if let problem = ClientGenerator.problem(withClientName: clientName) {
                throw GeneratorError(file: apiFile, pointer: "", message: problem)
            }
            if types.contains(where: { $0.name == clientName }) {
                throw GeneratorError(
                    file: apiFile, pointer: "",
                    message: "--name \(clientName): the API has a model of that name; choose another client name (\(clientName)Client?)")
            }
        }
        let operations = translated.map { operation in
            var operation = operation
            operation.parameters = operation.parameters.map { parameter in
                var parameter = parameter
                if case .named(let typeName) = parameter.type, schemas.stringEnums.contains(typeName) { parameter.isStringEnum = true }
                if case .array(.named(let typeName)) = parameter.type, parameter.arrayEncoding != nil, schemas.stringEnums.contains(typeName) {
                    parameter.isStringEnum = true
                }
                return parameter
            }
            return operation
        }
        var model = ClientModel(clientName: name, title: title, types: types, operations: operations)
        model.warnings = schemas.warnings
        model.servers = try ServerDeclaration.servers(in: interface.document, file: apiFile)
        model.security = try SecurityDeclaration.schemes(in: interface.document, file: apiFile, warnings: &model.warnings)
        return model
    }
}

extension ServerDeclaration {
    /// The servers `document` (OpenAPI 3) lists; entries without a `url` are skipped.
    static func servers(in document: JSONValue, file: String) throws(GeneratorError) -> [ServerDeclaration] {
        var servers: [ServerDeclaration] = []
        for (index, entry) in try DefinitionShape.elements(document["servers"], file: file, pointer: "/servers").enumerated() {
            guard let url = entry["url"]?.stringValue else { continue }
            var used = Set<String>()
            var variables: [Variable] = []
            for member in try DefinitionShape.members(entry["variables"], file: file, pointer: "/servers/\(index)/variables") {
                variables.append(
                    Variable(
                        name: member.key, swiftName: SwiftNames.unique(SwiftNames.property(member.key), &used),
                        defaultValue: member.value["default"].flatMap(DefinitionShape.scalarText) ?? "",
                        allowed: try DefinitionShape.strings(
                            member.value["enum"], file: file, pointer: "/servers/\(index)/variables/" + JSONPointer.escape(member.key) + "/enum",
                            scalars: true),
                        documentation: member.value["description"]?.stringValue))
            }
            servers.append(ServerDeclaration(url: url, documentation: entry["description"]?.stringValue, variables: variables))
        }
        return servers
    }
}

extension SecurityDeclaration {
    /// The schemes of `components.securitySchemes` a middleware can satisfy (API keys, bearer
    /// and basic, OAuth2 and OpenID Connect tokens, SigV4), but API Gateway's `x-api-key`
    /// header (the client's `apiKey:`); the others (mutual TLS, other HTTP schemes) are warnings.
    static func schemes(in document: JSONValue, file: String, warnings: inout [GeneratorError]) throws(GeneratorError) -> [SecurityDeclaration] {
        var used = Set<String>()
        var result: [SecurityDeclaration] = []
        for member in try DefinitionShape.members(document["components"]?["securitySchemes"], file: file, pointer: "/components/securitySchemes") {
            let scheme = member.value
            let kind: Kind?
            switch (scheme["type"]?.stringValue, scheme["scheme"]?.stringValue?.lowercased()) {
            case ("apiKey", _):
                if scheme["x-amazon-apigateway-authtype"]?.stringValue?.lowercased() == "awssigv4" {
                    kind = .sigV4
                } else if let location = scheme["in"]?.stringValue, ["header", "query", "cookie"].contains(location), let name = scheme["name"]?.stringValue {
                    kind = .apiKey(location: location, name: name)
                } else {
                    kind = nil
                }
            case ("http", "bearer"), ("oauth2", _), ("openIdConnect", _): kind = .bearer
            case ("http", "basic"): kind = .basic
            default: kind = nil
            }
            // API Gateway's key (`x-api-key` in a header) is the client's `apiKey:` already.
            if case .apiKey("header", let name)? = kind, name.lowercased() == "x-api-key" { continue }
            guard let kind else {
                let warning = GeneratorError(
                    file: file, pointer: JSONPointer(tokens: ["components", "securitySchemes", member.key]).description,
                    message: "security scheme \(member.key) is not generated: add its credential with a middleware of your own")
                warnings.append(warning)
                continue
            }
            result.append(
                SecurityDeclaration(
                    name: member.key, swiftName: SwiftNames.unique(SwiftNames.property(member.key), &used), kind: kind,
                    documentation: scheme["description"]?.stringValue))
        }
        return result
    }
}

/// The API's operations → client methods.
enum OperationTranslator {
    /// The methods a client has, in this order within a path (OPTIONS is CORS's, ANY has no one verb).
    static let methodOrder = ["GET", "PUT", "POST", "DELETE", "PATCH", "HEAD"]

    /// The media type a method sends, in this order of preference: JSON (`application/json`,
    /// `application/*+json`, with parameters), form-urlencoded, `multipart/form-data`, text,
    /// then any other type but another multipart (as binary). Nil when only other multipart
    /// types are offered.
    /// How one media type's body travels: nil for multipart types other than form-data.
    static func bodyEncoding(_ content: BodyDefinition.Content) -> OperationDeclaration.BodyEncoding? {
        let essence = essence(content.mediaType)
        if essence == "application/json" || (essence.hasPrefix("application/") && essence.hasSuffix("+json")) { return .json(content.mediaType) }
        if essence == "application/x-www-form-urlencoded" { return .form(content.mediaType) }
        if essence == "multipart/form-data" { return .multipart(content.mediaType, partTypes: content.partTypes) }
        if essence.hasPrefix("multipart/") { return nil }
        if essence.hasPrefix("text/") { return .text(content.mediaType) }
        return .binary(content.mediaType)
    }

    static func bodyContent(_ body: BodyDefinition) -> (content: BodyDefinition.Content, encoding: OperationDeclaration.BodyEncoding)? {
        func rank(_ content: BodyDefinition.Content, _ encoding: OperationDeclaration.BodyEncoding) -> Int {
            switch encoding {
            case .json: return essence(content.mediaType) == "application/json" ? 0 : 1
            case .form: return 2
            case .multipart: return 3
            case .text: return 4
            case .binary: return 5
            }
        }
        let offered = body.content.compactMap { content in bodyEncoding(content).map { (content: content, encoding: $0) } }
        return offered.enumerated().min { (rank($0.element.content, $0.element.encoding), $0.offset) < (rank($1.element.content, $1.element.encoding), $1.offset) }?.element
    }

    /// A media type without its parameters, lower-cased (`application/json; charset=utf-8` → `application/json`).
    static func essence(_ mediaType: String) -> String {
        String(mediaType.prefix { $0 != ";" }).trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// How an array parameter's elements travel, from its `style` and `explode`: query `form`
    /// (exploded by default: one item each; else comma-joined), `spaceDelimited`,
    /// `pipeDelimited`; path and header `simple` (comma-joined). Nil for other parameters and
    /// styles (`deepObject`, `label`, `matrix`): those go out as JSON text.
    static func arrayEncoding(_ parameter: ParameterDefinition, type: SwiftType) -> ParameterDeclaration.ArrayEncoding? {
        guard case .array(.named) = type else { return nil }
        switch (parameter.location, parameter.style) {
        case (.query, nil), (.query, "form"): return parameter.explode ?? true ? .repeated : .joined(",")
        case (.query, "spaceDelimited"): return .joined(" ")
        case (.query, "pipeDelimited"): return .joined("|")
        case (.path, nil), (.path, "simple"), (.header, nil), (.header, "simple"): return .joined(",")
        default: return nil
        }
    }

    /// A response's body: its type, model name (a `$ref`'d JSON model, for validation) and how it
    /// is read — JSON first, then text, then any other type as bytes; nil without content.
    static func responseBody(
        _ answer: BodyDefinition, file: String, suggestedName: String, schemas: inout SchemaTranslator, nested: inout [TypeDeclaration], method: String
    ) throws(GeneratorError) -> (type: SwiftType, model: String?, encoding: OperationDeclaration.ResponseEncoding)? {
        if let (schema, at) = answer.schema(for: "application/json") {
            let located = SchemaTranslator.Located(schema: schema, file: file, pointer: at.description)
            let type = try schemas.translate(located, suggestedName: suggestedName, nested: &nested)
            let model = try schema["$ref"]?.stringValue.map { reference throws(GeneratorError) in try schemas.model(for: reference, at: located) }
            return (type, model, .json)
        }
        guard let chosen = OperationTranslator.bodyContent(answer) else { return nil }
        switch chosen.encoding {
        case .json:
            let located = SchemaTranslator.Located(
                schema: chosen.content.schema ?? .object(JSONObject()), file: file,
                pointer: answer.pointer.appending("content").appending(chosen.content.mediaType).appending("schema").description)
            return (try schemas.translate(located, suggestedName: suggestedName, nested: &nested), nil, .json)
        case .text, .form, .multipart:
            if chosen.content.mediaType.lowercased().hasPrefix("text/event-stream") { return (.named("ServerSentEvents"), nil, .eventStream) }
            return (.named("String"), nil, .text)
        case .binary:
            return (.named("Data"), nil, .binary)
        }
    }

    /// A success's declared headers (CORS's `Access-Control-*` are the browser's business, not
    /// the caller's), each typed: scalars and string enums as themselves, anything else as text.
    static func responseHeaders(
        _ answer: (status: String, body: BodyDefinition), document: JSONValue, file: String, typePrefix: String, schemas: inout SchemaTranslator,
        nested: inout [TypeDeclaration]
    ) throws(GeneratorError) -> [HeaderDeclaration] {
        var result: [HeaderDeclaration] = []
        var used = Set<String>()
        let headers = try DefinitionShape.members(
            answer.body.pointer.resolve(in: document)?["headers"], file: file, pointer: answer.body.pointer.appending("headers").description)
        for member in headers where !member.key.lowercased().hasPrefix("access-control-") {
            var header = member.value
            var pointer = answer.body.pointer.appending("headers").appending(member.key)
            // `$ref: '#/components/headers/NAME'`.
            if let reference = header["$ref"]?.stringValue, reference.hasPrefix("#"), let target = try? JSONPointer(parsing: String(reference.dropFirst())),
                let resolved = target.resolve(in: document)
            {
                header = resolved
                pointer = target
            }
            var type = SwiftType.named("String")
            if let schema = header["schema"] {
                let located = SchemaTranslator.Located(schema: schema, file: file, pointer: pointer.appending("schema").description)
                let translated = try schemas.translate(located, suggestedName: typePrefix + SwiftNames.type(member.key), nested: &nested)
                if case .named(let name) = translated, SwiftRenderer.describedScalars.contains(name) || schemas.stringEnums.contains(name) { type = translated }
            }
            var declaration = HeaderDeclaration(
                wireName: member.key, swiftName: SwiftNames.unique(SwiftNames.property(member.key), &used), type: type,
                documentation: header["description"]?.stringValue)
            if case .named(let name) = type { declaration.isStringEnum = schemas.stringEnums.contains(name) }
            result.append(declaration)
        }
        return result.sorted { $0.wireName.lowercased() < $1.wireName.lowercased() }
    }

    /// Whether a schema is a scalar (string, integer, number, boolean, or an enum) or an array of
    /// scalars, `$ref`s followed.
    static func isScalarOrArrayOfScalars(_ located: SchemaTranslator.Located, schemas: inout SchemaTranslator) throws(GeneratorError) -> Bool {
        func isScalar(_ schema: JSONValue) -> Bool {
            ["string", "integer", "number", "boolean"].contains(schema["type"]?.stringValue ?? "") || (schema["type"] == nil && schema["enum"] != nil)
        }
        let schema = try schemas.resolve(located).schema
        if isScalar(schema) { return true }
        guard schema["type"]?.stringValue == "array", let items = schema["items"], items.objectValue != nil else { return false }
        return isScalar(try schemas.resolve(SchemaTranslator.Located(schema: items, file: located.file, pointer: located.pointer + "/items")).schema)
    }

    /// The operations, and the types of inline parameters and bodies (top-level types).
    static func operations(_ interface: APIInterface, schemas: inout SchemaTranslator) throws(GeneratorError) -> ([OperationDeclaration], [TypeDeclaration]) {
        let file = interface.file
        var result: [OperationDeclaration] = []
        var inlineTypes: [TypeDeclaration] = []
        var usedNames = Set<String>()
        var byPath: [String: [OperationInterface]] = [:]
        var paths: [String] = []
        for operation in interface.operations where methodOrder.contains(operation.httpMethod) {
            if byPath[operation.path] == nil { paths.append(operation.path) }
            byPath[operation.path, default: []].append(operation)
        }
        for path in paths {
            for operation in byPath[path]!.sorted(by: { methodOrder.firstIndex(of: $0.httpMethod)! < methodOrder.firstIndex(of: $1.httpMethod)! }) {
                let method = operation.httpMethod.lowercased()
                let pointer = operation.pointer.description
                let baseName = operation.operationId.map(SwiftNames.property)
                    ?? SwiftNames.property(method + " " + path.replacingAll("{", with: " by ").replacingAll("}", with: " "))
                let name = SwiftNames.unique(baseName, &usedNames)
                let typePrefix = SwiftNames.type(name.trimming("`"))

                var parameters: [ParameterDeclaration] = []
                var usedLabels = Set<String>()
                var nested: [TypeDeclaration] = []
                for location in [ParameterDeclaration.Location.path, .query, .header, .cookie] {
                    for parameter in operation.parameters where parameter.location.rawValue == location.rawValue {
                        if location == .header && parameter.name.lowercased() == "x-api-key" { continue }
                        let type = try schemas.translate(
                            SchemaTranslator.Located(schema: parameter.schema, file: file, pointer: parameter.pointer.description + "/schema"),
                            suggestedName: typePrefix + SwiftNames.type(parameter.name), nested: &nested)
                        let encoding = OperationTranslator.arrayEncoding(parameter, type: type)
                        // A query object in deepObject style goes out member by member; another
                        // style the client does not generate (an array's without an encoding,
                        // deepObject outside the query) is a warning.
                        var isArray = false
                        if case .array = type { isArray = true }
                        let isDeepObject = parameter.style == "deepObject" && location == .query && !isArray
                        // Path label and matrix styles, for scalars and arrays of scalars.
                        var pathStyle: ParameterDeclaration.PathStyle?
                        if location == .path, let style = parameter.style, style == "label" || style == "matrix",
                            try OperationTranslator.isScalarOrArrayOfScalars(
                                SchemaTranslator.Located(schema: parameter.schema, file: file, pointer: parameter.pointer.description + "/schema"), schemas: &schemas)
                        {
                            pathStyle = style == "label" ? .label(explode: parameter.explode ?? false) : .matrix(explode: parameter.explode ?? false)
                        }
                        if let style = parameter.style, !isDeepObject, pathStyle == nil, style == "deepObject" || style == "label" || style == "matrix" || (isArray && encoding == nil) {
                            schemas.warn(
                                SchemaTranslator.Located(schema: .null, file: file, pointer: parameter.pointer.description + "/style"),
                                "style \(style) is not generated: \(parameter.name) goes out as JSON text")
                        }
                        var declaration = ParameterDeclaration(
                            swiftName: SwiftNames.unique(SwiftNames.property(parameter.name), &usedLabels), wireName: parameter.name, location: location,
                            type: type, isRequired: parameter.isRequired, documentation: parameter.description,
                            arrayEncoding: encoding)
                        declaration.isDeepObject = isDeepObject
                        declaration.pathStyle = pathStyle
                        parameters.append(declaration)
                    }
                }
                for placeholder in path.split(separator: "{").dropFirst().map({ String($0.prefix { $0 != "}" }) }) {
                    let bare = placeholder.hasSuffix("+") ? String(placeholder.dropLast()) : placeholder
                    guard parameters.contains(where: { $0.location == .path && $0.wireName == bare }) else {
                        throw GeneratorError(file: file, pointer: pointer, message: "path parameter {\(placeholder)} is not declared")
                    }
                }

                var body: (type: SwiftType, required: Bool)?
                var bodyEncoding = OperationDeclaration.BodyEncoding.json("application/json")
                var bodyChoices: [BodyChoice] = []
                if let requestBody = operation.requestBody, let chosen = OperationTranslator.bodyContent(requestBody) {
                    bodyEncoding = chosen.encoding
                    let translate = { (content: BodyDefinition.Content, encoding: OperationDeclaration.BodyEncoding, suggested: String, schemas: inout SchemaTranslator, nested: inout [TypeDeclaration]) throws(GeneratorError) -> SwiftType in
                        switch encoding {
                        case .text: return .named("String")
                        case .binary: return .named("Data")
                        case .json, .form, .multipart:
                            let located = SchemaTranslator.Located(
                                schema: content.schema ?? .object(JSONObject()), file: file,
                                pointer: requestBody.pointer.appending("content").appending(content.mediaType).appending("schema").description)
                            return try schemas.translate(located, suggestedName: suggested, nested: &nested)
                        }
                    }
                    body = (try translate(chosen.content, chosen.encoding, typePrefix + "Body", &schemas, &nested), requestBody.isRequired)
                    usedLabels.insert("body")
                    // Several media types: the caller chooses, through an enum with a case each.
                    let offered = requestBody.content.compactMap { content in OperationTranslator.bodyEncoding(content).map { (content, $0) } }
                    if offered.count > 1 {
                        var usedCases = Set<String>()
                        for (content, encoding) in offered {
                            let caseName = SwiftNames.unique(BodyChoice.caseName(mediaType: content.mediaType, encoding: encoding), &usedCases)
                            let type = content.mediaType == chosen.content.mediaType
                                ? body!.type
                                : try translate(content, encoding, typePrefix + "Body" + SwiftNames.type(caseName), &schemas, &nested)
                            bodyChoices.append(BodyChoice(caseName: caseName, mediaType: content.mediaType, encoding: encoding, type: type))
                        }
                    }
                } else if let requestBody = operation.requestBody, !requestBody.content.isEmpty {
                    schemas.warn(
                        SchemaTranslator.Located(schema: .null, file: file, pointer: requestBody.pointer.description),
                        "the body is \(requestBody.content.map(\.mediaType).joined(separator: ", ")), which is not generated: the method \(name) takes no body argument")
                }

                // Each success's body and headers; one result type when they agree, else one
                // output case per status.
                let responses = operation.responses
                let successes = responses.filter { $0.status.hasPrefix("2") }.sorted { $0.status < $1.status }
                var outputs: [OutputDeclaration] = []
                var usedCases = Set<String>()
                for (index, success) in successes.enumerated() {
                    let suggested = typePrefix + "Response" + (index == 0 ? "" : success.status)
                    var output = OutputDeclaration(
                        status: success.status, caseName: SwiftNames.unique(OutputDeclaration.caseName(status: success.status), &usedCases),
                        documentation: success.body.pointer.resolve(in: interface.document)?["description"]?.stringValue)
                    if let body = try OperationTranslator.responseBody(success.body, file: file, suggestedName: suggested, schemas: &schemas, nested: &nested, method: name) {
                        (output.body, output.model, output.encoding) = (body.type, body.model, body.encoding)
                    }
                    output.headers = try OperationTranslator.responseHeaders(
                        success, document: interface.document, file: file, typePrefix: typePrefix + SwiftNames.type(output.caseName), schemas: &schemas, nested: &nested)
                    outputs.append(output)
                }
                let signatures = Set(outputs.map { ($0.body?.spelling ?? "") + "\u{0}" + "\($0.encoding)" })
                var response: (type: SwiftType, model: String?)?
                var responseEncoding = OperationDeclaration.ResponseEncoding.json
                let returnsOutput = signatures.count > 1
                if !returnsOutput {
                    if let first = outputs.first, let body = first.body { (response, responseEncoding) = ((body, first.model), first.encoding) }
                    if outputs.allSatisfy({ $0.headers.isEmpty }) { outputs = [] }
                }
                var errorResponses: [(status: String, type: SwiftType?)] = []
                for status in responses.map(\.status).filter({ $0.hasPrefix("4") || $0.hasPrefix("5") || $0 == "default" }).sorted() {
                    var type: SwiftType?
                    if let (schema, at) = responses.first(where: { $0.status == status })?.body.schema(for: "application/json") {
                        let located = SchemaTranslator.Located(schema: schema, file: file, pointer: at.description)
                        type = try schemas.translate(located, suggestedName: typePrefix + "Error" + SwiftNames.type(status), nested: &nested)
                    }
                    errorResponses.append((status, type))
                }
                inlineTypes.append(contentsOf: nested)

                var declaration = OperationDeclaration(
                    name: name, httpMethod: operation.httpMethod, path: path, parameters: parameters, body: body, response: response,
                    errorResponses: errorResponses, requiresAPIKey: operation.apiKeyRequired, documentation: operation.summary,
                    isDeprecated: operation.isDeprecated, bodyEncoding: bodyEncoding, responseEncoding: responseEncoding)
                declaration.outputs = outputs
                // A success offered in several media types: `Accept` names the one read; an event
                // stream among them has a method of its own.
                if let lowest = successes.first, lowest.body.content.count > 1, !returnsOutput {
                    let read = responseEncoding == .json ? lowest.body.content.first { $0.mediaType == "application/json" } : OperationTranslator.bodyContent(lowest.body)?.content
                    declaration.accept = read?.mediaType
                    var suffixes: Set<String> = []
                    for content in lowest.body.content where content.mediaType != read?.mediaType {
                        guard let alternate = AlternateResponse(content.mediaType) else { continue }
                        declaration.alternateResponses.append(
                            AlternateResponse(suffix: SwiftNames.unique(alternate.suffix, &suffixes), mediaType: alternate.mediaType, encoding: alternate.encoding))
                    }
                }
                declaration.bodyChoices = bodyChoices
                declaration.returnsOutput = returnsOutput
                result.append(declaration)
            }
        }
        return (result, inlineTypes)
    }
}

extension String {
    func trimming(_ characters: String) -> String {
        var text = Substring(self)
        while let first = text.first, characters.contains(first) { text = text.dropFirst() }
        while let last = text.last, characters.contains(last) { text = text.dropLast() }
        return String(text)
    }
}

extension ClientGenerator {
    /// Why `name` cannot name the generated client (a Swift type): nil when it can. The message
    /// suggests a name that can.
    public static func problem(withClientName name: String) -> String? {
        let scalars = Array(name.unicodeScalars)
        func isLetter(_ scalar: Unicode.Scalar) -> Bool { ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_" }
        var suggestion = SwiftNames.type(name)
        while suggestion.hasSuffix("_") { suggestion.removeLast() }
        if suggestion.hasPrefix("_") { suggestion = "API" + suggestion.dropFirst() }
        let hint = suggestion.isEmpty || suggestion == name ? "" : "; try \(suggestion)"
        guard let first = scalars.first else { return "--name needs a Swift type name" }
        guard isLetter(first), scalars.allSatisfy({ isLetter($0) || ("0"..."9").contains($0) }) else {
            return "--name \(JSONWriter.quoted(name)) is not a Swift type name (ASCII letters, digits and _, not starting with a digit)\(hint)"
        }
        if SwiftNames.keywords.contains(name) || name == "_" {
            return "--name \(name) is a Swift keyword\(hint.isEmpty ? "; try \(name.prefix(1).uppercased() + name.dropFirst())Client" : hint)"
        }
        if reservedTypeNames.contains(name) {
            return "--name \(name) is a type the generated code already uses (ClientRuntime's or the standard library's); try \(name)API"
        }
        return nil
    }

    /// Types the generated code refers to by name: a client named so would hide them.
    static let reservedTypeNames: Set<String> = [
        "AnyJSON", "AdditionalMembers", "MemberKey", "CalendarDate", "FileContent", "MultipartBody", "ServerSentEvents", "ServerSentEvent", "Indirect", "CredentialMiddleware", "SigV4Middleware", "ClientConfiguration", "ClientCore", "ClientError", "ClientMiddleware", "ClientRequest", "ClientResponse", "ClientTransport",
        "ErrorBody", "HeaderMiddleware", "ParameterText", "PathEncoding", "ResponseValidator", "RetryMiddleware", "TransportFailure",
        "URLSessionTransport", "ClientRuntime", "String", "Int", "Double", "Bool", "Decimal", "Data", "Date", "URL", "UUID", "Array",
        "Dictionary", "Optional", "Error", "Codable", "Encodable", "Decodable", "Sendable", "Swift", "Foundation",
    ]
}

extension AlternateResponse {
    /// A twin for a response media type: events, text or bytes; nil for JSON and multipart
    /// types (another schema each, not generated).
    init?(_ mediaType: String) {
        let essence = OperationTranslator.essence(mediaType)
        let subtype = String(essence.split(separator: "/").last ?? "")
        if essence == "text/event-stream" {
            self.init(suffix: "Events", mediaType: mediaType, encoding: .eventStream)
        } else if essence.hasSuffix("json") || essence.hasPrefix("multipart/") || essence.hasSuffix("x-www-form-urlencoded") {
            return nil
        } else {
            self.init(suffix: "As" + SwiftNames.type(subtype), mediaType: mediaType, encoding: essence.hasPrefix("text/") ? .text : .binary)
        }
    }
}
