import CSystemCalls
import ECMARegex
import JSONCore

/// Compiles schemas from a `SchemaRegistry` into `CompiledSchema`s, in one pass per schema.
///
/// Each document is checked against the draft-04 meta-schema the first time it is used; a
/// keyword value the validator cannot use (a bad regular expression, a `$ref` that resolves
/// nowhere, a `$ref` cycle that never reaches a keyword) is an error naming the document and
/// the pointer. Subschemas reached twice (through `$ref`s) are compiled once and shared.
public struct SchemaCompiler: Sendable {
    /// The documents available to `$ref`.
    public private(set) var registry: SchemaRegistry
    /// Whether `format` is asserted (default) or only an annotation.
    public var formatAssertions: Bool
    /// Check each document against the draft-04 meta-schema before compiling it.
    public var checksMetaSchema: Bool

    private var nodes: [CompiledNode?] = []
    private var nodeIndex: [String: NodeID] = [:]
    private var checkedDocuments: Set<String> = []
    /// Subschemas being compiled inside one another (nesting plus `$ref`s being followed).
    private var depth = 0
    /// Compilation stops before the stack pointer goes below this address (0: no check).
    private var stackLimit: UInt = 0
    /// The last compilation stopped for want of stack (then it is retried with more).
    private var outOfStack = false

    /// Compilation refuses schemas that nest (through `$ref`s too) deeper than this.
    public static let maximumDepth = 1_000

    /// A compiler over `registry`.
    public init(registry: SchemaRegistry, formatAssertions: Bool = true, checksMetaSchema: Bool = true) {
        self.registry = registry
        self.formatAssertions = formatAssertions
        self.checksMetaSchema = checksMetaSchema
    }

    /// Compiles the schema at `uri` (absolute, with an optional fragment). On an error the
    /// compiler is left as it was before the call.
    public mutating func compile(uri: String) throws(SchemaLoadError) -> CompiledSchema {
        let saved = self
        do {
            return try compileOnThisThread(uri: uri)
        } catch where outOfStack {
            // Deeply nested (through $refs): again from the start, on a thread with room.
            self = saved
            var copy = saved
            let result: Result<CompiledSchema, SchemaLoadError> = LargeStack.run {
                do throws(SchemaLoadError) { return .success(try copy.compileOnThisThread(uri: uri)) } catch { return .failure(error) }
            }
            if case .success = result { self = copy }
            return try result.get()
        } catch {
            self = saved
            throw error
        }
    }

    private mutating func compileOnThisThread(uri: String) throws(SchemaLoadError) -> CompiledSchema {
        guard let (document, pointer) = try registry.locate(uri) else {
            throw SchemaLoadError(kind: .notFound, source: uri, message: "no schema is registered at \(uri)")
        }
        stackLimit = ValidationState.hasLargeStack ? 0 : ValidationState.currentStackLimit()
        outOfStack = false
        let root = try compileNode(document: document, pointer: pointer, source: document.source, referencePointer: .root)
        let program = SchemaProgram(nodes: nodes.map { $0! }, formatAssertions: formatAssertions)
        try checkReferenceCycles(program)
        return CompiledSchema(program: program, root: root)
    }

    /// Compiles a model by name (`Items`), or a schema file already added to the registry.
    public mutating func compile(model name: String) throws(SchemaLoadError) -> CompiledSchema {
        guard let uri = registry.models[name] else {
            throw SchemaLoadError(kind: .notFound, source: name, message: "no model named \(JSONWriter.quoted(name))")
        }
        return try compile(uri: uri)
    }

    // MARK: - Meta-schema

    private static let metaSchema: CompiledSchema = {
        var compiler = SchemaCompiler(registry: SchemaRegistry(), formatAssertions: false, checksMetaSchema: false)
        return try! compiler.compile(uri: Draft04MetaSchema.uri)  // built-in, covered by tests
    }()

    private mutating func checkMetaSchema(_ document: SchemaDocument) throws(SchemaLoadError) {
        guard checksMetaSchema, !checkedDocuments.contains(document.uri) else { return }
        checkedDocuments.insert(document.uri)
        if document.uri == Draft04MetaSchema.uri { return }
        // The meta-schema is ours and its cost is linear in the document, which the parser
        // already bounds: no step limit is needed, and the depth follows the document's.
        let errors: [ValidationError]
        do {
            errors = try SchemaCompiler.metaSchema.validate(document.root, limits: ValidationLimits(steps: Int.max, depth: 1 << 20))
        } catch {
            throw SchemaLoadError(kind: .invalidSchema, source: document.source, pointer: error.instanceLocation, message: error.description)
        }
        // The deepest failing location (looking inside anyOf/oneOf causes) is the most precise.
        func flatten(_ errors: [ValidationError]) -> [ValidationError] { errors.flatMap { [$0] + flatten($0.causes) } }
        if let first = errors.first {
            let deepest = flatten(errors).max { $0.instanceLocation.tokens.count < $1.instanceLocation.tokens.count } ?? first
            throw SchemaLoadError(
                kind: .invalidSchema, source: document.source, pointer: deepest.instanceLocation,
                message: "not a valid draft-04 schema: \(deepest.message)")
        }
    }

    // MARK: - Nodes

    /// The base URI in force at `pointer`: the document URI changed by each `id` on the way.
    private func scope(of document: SchemaDocument, at pointer: JSONPointer) -> String {
        var base = document.uri
        var current = document.root
        func apply(_ value: JSONValue) {
            if case .object(let object) = value, object["$ref"] == nil, case .string(let id)? = object["id"] {
                base = SchemaURI.resolve(id, against: base)
            }
        }
        apply(current)
        for token in pointer.tokens {
            switch current {
            case .object(let object): current = object[token] ?? .null
            case .array(let list): current = JSONPointer.arrayIndex(token).flatMap { $0 < list.count ? list[$0] : nil } ?? .null
            default: current = .null
            }
            apply(current)
        }
        return base
    }

    private mutating func compileNode(
        document: SchemaDocument, pointer: JSONPointer, source: String, referencePointer: JSONPointer
    ) throws(SchemaLoadError) -> NodeID {
        let key = document.uri + "#" + pointer.description
        if let existing = nodeIndex[key] { return existing }
        try checkMetaSchema(document)
        guard let value = pointer.resolve(in: document.root) else {
            throw SchemaLoadError(
                kind: .unresolvableReference(document.uri + pointer.uriFragment), source: source, pointer: referencePointer,
                message: "$ref target \(pointer.uriFragment) does not exist in \(document.source)")
        }
        depth += 1
        defer { depth -= 1 }
        if depth > SchemaCompiler.maximumDepth || UInt(csc_stack_position()) < stackLimit {
            outOfStack = depth <= SchemaCompiler.maximumDepth
            throw SchemaLoadError(
                kind: .invalidSchema, source: document.source, pointer: pointer,
                message: depth > SchemaCompiler.maximumDepth
                    ? "subschemas nest (through $ref) more than \(SchemaCompiler.maximumDepth) levels deep"
                    : "subschemas nest (through $ref) too deeply for this thread's stack")
        }
        let id = nodes.count
        nodes.append(nil)
        nodeIndex[key] = id
        let context = NodeContext(document: document, pointer: pointer)
        let node = try build(value, context, base: scope(of: document, at: pointer))
        nodes[id] = node
        return id
    }

    /// Compiles the subschema at `pointer` of the same document.
    fileprivate mutating func child(of document: SchemaDocument, at pointer: JSONPointer) throws(SchemaLoadError) -> NodeID {
        try compileNode(document: document, pointer: pointer, source: document.source, referencePointer: pointer)
    }

    /// Resolves a `$ref` found at `pointer` in `document`, with `base` as resolution scope.
    fileprivate mutating func reference(_ reference: String, base: String, in document: SchemaDocument, at pointer: JSONPointer)
        throws(SchemaLoadError) -> NodeID
    {
        let target = SchemaURI.resolve(reference, against: base)
        let refPointer = pointer.appending("$ref")
        guard let (targetDocument, targetPointer) = try registry.locate(target) else {
            throw SchemaLoadError(
                kind: .unresolvableReference(target), source: document.source, pointer: refPointer,
                message: "cannot resolve $ref \(JSONWriter.quoted(reference)) (\(target)): no such schema is loaded")
        }
        return try compileNode(document: targetDocument, pointer: targetPointer, source: document.source, referencePointer: refPointer)
    }

    /// Refuses a schema whose evaluation could come back to the same subschema at the same
    /// instance location without reading anything: a cycle of `$ref`, `allOf`, `anyOf`,
    /// `oneOf`, `not` and schema `dependencies` edges (`properties`, `items` and the like move
    /// into the instance, so cycles through them end with the instance). Such a schema
    /// never finishes on any instance it applies to; it is an error naming the pointer of
    /// the cycle and the keywords around it.
    private func checkReferenceCycles(_ program: SchemaProgram) throws(SchemaLoadError) {
        let nodes = program.nodes
        // Colors: 0 unvisited, 1 on the current path, 2 done. Iterative depth-first search.
        var color = [UInt8](repeating: 0, count: nodes.count)
        for start in nodes.indices where color[start] == 0 {
            var stack: [(node: NodeID, edges: [(NodeID, String)], next: Int)] = [(start, SchemaCompiler.inPlaceEdges(nodes[start]), 0)]
            color[start] = 1
            while !stack.isEmpty {
                let top = stack.count - 1
                if stack[top].next == stack[top].edges.count {
                    color[stack[top].node] = 2
                    stack.removeLast()
                    continue
                }
                let target = stack[top].edges[stack[top].next].0
                stack[top].next += 1
                if color[target] == 1 {
                    // The cycle: from `target` on the stack to here, then back to `target`.
                    let first = stack.firstIndex { $0.node == target } ?? top
                    var keywords: [String] = []
                    for frame in stack[first...] { keywords.append(frame.edges[frame.next - 1].1) }
                    let node = nodes[target]
                    let onlyReferences = keywords.allSatisfy { $0 == "$ref" }
                    let message =
                        onlyReferences
                        ? "$ref cycle that never reaches a schema"
                        : "this subschema applies itself to the same value through \(keywords.joined(separator: " → ")) "
                            + "without reading into it: evaluation would never end"
                    throw SchemaLoadError(
                        kind: .invalidSchema, source: node.documentURI,
                        pointer: onlyReferences ? node.pointer.appending("$ref") : node.pointer, message: message)
                }
                if color[target] == 0 {
                    color[target] = 1
                    stack.append((target, SchemaCompiler.inPlaceEdges(nodes[target]), 0))
                }
            }
        }
    }

    /// The subschemas a node applies to the same instance, with the keyword path to each.
    private static func inPlaceEdges(_ node: CompiledNode) -> [(NodeID, String)] {
        if let target = node.reference { return [(target, "$ref")] }
        var edges: [(NodeID, String)] = []
        for rule in node.anyType {
            switch rule {
            case .allOf(let ids): for (index, id) in ids.enumerated() { edges.append((id, "allOf/\(index)")) }
            case .anyOf(let ids): for (index, id) in ids.enumerated() { edges.append((id, "anyOf/\(index)")) }
            case .oneOf(let ids): for (index, id) in ids.enumerated() { edges.append((id, "oneOf/\(index)")) }
            case .not(let id): edges.append((id, "not"))
            default: break
            }
        }
        for rule in node.object {
            if case .dependencies(let entries) = rule {
                for (name, dependency) in entries {
                    if case .schema(let id) = dependency { edges.append((id, "dependencies/\(JSONPointer.escape(name))")) }
                }
            }
        }
        return edges
    }

    fileprivate func schemaError(_ document: SchemaDocument, _ pointer: JSONPointer, _ message: String) -> SchemaLoadError {
        SchemaLoadError(kind: .invalidSchema, source: document.source, pointer: pointer, message: message)
    }
}

/// Where a node being built sits.
private struct NodeContext {
    let document: SchemaDocument
    let pointer: JSONPointer
}

extension SchemaCompiler {
    private func fail(_ context: NodeContext, _ keyword: String, _ message: String) -> SchemaLoadError {
        schemaError(context.document, context.pointer.appending(keyword), message)
    }

    private mutating func sub(_ context: NodeContext, _ path: String...) throws(SchemaLoadError) -> NodeID {
        var target = context.pointer
        for token in path { target = target.appending(token) }
        return try child(of: context.document, at: target)
    }

    private func count(_ context: NodeContext, _ value: JSONValue, _ keyword: String) throws(SchemaLoadError) -> Int {
        guard case .number(let number) = value, number.isInteger, !number.isNegative else {
            throw fail(context, keyword, "\(keyword) must be a non-negative integer")
        }
        return number.intValue ?? Int.max
    }

    private func regex(_ context: NodeContext, _ pattern: String, _ keywordPath: [String]) throws(SchemaLoadError) -> ECMARegex {
        do {
            return try ECMARegex(pattern)
        } catch {
            throw schemaError(
                context.document, context.pointer.appending(keywordPath),
                "\(JSONWriter.quoted(pattern)) is not a valid ECMA-262 regular expression: \(error.reason)")
        }
    }

    fileprivate mutating func build(_ value: JSONValue, _ context: NodeContext, base: String) throws(SchemaLoadError) -> CompiledNode {
        let document = context.document, pointer = context.pointer
        guard case .object(let schema) = value else {
            throw schemaError(document, pointer, "a schema must be a JSON object, found \(value.typeName)")
        }
        if case .string(let target)? = schema["$ref"] {
            let target = try reference(target, base: base, in: document, at: pointer)
            return CompiledNode(
                documentURI: document.uri, pointer: pointer, reference: target, types: nil, anyType: [], number: [],
                string: [], array: [], object: [])
        }
        var types: TypeSet? = nil
        var anyType: [Keyword] = [], number: [Keyword] = [], string: [Keyword] = [], array: [Keyword] = [], object: [Keyword] = []

        if let typeValue = schema["type"] {
            var set = TypeSet()
            let names: [JSONValue] = typeValue.arrayValue ?? [typeValue]
            for name in names {
                guard case .string(let text) = name, let type = TypeSet(name: text) else { throw fail(context, "type", "unknown type \(name)") }
                set.insert(type)
            }
            types = set
        }
        if case .array(let values)? = schema["enum"] { anyType.append(.enumeration(EnumValues(values))) }
        for combinator in ["allOf", "anyOf", "oneOf"] {
            guard case .array(let list)? = schema[combinator] else { continue }
            var ids: [NodeID] = []
            for index in list.indices { ids.append(try sub(context, combinator, String(index))) }
            switch combinator {
            case "allOf": anyType.append(.allOf(ids))
            case "anyOf": anyType.append(.anyOf(ids))
            default: anyType.append(.oneOf(ids))
            }
        }
        if schema["not"] != nil { anyType.append(.not(try sub(context, "not"))) }

        // Numbers
        if case .number(let divisor)? = schema["multipleOf"] {
            guard !divisor.isNegative, !divisor.isZero else { throw fail(context, "multipleOf", "multipleOf must be greater than 0") }
            number.append(.multipleOf(divisor))
        }
        if case .number(let limit)? = schema["maximum"] {
            number.append(.maximum(limit, exclusive: schema["exclusiveMaximum"]?.boolValue ?? false))
        }
        if case .number(let limit)? = schema["minimum"] {
            number.append(.minimum(limit, exclusive: schema["exclusiveMinimum"]?.boolValue ?? false))
        }

        // Strings
        if let limit = schema["maxLength"] { string.append(.maxLength(try count(context, limit, "maxLength"))) }
        if let limit = schema["minLength"] { string.append(.minLength(try count(context, limit, "minLength"))) }
        if case .string(let pattern)? = schema["pattern"] { string.append(.pattern(try regex(context, pattern, ["pattern"]))) }
        if formatAssertions, case .string(let name)? = schema["format"], let format = SchemaFormat(rawValue: name) {
            string.append(.format(format))
        }

        // Arrays
        if let items = schema["items"] {
            if case .array(let list) = items {
                var ids: [NodeID] = []
                for index in list.indices { ids.append(try sub(context, "items", String(index))) }
                let additional: Additional
                switch schema["additionalItems"] {
                case .bool(false)?: additional = .nothing
                case .object?: additional = .schema(try sub(context, "additionalItems"))
                default: additional = .anything
                }
                array.append(.tupleItems(ids, additional: additional))
            } else {
                array.append(.items(try sub(context, "items")))
            }
        }
        if let limit = schema["maxItems"] { array.append(.maxItems(try count(context, limit, "maxItems"))) }
        if let limit = schema["minItems"] { array.append(.minItems(try count(context, limit, "minItems"))) }
        if schema["uniqueItems"]?.boolValue == true { array.append(.uniqueItems) }

        // Objects
        if let limit = schema["maxProperties"] { object.append(.maxProperties(try count(context, limit, "maxProperties"))) }
        if let limit = schema["minProperties"] { object.append(.minProperties(try count(context, limit, "minProperties"))) }
        if case .array(let names)? = schema["required"] {
            let keys = names.compactMap(\.stringValue)
            guard keys.count == names.count else { throw fail(context, "required", "required must list strings") }
            if !keys.isEmpty { object.append(.required(keys)) }
        }
        let propertiesValue = schema["properties"]?.objectValue
        let patternsValue = schema["patternProperties"]?.objectValue
        let additionalValue = schema["additionalProperties"]
        if propertiesValue != nil || patternsValue != nil || additionalValue != nil {
            var named: [(String, NodeID)] = []
            for member in propertiesValue ?? JSONObject() { named.append((member.key, try sub(context, "properties", member.key))) }
            var patterns: [(String, ECMARegex, NodeID)] = []
            for member in patternsValue ?? JSONObject() {
                let expression = try regex(context, member.key, ["patternProperties", member.key])
                patterns.append((member.key, expression, try sub(context, "patternProperties", member.key)))
            }
            let additional: Additional
            switch additionalValue {
            case .bool(false)?: additional = .nothing
            case .object?: additional = .schema(try sub(context, "additionalProperties"))
            default: additional = .anything
            }
            let schemas = PropertySchemas(named: named, patterns: patterns, additional: additional)
            if !(schemas.onlyNamed && named.isEmpty) { object.append(.properties(schemas)) }
        }
        if case .object(let dependencies)? = schema["dependencies"] {
            var entries: [(String, Dependency)] = []
            for member in dependencies {
                switch member.value {
                case .array(let names):
                    entries.append((member.key, .properties(names.compactMap(\.stringValue))))
                default:
                    entries.append((member.key, .schema(try sub(context, "dependencies", member.key))))
                }
            }
            object.append(.dependencies(entries))
        }
        return CompiledNode(
            documentURI: document.uri, pointer: pointer, reference: nil, types: types, anyType: anyType, number: number,
            string: string, array: array, object: object)
    }
}

extension JSONPointer {
    fileprivate func appending(_ tokens: [String]) -> JSONPointer { JSONPointer(tokens: self.tokens + tokens) }
}
