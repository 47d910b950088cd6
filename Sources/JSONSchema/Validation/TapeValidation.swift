import JSONCore

extension CompiledSchema {
    /// Whether the document on `tape` is valid: the same answer as `isValid(tape.value())`.
    /// The common cases are checked on the tape in place (an array whose schema only says
    /// `items`, objects of a simple shape whose members come in the schema's order); any
    /// other value is read off the tape as a `JSONValue` and checked the usual way.
    public func isValid(_ tape: JSONTape, limits: ValidationLimits = .default) throws(ValidationLimitExceeded) -> Bool {
        var state = ValidationState(limits: limits)
        let valid = program.plan.isValid(root, tape: tape, &state)
        if state.unwinding {
            // Out of stack before any limit of its own: again, on a thread with room.
            if state.exceeded == .stack {
                return try CompiledSchema.onLargeStack { () throws(ValidationLimitExceeded) in try isValid(tape, limits: limits) }
            }
            throw state.error()
        }
        return valid
    }
}

extension ValidationPlan {
    /// `isValid(_:_:_:)` for the top-level value of a tape.
    func isValid(_ id: Int, tape: JSONTape, _ state: inout ValidationState) -> Bool {
        // Each shape's names as this tape numbers its keys (-1: no key of the document).
        var keyIDs = ContiguousArray<Int>(repeating: -1, count: shapeEntries.count)
        for shape in shapes {
            for offset in 0..<Int(shape.end - shape.start) {
                keyIDs[Int(shape.typeStart) + offset] = tape.keyID(of: names[Int(shape.start) + offset]) ?? -1
            }
        }
        return withUnsafeMutablePointer(to: &state) { pointer in
            withEvaluator(pointer) { evaluator in
                keyIDs.withUnsafeBufferPointer { keyIDs in
                    tape.withView { view in
                        TapeWalk(evaluator: evaluator, tape: tape, view: view, keyIDs: keyIDs).isValid(Int32(id), at: JSONTape.root)
                    }
                }
            }
        }
    }
}

/// Checks values on a tape in place where the plan allows, else through `PlanEvaluator`.
/// Takes the same steps and depth as the evaluator would on the same values.
private struct TapeWalk {
    let evaluator: PlanEvaluator
    let tape: JSONTape
    let view: JSONTape.View
    /// Parallel to the plan's shape entries: the tape's number for each name.
    let keyIDs: UnsafeBufferPointer<Int>

    var state: UnsafeMutablePointer<ValidationState> { evaluator.state }

    func isValid(_ start: Int32, at position: Int) -> Bool {
        var id = Int(start)
        while evaluator.nodes[id].reference >= 0 { id = Int(evaluator.nodes[id].reference) }
        let node = evaluator.nodes[id]
        if node.acceptsEverything { return true }
        switch JSONTape.Kind(rawValue: view.kindCode(at: position)) {
        case .object where node.shape >= 0:
            // A shape node has object checks only (and type `object`).
            guard let verdict = inOrderShape(ShapeOnTape(self, evaluator.shapes[Int(node.shape)]), at: position) else { break }
            if !enter(node) { return false }
            state.pointee.depth -= 1
            return verdict
        case .array where node.types & TypeSet.array.rawValue != 0:
            guard let items = onlyItems(node) else { break }
            if !enter(node) { return false }
            defer { state.pointee.depth -= 1 }
            return allValid(items, inArrayAt: position)
        default:
            break
        }
        let value = tape.value(at: position)
        return withUnsafePointer(to: value) { evaluator.isValid(start, $0) }
    }

    /// Whether every element of the array at `position` is valid against node `items` (the
    /// array's own steps and level already taken).
    private func allValid(_ items: Int32, inArrayAt position: Int) -> Bool {
        let count = view.count(at: position)
        if !state.pointee.step(count) { return false }
        var element = position &+ 2  // the first element
        // Elements of one shape (a list of records): the steps and level `isValid` would
        // take, inline, then the in-order check; the rest goes the general way.
        var target = Int(items)
        while evaluator.nodes[target].reference >= 0 { target = Int(evaluator.nodes[target].reference) }
        let itemNode = evaluator.nodes[target]
        let cost = Int(itemNode.cost)
        let shape = itemNode.shape >= 0 ? ShapeOnTape(self, evaluator.shapes[Int(itemNode.shape)]) : nil
        var index = 0
        while index < count {
            var decided: Bool? = nil
            if let shape, view.kindCode(at: element) == JSONTape.Kind.object.rawValue, state.pointee.budget.remaining >= cost,
                state.pointee.depth < ValidationState.uncheckedDepth
            {
                decided = inOrderShape(shape, at: element)
                if decided != nil { state.pointee.budget.remaining &-= cost }
            }
            if !(decided ?? isValid(items, at: element)) {
                state.pointee.record(String(index))
                return false
            }
            element = view.next(after: element)
            index &+= 1
        }
        return true
    }

    /// The steps and level `PlanEvaluator.isValid` takes for a node that is not a leaf.
    @inline(__always)
    private func enter(_ node: ValidationPlan.Node) -> Bool {
        if !state.pointee.step(Int(node.cost)) { return false }
        if !state.pointee.enter() {
            state.pointee.depth -= 1
            return false
        }
        return true
    }

    /// The `items` schema when that is the node's only check (with no checks for any type).
    private func onlyItems(_ node: ValidationPlan.Node) -> Int32? {
        let bounds = node.bounds
        guard bounds.0 == bounds.1, bounds.4 - bounds.3 == 1, case .items(let items) = evaluator.checks[Int(bounds.3)] else { return nil }
        return items
    }

    /// A shape's names and their numbers on this tape, looked up once.
    struct ShapeOnTape {
        let entries: UnsafePointer<ValidationPlan.ShapeEntry>
        let ids: UnsafePointer<Int>
        let declared: Int
        let requiredMask: UInt32

        init(_ walk: TapeWalk, _ shape: ValidationPlan.Shape) {
            entries = walk.evaluator.shapeEntries.baseAddress! + Int(shape.typeStart)
            ids = walk.keyIDs.baseAddress! + Int(shape.typeStart)
            declared = Int(shape.end - shape.start)
            requiredMask = shape.requiredMask
        }
    }

    /// `PlanEvaluator.inOrderValid` on the tape: members that are the shape's first names in
    /// its order, compared by key number. Nil when they are not, a type does not match, or
    /// the object repeats a key (the evaluator then decides on the value).
    @inline(__always)
    func inOrderShape(_ shape: ShapeOnTape, at position: Int) -> Bool? {
        let count = view.count(at: position)
        guard count <= shape.declared, !view.repeatsKeys(at: position) else { return nil }
        var member = position &+ 2  // the first key
        var offset = 0
        while offset < count {
            guard view.keyID(at: member) == shape.ids[offset] else { return nil }
            member &+= 1
            let entry = shape.entries[offset]
            let code = view.kindCode(at: member)
            if entry.tapeKind == code {
                if entry.only == .integer, !view.isInteger(at: member) { return nil }
            } else if entry.tapeKind != 0xFF || !admits(entry, at: member) {
                return nil
            }
            // A scalar (shapes admit no others): one word, or two for a long number.
            member &+= view.width(ofScalarAt: member)
            offset &+= 1
        }
        let seen: UInt32 = count == 32 ? ~0 : (1 &<< UInt32(truncatingIfNeeded: count)) &- 1
        return seen & shape.requiredMask == shape.requiredMask
    }

    /// Whether an entry that admits several types admits the value at `position`.
    private func admits(_ entry: ValidationPlan.ShapeEntry, at position: Int) -> Bool {
        let bit: UInt8
        switch JSONTape.Kind(rawValue: view.kindCode(at: position)) {
        case .null: bit = TypeSet.null.rawValue
        case .bool: bit = TypeSet.boolean.rawValue
        case .number:
            if entry.types & TypeSet.number.rawValue != 0 { return true }
            return entry.types & TypeSet.integer.rawValue != 0 && view.isInteger(at: position)
        case .string: bit = TypeSet.string.rawValue
        case .array: bit = TypeSet.array.rawValue
        case .object: bit = TypeSet.object.rawValue
        case nil: return false
        }
        return entry.types & bit != 0
    }
}
