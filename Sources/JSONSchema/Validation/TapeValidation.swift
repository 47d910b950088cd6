import JSONCore

extension CompiledSchema {
    /// Whether the document on `tape` is valid: the same answer as `isValid(tape.value())`.
    /// The common cases are checked on the tape in place (an array whose schema only says
    /// `items`, objects of a simple shape whose members come in the schema's order); any
    /// other value is read off the tape as a `JSONValue` and checked the usual way. A large
    /// top-level array is checked on all cores when the schema allows (as `isValid(_:)` does).
    public func isValid(_ tape: JSONTape, limits: ValidationLimits = .default) throws(ValidationLimitExceeded) -> Bool {
        if tape.kind(at: JSONTape.root) == .array, tape.count(at: JSONTape.root) >= CompiledSchema.parallelThreshold,
            let elementwise
        {
            return try elementwise.isValid(tape, limits: limits)
        }
        var state = ValidationState(limits: limits)
        let keyIDs = program.plan.keyIDs(on: tape)
        let valid = program.plan.withTapeWalk(tape, keyIDs, &state) { $0.isValid(Int32(root), at: JSONTape.root) }
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

extension ElementwiseValidation {
    /// `isValid(_:limits:)` for a tape whose top level is an array: its elements checked on
    /// all cores, which share one budget of `limits.steps`.
    func isValid(_ tape: JSONTape, limits: ValidationLimits) throws(ValidationLimitExceeded) -> Bool {
        let count = tape.count(at: JSONTape.root)
        guard count >= minimum, count <= maximum else { return false }
        guard let items else { return true }
        let plan = program.plan
        let keyIDs = plan.keyIDs(on: tape)
        // Ranges start at multiples of 1,024 elements, whose positions the tape remembers.
        return try Self.allValid(count: count, limits: limits) { start, end, state, stop in
            plan.withTapeWalk(tape, keyIDs, &state) { walk in
                walk.allValid(
                    Int32(items), first: tape.position(ofElement: start, inArrayAt: JSONTape.root), count: end - start, offset: start,
                    stop: stop)
            }
        }
    }
}

extension ValidationPlan {
    /// Each shape's names as `tape` numbers its keys, parallel to `shapeEntries` (-1: no key
    /// of the document).
    func keyIDs(on tape: JSONTape) -> ContiguousArray<Int> {
        var keyIDs = ContiguousArray<Int>(repeating: -1, count: shapeEntries.count)
        for shape in shapes {
            for offset in 0..<Int(shape.end - shape.start) {
                keyIDs[Int(shape.typeStart) + offset] = tape.keyID(of: names[Int(shape.start) + offset]) ?? -1
            }
        }
        return keyIDs
    }

    /// Calls `body` with a walk over `tape` spending from `state`.
    fileprivate func withTapeWalk(
        _ tape: JSONTape, _ keyIDs: ContiguousArray<Int>, _ state: inout ValidationState, _ body: (TapeWalk) -> Bool
    ) -> Bool {
        withUnsafeMutablePointer(to: &state) { pointer in
            withEvaluator(pointer) { evaluator in
                keyIDs.withUnsafeBufferPointer { keyIDs in
                    tape.withView { view in body(TapeWalk(evaluator: evaluator, tape: tape, view: view, keyIDs: keyIDs)) }
                }
            }
        }
    }
}

/// Checks values on a tape in place where the plan allows, else through `PlanEvaluator`.
/// Takes the same steps and depth as the evaluator would on the same values.
struct TapeWalk {
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
            return verdict.valid
        case .array where node.types & TypeSet.array.rawValue != 0:
            guard let items = onlyItems(node) else { break }
            if !enter(node) { return false }
            defer { state.pointee.depth -= 1 }
            return allValid(items, first: position + 2, count: view.count(at: position))
        default:
            break
        }
        let value = tape.value(at: position)
        return withUnsafePointer(to: value) { evaluator.isValid(start, $0) }
    }

    /// Whether `count` elements of an array, the first at `first`, are valid against node
    /// `items`; they are elements `offset`... of the array (for the path to a limit). Stops,
    /// saying valid, when `stop` says so (checked every 1,024 elements).
    func allValid(_ items: Int32, first: Int, count: Int, offset: Int = 0, stop: () -> Bool = { false }) -> Bool {
        if !state.pointee.step(count) { return false }
        var element = first
        // Elements of one shape (a list of records): the steps and level `isValid` would
        // take, inline, then the in-order check; the rest goes the general way.
        var target = Int(items)
        while evaluator.nodes[target].reference >= 0 { target = Int(evaluator.nodes[target].reference) }
        let itemNode = evaluator.nodes[target]
        let cost = Int(itemNode.cost)
        let shape = itemNode.shape >= 0 ? ShapeOnTape(self, evaluator.shapes[Int(itemNode.shape)]) : nil
        var index = 0
        while index < count {
            var decided: (valid: Bool, end: Int)? = nil
            if let shape, view.kindCode(at: element) == JSONTape.Kind.object.rawValue, state.pointee.budget.remaining >= cost,
                state.pointee.depth < ValidationState.uncheckedDepth
            {
                decided = inOrderShape(shape, at: element)
                if decided != nil { state.pointee.budget.remaining &-= cost }
            }
            if let decided {
                if !decided.valid {
                    state.pointee.record(String(offset + index))
                    return false
                }
                element = decided.end
            } else {
                if !isValid(items, at: element) {
                    state.pointee.record(String(offset + index))
                    return false
                }
                element = view.next(after: element)
            }
            index &+= 1
            if index & 1023 == 0 && stop() { return true }
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
        /// How many of the first names hold every required one: in-order members satisfy
        /// `required` when there are at least that many.
        let requiredPrefix: Int

        init(_ walk: TapeWalk, _ shape: ValidationPlan.Shape) {
            entries = walk.evaluator.shapeEntries.baseAddress! + Int(shape.typeStart)
            ids = walk.keyIDs.baseAddress! + Int(shape.typeStart)
            declared = Int(shape.end - shape.start)
            requiredPrefix = UInt32.bitWidth - shape.requiredMask.leadingZeroBitCount
        }
    }

    /// `PlanEvaluator.inOrderValid` on the tape: members that are the shape's first names in
    /// its order, compared by key number. Nil when they are not, a type does not match, or
    /// the object repeats a key (the evaluator then decides on the value).
    /// Gives the verdict and the position after the object.
    @inline(__always)
    func inOrderShape(_ shape: ShapeOnTape, at position: Int) -> (valid: Bool, end: Int)? {
        let count = view.count(at: position)
        guard count <= shape.declared, !view.repeatsKeys(at: position) else { return nil }
        var member = position &+ 2  // the first key
        var offset = 0
        while offset < count {
            guard view.keyID(at: member) == shape.ids[offset] else { return nil }
            member &+= 1
            let entry = shape.entries[offset]
            // The usual case: a one-word value of the one kind the entry admits (a string, a
            // one-word number, whose exponent says whether it is an integer).
            let word = view.words[member]
            if UInt8(truncatingIfNeeded: word) == entry.tapeKind {
                if entry.only == .integer, Int8(truncatingIfNeeded: word >> 8) < 0 { return nil }
                member &+= 1
            } else {
                let code = view.kindCode(at: member)
                if entry.tapeKind == code {
                    if entry.only == .integer, !view.isInteger(at: member) { return nil }
                } else if entry.tapeKind != 0xFF || !admits(entry, at: member) {
                    return nil
                }
                // A scalar (shapes admit no others): one word, or two for a long number.
                member &+= view.width(ofScalarAt: member)
            }
            offset &+= 1
        }
        return (count >= shape.requiredPrefix, member)
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
