import APIModel
import Foundation
import JSONCore
import JSONSchema

/// A definition the generator cannot translate, with where it is.
public struct GeneratorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file.
    public var file: String
    /// The JSON Pointer inside it.
    public var pointer: String
    /// What is wrong.
    public var message: String
    /// The line and column of the value `pointer` names, when the file's text was at hand.
    public var position: JSONPositions.Position?

    /// An error.
    public init(file: String, pointer: String, message: String, position: JSONPositions.Position? = nil) {
        self.file = file
        self.pointer = pointer
        self.message = message
        self.position = position
    }

    /// `file:line:column: #/pointer: message` (`file: #/pointer: message` without a position).
    public var description: String { "\(file)\(position.map { ":\($0.line):\($0.column)" } ?? ""): #\(pointer): \(message)" }

    /// The message with the position of its pointer in `bytes`, the file's text.
    public func located(in bytes: [UInt8]) -> GeneratorError {
        GeneratorError.located([self], in: bytes)[0]
    }

    /// Each message with the position of its pointer in `bytes`, the text of the one file
    /// they all name, read once for all of them.
    public static func located(_ messages: [GeneratorError], in bytes: [UInt8]) -> [GeneratorError] {
        let parsed = messages.map { try? JSONPointer(parsing: $0.pointer) }
        let errors = zip(messages, parsed).compactMap { message, pointer in
            pointer.map { APIDefinitionError(file: message.file, pointer: $0, message: message.message) }
        }
        var positions = APIDefinitionError.located(errors, in: bytes).map(\.position).makeIterator()
        return zip(messages, parsed).map { message, pointer in
            guard pointer != nil, let position = positions.next() else { return message }
            var located = message
            located.position = position
            return located
        }
    }
}

/// `JSONShape`'s strict reads with the generator's error: the file and the JSON Pointer.
enum DefinitionShape {
    static func members(_ value: JSONValue?, file: String, pointer: String) throws(GeneratorError) -> JSONObject {
        do { return try JSONShape.members(value) } catch { throw failure(error, file: file, pointer: pointer) }
    }

    static func elements(_ value: JSONValue?, file: String, pointer: String) throws(GeneratorError) -> [JSONValue] {
        do { return try JSONShape.elements(value) } catch { throw failure(error, file: file, pointer: pointer) }
    }

    static func strings(_ value: JSONValue?, file: String, pointer: String, scalars: Bool = false) throws(GeneratorError) -> [String] {
        do { return try JSONShape.strings(value, scalars: scalars) } catch { throw failure(error, file: file, pointer: pointer) }
    }

    static func scalarText(_ value: JSONValue) -> String? { JSONShape.scalarText(value) }

    private static func failure(_ mismatch: JSONShape.Mismatch, file: String, pointer: String) -> GeneratorError {
        GeneratorError(file: file, pointer: pointer + (mismatch.index.map { "/\($0)" } ?? ""), message: mismatch.message)
    }
}

/// Options for the Swift the generator writes.
public struct GeneratorOptions: Sendable, Equatable {
    /// `number` becomes `Decimal` instead of `Double`.
    public var numbersAsDecimal = false
    /// The models are declared inside the client type (`PetsClient.Pet`), so that several
    /// clients can share one target, and a module named like its client still reaches them.
    public var nestedTypes = false
    /// How many files the models are written to (`Types.swift`, `Types2.swift`, …), each
    /// holding about as many lines: a large API's models compile on several cores. Always this
    /// many files, some perhaps holding no model, so that a build plugin can name them in advance.
    public var typeFiles = 1

    /// The defaults: `number` → `Double`, models at the top level, in one file.
    public init(numbersAsDecimal: Bool = false, nestedTypes: Bool = false, typeFiles: Int = 1) {
        self.numbersAsDecimal = numbersAsDecimal
        self.nestedTypes = nestedTypes
        self.typeFiles = max(1, typeFiles)
    }
}

/// Draft-04 schemas → Swift type declarations. Named models (`components/schemas`, files they
/// point to, API Gateway model URLs, `definitions`) become top-level types; anonymous objects
/// and enums become types nested in the type that uses them.
struct SchemaTranslator {
    /// A schema and where it lives.
    struct Located {
        var schema: JSONValue
        var file: String
        var pointer: String
    }

    let apiFile: String
    let options: GeneratorOptions
    /// The loaded documents, each at `SchemaTranslator.uri(for:)`: `$ref`s resolve through
    /// JSONSchema's registry, as the gateway's do.
    private var registry = SchemaRegistry()
    /// References already resolved, by file and reference text.
    private var resolved: [String: (SchemaDocument, JSONPointer)?] = [:]
    /// Model name → its schema.
    private(set) var models: [String: Located] = [:]
    /// Swift names of models, by model name.
    private(set) var typeNames: [String: String] = [:]
    /// The values of `typeNames`, kept as a set (building it per declaration made large
    /// definitions quadratic).
    private var modelTypeNames: Set<String> = []
    /// File name → model name, for `$ref: "Item.json"`.
    private var modelForFile: [String: String] = [:]
    /// `file#pointer` → model name, for a schema inside another file.
    private var modelForPlace: [String: String] = [:]
    /// Every type name given so far, top-level and nested: a model registered late (a file,
    /// `definitions`) never takes the name of a nested type that would hide it.
    private var takenNames: Set<String> = []
    /// Names of string enums (parameters of these types are sent by raw value).
    private(set) var stringEnums: Set<String> = []
    /// What the generated code cannot express, each with its file, pointer and what happens instead.
    var warnings: [GeneratorError] = []

    /// Records a warning about the schema at `located` (once per place).
    mutating func warn(_ located: Located, _ message: String) {
        let warning = GeneratorError(file: located.file, pointer: located.pointer, message: message)
        if !warnings.contains(warning) { warnings.append(warning) }
    }

    /// - Parameters:
    ///   - documents: the model files by name relative to the definition's directory
    ///     (`Item.json`, `models/Pet.json`); the definition's own entry is replaced by `interface.document`.
    ///   - interface: the API as `APIModel` reads it.
    init(documents: [String: JSONValue], interface: APIInterface, options: GeneratorOptions) throws(GeneratorError) {
        let apiFile = interface.file
        self.apiFile = apiFile
        self.options = options
        for (name, document) in documents where name != apiFile {
            registry.add(document, uri: SchemaTranslator.uri(for: name), source: name, modelName: SchemaRegistry.modelName(forPath: name))
        }
        registry.add(interface.document, uri: SchemaTranslator.uri(for: apiFile), source: apiFile)
        // Model URLs name the API's models first (as API Gateway's do), then files of that name.
        registry.nameAPIModels(interface.models.map { ($0.name, $0.schema) }, documentURI: SchemaTranslator.uri(for: apiFile))
        for (model, schema) in interface.models {
            var located = Located(schema: schema, file: apiFile, pointer: "/components/schemas/" + JSONPointer.escape(model))
            // `Item: {"$ref": "Item.json"}`: the model is the file.
            if let reference = schema["$ref"]?.stringValue, schema.objectValue?.count == 1,
                let (document, pointer) = try resolve(reference, at: located), pointer.tokens.isEmpty, document.source != apiFile
            {
                located = Located(schema: document.root, file: document.source, pointer: "")
                modelForFile[document.source] = model
            }
            register(model, located)
        }
    }

    private mutating func register(_ model: String, _ located: Located) {
        guard models[model] == nil else { return }
        models[model] = located
        var used = takenNames
        var name = SwiftNames.type(model)
        if SwiftNames.shadowedTypes.contains(name) { name += "Model" }
        name = SwiftNames.unique(name, &used)
        typeNames[model] = name
        modelTypeNames.insert(name)
        takenNames.insert(name)
    }

    /// Where a loaded file sits for the registry: under a fixed root, so that references
    /// between files resolve as paths do (`../common/Error.json`).
    static func uri(for file: String) -> String {
        SchemaURI.resolve(file, against: "file:///definition/")
    }

    // MARK: - References

    /// The document and place a `$ref` written at `located` designates (nil: nothing loaded there).
    private mutating func resolve(_ reference: String, at located: Located) throws(GeneratorError) -> (SchemaDocument, JSONPointer)? {
        // The same reference from the same file resolves the same way: once.
        let key = located.file + "\u{0}" + reference
        if let known = resolved[key] { return known }
        do {
            let found = try registry.resolve(reference, against: SchemaTranslator.uri(for: located.file))
            resolved[key] = .some(found)
            return found
        } catch {
            throw GeneratorError(file: located.file, pointer: located.pointer + "/$ref", message: "\(reference): \(error.message)")
        }
    }

    /// The model a `$ref` names, registering files and `definitions` it reaches.
    mutating func model(for reference: String, at located: Located) throws(GeneratorError) -> String {
        let fail = { (message: String) in GeneratorError(file: located.file, pointer: located.pointer + "/$ref", message: message) }
        guard let (document, pointer) = try resolve(reference, at: located) else {
            if let name = SchemaRegistry.apiGatewayModelName(in: reference) {
                throw fail("API Gateway model \(name) is defined neither in components/schemas nor as a loaded file \(name).json")
            }
            let target = String(reference.prefix { $0 != "#" })
            throw fail(target.isEmpty ? "\(reference) names nothing" : "\(reference): \(target) is not among the loaded files (URLs are not fetched)")
        }
        let file = document.source
        let tokens = pointer.tokens
        if file == apiFile {
            guard tokens.count == 3, tokens[0] == "components", tokens[1] == "schemas", models[tokens[2]] != nil else {
                throw fail("\(reference) does not name a model (#/components/schemas/NAME)")
            }
            return tokens[2]
        }
        if tokens.isEmpty {
            if let name = modelForFile[file] { return name }
            let name = SchemaRegistry.modelName(forPath: file)
            modelForFile[file] = name
            register(name, Located(schema: document.root, file: file, pointer: ""))
            return name
        }
        // A schema inside another file (`common.yaml#/definitions/Error`,
        // `shared.json#/components/schemas/Pet`): a model named by its last token, or, when a
        // different schema already has that name, by the file's name and the token.
        let place = file + "#" + pointer.description
        if let name = modelForPlace[place] { return name }
        guard let schema = pointer.resolve(in: document.root), let last = tokens.last else { throw fail("\(reference) names nothing in \(file)") }
        var name = last
        if models[name] != nil { name = SchemaRegistry.modelName(forPath: file) + "_" + last }
        var counter = 2
        while models[name] != nil {
            name = SchemaRegistry.modelName(forPath: file) + "_" + last + "\(counter)"
            counter += 1
        }
        modelForPlace[place] = name
        register(name, Located(schema: schema, file: file, pointer: pointer.description))
        return name
    }

    /// The schema behind a `$ref` (for merging `allOf`).
    mutating func resolve(_ located: Located) throws(GeneratorError) -> Located {
        guard let reference = located.schema["$ref"]?.stringValue else { return located }
        let name = try model(for: reference, at: located)
        return try resolve(models[name]!)
    }

    // MARK: - Declarations

    /// The declarations of a named model: its own and, for an alias (`[BlocksItem]`), the
    /// top-level types of the inline schemas it is made of.
    mutating func declarations(model: String) throws(GeneratorError) -> [TypeDeclaration] {
        let located = models[model]!
        let name = typeNames[model]!
        let documentation = SchemaTranslator.documentation(located.schema)
        var nested: [TypeDeclaration] = []
        if let reference = located.schema["$ref"]?.stringValue {
            let target = try self.model(for: reference, at: located)
            return [TypeDeclaration(name: name, kind: .alias(.named(typeNames[target]!)), documentation: documentation)]
        }
        if let declaration = try nestedDeclaration(located, name: name, documentation: documentation, forceObject: true) {
            return [declaration]
        }
        // An array or dictionary model: its element type sits beside it, under a name of its own.
        var taken = takenNames
        let element = SwiftNames.unique(name + (located.schema["type"]?.stringValue == "array" ? "Item" : "Value"), &taken)
        let type = try translate(located, suggestedName: element, nested: &nested)
        return [TypeDeclaration(name: name, kind: .alias(type), documentation: documentation)] + nested
    }

    /// A struct, enum or alternatives declaration for an object, string enum or oneOf schema;
    /// nil for other schemas.
    private mutating func nestedDeclaration(_ located: Located, name: String, documentation: String?, forceObject: Bool) throws(GeneratorError) -> TypeDeclaration? {
        let schema = located.schema
        var enumValues = schema["enum"]?.arrayValue
        if enumValues == nil, let keyword = ["anyOf", "oneOf"].first(where: { schema[$0] != nil }), schema["properties"] == nil,
            let alternatives = schema[keyword]?.arrayValue
        {
            enumValues = try openStringEnumValues(alternatives, located, keyword: keyword)
        }
        if let values = enumValues, !values.isEmpty, values.allSatisfy({ $0.stringValue != nil }) {
            // `undocumented` is the case that keeps a value the definition does not list.
            var used: Set<String> = ["undocumented"]
            var seen = Set<String>()
            let texts = values.compactMap(\.stringValue).filter { seen.insert($0).inserted }
            let cases = texts.map { text in (name: SwiftNames.unique(SwiftNames.enumCase(text), &used), value: text) }
            stringEnums.insert(name)
            return TypeDeclaration(name: name, kind: .stringEnum(cases), documentation: documentation)
        }
        if let alternatives = (schema["oneOf"] ?? schema["anyOf"])?.arrayValue, schema["properties"] == nil {
            let keyword = schema["oneOf"] != nil ? "oneOf" : "anyOf"
            return try alternativesDeclaration(alternatives, located, keyword: keyword, name: name, documentation: documentation)
        }
        if isObject(schema) {
            let hasProperties = !(schema["properties"]?.objectValue?.isEmpty ?? true) || schema["allOf"] != nil
            if !hasProperties && !forceObject { return nil }
            // A map (`additionalProperties` true or a schema, no properties): a dictionary,
            // declared by the caller (with its value type beside it when that is inline).
            if isMap(schema) { return nil }
            return try structure(located, name: name, documentation: documentation)
        }
        return nil
    }

    /// The values of `anyOf: [{type: string}, {type: string, enum: [...]}]` — any string, some
    /// of them named (OpenAI's model ids) — which is an open string enum: the enums' values,
    /// the rest `undocumented`. Nil unless every alternative is a string schema without a
    /// format and at least one lists values.
    private mutating func openStringEnumValues(_ alternatives: [JSONValue], _ located: Located, keyword: String) throws(GeneratorError) -> [JSONValue]? {
        var values: [JSONValue] = []
        for (index, alternative) in alternatives.enumerated() {
            let part = try resolve(Located(schema: alternative, file: located.file, pointer: located.pointer + "/\(keyword)/\(index)")).schema
            let listed = part["enum"]?.arrayValue
            guard part["type"]?.stringValue == "string" || (part["type"] == nil && listed != nil), part["format"] == nil,
                listed?.allSatisfy({ $0.stringValue != nil }) ?? true
            else { return nil }
            values += listed ?? []
        }
        return values.isEmpty ? nil : values
    }

    /// An object schema with no properties whose `additionalProperties` is `true` or a schema.
    private func isMap(_ schema: JSONValue) -> Bool {
        guard isObject(schema), schema["properties"]?.objectValue?.isEmpty ?? true, schema["allOf"] == nil, let additional = schema["additionalProperties"] else { return false }
        return additional.objectValue != nil || additional == .bool(true)
    }

    private func isObject(_ schema: JSONValue) -> Bool {
        if let type = schema["type"]?.stringValue { return type == "object" }
        if schema["type"] != nil { return false }
        return schema["properties"] != nil || schema["allOf"] != nil || schema["additionalProperties"] != nil
    }

    /// An object schema (with `allOf` members merged) as a struct.
    private mutating func structure(_ located: Located, name: String, documentation: String?) throws(GeneratorError) -> TypeDeclaration {
        var properties: [(String, Located)] = []
        var required = Set<String>()
        try collect(located, into: &properties, required: &required)
        var used = Set<String>()
        var nestedNames: Set<String> = [name]
        var nested: [TypeDeclaration] = []
        var declarations: [PropertyDeclaration] = []
        for (wireName, property) in properties {
            let swiftName = SwiftNames.unique(SwiftNames.property(wireName), &used)
            var suggested = SwiftNames.type(wireName)
            if property.schema["type"]?.stringValue == "array" { suggested += "Item" } else if isMap(property.schema) { suggested += "Value" }
            suggested = SwiftNames.unique(suggested, avoiding: modelTypeNames, &nestedNames)
            let type = try translate(property, suggestedName: suggested, nested: &nested)
            let nullable = SchemaTranslator.allowsNull(property.schema)
            // One type serves requests and responses: a required readOnly member is absent from
            // requests, a required writeOnly one from responses, so either is optional.
            let readOnly = property.schema["readOnly"]?.boolValue == true
            let writeOnly = property.schema["writeOnly"]?.boolValue == true
            var documentation = SchemaTranslator.documentation(property.schema)
            if readOnly || writeOnly {
                let note = readOnly ? "Read-only: the server sets it; the client never sends it." : "Write-only: requests send it; responses leave it out."
                documentation = documentation.map { $0 + "\n\n" + note } ?? note
            }
            var declaration = PropertyDeclaration(
                swiftName: swiftName, wireName: wireName, type: type, isRequired: required.contains(wireName) && !nullable && !readOnly && !writeOnly,
                documentation: documentation)
            declaration.isDeprecated = property.schema["deprecated"]?.boolValue == true
            declaration.isReadOnly = readOnly
            // A member with a default (and no null) decodes to it when absent; a value built here
            // leaves it out unless set (so an update never overwrites with a default).
            if !nullable, let value = property.schema["default"], let literal = defaultLiteral(value, type: type) {
                declaration.defaultValue = literal
                let note = "Absent in an answer: \(literal)."
                declaration.documentation = declaration.documentation.map { $0 + "\n\n" + note } ?? note
            }
            declarations.append(declaration)
        }
        var declaration = TypeDeclaration(name: name, kind: .structure(declarations, nested: nested), documentation: documentation)
        // `additionalProperties` beside `properties`: the other members, in a dictionary of their own.
        let resolved = try resolve(located)
        if let additional = resolved.schema["additionalProperties"], additional != .bool(false), !declarations.isEmpty {
            var valueType = SwiftType.named("AnyJSON")
            if additional.objectValue != nil {
                var nestedNames = Set(nested.map(\.name)).union([name])
                let suggested = SwiftNames.unique("AdditionalValue", avoiding: modelTypeNames, &nestedNames)
                valueType = try translate(
                    Located(schema: additional, file: resolved.file, pointer: resolved.pointer + "/additionalProperties"), suggestedName: suggested, nested: &nested)
                declaration.kind = .structure(declarations, nested: nested)
            }
            declaration.additionalProperties = PropertyDeclaration(
                swiftName: SwiftNames.unique("additionalProperties", &used), wireName: "", type: .dictionary(valueType), isRequired: true,
                documentation: "The members `properties` does not name, by name.")
        }
        return declaration
    }

    /// Whether the model whose Swift name is `typeName` is a string enum (its declaration may
    /// not be made yet).
    private func isStringEnumModel(_ typeName: String) -> Bool {
        guard modelTypeNames.contains(typeName), let model = typeNames.first(where: { $0.value == typeName })?.key, let schema = models[model]?.schema,
            let values = schema["enum"]?.arrayValue
        else { return false }
        return !values.isEmpty && values.allSatisfy { $0.stringValue != nil }
    }

    /// A property's `default` as a Swift literal of its type (strings, numbers, booleans, and
    /// string enums); nil for other values and types.
    private func defaultLiteral(_ value: JSONValue, type: SwiftType) -> String? {
        guard case .named(let typeName) = type else { return nil }
        switch (typeName, value) {
        case ("String", .string(let text)): return SwiftRenderer.literal(text)
        case ("Int", .number(let number)), ("Int32", .number(let number)): return number.intValue.map(String.init)
        case ("Double", .number(let number)), ("Decimal", .number(let number)): return number.description
        case ("Bool", .bool(let flag)): return String(flag)
        case (_, .string(let text)) where stringEnums.contains(typeName) || isStringEnumModel(typeName): return "\(typeName)(rawValue: \(SwiftRenderer.literal(text)))"
        default: return nil
        }
    }

    private mutating func collect(_ located: Located, into properties: inout [(String, Located)], required: inout Set<String>) throws(GeneratorError) {
        let resolved = try resolve(located)
        for (index, part) in try DefinitionShape.elements(resolved.schema["allOf"], file: resolved.file, pointer: resolved.pointer + "/allOf").enumerated() {
            try collect(Located(schema: part, file: resolved.file, pointer: resolved.pointer + "/allOf/\(index)"), into: &properties, required: &required)
        }
        for member in try DefinitionShape.members(resolved.schema["properties"], file: resolved.file, pointer: resolved.pointer + "/properties") {
            let property = Located(schema: member.value, file: resolved.file, pointer: resolved.pointer + "/properties/" + JSONPointer.escape(member.key))
            if let index = properties.firstIndex(where: { $0.0 == member.key }) {
                properties[index].1 = property
            } else {
                properties.append((member.key, property))
            }
        }
        for name in try DefinitionShape.strings(resolved.schema["required"], file: resolved.file, pointer: resolved.pointer + "/required") { required.insert(name) }
    }

    /// `oneOf`/`anyOf` as an enum with associated values when a decoder can tell the
    /// alternatives apart (different JSON kinds, or objects each with a required property of
    /// its own); otherwise `AnyJSON`.
    private mutating func alternativesDeclaration(
        _ alternatives: [JSONValue], _ located: Located, keyword: String, name: String, documentation: String?
    ) throws(GeneratorError) -> TypeDeclaration {
        var cases: [AlternativeCase] = []
        var kinds: [String] = []
        var objectRequired: [Set<String>] = []
        var objectProperties: [Set<String>] = []
        var nested: [TypeDeclaration] = []
        var used = Set<String>()
        var nestedNames: Set<String> = [name]
        for (index, alternative) in alternatives.enumerated() {
            let part = Located(schema: alternative, file: located.file, pointer: located.pointer + "/\(keyword)/\(index)")
            let resolved = try resolve(part)
            let kind = jsonKind(resolved.schema)
            kinds.append(kind)
            if kind == "object" {
                var properties: [(String, Located)] = []
                var required = Set<String>()
                try collect(resolved, into: &properties, required: &required)
                objectRequired.append(required)
                objectProperties.append(Set(properties.map(\.0)))
            }
            let type = try translate(part, suggestedName: SwiftNames.unique(name + "Option\(index + 1)", avoiding: modelTypeNames, &nestedNames), nested: &nested)
            let caseName: String
            switch type {
            case .named(let typeName): caseName = SwiftNames.property(typeName)
            case .array: caseName = "array"
            case .dictionary: caseName = "dictionary"
            }
            cases.append(AlternativeCase(name: SwiftNames.unique(caseName, &used), type: type))
        }
        // A discriminator picks the case by one member's value: the mapping's keys, else the
        // model names the alternatives refer to and the one value each model allows there.
        if let property = located.schema["discriminator"]?["propertyName"]?.stringValue,
            let tags = try discriminatorTags(alternatives, located, keyword: keyword, property: property)
        {
            for index in cases.indices { cases[index].tags = tags[index] }
            var declaration = TypeDeclaration(name: name, kind: .alternatives(cases, nested: nested), documentation: documentation)
            declaration.discriminator = property
            return declaration
        }
        let others = kinds.filter { $0 != "object" }
        var discriminable = !kinds.contains("any") && Set(others).count == others.count && !(kinds.contains("integer") && kinds.contains("number"))
        if discriminable && objectRequired.count > 1 {
            // Several objects: each needs a required property no other alternative declares.
            discriminable = objectRequired.indices.allSatisfy { index in
                let rest = objectProperties.indices.filter { $0 != index }.reduce(into: Set<String>()) { $0.formUnion(objectProperties[$1]) }
                return !objectRequired[index].subtracting(rest).isEmpty
            }
        }
        guard discriminable else {
            warn(located, "\(keyword) whose alternatives a decoder cannot tell apart (by JSON kind or a required property of their own): \(name) is AnyJSON")
            return TypeDeclaration(name: name, kind: .alias(.named("AnyJSON")), documentation: documentation)
        }
        return TypeDeclaration(name: name, kind: .alternatives(cases, nested: nested), documentation: documentation)
    }

    /// Each alternative's discriminator values, or nil when an alternative is not a `$ref` to a
    /// model (then the value cannot name it). Without a mapping entry, an alternative is named
    /// by its model name (as OpenAPI says) and by the one value its `property` allows (a
    /// one-value `enum` or a `const`), which is what APIs send (`"role": "user"`), unless
    /// another alternative claims that value too.
    private mutating func discriminatorTags(_ alternatives: [JSONValue], _ located: Located, keyword: String, property: String) throws(GeneratorError) -> [[String]]? {
        var models: [String] = []
        for (index, alternative) in alternatives.enumerated() {
            guard let reference = alternative["$ref"]?.stringValue else { return nil }
            models.append(try model(for: reference, at: Located(schema: alternative, file: located.file, pointer: located.pointer + "/\(keyword)/\(index)")))
        }
        var tags = models.map { _ in [String]() }
        for member in try DefinitionShape.members(located.schema["discriminator"]?["mapping"], file: located.file, pointer: located.pointer + "/discriminator/mapping") {
            guard let target = member.value.stringValue else { continue }
            // A mapping value is a reference or a bare model name.
            let model = target.contains("/") || target.contains("#")
                ? try? self.model(for: target, at: Located(schema: located.schema, file: located.file, pointer: located.pointer + "/discriminator/mapping"))
                : target
            if let index = models.firstIndex(where: { $0 == model }) { tags[index].append(member.key) }
        }
        let unmapped = tags.indices.filter { tags[$0].isEmpty }
        var allowed: [Int: String] = [:]
        for index in unmapped {
            guard let model = self.models[models[index]] else { continue }
            var properties: [(String, Located)] = []
            var required = Set<String>()
            try collect(model, into: &properties, required: &required)
            guard let member = properties.first(where: { $0.0 == property }) else { continue }
            let schema = try resolve(member.1).schema
            if let values = schema["enum"]?.arrayValue, values.count == 1, let value = values[0].stringValue {
                allowed[index] = value
            } else if let value = schema["const"]?.stringValue {
                allowed[index] = value
            }
        }
        var claimed = Set(tags.joined()).union(models)
        let counts = Dictionary(allowed.values.map { ($0, 1) }, uniquingKeysWith: +)
        for index in unmapped {
            tags[index] = [models[index]]
            if let value = allowed[index], counts[value] == 1, !claimed.contains(value) {
                tags[index].append(value)
                claimed.insert(value)
            }
        }
        return tags
    }

    private func jsonKind(_ schema: JSONValue) -> String {
        if let type = schema["type"]?.stringValue { return type }
        if schema["enum"]?.arrayValue?.allSatisfy({ $0.stringValue != nil }) == true { return "string" }
        return isObject(schema) ? "object" : "any"
    }

    /// The Swift type for a schema; anonymous objects and enums are added to `nested`.
    mutating func translate(_ located: Located, suggestedName: String, nested: inout [TypeDeclaration]) throws(GeneratorError) -> SwiftType {
        let schema = located.schema
        if let reference = schema["$ref"]?.stringValue {
            return .named(typeNames[try model(for: reference, at: located)]!)
        }
        if let other = SchemaTranslator.nonNullAlternative(schema) {
            let keyword = schema["anyOf"] != nil ? "anyOf" : "oneOf"
            let index = schema[keyword]?.arrayValue?.firstIndex(of: other) ?? 0
            return try translate(Located(schema: other, file: located.file, pointer: located.pointer + "/\(keyword)/\(index)"), suggestedName: suggestedName, nested: &nested)
        }
        if let parts = schema["allOf"]?.arrayValue, parts.count == 1, schema["properties"] == nil, let reference = parts[0]["$ref"]?.stringValue {
            return .named(typeNames[try model(for: reference, at: Located(schema: parts[0], file: located.file, pointer: located.pointer + "/allOf/0"))]!)
        }
        if let declaration = try nestedDeclaration(located, name: suggestedName, documentation: SchemaTranslator.documentation(schema), forceObject: false) {
            if case .alias(let type) = declaration.kind { return type }
            nested.append(declaration)
            takenNames.insert(suggestedName)
            return .named(suggestedName)
        }
        var types: [String] = []
        if let type = schema["type"]?.stringValue { types = [type] }
        if let list = schema["type"]?.arrayValue { types = list.compactMap(\.stringValue).filter { $0 != "null" } }
        if types.isEmpty, schema["type"] == nil, isObject(schema) { types = ["object"] }
        guard types.count == 1 else { return .named("AnyJSON") }
        switch types[0] {
        case "string":
            switch schema["format"]?.stringValue {
            case "date-time": return .named("Date")
            case "date": return .named("CalendarDate")
            case "binary": return .named("FileContent")
            case "uuid": return .named("UUID")
            case "byte": return .named("Data")
            default: return .named("String")
            }
        case "integer": return .named(schema["format"]?.stringValue == "int32" ? "Int32" : "Int")
        case "number": return .named(options.numbersAsDecimal ? "Decimal" : "Double")
        case "boolean": return .named("Bool")
        case "array":
            guard let items = schema["items"], items.objectValue != nil else {
                if schema["items"]?.arrayValue != nil { warn(located, "tuple items (an array of schemas): the elements are AnyJSON") }
                return .array(.named("AnyJSON"))
            }
            let element = try translate(Located(schema: items, file: located.file, pointer: located.pointer + "/items"), suggestedName: suggestedName, nested: &nested)
            return .array(element)
        case "object":
            if let additional = schema["additionalProperties"], additional.objectValue != nil {
                let value = try translate(
                    Located(schema: additional, file: located.file, pointer: located.pointer + "/additionalProperties"), suggestedName: suggestedName, nested: &nested)
                return .dictionary(value)
            }
            return .dictionary(.named("AnyJSON"))
        default: return .named("AnyJSON")
        }
    }


    /// Whether a schema lets a value be `null`: `type: [X, "null"]`, OpenAPI 3.0's
    /// `nullable: true`, Swagger's `x-nullable: true`, or `anyOf`/`oneOf: [X, {type: null}]`.
    static func allowsNull(_ schema: JSONValue) -> Bool {
        if schema["type"]?.arrayValue?.contains(.string("null")) == true { return true }
        if schema["nullable"]?.boolValue == true || schema["x-nullable"]?.boolValue == true { return true }
        return nonNullAlternative(schema) != nil
    }

    /// `X` of `anyOf`/`oneOf: [X, {type: null}]` (in either order), nil for other schemas.
    static func nonNullAlternative(_ schema: JSONValue) -> JSONValue? {
        guard schema["properties"] == nil, let list = (schema["anyOf"] ?? schema["oneOf"])?.arrayValue, list.count == 2 else { return nil }
        let isNull = { (value: JSONValue) in value["type"]?.stringValue == "null" }
        if isNull(list[1]), !isNull(list[0]) { return list[0] }
        if isNull(list[0]), !isNull(list[1]) { return list[1] }
        return nil
    }

    static func documentation(_ schema: JSONValue) -> String? {
        schema["description"]?.stringValue ?? schema["title"]?.stringValue
    }
}

extension SwiftNames {
    /// Standard-library and Foundation names a model must not take (`Error` → `ErrorModel`).
    static let shadowedTypes: Set<String> = [
        "Error", "Result", "Optional", "Array", "Dictionary", "Set", "Data", "Date", "URL", "UUID", "Int32", "CalendarDate", "FileContent", "MultipartBody", "ServerSentEvents", "ServerSentEvent", "AnyJSON", "AdditionalMembers", "MemberKey", "Indirect",
        "ClientCore", "ClientRequest", "ClientResponse", "ClientError", "ParameterText", "PathEncoding", "Codable", "Decoder", "Encoder", "Sendable", "Hashable",
    ]
}
