/// One match: where it is and what each capture group took, in Unicode-scalar offsets.
public struct RegexMatch: Sendable, Equatable {
    /// The matched range.
    public let range: Range<Int>
    /// Group 1, 2, …: the range each took, or nil when it did not participate.
    public let groups: [Range<Int>?]
}

extension ECMARegex {
    /// The first match at or after scalar offset `start` of `scalars`; nil when there is none
    /// (or the step budget ran out).
    public func firstMatch(in scalars: [UInt32], from start: Int, anchored: Bool = false) -> RegexMatch? {
        scalars.withUnsafeBufferPointer { input in
            var machine = RegexMachine(program: program, input: input, stepLimit: stepLimit)
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
                    return RegexMatch(range: position..<end, groups: groups)
                case .none: return nil
                case .some(.none): break
                }
                position += 1
            }
            return nil
        }
    }

    /// Every non-overlapping match, left to right (an empty match advances by one).
    public func allMatches(in scalars: [UInt32]) -> [RegexMatch] {
        var matches: [RegexMatch] = []
        var position = 0
        while position <= scalars.count, let match = firstMatch(in: scalars, from: position) {
            matches.append(match)
            position = match.range.isEmpty ? match.range.upperBound + 1 : match.range.upperBound
        }
        return matches
    }

    /// Whether the whole of `text` matches (Java's `String.matches`).
    public func matchesEntirely(_ text: String) -> Bool {
        let scalars = text.unicodeScalars.map(\.value)
        guard let entire = try? ECMARegex("^(?:" + pattern + ")$", stepLimit: stepLimit) else { return false }
        return entire.firstMatch(in: scalars, from: 0) != nil
    }
}
