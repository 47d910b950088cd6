/// One match: where it is and what each capture group took, in Unicode-scalar offsets.
public struct RegexMatch: Sendable, Equatable {
    /// The matched range.
    public let range: Range<Int>
    /// Group 1, 2, …: the range each took, or nil when it did not participate.
    public let groups: [Range<Int>?]
}

extension ECMARegex {
    /// The first match at or after scalar offset `start` of `scalars` (nil when there is
    /// none), spending steps from `budget`; throws when the budget runs out first.
    public func firstMatch(in scalars: [UInt32], from start: Int, anchored: Bool = false, budget: inout RegexBudget)
        throws(RegexLimitExceeded) -> RegexMatch?
    {
        let limit = budget.limit
        let result: RegexMatch?? = scalars.withUnsafeBufferPointer { input in
            var machine = RegexMachine(program: program, input: input, stepLimit: budget.remaining)
            defer { _ = budget.take(min(machine.steps, budget.remaining)) }
            let last = anchored || program.anchoredAtStart ? start : input.count
            var position = start
            while position <= last {
                for slot in machine.slots.indices { machine.slots[slot] = -1 }
                switch machine.run(from: 0, at: position) {
                case .some(.some(let end)):
                    var groups: [Range<Int>?] = []
                    for group in stride(from: 1, through: program.captureCount, by: 1) {
                        let begin = machine.slots[2 * group], finish = machine.slots[2 * group + 1]
                        groups.append(begin >= 0 && finish >= begin ? begin..<finish : nil)
                    }
                    return .some(RegexMatch(range: position..<end, groups: groups))
                case .none: return nil
                case .some(.none): break
                }
                position += 1
            }
            return .some(nil)
        }
        guard let result else { throw RegexLimitExceeded(pattern: pattern, limit: limit) }
        return result
    }

    /// Every non-overlapping match, left to right (an empty match advances by one), spending
    /// steps from `budget`; throws when it runs out.
    public func allMatches(in scalars: [UInt32], budget: inout RegexBudget) throws(RegexLimitExceeded) -> [RegexMatch] {
        var matches: [RegexMatch] = []
        var position = 0
        while position <= scalars.count, let match = try firstMatch(in: scalars, from: position, budget: &budget) {
            matches.append(match)
            position = match.range.isEmpty ? match.range.upperBound + 1 : match.range.upperBound
        }
        return matches
    }
}
