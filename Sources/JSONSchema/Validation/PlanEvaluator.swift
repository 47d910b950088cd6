import ECMARegex
import JSONCore

/// Walks a plan through unsafe buffers (kept alive by the plan for the whole call).
struct PlanEvaluator {
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

    /// A shape's verdict when the members are the shape's first names in its order (payloads
    /// usually list exactly the schema's names in its order): member k is name k, no name can
    /// repeat, and only the types are left to check. Nil when the members are in another order
    /// or a type does not match (`shapeValid` then decides, and records where).
    @inline(__always)
    func inOrderValid(
        _ entries: UnsafePointer<ValidationPlan.ShapeEntry>, declared: Int, requiredMask: UInt32,
        _ members: UnsafeBufferPointer<JSONObject.Member>
    ) -> Bool? {
        let count = members.count
        guard count <= declared, let base = members.baseAddress else { return nil }
        var position = 0
        while position < count {
            let member = base + position
            guard StoredForm(keyAt: member).isAlike(entries[position].key),
                typeAdmits(entries[position], member.pointer(to: \.value)!)
            else { return nil }
            position += 1
        }
        let seen: UInt32 = count == 32 ? ~0 : (1 &<< UInt32(truncatingIfNeeded: count)) &- 1
        return seen & requiredMask == requiredMask
    }

    /// A shape in one pass over the members; nil (use the general checks) when a declared
    /// name appears twice.
    @inline(__always)
    func shapeValid(_ shape: ValidationPlan.Shape, _ members: UnsafeBufferPointer<JSONObject.Member>) -> Bool? {
        guard let base = members.baseAddress else { return shape.requiredMask == 0 }
        let start = Int(shape.start), count = Int(shape.end - shape.start)
        let entries = shapeEntries.baseAddress! + Int(shape.typeStart)
        if let verdict = inOrderValid(entries, declared: count, requiredMask: shape.requiredMask, members) { return verdict }
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

    /// Whether a shape's entry admits the value in place: one comparison of the value's case
    /// when the entry admits one case (the payload is read only for `integer`).
    @inline(__always)
    func typeAdmits(_ entry: ValidationPlan.ShapeEntry, _ pointer: UnsafePointer<JSONValue>) -> Bool {
        switch entry.only {
        case .string: if case .string = pointer.pointee { return true } else { return false }
        case .number: if case .number = pointer.pointee { return true } else { return false }
        case .integer: if case .number(let number) = pointer.pointee { return number.isInteger } else { return false }
        case .boolean: if case .bool = pointer.pointee { return true } else { return false }
        case .several: return typeAdmits(entry.types, pointer)
        }
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
