import ECMARegex
import JSONCore

/// The yes/no path: every compiled node flattened into trivially-copyable checks that refer to
/// side tables by index, so validation copies no reference-counted value and retains nothing.
/// Built once from the `CompiledNode`s; the all-errors path walks the nodes themselves.
final class ValidationPlan: Sendable {
    /// One node: a `$ref` target, or type bits and the range of its checks per instance type.
    struct Node {
        var reference: Int32 = -1
        var types: UInt8 = 0x7F
        var acceptsEverything = false
        /// No check applies another subschema: evaluating it cannot go deeper, and it is paid
        /// for by the subschema that applies it.
        var isLeaf = true
        /// The steps one evaluation of a non-leaf node takes: one, plus one per check.
        var cost: Int32 = 1
        /// Check ranges: [anyType, number, string, array, object, end).
        var bounds: (Int32, Int32, Int32, Int32, Int32, Int32) = (0, 0, 0, 0, 0, 0)
        /// The index in `shapes` when the node's object checks form a simple shape, else -1.
        var shape: Int32 = -1
    }

    /// The most common object schema, specialised (as ajv and jsonschema-rs specialise):
    /// `properties` whose schemas only say `type` (scalar types), perhaps `required` and
    /// `additionalProperties: false`. One pass over the members checks it all.
    struct Shape {
        /// The declared names: a range in `names`, each one's entry in `shapeEntries`.
        var start: Int32
        var end: Int32
        /// Where the names' entries start in `shapeEntries`.
        var typeStart: Int32
        /// Bit k set: the k-th name is required.
        var requiredMask: UInt32
        /// No member other than the declared ones is allowed.
        var closed: Bool
    }

    /// One declared name of a shape: its stored form (compared with a member's key in place
    /// before the bytes) and its allowed types.
    struct ShapeEntry {
        var key: StoredForm
        var types: UInt8
        /// The one JSON case `types` admits, when it is one (then a single comparison checks it).
        var only: OnlyCase
        /// The same on a tape: the `JSONTape.Kind` raw value admitted, or 0xFF for several.
        var tapeKind: UInt8

        init(key: StoredForm, types: UInt8) {
            self.key = key
            self.types = types
            switch types {
            case TypeSet.string.rawValue: only = .string
            case TypeSet.number.rawValue, TypeSet.number.rawValue | TypeSet.integer.rawValue: only = .number
            case TypeSet.integer.rawValue: only = .integer
            case TypeSet.boolean.rawValue: only = .boolean
            default: only = .several
            }
            switch only {
            case .string: tapeKind = JSONTape.Kind.string.rawValue
            case .number, .integer: tapeKind = JSONTape.Kind.number.rawValue
            case .boolean: tapeKind = JSONTape.Kind.bool.rawValue
            case .several: tapeKind = 0xFF
            }
        }
    }

    /// See `ShapeEntry.only`.
    enum OnlyCase: UInt8 {
        case string, number, integer, boolean, several
    }

    /// A check with only trivial payloads; larger data lives in the tables.
    enum Check {
        case enumeration(Int32)
        case allOf(Int32, Int32)  // range in `lists`
        case anyOf(Int32, Int32)
        case oneOf(Int32, Int32)
        case not(Int32)
        case multipleOf(Int32)  // `numbers`
        case maximum(Int32, exclusive: Bool)
        case minimum(Int32, exclusive: Bool)
        case maxLength(Int)
        case minLength(Int)
        case pattern(Int32)  // `regexes`
        case format(SchemaFormat)
        case items(Int32)
        case tupleItems(Int32, Int32, additional: Int32)  // range in `lists`; -1 anything, -2 nothing
        case maxItems(Int)
        case minItems(Int)
        case uniqueItems
        case maxProperties(Int)
        case minProperties(Int)
        case required(Int32, Int32)  // range in `names`
        case property(name: Int32, node: Int32)
        case onlyNamed(Int32, Int32)  // range in `names`: no other member is allowed
        case properties(Int32)  // `propertyTables`
        case dependencies(Int32)  // `dependencyTables`
    }

    let nodes: ContiguousArray<Node>
    let checks: ContiguousArray<Check>
    let lists: ContiguousArray<Int32>
    let names: ContiguousArray<String>
    let namesAreASCII: ContiguousArray<Bool>
    let numbers: ContiguousArray<JSONNumber>
    let regexes: ContiguousArray<ECMARegex>
    let enums: ContiguousArray<EnumValues>
    let propertyTables: ContiguousArray<PropertySchemas>
    let dependencyTables: ContiguousArray<[(String, Dependency)]>
    let shapes: ContiguousArray<Shape>
    /// Each shape's names (parallel to the names' range in `names`).
    let shapeEntries: ContiguousArray<ShapeEntry>

    init(_ compiled: [CompiledNode]) {
        var nodes = ContiguousArray<Node>()
        var checks = ContiguousArray<Check>()
        var lists = ContiguousArray<Int32>()
        var names = ContiguousArray<String>()
        var numbers = ContiguousArray<JSONNumber>()
        var regexes = ContiguousArray<ECMARegex>()
        var enums = ContiguousArray<EnumValues>()
        var propertyTables = ContiguousArray<PropertySchemas>()
        var dependencyTables = ContiguousArray<[(String, Dependency)]>()

        func list(_ ids: [NodeID]) -> (Int32, Int32) {
            let start = Int32(lists.count)
            lists.append(contentsOf: ids.map { Int32($0) })
            return (start, Int32(lists.count))
        }
        func number(_ value: JSONNumber) -> Int32 {
            numbers.append(value)
            return Int32(numbers.count - 1)
        }
        func lower(_ keyword: Keyword) {
            switch keyword {
            case .enumeration(let values):
                enums.append(values)
                checks.append(.enumeration(Int32(enums.count - 1)))
            case .allOf(let ids): let (a, b) = list(ids); checks.append(.allOf(a, b))
            case .anyOf(let ids): let (a, b) = list(ids); checks.append(.anyOf(a, b))
            case .oneOf(let ids): let (a, b) = list(ids); checks.append(.oneOf(a, b))
            case .not(let id): checks.append(.not(Int32(id)))
            case .multipleOf(let divisor): checks.append(.multipleOf(number(divisor)))
            case .maximum(let limit, let exclusive): checks.append(.maximum(number(limit), exclusive: exclusive))
            case .minimum(let limit, let exclusive): checks.append(.minimum(number(limit), exclusive: exclusive))
            case .maxLength(let limit): checks.append(.maxLength(limit))
            case .minLength(let limit): checks.append(.minLength(limit))
            case .pattern(let expression):
                regexes.append(expression)
                checks.append(.pattern(Int32(regexes.count - 1)))
            case .format(let format): checks.append(.format(format))
            case .items(let id): checks.append(.items(Int32(id)))
            case .tupleItems(let ids, let additional):
                let (a, b) = list(ids)
                let extra: Int32
                switch additional {
                case .anything: extra = -1
                case .nothing: extra = -2
                case .schema(let id): extra = Int32(id)
                }
                checks.append(.tupleItems(a, b, additional: extra))
            case .maxItems(let limit): checks.append(.maxItems(limit))
            case .minItems(let limit): checks.append(.minItems(limit))
            case .uniqueItems: checks.append(.uniqueItems)
            case .maxProperties(let limit): checks.append(.maxProperties(limit))
            case .minProperties(let limit): checks.append(.minProperties(limit))
            case .required(let required):
                let start = Int32(names.count)
                names.append(contentsOf: required)
                checks.append(.required(start, Int32(names.count)))
            case .properties(let schemas):
                let closed: Bool
                if case .nothing = schemas.additional { closed = schemas.patterns.isEmpty } else { closed = false }
                if (schemas.onlyNamed || closed) && schemas.named.count <= 16 {
                    // The common case: one lookup per declared property (and, for
                    // `additionalProperties: false`, a check that nothing else is there).
                    let start = Int32(names.count)
                    for (name, id) in schemas.named {
                        names.append(name)
                        checks.append(.property(name: Int32(names.count - 1), node: Int32(id)))
                    }
                    if closed { checks.append(.onlyNamed(start, Int32(names.count))) }
                } else {
                    propertyTables.append(schemas)
                    checks.append(.properties(Int32(propertyTables.count - 1)))
                }
            case .dependencies(let entries):
                dependencyTables.append(entries)
                checks.append(.dependencies(Int32(dependencyTables.count - 1)))
            }
        }

        for node in compiled {
            var plan = Node()
            if let reference = node.reference {
                plan.reference = Int32(reference)
            } else {
                plan.types = node.types?.rawValue ?? 0x7F
                plan.acceptsEverything = node.acceptsEverything
                let start = Int32(checks.count)
                node.anyType.forEach(lower)
                let numberStart = Int32(checks.count)
                node.number.forEach(lower)
                let stringStart = Int32(checks.count)
                node.string.forEach(lower)
                let arrayStart = Int32(checks.count)
                node.array.forEach(lower)
                let objectStart = Int32(checks.count)
                node.object.forEach(lower)
                plan.bounds = (start, numberStart, stringStart, arrayStart, objectStart, Int32(checks.count))
                plan.cost = 1 + Int32(checks.count) - start
                plan.isLeaf = !checks[Int(start)...].contains {
                    switch $0 {
                    case .allOf, .anyOf, .oneOf, .not, .items, .tupleItems, .property, .properties, .dependencies: return true
                    default: return false
                    }
                }
            }
            nodes.append(plan)
        }
        // Shapes: object checks that are only `property` (to scalar-type-only leaves),
        // `required` and `onlyNamed`, on at most 32 names.
        var shapes = ContiguousArray<Shape>()
        var shapeEntries = ContiguousArray<ShapeEntry>()
        func scalarLeafTypes(_ id: Int32) -> UInt8? {
            var target = Int(id)
            var hops = 0
            while nodes[target].reference >= 0, hops < 64 {
                target = Int(nodes[target].reference)
                hops += 1
            }
            let node = nodes[target]
            let b = node.bounds
            guard nodes[target].reference < 0, !node.acceptsEverything, b.0 == b.5,
                node.types & (TypeSet.array.rawValue | TypeSet.object.rawValue) == 0
            else { return nil }
            return node.types
        }
        for index in nodes.indices where nodes[index].reference < 0 {
            let b = nodes[index].bounds
            guard b.0 == b.4, b.4 < b.5, nodes[index].types == TypeSet.object.rawValue else { continue }
            var declared: [(name: String, types: UInt8)] = []
            var required: [String] = []
            var closed = false
            var simple = true
            for check in checks[Int(b.4)..<Int(b.5)] {
                switch check {
                case .property(let name, let node):
                    guard let types = scalarLeafTypes(node) else { simple = false; break }
                    declared.append((names[Int(name)], types))
                case .required(let start, let end): required += names[Int(start)..<Int(end)]
                case .onlyNamed: closed = true
                default: simple = false
                }
                if !simple { break }
            }
            // Required names must be declared ones (their types then say any value is fine
            // when the property schema allowed everything: not a shape then).
            guard simple, !declared.isEmpty, declared.count <= 32, Set(declared.map(\.name)).count == declared.count,
                required.allSatisfy({ name in declared.contains { $0.name == name } })
            else { continue }
            let start = Int32(names.count)
            let typeStart = Int32(shapeEntries.count)
            var mask: UInt32 = 0
            for (position, entry) in declared.enumerated() {
                names.append(entry.name)
                shapeEntries.append(ShapeEntry(key: StoredForm(of: entry.name), types: entry.types))
                if required.contains(entry.name) { mask |= 1 << UInt32(position) }
            }
            shapes.append(Shape(start: start, end: Int32(names.count), typeStart: typeStart, requiredMask: mask, closed: closed))
            nodes[index].shape = Int32(shapes.count - 1)
        }
        self.shapes = shapes
        self.shapeEntries = shapeEntries
        self.nodes = nodes
        self.checks = checks
        self.lists = lists
        self.names = names
        self.namesAreASCII = ContiguousArray(names.map(isASCII))
        self.numbers = numbers
        self.regexes = regexes
        self.enums = enums
        self.propertyTables = propertyTables
        self.dependencyTables = dependencyTables
    }

    // MARK: - Evaluation

    /// Whether `value` is valid against node `id`, spending from `state` (false with
    /// `state.unwinding` set when a limit ran out: the answer is then unknown).
    func isValid(_ id: Int, _ value: JSONValue, _ state: inout ValidationState) -> Bool {
        withUnsafeMutablePointer(to: &state) { pointer in withEvaluator(pointer) { $0.isValid(Int32(id), value) } }
    }

    /// Whether every element is valid against node `id` (one evaluator for the whole run);
    /// on a limit, `state.path` ends with the failing element's index.
    func allValid(
        _ id: Int, _ elements: UnsafeBufferPointer<JSONValue>, offset: Int = 0, _ state: inout ValidationState,
        stop: () -> Bool = { false }
    ) -> Bool {
        withUnsafeMutablePointer(to: &state) { pointer in
            withEvaluator(pointer) { evaluator in
                if !pointer.pointee.step(elements.count) { return false }
                var index = 0
                // Elements of one shape (the common `items` of a list of records): the same
                // steps and depth as `isValid` takes, inline, then the one-pass check; an element
                // the shape cannot decide, or near a limit, goes the general way.
                var target = Int(id)
                while nodes[target].reference >= 0 { target = Int(nodes[target].reference) }
                let node = nodes[target]
                if node.shape >= 0, !node.isLeaf {
                    let shape = shapes[Int(node.shape)]
                    let entries = evaluator.shapeEntries.baseAddress! + Int(shape.typeStart)
                    let declared = Int(shape.end - shape.start)
                    let cost = Int(node.cost)
                    while index < elements.count {
                        let element = elements.baseAddress! + index
                        var decided: Bool? = nil
                        if pointer.pointee.budget.remaining >= cost, pointer.pointee.depth < ValidationState.uncheckedDepth,
                            let members = element.objectMembers
                        {
                            decided =
                                evaluator.inOrderValid(entries, declared: declared, requiredMask: shape.requiredMask, members)
                                ?? evaluator.shapeValid(shape, members)
                            if decided != nil { pointer.pointee.budget.remaining &-= cost }
                        }
                        let valid = decided ?? evaluator.isValid(Int32(id), element)
                        if !valid {
                            pointer.pointee.record(String(offset + index))
                            return false
                        }
                        index += 1
                        if index & 1023 == 0 && stop() { return true }
                    }
                    return true
                }
                while index < elements.count {
                    if !evaluator.isValid(Int32(id), elements.baseAddress! + index) {
                        pointer.pointee.record(String(offset + index))
                        return false
                    }
                    index += 1
                    if index & 1023 == 0 && stop() { return true }
                }
                return true
            }
        }
    }

    func withEvaluator(_ state: UnsafeMutablePointer<ValidationState>, _ body: (PlanEvaluator) -> Bool) -> Bool {
        nodes.withUnsafeBufferPointer { nodeBuffer in
            checks.withUnsafeBufferPointer { checkBuffer in
                names.withUnsafeBufferPointer { nameBuffer in
                    namesAreASCII.withUnsafeBufferPointer { asciiBuffer in
                        lists.withUnsafeBufferPointer { listBuffer in
                            regexes.withUnsafeBufferPointer { regexBuffer in
                                numbers.withUnsafeBufferPointer { numberBuffer in
                                    shapes.withUnsafeBufferPointer { shapeBuffer in
                                        shapeEntries.withUnsafeBufferPointer { shapeEntryBuffer in
                                            body(
                                                PlanEvaluator(
                                                    plan: self, nodes: nodeBuffer, checks: checkBuffer, names: nameBuffer,
                                                    namesAreASCII: asciiBuffer, lists: listBuffer, regexes: regexBuffer,
                                                    numbers: numberBuffer, shapes: shapeBuffer, shapeEntries: shapeEntryBuffer, state: state))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
