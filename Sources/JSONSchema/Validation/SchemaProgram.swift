import ECMARegex
import Dispatch
import JSONCore
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A compiled schema, ready to validate any number of instances from any thread.
///
/// Every call is bounded by `ValidationLimits`: when a limit runs out the call throws
/// `ValidationLimitExceeded` (naming the limit and the instance location), never answers.
public struct CompiledSchema: Sendable {
    let program: SchemaProgram
    let root: NodeID

    /// Arrays with at least this many elements are checked on all cores when the schema
    /// allows element-by-element validation (same answer as a sequential check).
    public static let parallelThreshold = 4096

    /// Whether `instance` is valid (the fast path: no error values are built).
    public func isValid(_ instance: JSONValue, limits: ValidationLimits = .default) throws(ValidationLimitExceeded) -> Bool {
        if case .array(let elements) = instance, elements.count >= CompiledSchema.parallelThreshold,
            let elementwise
        {
            return try elementwise.isValid(elements, limits: limits)
        }
        var state = ValidationState(limits: limits)
        let valid = program.isValid(root, instance, &state)
        if state.unwinding {
            // Out of stack before any limit of its own: again, on a thread with room.
            if state.exceeded == .stack { return try CompiledSchema.onLargeStack { () throws(ValidationLimitExceeded) in try isValid(instance, limits: limits) } }
            throw state.error()
        }
        return valid
    }

    /// Every error in `instance`, in schema order; empty when valid.
    public func validate(_ instance: JSONValue, limits: ValidationLimits = .default) throws(ValidationLimitExceeded) -> [ValidationError] {
        var state = ValidationState(limits: limits)
        do {
            return try validate(instance, &state)
        } catch where error.limit == .stack {
            return try CompiledSchema.onLargeStack { () throws(ValidationLimitExceeded) in
                var fresh = ValidationState(limits: limits)
                return try validate(instance, &fresh)
            }
        }
    }

    /// `body` on a thread with a large stack (when the calling thread is not already one).
    static func onLargeStack<T>(_ body: () throws(ValidationLimitExceeded) -> T) throws(ValidationLimitExceeded) -> T {
        if ValidationState.hasLargeStack { return try body() }
        let result: Result<T, ValidationLimitExceeded> = LargeStack.run {
            do throws(ValidationLimitExceeded) { return .success(try body()) } catch { return .failure(error) }
        }
        return try result.get()
    }

    func validate(_ instance: JSONValue, _ state: inout ValidationState) throws(ValidationLimitExceeded) -> [ValidationError] {
        let valid = program.isValid(root, instance, &state)
        if state.unwinding { throw state.error() }
        if valid { return [] }
        var errors: [ValidationError] = []
        try program.collect(root, instance, instance: [], keyword: [], into: &errors, &state)
        return errors
    }
}

extension CompiledSchema {
    /// Element-by-element validation of a top-level array, when the schema allows it: the
    /// root (after `$ref`s) constrains arrays only through `type`, a single `items` schema,
    /// `minItems` and `maxItems`. Then each element can be checked as it is parsed and
    /// dropped (see `JSONParser.forEachElement`), and the errors are exactly those of
    /// `validate` on the whole array. `nil` for other schemas.
    public var elementwise: ElementwiseValidation? {
        var keyword: [String] = []
        var node = program.nodes[root]
        while let target = node.reference {
            keyword.append("$ref")
            node = program.nodes[target]
        }
        guard node.types.map({ $0.contains(.array) }) ?? true, node.anyType.isEmpty else { return nil }
        var items: NodeID? = nil
        var minimum = 0, maximum = Int.max
        for rule in node.array {
            switch rule {
            case .items(let id): items = id
            case .minItems(let limit): minimum = limit
            case .maxItems(let limit): maximum = limit
            default: return nil
            }
        }
        return ElementwiseValidation(program: program, node: node, items: items, keywordPrefix: keyword, minimum: minimum, maximum: maximum)
    }
}

/// The steps of one validation spread over several calls (the elements of a streamed array):
/// make one per payload and pass it to each call, so the payload as a whole stays within
/// its `ValidationLimits`.
public struct ValidationBudget: Sendable {
    var state: ValidationState

    /// A budget of `limits` for one payload.
    public init(limits: ValidationLimits = .default) {
        state = ValidationState(limits: limits)
    }

    /// Steps still available.
    public var remainingSteps: Int { state.budget.remaining }
}

/// Validates the elements of a top-level array one at a time (see `CompiledSchema.elementwise`).
public struct ElementwiseValidation: Sendable {
    let program: SchemaProgram
    let node: CompiledNode
    let items: NodeID?
    let keywordPrefix: [String]
    let minimum: Int
    let maximum: Int

    /// Whether a whole array is valid, checking its elements on all cores; the cores share
    /// one budget of `limits.steps`.
    public func isValid(_ elements: [JSONValue], limits: ValidationLimits = .default) throws(ValidationLimitExceeded) -> Bool {
        guard elements.count >= minimum, elements.count <= maximum else { return false }
        guard let items else { return true }
        let plan = program.plan
        return try elements.withUnsafeBufferPointer { buffer throws(ValidationLimitExceeded) in
            let shared = SharedElements(buffer: buffer)
            return try Self.allValid(count: buffer.count, limits: limits) { start, end, state, stop in
                plan.allValid(items, UnsafeBufferPointer(rebasing: shared.buffer[start..<end]), offset: start, &state, stop: stop)
            }
        }
    }

    /// Whether elements `0..<count` are all valid, by `check(start, end, &state, stop)` on
    /// ranges of them: one range on one core or for a short array, else ranges of a multiple
    /// of 1,024 elements on all cores, sharing one budget of `limits.steps` (a range stops,
    /// saying valid, once `stop` says another failed).
    static func allValid(
        count: Int, limits: ValidationLimits,
        _ check: @Sendable (Int, Int, inout ValidationState, () -> Bool) -> Bool
    ) throws(ValidationLimitExceeded) -> Bool {
        let cores = max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))
        if cores == 1 || count < 2 * 1024 {
            var state = ValidationState(limits: limits)
            let valid = check(0, count, &state, { false })
            if state.unwinding { throw state.error() }
            return valid
        }
        // More parts than cores: a worker that wakes late still finds work.
        let parts = min(cores * 4, max(1, count / 1024))
        let chunk = ((count + parts - 1) / parts + 1023) / 1024 * 1024
        let failed = Atomic<Bool>(false)
        let pool = StepPool(steps: limits.steps)
        let limitErrors = Mutex<[ValidationLimitExceeded]>([])
        DispatchQueue.concurrentPerform(iterations: (count + chunk - 1) / chunk) { part in
            let start = part * chunk
            var state = ValidationState(limits: limits, pool: pool)
            if !check(start, min(count, start + chunk), &state, { failed.load(ordering: .relaxed) }) {
                if state.unwinding { limitErrors.withLock { $0.append(state.error()) } }
                failed.store(true, ordering: .relaxed)
            }
        }
        if let first = limitErrors.withLock({ $0.first }) { throw first }
        return !failed.load(ordering: .relaxed)
    }

    /// The errors of element `index`; empty when valid. `budget` is shared by the elements
    /// of one payload.
    public func errors(element: JSONValue, at index: Int, budget: inout ValidationBudget) throws(ValidationLimitExceeded) -> [ValidationError] {
        let saved = budget.state
        do {
            return try errors(element: element, at: index, &budget.state)
        } catch where error.limit == .stack {
            // Out of stack before any limit of its own: again, on a thread with room.
            var state = saved
            let result = try CompiledSchema.onLargeStack { () throws(ValidationLimitExceeded) in
                state.moveToCurrentThread()
                return try errors(element: element, at: index, &state)
            }
            budget.state = state
            return result
        }
    }

    private func errors(element: JSONValue, at index: Int, _ state: inout ValidationState) throws(ValidationLimitExceeded) -> [ValidationError] {
        guard let items else { return [] }
        let valid = program.isValid(items, element, &state)
        if state.unwinding { throw state.error(prefix: [String(index)]) }
        if valid { return [] }
        var errors: [ValidationError] = []
        try program.collect(items, element, instance: [String(index)], keyword: keywordPrefix + ["items"], into: &errors, &state)
        return errors
    }

    /// The errors about the array itself (`minItems`, `maxItems`) once `count` elements were seen.
    public func errors(count: Int) -> [ValidationError] {
        var errors: [ValidationError] = []
        if count < minimum {
            errors.append(program.error(.minItems(count: count, limit: minimum), node, instance: [], keyword: keywordPrefix))
        }
        if count > maximum {
            errors.append(program.error(.maxItems(count: count, limit: maximum), node, instance: [], keyword: keywordPrefix))
        }
        return errors
    }
}

/// An array's elements, read concurrently by the validation workers during one call.
private struct SharedElements: @unchecked Sendable {
    // Safety: read-only, and the array outlives `concurrentPerform`.
    let buffer: UnsafeBufferPointer<JSONValue>
}

/// The compiled nodes of one schema and everything it references.
final class SchemaProgram: Sendable {
    let nodes: [CompiledNode]
    let formatAssertions: Bool
    let plan: ValidationPlan

    init(nodes: [CompiledNode], formatAssertions: Bool) {
        self.nodes = nodes
        self.formatAssertions = formatAssertions
        self.plan = ValidationPlan(nodes)
    }

    // MARK: - Yes/no

    func isValid(_ id: NodeID, _ value: JSONValue, _ state: inout ValidationState) -> Bool { plan.isValid(id, value, &state) }

    // MARK: - All errors

    func error(
        _ kind: ValidationErrorKind, _ node: CompiledNode, instance: [String], keyword: [String], suffix: [String]? = nil
    ) -> ValidationError {
        let suffix = suffix ?? [kind.keyword]
        let absolute = node.documentURI + JSONPointer(tokens: node.pointer.tokens + suffix).uriFragment
        return ValidationError(
            kind: kind, instanceLocation: JSONPointer(tokens: instance),
            keywordLocation: JSONPointer(tokens: keyword + suffix), absoluteKeywordLocation: absolute)
    }

    /// Appends every error of `value` against node `id`. Every call takes a step and a level
    /// of depth from `state`, as the yes/no path does, and throws when a limit runs out.
    func collect(
        _ id: NodeID, _ value: JSONValue, instance: [String], keyword: [String], into errors: inout [ValidationError],
        _ state: inout ValidationState
    ) throws(ValidationLimitExceeded) {
        if !state.step() { throw state.error(prefix: instance) }
        defer { state.depth -= 1 }
        if !state.enter() { throw state.error(prefix: instance) }
        let node = nodes[id]
        if let target = node.reference {
            try collect(target, value, instance: instance, keyword: keyword + ["$ref"], into: &errors, &state)
            return
        }
        if node.acceptsEverything { return }
        if let types = node.types, !types.admits(value) {
            errors.append(error(.type(expected: types.names, found: ValuePreview.describe(value)), node, instance: instance, keyword: keyword))
        }
        for rule in node.anyType {
            try collectAnyType(rule, node, value, instance: instance, keyword: keyword, into: &errors, &state)
        }
        switch value {
        case .number(let number):
            for rule in node.number {
                if case .multipleOf(let divisor) = rule, !state.take(number.multipleCost(of: divisor)) {
                    throw state.error(prefix: instance)
                }
                if !NumberRules.isValid(rule, number) {
                    errors.append(error(NumberRules.errorKind(rule, number), node, instance: instance, keyword: keyword))
                }
            }
        case .string(let text):
            for rule in node.string {
                let valid: Bool
                if case .pattern(let expression) = rule {
                    valid = try matches(expression, text, at: instance, &state)
                } else {
                    valid = StringRules.isValid(rule, text)
                }
                if !valid, let kind = StringRules.errorKind(rule, text) { errors.append(error(kind, node, instance: instance, keyword: keyword)) }
            }
        case .array(let elements):
            for rule in node.array {
                try collectArray(rule, node, elements, instance: instance, keyword: keyword, into: &errors, &state)
            }
        case .object(let object):
            for rule in node.object {
                try collectObject(rule, node, object, instance: instance, keyword: keyword, into: &errors, &state)
            }
        case .null, .bool:
            break
        }
    }

    /// `isValid` inside the all-errors walk: throws when a limit ran out below `instance`.
    private func valid(_ id: NodeID, _ value: JSONValue, at instance: [String], _ state: inout ValidationState) throws(ValidationLimitExceeded)
        -> Bool
    {
        let result = isValid(id, value, &state)
        if state.unwinding { throw state.error(prefix: instance) }
        return result
    }

    /// A pattern search spending from the call's budget; throws when it runs out.
    private func matches(_ expression: ECMARegex, _ text: String, at instance: [String], _ state: inout ValidationState)
        throws(ValidationLimitExceeded) -> Bool
    {
        while true {
            switch expression.search(text, budget: &state.budget) {
            case .match: return true
            case .noMatch: return false
            case .limitExceeded: if !state.refill() { throw state.error(prefix: instance) }
            }
        }
    }

    private func collectAnyType(
        _ rule: Keyword, _ node: CompiledNode, _ value: JSONValue, instance: [String], keyword: [String],
        into errors: inout [ValidationError], _ state: inout ValidationState
    ) throws(ValidationLimitExceeded) {
        switch rule {
        case .enumeration(let values):
            if !values.contains(value) { errors.append(error(.enumeration(found: ValuePreview.describe(value)), node, instance: instance, keyword: keyword)) }
        case .allOf(let ids):
            for (index, id) in ids.enumerated() where !(try valid(id, value, at: instance, &state)) {
                try collect(id, value, instance: instance, keyword: keyword + ["allOf", String(index)], into: &errors, &state)
            }
        case .anyOf(let ids):
            for id in ids where try valid(id, value, at: instance, &state) { return }
            var causes: [ValidationError] = []
            for (index, id) in ids.enumerated() {
                try collect(id, value, instance: instance, keyword: keyword + ["anyOf", String(index)], into: &causes, &state)
            }
            errors.append(error(.anyOf(count: ids.count, causes: causes), node, instance: instance, keyword: keyword))
        case .oneOf(let ids):
            var matching: [Int] = []
            for index in ids.indices where try valid(ids[index], value, at: instance, &state) { matching.append(index) }
            if matching.count > 1 {
                errors.append(error(.oneOfMany(matching: matching), node, instance: instance, keyword: keyword))
            } else if matching.isEmpty {
                var causes: [ValidationError] = []
                for (index, id) in ids.enumerated() {
                    try collect(id, value, instance: instance, keyword: keyword + ["oneOf", String(index)], into: &causes, &state)
                }
                errors.append(error(.oneOfNone(count: ids.count, causes: causes), node, instance: instance, keyword: keyword))
            }
        case .not(let id):
            if try valid(id, value, at: instance, &state) { errors.append(error(.not, node, instance: instance, keyword: keyword)) }
        default:
            break
        }
    }

    private func collectArray(
        _ rule: Keyword, _ node: CompiledNode, _ elements: [JSONValue], instance: [String], keyword: [String],
        into errors: inout [ValidationError], _ state: inout ValidationState
    ) throws(ValidationLimitExceeded) {
        switch rule {
        case .items(let id):
            for (index, element) in elements.enumerated() where !(try valid(id, element, at: instance + [String(index)], &state)) {
                try collect(id, element, instance: instance + [String(index)], keyword: keyword + ["items"], into: &errors, &state)
            }
        case .tupleItems(let ids, let additional):
            for (index, element) in elements.enumerated() {
                if index < ids.count {
                    if !(try valid(ids[index], element, at: instance + [String(index)], &state)) {
                        try collect(
                            ids[index], element, instance: instance + [String(index)], keyword: keyword + ["items", String(index)],
                            into: &errors, &state)
                    }
                } else {
                    switch additional {
                    case .anything: break
                    case .nothing:
                        if index == ids.count { errors.append(error(.additionalItems(count: elements.count, allowed: ids.count), node, instance: instance, keyword: keyword)) }
                    case .schema(let id):
                        if !(try valid(id, element, at: instance + [String(index)], &state)) {
                            try collect(
                                id, element, instance: instance + [String(index)], keyword: keyword + ["additionalItems"], into: &errors,
                                &state)
                        }
                    }
                }
            }
        case .maxItems(let limit):
            if elements.count > limit { errors.append(error(.maxItems(count: elements.count, limit: limit), node, instance: instance, keyword: keyword)) }
        case .minItems(let limit):
            if elements.count < limit { errors.append(error(.minItems(count: elements.count, limit: limit), node, instance: instance, keyword: keyword)) }
        case .uniqueItems:
            if !state.take(elements.count) { throw state.error(prefix: instance) }
            if let (first, second) = ArrayRules.firstDuplicate(elements) { errors.append(error(.uniqueItems(first: first, second: second), node, instance: instance, keyword: keyword)) }
        default:
            break
        }
    }

    private func collectObject(
        _ rule: Keyword, _ node: CompiledNode, _ object: JSONObject, instance: [String], keyword: [String],
        into errors: inout [ValidationError], _ state: inout ValidationState
    ) throws(ValidationLimitExceeded) {
        switch rule {
        case .maxProperties(let limit):
            if object.count > limit { errors.append(error(.maxProperties(count: object.count, limit: limit), node, instance: instance, keyword: keyword)) }
        case .minProperties(let limit):
            if object.count < limit { errors.append(error(.minProperties(count: object.count, limit: limit), node, instance: instance, keyword: keyword)) }
        case .required(let names):
            for name in names where object[name] == nil { errors.append(error(.required(property: name), node, instance: instance, keyword: keyword)) }
        case .properties(let schemas):
            for member in object {
                var matched = false
                let here = instance + [member.key]
                if let id = schemas.schema(named: member.key) {
                    matched = true
                    if !(try valid(id, member.value, at: here, &state)) {
                        try collect(id, member.value, instance: here, keyword: keyword + ["properties", member.key], into: &errors, &state)
                    }
                }
                for (source, expression, id) in schemas.patterns where try matches(expression, member.key, at: here, &state) {
                    matched = true
                    if !(try valid(id, member.value, at: here, &state)) {
                        try collect(id, member.value, instance: here, keyword: keyword + ["patternProperties", source], into: &errors, &state)
                    }
                }
                if !matched {
                    switch schemas.additional {
                    case .anything: break
                    case .nothing:
                        errors.append(
                            error(.additionalProperty(property: member.key), node, instance: here, keyword: keyword, suffix: ["additionalProperties"]))
                    case .schema(let id):
                        if !(try valid(id, member.value, at: here, &state)) {
                            try collect(id, member.value, instance: here, keyword: keyword + ["additionalProperties"], into: &errors, &state)
                        }
                    }
                }
            }
        case .dependencies(let entries):
            for (name, dependency) in entries where object[name] != nil {
                switch dependency {
                case .properties(let names):
                    for missing in names where object[missing] == nil {
                        errors.append(error(.dependency(property: name, missing: missing), node, instance: instance, keyword: keyword))
                    }
                case .schema(let id):
                    if !(try valid(id, .object(object), at: instance, &state)) {
                        try collect(id, .object(object), instance: instance, keyword: keyword + ["dependencies", name], into: &errors, &state)
                    }
                }
            }
        default:
            break
        }
    }
}

extension ElementwiseValidation {
    /// Whether the top-level array in `bytes` is valid, parsing and checking its elements on
    /// all cores without ever holding the whole document (`JSONParser.forEachElementConcurrently`).
    /// True only when every element was parsed and is valid and the count is allowed; nil
    /// otherwise — not an array that splits, a syntax error, an invalid element, a limit —
    /// and then a sequential pass gives the exact errors. The cores share one budget of
    /// `limits.steps`.
    public func isValid(streaming bytes: UnsafeBufferPointer<UInt8>, limits: ValidationLimits = .default) -> Bool? {
        let states = PartStates(parts: ParallelParsing.cores, limits: limits)
        defer { states.release() }
        let program = self.program
        let items = self.items
        let walk = JSONParser().forEachElementConcurrently(in: bytes, parts: states.count) { part, element in
            guard let items else { return true }
            return states.withState(part) { state in program.isValid(items, element, &state) && !state.unwinding }
        }
        guard case .completed(let count) = walk, count >= minimum, count <= maximum else { return nil }
        return true
    }
}

/// One validation state per part of a concurrent walk, made on the part's own thread.
private final class PartStates: @unchecked Sendable {
    // Safety: slot `part` is only touched by the one thread that walks that part, and
    // `release` runs after the walk has ended.
    private let slots: UnsafeMutableBufferPointer<ValidationState?>
    private let limits: ValidationLimits
    private let pool: StepPool
    let count: Int

    init(parts: Int, limits: ValidationLimits) {
        count = parts
        self.limits = limits
        pool = StepPool(steps: limits.steps)
        slots = .allocate(capacity: parts)
        slots.initialize(repeating: nil)
    }

    func withState<T>(_ part: Int, _ body: (inout ValidationState) -> T) -> T {
        if slots[part] == nil { slots[part] = ValidationState(limits: limits, pool: pool) }
        return body(&slots[part]!)
    }

    func release() {
        _ = slots.deinitialize()
        slots.deallocate()
    }
}
