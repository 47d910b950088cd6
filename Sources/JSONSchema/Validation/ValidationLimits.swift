import CSystemCalls
import ECMARegex
import JSONCore
import Synchronization

/// Bounds on one validation call, so that no schema and no payload can make validation run
/// without end: a hostile schema (`anyOf`s nested through `$ref`s, a pattern that defeats
/// the matcher) or a huge number meets a typed `ValidationLimitExceeded`, never a hang and
/// never a wrong verdict.
public struct ValidationLimits: Sendable, Equatable {
    /// Steps one call may take in all: for each subschema applied to a value, one plus its
    /// number of keywords, and one per element or member it walks; plus every step of every
    /// `pattern` and `patternProperties` match, plus the digit steps of `multipleOf` on long
    /// numbers. (A subschema that applies no other subschema is paid for by the one that
    /// applies it.)
    public var steps: Int
    /// Subschemas applied inside one another (instance depth times `$ref`/`allOf` chains).
    public var depth: Int

    /// Limits of `steps` and `depth`.
    public init(steps: Int = 10_000_000, depth: Int = 4_096) {
        self.steps = steps
        self.depth = depth
    }

    /// The defaults: 10 million steps (a fraction of a second for any schema), 4,096 levels.
    public static let `default` = ValidationLimits()

    /// Limits for a payload of `bytes` bytes: the defaults, or 64 steps per byte when that is
    /// more, so that checking a large document never runs out on an ordinary schema.
    public static func forPayload(bytes: Int) -> ValidationLimits {
        let (scaled, overflow) = bytes.multipliedReportingOverflow(by: 64)
        return ValidationLimits(steps: overflow ? Int.max : max(ValidationLimits.default.steps, scaled))
    }
}

/// A validation that could not be decided within its `ValidationLimits`: the payload is
/// neither reported valid nor invalid.
public struct ValidationLimitExceeded: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which bound ran out.
    public enum Limit: Sendable, Equatable {
        /// `ValidationLimits.steps`.
        case steps(Int)
        /// `ValidationLimits.depth`.
        case depth(Int)
        /// The calling thread's stack would run out (its size decides, not a setting).
        case stack
    }

    /// Which bound ran out.
    public let limit: Limit
    /// Where in the instance the evaluation was when it ran out.
    public let instanceLocation: JSONPointer

    /// A failure of `limit` at `instanceLocation`.
    public init(limit: Limit, instanceLocation: JSONPointer) {
        self.limit = limit
        self.instanceLocation = instanceLocation
    }

    /// `validation stopped at /a/0: more than 50000000 steps (ValidationLimits.steps)`.
    public var description: String {
        let place = instanceLocation.tokens.isEmpty ? "the root" : instanceLocation.description
        switch limit {
        case .steps(let steps):
            return "validation stopped at \(place): it needed more than \(steps) steps (ValidationLimits.steps); "
                + "the payload is neither valid nor invalid"
        case .depth(let depth):
            return "validation stopped at \(place): subschemas nested more than \(depth) levels deep (ValidationLimits.depth); "
                + "the payload is neither valid nor invalid"
        case .stack:
            return "validation stopped at \(place): subschemas nested too deeply for this thread's stack; "
                + "the payload is neither valid nor invalid"
        }
    }
}

/// The running state of one validation call: the steps left, the depth, and, once a limit
/// is reached, the instance path collected while the evaluation unwinds.
struct ValidationState {
    /// Steps left (regular expressions spend from the same budget).
    var budget: RegexBudget
    let limits: ValidationLimits
    var depth = 0
    /// A limit was reached: every evaluation returns at once and callers record their token.
    var unwinding = false
    var exceeded: ValidationLimitExceeded.Limit? = nil
    /// Instance tokens, innermost first, recorded while unwinding.
    var path: [String] = []
    /// Steps shared with other workers of a parallel validation.
    let pool: StepPool?
    /// Evaluation stops before the stack pointer goes below this address (0: no check).
    private(set) var stackLimit: UInt

    /// Whether the calling thread has a `LargeStack`-sized stack left (then a stack
    /// shortage is final).
    static var hasLargeStack: Bool {
        let low = UInt(csc_stack_low_bound()), position = UInt(csc_stack_position())
        return low != 0 && position > low && position - low > UInt(LargeStack.size / 2)
    }

    /// Stack kept free below the deepest evaluation: room for a regex search or a deep
    /// value's hashing between two checks.
    static let stackReserve: UInt = 256 * 1024

    init(limits: ValidationLimits, pool: StepPool? = nil) {
        self.limits = limits
        self.pool = pool
        budget = RegexBudget(steps: pool == nil ? limits.steps : 0)
        stackLimit = ValidationState.currentStackLimit()
    }

    /// The stack limit of the calling thread.
    static func currentStackLimit() -> UInt {
        let low = UInt(csc_stack_low_bound())
        return low == 0 ? 0 : low + ValidationState.stackReserve
    }

    /// Continues on the calling thread (after the state was made on another): its own stack
    /// bounds apply, and any earlier stop is forgotten.
    mutating func moveToCurrentThread() {
        stackLimit = ValidationState.currentStackLimit()
        unwinding = false
        exceeded = nil
        path = []
        depth = 0
    }

    /// Enters one level of evaluation: false (and unwinding) past the depth limit or when
    /// the stack would run out.
    @inline(__always)
    mutating func enter() -> Bool {
        depth += 1
        // Shallow evaluation cannot exhaust the stack reserve: check only deeper down.
        if depth <= ValidationState.uncheckedDepth { return true }
        return enterDeep()
    }

    /// Levels entered without looking at the stack (far less than `stackReserve` holds).
    static let uncheckedDepth = 32

    mutating func enterDeep() -> Bool {
        if depth > limits.depth {
            stop(.depth(limits.depth))
            return false
        }
        if UInt(csc_stack_position()) < stackLimit {
            stop(.stack)
            return false
        }
        return true
    }

    /// Takes one step; false (and unwinding) when none is left.
    @inline(__always)
    mutating func step() -> Bool {
        if budget.remaining > 0 {
            budget.remaining -= 1
            return true
        }
        return refill()
    }

    /// Takes `count` steps; false (and unwinding) when they are not left.
    @inline(__always)
    mutating func step(_ count: Int) -> Bool {
        if budget.remaining >= count {
            budget.remaining -= count
            return true
        }
        return take(count)
    }

    /// Takes `count` steps at once (long-number arithmetic, an array's elements).
    mutating func take(_ count: Int) -> Bool {
        while budget.remaining < count {
            if !refill() { return false }
        }
        budget.remaining -= count
        return true
    }

    /// More steps from the shared pool, or the end.
    mutating func refill() -> Bool {
        if let pool, let granted = pool.take() {
            budget = RegexBudget(steps: budget.remaining + granted)
            budget.remaining -= 1
            return true
        }
        stop(.steps(limits.steps))
        return false
    }

    mutating func stop(_ limit: ValidationLimitExceeded.Limit) {
        if !unwinding {
            unwinding = true
            exceeded = limit
        }
    }

    /// Records `token` as one step of the path to where the limit was reached.
    @inline(__always)
    mutating func record(_ token: String) {
        if unwinding { path.append(token) }
    }

    /// The typed error, with `prefix` (the caller's own location) before the recorded path.
    func error(prefix: [String] = []) -> ValidationLimitExceeded {
        ValidationLimitExceeded(
            limit: exceeded ?? .steps(limits.steps), instanceLocation: JSONPointer(tokens: prefix + path.reversed()))
    }
}

/// Steps shared by the workers of one parallel validation, handed out in slices.
final class StepPool: Sendable {
    private let remaining: Atomic<Int>
    static let slice = 1 << 16

    init(steps: Int) { remaining = Atomic(steps) }

    /// A slice of steps, or nil when the pool is empty.
    func take() -> Int? {
        let before = remaining.wrappingSubtract(StepPool.slice, ordering: .relaxed).oldValue
        if before <= 0 { return nil }
        return min(before, StepPool.slice)
    }
}
