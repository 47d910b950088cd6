/// A backtracking-free matcher for the common shape of schema patterns: an optional `^`, a
/// sequence of single-scalar items (literal, class, `.`) each with a greedy count, and an
/// optional `$` — used only when greedy consumption provably never needs to give back,
/// i.e. each variable-count item's class is disjoint from whatever can follow it.
/// `^[A-Za-z][A-Za-z0-9 ]*$` qualifies; `^a*a$` does not and runs on the general machine.
struct LinearMatcher: Sendable {
    /// One item: its ASCII members as a bitmap (so the common case reads no array), the
    /// index of its full set in `sets` when it has members beyond ASCII, and its count.
    struct Item: Sendable {
        let low: UInt64
        let high: UInt64
        /// Index in `sets`, or -1 when the set is ASCII only.
        let set: Int
        let minimum: Int
        let maximum: Int
    }

    /// Items are plain values: walking them copies no reference.
    let items: [Item]
    let sets: [ScalarSet]
    let anchoredStart: Bool
    let anchoredEnd: Bool

    init?(_ tree: RegexNode) {
        var nodes: [RegexNode]
        switch tree {
        case .sequence(let list): nodes = list
        default: nodes = [tree]
        }
        var anchoredStart = false, anchoredEnd = false
        if case .lineStart = nodes.first { anchoredStart = true; nodes.removeFirst() }
        if case .lineEnd = nodes.last { anchoredEnd = true; nodes.removeLast() }
        var raw: [(ScalarSet, Int, Int)] = []
        for node in nodes {
            switch node {
            case .repetition(let body, let minimum, let maximum, let greedy):
                guard greedy, let set = LinearMatcher.singleSet(body) else { return nil }
                raw.append((set, minimum, maximum ?? Int.max))
            default:
                guard let set = LinearMatcher.singleSet(node) else { return nil }
                raw.append((set, 1, 1))
            }
        }
        guard !raw.isEmpty else { return nil }
        // Safety: a variable item must not overlap anything that can start the rest.
        for (index, item) in raw.enumerated() where item.2 > item.1 {
            var next = index + 1
            while next < raw.count {
                guard item.0.isDisjoint(from: raw[next].0) else { return nil }
                if raw[next].1 > 0 { break }
                next += 1
            }
        }
        var items: [Item] = [], sets: [ScalarSet] = []
        for (set, minimum, maximum) in raw {
            let (low, high) = set.asciiBitmap
            var index = -1
            if set.asciiOnlyMembers == nil {
                index = sets.count
                sets.append(set)
            }
            items.append(Item(low: low, high: high, set: index, minimum: minimum, maximum: maximum))
        }
        self.items = items
        self.sets = sets
        self.anchoredStart = anchoredStart
        self.anchoredEnd = anchoredEnd
    }

    static func singleSet(_ node: RegexNode) -> ScalarSet? {
        switch node {
        case .scalar(let value): return ScalarSet(ranges: [value...value])
        case .set(let set): return set
        case .any: return ScalarSet.lineTerminators.inverted()
        case .group(let body, nil): return singleSet(body)
        default: return nil
        }
    }

    func search(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            items.withUnsafeBufferPointer { items in
                var start = 0
                while true {
                    if matchHere(bytes, items, from: start) { return true }
                    if anchoredStart || start >= bytes.count { return false }
                    start += UTF8Decoding.length(of: bytes[start])
                }
            }
        }
    }

    @inline(__always)
    private func contains(_ item: Item, _ scalar: UInt32) -> Bool {
        if scalar < 64 { return item.low & (1 << UInt64(scalar)) != 0 }
        if scalar < 128 { return item.high & (1 << UInt64(scalar - 64)) != 0 }
        return item.set >= 0 && sets[item.set].contains(scalar)
    }

    private func matchHere(_ bytes: UnsafeBufferPointer<UInt8>, _ items: UnsafeBufferPointer<Item>, from start: Int) -> Bool {
        var position = start
        for item in items {
            var count = 0
            while count < item.maximum, position < bytes.count {
                let (scalar, length) = UTF8Decoding.decode(bytes, at: position)
                guard contains(item, scalar) else { break }
                position += length
                count += 1
            }
            if count < item.minimum { return false }
        }
        return !anchoredEnd || position == bytes.count
    }
}

/// Decoding of well-formed UTF-8 (Swift strings always are).
enum UTF8Decoding {
    @inline(__always)
    static func length(of lead: UInt8) -> Int {
        lead < 0x80 ? 1 : (lead < 0xE0 ? 2 : (lead < 0xF0 ? 3 : 4))
    }

    @inline(__always)
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (UInt32, Int) {
        let lead = bytes[index]
        if lead < 0x80 { return (UInt32(lead), 1) }
        let count = length(of: lead)
        var scalar = UInt32(lead) & (count == 2 ? 0x1F : (count == 3 ? 0x0F : 0x07))
        for offset in 1..<count { scalar = scalar << 6 | UInt32(bytes[index + offset] & 0x3F) }
        return (scalar, count)
    }
}
