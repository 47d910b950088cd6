/// Matching steps shared by every search of one unit of work (one validation call, one
/// template render), so that many searches together stay bounded, not only each one.
///
/// A step is one instruction of the matching machine (or one code point for the simplest
/// patterns). When the budget runs out, a search answers `.limitExceeded` and a match
/// throws `RegexLimitExceeded`: the answer is unknown, never "no match".
public struct RegexBudget: Sendable, Equatable {
    /// Steps still allowed.
    public var remaining: Int
    /// Steps allowed when the budget was made.
    public let limit: Int

    /// A budget of `steps`.
    public init(steps: Int) {
        remaining = max(0, steps)
        limit = max(0, steps)
    }

    /// Whether no step is left.
    public var isExhausted: Bool { remaining <= 0 }

    /// Takes `steps`; false (and nothing taken) when fewer are left.
    @inline(__always)
    mutating func take(_ steps: Int) -> Bool {
        if steps > remaining { remaining = 0; return false }
        remaining -= steps
        return true
    }
}

/// A match could not be decided within its step budget.
public struct RegexLimitExceeded: Error, Sendable, Equatable, CustomStringConvertible {
    /// The pattern.
    public let pattern: String
    /// The budget that ran out, in steps.
    public let limit: Int

    /// The failure for `pattern` under a budget of `limit` steps.
    public init(pattern: String, limit: Int) {
        self.pattern = pattern
        self.limit = limit
    }

    public var description: String {
        "matching /\(pattern)/ needed more than the budget of \(limit) steps"
    }
}
