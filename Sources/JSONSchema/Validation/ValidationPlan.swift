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
                    let cost = Int(node.cost)
                    while index < elements.count {
                        let element = elements.baseAddress! + index
                        var decided: Bool? = nil
                        if pointer.pointee.budget.remaining >= cost, pointer.pointee.depth < ValidationState.uncheckedDepth {
                            if let members = element.objectMembers { decided = evaluator.shapeValid(shape, members) }
                            if decided != nil { pointer.pointee.budget.remaining -= cost }
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

    private func withEvaluator(_ state: UnsafeMutablePointer<ValidationState>, _ body: (Evaluator) -> Bool) -> Bool {
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
                                                Evaluator(
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

/// Walks a plan through unsafe buffers (kept alive by the plan for the whole call).
private struct Evaluator {
    unowned(unsafe) let plan: ValidationPlan
    let nodes: UnsafeBufferPointer<ValidationPlan.Node>
    let checks: UnsafeBufferPointer<ValidationPlan.Check>
    let names: UnsafeBufferPointer<String>
    let namesAreASCII: UnsafeBufferPointer<Bool>
    let lists: UnsafeBufferPointer<Int32>
    let regexes: UnsafeBufferPointer<ECMARegex>
    let numbers: UnsafeBufferPointer<JSONNumber>
    let shapes: UnsafeBufferPointer<ValidationPlan.Shape>
    let shapeEntries: UnsafeBufferPointer<ValidationPlan.ShapeEntry>
    /// Steps, depth and the unwinding path of the call (see `ValidationState`).
    let state: UnsafeMutablePointer<ValidationState>
    let valueOffset = MemoryLayout<JSONObject.Member>.offset(of: \JSONObject.Member.value)!

    init(
        plan: ValidationPlan, nodes: UnsafeBufferPointer<ValidationPlan.Node>, checks: UnsafeBufferPointer<ValidationPlan.Check>,
        names: UnsafeBufferPointer<String>, namesAreASCII: UnsafeBufferPointer<Bool>, lists: UnsafeBufferPointer<Int32>,
        regexes: UnsafeBufferPointer<ECMARegex>, numbers: UnsafeBufferPointer<JSONNumber>, shapes: UnsafeBufferPointer<ValidationPlan.Shape>,
        shapeEntries: UnsafeBufferPointer<ValidationPlan.ShapeEntry>, state: UnsafeMutablePointer<ValidationState>
    ) {
        self.state = state
        self.shapes = shapes
        self.shapeEntries = shapeEntries
        self.regexes = regexes
        self.numbers = numbers
        self.plan = plan
        self.nodes = nodes
        self.checks = checks
        self.names = names
        self.namesAreASCII = namesAreASCII
        self.lists = lists
    }

    @inline(__always)
    func typeAdmits(_ types: UInt8, _ value: JSONValue) -> Bool {
        if types == 0x7F { return true }
        switch value {
        case .null: return types & TypeSet.null.rawValue != 0
        case .bool: return types & TypeSet.boolean.rawValue != 0
        case .number(let number):
            return types & TypeSet.number.rawValue != 0 || (types & TypeSet.integer.rawValue != 0 && number.isInteger)
        case .string: return types & TypeSet.string.rawValue != 0
        case .array: return types & TypeSet.array.rawValue != 0
        case .object: return types & TypeSet.object.rawValue != 0
        }
    }

    /// The value of member `position`, in place.
    @inline(__always)
    func valuePointer(_ members: UnsafeBufferPointer<JSONObject.Member>, _ position: Int) -> UnsafePointer<JSONValue> {
        (UnsafeRawPointer(members.baseAddress! + position) + valueOffset).assumingMemoryBound(to: JSONValue.self)
    }

    func isValid(_ start: Int32, _ value: JSONValue) -> Bool {
        withUnsafePointer(to: value) { isValid(start, $0) }
    }

    /// Whether the value is valid against node `start`. Every call takes a step and a level
    /// of depth; when either runs out it returns false with `state.unwinding` set, and from
    /// then on every call returns false at once while the callers record the path.
    func isValid(_ start: Int32, _ pointer: UnsafePointer<JSONValue>) -> Bool {
        var id = Int(start)
        while nodes[id].reference >= 0 { id = Int(nodes[id].reference) }
        let node = nodes[id]
        if node.acceptsEverything { return true }
        // A leaf is paid for by its parent's cost (or the array walk that reached it) and
        // cannot go deeper; other nodes take their steps and a level.
        let deep = !node.isLeaf
        if deep {
            if !state.pointee.step(Int(node.cost)) { return false }
            if !state.pointee.enter() {
                state.pointee.depth -= 1
                return false
            }
        }
        let valid = evaluate(node, pointer)  // one call site, so that it is inlined
        if deep { state.pointee.depth -= 1 }
        return valid
    }

    @inline(__always)
    private func evaluate(_ node: ValidationPlan.Node, _ pointer: UnsafePointer<JSONValue>) -> Bool {
        if !typeAdmits(node.types, pointer.pointee) { return false }
        let bounds = node.bounds
        var index = Int(bounds.0)
        while index < Int(bounds.1) {
            if !anyType(checks[index], pointer.pointee) { return false }
            index += 1
        }
        switch pointer.pointee {
        case .number(let number):
            for index in Int(bounds.1)..<Int(bounds.2) where !numberCheck(checks[index], number) { return false }
        case .string(let text):
            for index in Int(bounds.2)..<Int(bounds.3) where !stringCheck(checks[index], text) { return false }
        case .array(let elements):
            for index in Int(bounds.3)..<Int(bounds.4) where !arrayCheck(checks[index], elements) { return false }
        case .object:
            if bounds.4 == bounds.5 { return true }
            guard let members = pointer.objectMembers else { return true }
            if node.shape >= 0, let valid = shapeValid(shapes[Int(node.shape)], members) { return valid }
            var hint = 0
            for index in Int(bounds.4)..<Int(bounds.5) where !objectCheck(checks[index], members, pointer, &hint) { return false }
            return true
        case .null, .bool:
            break
        }
        return true
    }

    func anyType(_ check: ValidationPlan.Check, _ value: JSONValue) -> Bool {
        switch check {
        case .enumeration(let table): return plan.enums[Int(table)].contains(value)
        case .allOf(let start, let end):
            for index in Int(start)..<Int(end) where !isValid(lists[index], value) { return false }
            return true
        case .anyOf(let start, let end):
            for index in Int(start)..<Int(end) {
                if isValid(lists[index], value) { return true }
                if state.pointee.unwinding { return false }
            }
            return false
        case .oneOf(let start, let end):
            var matched = 0
            for index in Int(start)..<Int(end) {
                if isValid(lists[index], value) {
                    matched += 1
                    if matched > 1 { return false }
                } else if state.pointee.unwinding {
                    return false
                }
            }
            return matched == 1
        case .not(let id):
            if isValid(id, value) { return false }
            return !state.pointee.unwinding
        default: return true
        }
    }

    func numberCheck(_ check: ValidationPlan.Check, _ number: JSONNumber) -> Bool {
        switch check {
        case .multipleOf(let table):
            // Long numbers cost digit steps (inline ones a constant): taken before deciding.
            let divisor = numbers[Int(table)]
            guard state.pointee.take(number.multipleCost(of: divisor)) else { return false }
            return number.isMultiple(of: divisor)
        case .maximum(let table, let exclusive):
            let limit = numbers[Int(table)]
            return exclusive ? number < limit : !(limit < number)
        case .minimum(let table, let exclusive):
            let limit = numbers[Int(table)]
            return exclusive ? limit < number : !(number < limit)
        default: return true
        }
    }

    func stringCheck(_ check: ValidationPlan.Check, _ text: String) -> Bool {
        switch check {
        case .maxLength(let limit): return StringRules.isValid(.maxLength(limit), text)
        case .minLength(let limit): return StringRules.isValid(.minLength(limit), text)
        case .pattern(let table): return search(Int(table), text)
        case .format(let format): return format.isValid(text)
        default: return true
        }
    }

    func arrayCheck(_ check: ValidationPlan.Check, _ elements: [JSONValue]) -> Bool {
        switch check {
        case .items(let id):
            if !state.pointee.step(elements.count) { return false }
            return elements.withUnsafeBufferPointer { buffer in
                var index = 0
                while index < buffer.count {
                    if !isValid(id, buffer.baseAddress! + index) {
                        state.pointee.record(String(index))
                        return false
                    }
                    index += 1
                }
                return true
            }
        case .tupleItems(let start, let end, let additional):
            if !state.pointee.step(elements.count) { return false }
            let declared = Int(end - start)
            for (position, element) in elements.enumerated() {
                if position < declared {
                    if !isValid(lists[Int(start) + position], element) {
                        state.pointee.record(String(position))
                        return false
                    }
                } else if additional == -1 {
                    return true
                } else if additional == -2 {
                    return false
                } else if !isValid(additional, element) {
                    state.pointee.record(String(position))
                    return false
                }
            }
            return true
        case .maxItems(let limit): return elements.count <= limit
        case .minItems(let limit): return elements.count >= limit
        case .uniqueItems:
            guard state.pointee.take(elements.count) else { return false }
            return ArrayRules.firstDuplicate(elements) == nil
        default: return true
        }
    }

    /// A pattern search spending from the call's budget; false with `state.unwinding` set
    /// when the budget ran out (never "no match").
    func search(_ table: Int, _ text: String) -> Bool { search(regexes[table], text) }

    /// `search(table:_:)` for a pattern held elsewhere (`patternProperties`).
    func search(_ expression: borrowing ECMARegex, _ text: String) -> Bool {
        switch expression.search(text, budget: &state.pointee.budget) {
        case .match: return true
        case .noMatch: return false
        case .limitExceeded:
            // The search may have stopped for want of steps the pool can still give.
            if state.pointee.refill() { return search(copy expression, text) }
            return false
        }
    }

    /// A shape in one pass over the members; nil (use the general checks) when a declared
    /// name appears twice.
    @inline(__always)
    func shapeValid(_ shape: ValidationPlan.Shape, _ members: UnsafeBufferPointer<JSONObject.Member>) -> Bool? {
        guard let base = members.baseAddress else { return shape.requiredMask == 0 }
        let start = Int(shape.start), count = Int(shape.end - shape.start)
        let entries = shapeEntries.baseAddress! + Int(shape.typeStart)
        var seen: UInt32 = 0
        var next = 0  // payloads usually list members in the schema's order: try the next name first
        // By index and in place: iterating the members would copy (retain) each one.
        for index in 0..<members.count {
            var position = next
            // The key's stored form read in place; alike the expected name's, it is that name.
            if !StoredForm(keyAt: base + index).isAlike(entries[position].key) {
                var tried = 0
                while tried < count {
                    let name = start + position
                    if namesAreASCII[name] ? sameUTF8(base[index].key, asciiKey: names[name]) : sameUTF8(base[index].key, names[name]) { break }
                    position = position + 1 == count ? 0 : position + 1
                    tried += 1
                }
                if tried == count {
                    if shape.closed { return false }
                    continue
                }
            }
            next = position &+ 1 == count ? 0 : position &+ 1
            let bit: UInt32 = 1 &<< UInt32(truncatingIfNeeded: position)
            if seen & bit != 0 { return nil }
            seen |= bit
            if !typeAdmits(entries[position].types, valuePointer(members, index)) {
                state.pointee.record(names[start + position])
                return false
            }
        }
        return seen & shape.requiredMask == shape.requiredMask
    }

    /// `typeAdmits` on a value in place (no copy of its payload unless an integer test needs it).
    @inline(__always)
    func typeAdmits(_ types: UInt8, _ pointer: UnsafePointer<JSONValue>) -> Bool {
        if types == 0x7F { return true }
        switch pointer.pointee {
        case .null: return types & TypeSet.null.rawValue != 0
        case .bool: return types & TypeSet.boolean.rawValue != 0
        case .number:
            if types & TypeSet.number.rawValue != 0 { return true }
            guard types & TypeSet.integer.rawValue != 0, case .number(let number) = pointer.pointee else { return false }
            return number.isInteger
        case .string: return types & TypeSet.string.rawValue != 0
        case .array: return types & TypeSet.array.rawValue != 0
        case .object: return types & TypeSet.object.rawValue != 0
        }
    }

    /// The position of member `name`, searched from `hint` (where the previous property was
    /// found, plus one: payloads usually list members in the schema's order) to the end, then
    /// from the start.
    @inline(__always)
    func find(_ name: Int32, in members: UnsafeBufferPointer<JSONObject.Member>, from hint: Int = 0) -> Int? {
        let start = hint < members.count ? hint : 0
        if let found = find(name, in: members, start..<members.count) { return found }
        return find(name, in: members, 0..<start)
    }

    @inline(__always)
    func find(_ name: Int32, in members: UnsafeBufferPointer<JSONObject.Member>, _ range: Range<Int>) -> Int? {
        let key = names[Int(name)]
        var position = range.lowerBound
        if namesAreASCII[Int(name)] {
            while position < range.upperBound {
                if sameUTF8(members[position].key, asciiKey: key) { return position }
                position += 1
            }
        } else {
            while position < range.upperBound {
                if sameUTF8(members[position].key, key) { return position }
                position += 1
            }
        }
        return nil
    }

    func objectCheck(
        _ check: ValidationPlan.Check, _ members: UnsafeBufferPointer<JSONObject.Member>, _ object: UnsafePointer<JSONValue>,
        _ hint: inout Int
    ) -> Bool {
        switch check {
        case .property(let name, let id):
            guard let position = find(name, in: members, from: hint) else { return true }
            hint = position + 1
            if isValid(id, valuePointer(members, position)) { return true }
            state.pointee.record(names[Int(name)])
            return false
        case .required(let start, let end):
            for name in start..<end where find(name, in: members) == nil { return false }
            return true
        case .onlyNamed(let start, let end):
            if members.count > Int(end - start) { return false }
            outer: for member in members {
                for name in Int(start)..<Int(end) {
                    if namesAreASCII[name] ? sameUTF8(member.key, asciiKey: names[name]) : sameUTF8(member.key, names[name]) {
                        continue outer
                    }
                }
                return false
            }
            return true
        case .maxProperties(let limit): return members.count <= limit
        case .minProperties(let limit): return members.count >= limit
        case .properties(let table):
            let schemas = plan.propertyTables[Int(table)]
            if !state.pointee.step(members.count) { return false }
            // By index and in place: iterating the members would copy (retain) each one.
            for position in 0..<members.count {
                let key = members[position].key
                let value = valuePointer(members, position)
                var matched = false
                if let id = schemas.schema(named: key) {
                    matched = true
                    if !isValid(Int32(id), value) {
                        state.pointee.record(key)
                        return false
                    }
                }
                for (_, expression, id) in schemas.patterns {
                    guard search(expression, key) else {
                        if state.pointee.unwinding { state.pointee.record(key); return false }
                        continue
                    }
                    matched = true
                    if !isValid(Int32(id), value) {
                        state.pointee.record(key)
                        return false
                    }
                }
                if !matched {
                    switch schemas.additional {
                    case .anything: break
                    case .nothing: return false
                    case .schema(let id):
                        if !isValid(Int32(id), value) {
                            state.pointee.record(key)
                            return false
                        }
                    }
                }
            }
            return true
        case .dependencies(let table):
            for (name, dependency) in plan.dependencyTables[Int(table)] where members.index(forKey: name) != nil {
                switch dependency {
                case .properties(let required): if required.contains(where: { members.index(forKey: $0) == nil }) { return false }
                case .schema(let id): if !isValid(Int32(id), object) { return false }
                }
            }
            return true
        default:
            return true
        }
    }
}
