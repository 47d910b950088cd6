/// A pattern that is not a valid ECMA-262 regular expression (or uses an unsupported feature).
public struct RegexSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The pattern.
    public let pattern: String
    /// Offset in Unicode scalars where the problem was found.
    public let offset: Int
    /// What is wrong.
    public let reason: String
    /// `invalid regular expression "…" at 3: reason`.
    public var description: String { "invalid regular expression at offset \(offset): \(reason)" }
}

/// The syntax tree of a pattern.
indirect enum RegexNode: Sendable {
    case empty
    case scalar(UInt32)
    case any
    case set(ScalarSet)
    case lineStart
    case lineEnd
    case wordBoundary(negated: Bool)
    case group(RegexNode, capture: Int?)
    case lookahead(RegexNode, negated: Bool)
    case backreference(Int)
    case sequence([RegexNode])
    case alternation([RegexNode])
    case repetition(RegexNode, min: Int, max: Int?, greedy: Bool)

    /// Whether the node can match without consuming input.
    var canBeEmpty: Bool {
        switch self {
        case .empty, .lineStart, .lineEnd, .wordBoundary, .lookahead, .backreference: return true
        case .scalar, .any, .set: return false
        case .group(let node, _): return node.canBeEmpty
        case .sequence(let nodes): return nodes.allSatisfy(\.canBeEmpty)
        case .alternation(let nodes): return nodes.contains(where: \.canBeEmpty)
        case .repetition(let node, let min, _, _): return min == 0 || node.canBeEmpty
        }
    }
}

/// Recursive-descent parser for ECMA-262 pattern syntax (with Unicode-mode escapes and
/// Annex B leniency for identity escapes and lone braces).
struct RegexParser {
    let pattern: String
    let scalars: [UInt32]
    var index = 0
    var captureCount = 0
    var namedGroups: [String: Int] = [:]
    var pendingNamedReferences: [(String, Int)] = []
    /// Group nesting, bounded so deep patterns are an error rather than a stack overflow.
    var depth = 0
    static let maximumDepth = 200

    init(_ pattern: String) {
        self.pattern = pattern
        self.scalars = pattern.unicodeScalars.map(\.value)
    }

    func fail(_ reason: String, at offset: Int? = nil) -> RegexSyntaxError {
        RegexSyntaxError(pattern: pattern, offset: offset ?? index, reason: reason)
    }

    var atEnd: Bool { index >= scalars.count }
    func peek(_ offset: Int = 0) -> UInt32? { index + offset < scalars.count ? scalars[index + offset] : nil }

    mutating func parse() throws(RegexSyntaxError) -> RegexNode {
        let node = try parseAlternation()
        if !atEnd { throw fail(peek() == 0x29 ? "unmatched ')'" : "unexpected character") }
        for (name, offset) in pendingNamedReferences where namedGroups[name] == nil {
            throw fail("reference to an undefined group name '\(name)'", at: offset)
        }
        return node
    }

    mutating func parseAlternation() throws(RegexSyntaxError) -> RegexNode {
        var branches = [try parseSequence()]
        while peek() == 0x7C {  // |
            index += 1
            branches.append(try parseSequence())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    mutating func parseSequence() throws(RegexSyntaxError) -> RegexNode {
        var items: [RegexNode] = []
        while let c = peek(), c != 0x7C, c != 0x29 {
            let atomStart = index
            let atom = try parseAtom()
            items.append(try parseQuantifier(atom, atomStart: atomStart))
        }
        if items.isEmpty { return .empty }
        return items.count == 1 ? items[0] : .sequence(items)
    }

    mutating func parseQuantifier(_ atom: RegexNode, atomStart: Int) throws(RegexSyntaxError) -> RegexNode {
        guard let c = peek() else { return atom }
        var minimum = 0, maximum: Int? = nil
        switch c {
        case 0x2A: index += 1  // *
        case 0x2B: minimum = 1; index += 1  // +
        case 0x3F: maximum = 1; index += 1  // ?
        case 0x7B:  // {
            guard let (low, high, length) = scanBraces() else { return atom }  // Annex B: literal '{'
            index += length
            minimum = low; maximum = high
            if let high, high < low { throw fail("numbers out of order in {} quantifier", at: atomStart) }
        default:
            return atom
        }
        switch atom {
        case .lineStart, .lineEnd, .wordBoundary: throw fail("nothing to repeat", at: atomStart)
        case .lookahead: break  // Annex B allows quantified lookaheads
        default: break
        }
        var greedy = true
        if peek() == 0x3F { greedy = false; index += 1 }
        if minimum > 100_000 || (maximum ?? 0) > 100_000 { throw fail("repetition count too large", at: atomStart) }
        return .repetition(atom, min: minimum, max: maximum, greedy: greedy)
    }

    /// Reads `{n}`, `{n,}` or `{n,m}` at the cursor without consuming; nil when not a quantifier.
    func scanBraces() -> (Int, Int?, Int)? {
        var offset = 1
        func number() -> Int? {
            var value: Int? = nil
            while let c = peek(offset), c >= 0x30, c <= 0x39 {
                value = min((value ?? 0) * 10 + Int(c - 0x30), 1_000_000)
                offset += 1
            }
            return value
        }
        guard let low = number() else { return nil }
        var high: Int? = low
        if peek(offset) == 0x2C {
            offset += 1
            high = number()
        }
        guard peek(offset) == 0x7D else { return nil }
        return (low, high, offset + 1)
    }

    mutating func parseAtom() throws(RegexSyntaxError) -> RegexNode {
        let c = scalars[index]
        switch c {
        case 0x5E: index += 1; return .lineStart  // ^
        case 0x24: index += 1; return .lineEnd  // $
        case 0x2E: index += 1; return .any  // .
        case 0x28: return try parseGroup()
        case 0x5B: return .set(try parseClass())
        case 0x5C: return try parseEscape()
        case 0x2A, 0x2B, 0x3F: throw fail("nothing to repeat")
        case 0x7B:
            if scanBraces() != nil { throw fail("nothing to repeat") }
            index += 1
            return .scalar(c)
        default:
            index += 1
            return .scalar(c)
        }
    }

    mutating func parseGroup() throws(RegexSyntaxError) -> RegexNode {
        let open = index
        depth += 1
        defer { depth -= 1 }
        if depth > RegexParser.maximumDepth { throw fail("groups nested deeper than \(RegexParser.maximumDepth)") }
        index += 1
        var capture: Int? = nil
        var look: Bool? = nil  // negated?
        if peek() == 0x3F {  // ?
            switch peek(1) {
            case 0x3A: index += 2  // (?:
            case 0x3D: index += 2; look = false  // (?=
            case 0x21: index += 2; look = true  // (?!
            case 0x3C:  // (?<
                if peek(2) == 0x3D || peek(2) == 0x21 { throw fail("lookbehind is not supported") }
                index += 2
                let name = try parseGroupName()
                captureCount += 1
                capture = captureCount
                if namedGroups[name] != nil { throw fail("duplicate group name '\(name)'") }
                namedGroups[name] = captureCount
            default: throw fail("invalid group")
            }
        } else {
            captureCount += 1
            capture = captureCount
        }
        let body = try parseAlternation()
        guard peek() == 0x29 else { throw fail("unterminated group", at: open) }
        index += 1
        if let negated = look { return .lookahead(body, negated: negated) }
        return .group(body, capture: capture)
    }

    mutating func parseGroupName() throws(RegexSyntaxError) -> String {
        var name = ""
        while let c = peek(), c != 0x3E {
            guard let scalar = Unicode.Scalar(c), scalar.properties.isAlphabetic || c == 0x5F || c == 0x24 || (c >= 0x30 && c <= 0x39) else {
                throw fail("invalid group name")
            }
            name.unicodeScalars.append(scalar)
            index += 1
        }
        guard peek() == 0x3E, !name.isEmpty else { throw fail("invalid group name") }
        index += 1
        return name
    }

    // MARK: - Escapes

    mutating func parseEscape() throws(RegexSyntaxError) -> RegexNode {
        let start = index
        index += 1
        guard let c = peek() else { throw fail("pattern ends with '\\'", at: start) }
        switch c {
        case 0x62: index += 1; return .wordBoundary(negated: false)  // \b
        case 0x42: index += 1; return .wordBoundary(negated: true)  // \B
        case 0x31...0x39:  // \1 .. backreference (decimal)
            var number = 0
            while let d = peek(), d >= 0x30, d <= 0x39 { number = min(number * 10 + Int(d - 0x30), 100_000); index += 1 }
            return .backreference(number)
        case 0x6B where peek(1) == 0x3C:  // \k<name>
            index += 2
            let offset = index
            let name = try parseGroupName()
            pendingNamedReferences.append((name, offset))
            return .backreference(-(pendingNamedReferences.count))
        default:
            if let set = try parseClassEscape() { return .set(set) }
            return .scalar(try parseCharacterEscape(start: start))
        }
    }

    /// `\d \D \w \W \s \S \p{…} \P{…}` at the cursor (after the backslash), or nil.
    mutating func parseClassEscape() throws(RegexSyntaxError) -> ScalarSet? {
        guard let c = peek() else { return nil }
        switch c {
        case 0x64: index += 1; return .digits
        case 0x44: index += 1; return ScalarSet.digits.inverted()
        case 0x77: index += 1; return .word
        case 0x57: index += 1; return ScalarSet.word.inverted()
        case 0x73: index += 1; return .space
        case 0x53: index += 1; return ScalarSet.space.inverted()
        case 0x70, 0x50:  // \p{...}
            guard peek(1) == 0x7B else { throw fail("\\p must be followed by {name}") }
            let start = index
            index += 2
            var name = ""
            while let d = peek(), d != 0x7D {
                name.unicodeScalars.append(Unicode.Scalar(d) ?? "?")
                index += 1
            }
            guard peek() == 0x7D else { throw fail("unterminated \\p{", at: start) }
            index += 1
            guard let property = UnicodeProperty(name: name) else { throw fail("unknown Unicode property '\(name)'", at: start) }
            let set = ScalarSet(property: property)
            return c == 0x50 ? set.inverted() : set
        default:
            return nil
        }
    }

    /// A single-character escape after the backslash: `\t`, `\cX`, `\x41`, `\u0041`, `\u{1F600}`, identity.
    mutating func parseCharacterEscape(start: Int) throws(RegexSyntaxError) -> UInt32 {
        let c = scalars[index]
        index += 1
        switch c {
        case 0x74: return 0x09  // t
        case 0x6E: return 0x0A  // n
        case 0x76: return 0x0B  // v
        case 0x66: return 0x0C  // f
        case 0x72: return 0x0D  // r
        case 0x30:  // \0
            if let d = peek(), d >= 0x30, d <= 0x39 { throw fail("invalid decimal escape", at: start) }
            return 0
        case 0x63:  // \cX
            if let letter = peek(), (letter >= 0x41 && letter <= 0x5A) || (letter >= 0x61 && letter <= 0x7A) {
                index += 1
                return letter % 32
            }
            index -= 1
            return 0x5C  // Annex B: "\c" is a literal backslash followed by c
        case 0x78:  // \xHH
            guard let value = hexDigits(count: 2) else { throw fail("invalid \\x escape", at: start) }
            return value
        case 0x75:  // \uHHHH or \u{H+}
            if peek() == 0x7B {
                index += 1
                var value: UInt32 = 0
                var digits = 0
                while let d = peek(), let v = RegexParser.hexValue(d) {
                    value = value * 16 + v; digits += 1; index += 1
                    if value > 0x10FFFF { throw fail("\\u{} escape out of range", at: start) }
                }
                guard digits > 0, peek() == 0x7D else { throw fail("invalid \\u{} escape", at: start) }
                index += 1
                return value
            }
            guard let high = hexDigits(count: 4) else { throw fail("invalid \\u escape", at: start) }
            // An escaped surrogate pair is one code point.
            if high >= 0xD800, high < 0xDC00, peek() == 0x5C, peek(1) == 0x75 {
                let save = index
                index += 2
                if let low = hexDigits(count: 4), low >= 0xDC00, low < 0xE000 {
                    return 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                }
                index = save
            }
            return high
        default:
            return c  // identity escape (syntax characters and, leniently, any other)
        }
    }

    mutating func hexDigits(count: Int) -> UInt32? {
        var value: UInt32 = 0
        for offset in 0..<count {
            guard let d = peek(offset), let v = RegexParser.hexValue(d) else { return nil }
            value = value * 16 + v
        }
        index += count
        return value
    }

    static func hexValue(_ c: UInt32) -> UInt32? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x37
        case 0x61...0x66: return c - 0x57
        default: return nil
        }
    }

    // MARK: - Classes

    mutating func parseClass() throws(RegexSyntaxError) -> ScalarSet {
        let open = index
        index += 1
        var negated = false
        if peek() == 0x5E { negated = true; index += 1 }
        var set = ScalarSet()
        while true {
            guard let c = peek() else { throw fail("unterminated character class", at: open) }
            if c == 0x5D { index += 1; break }
            let (low, lowSet) = try parseClassAtom()
            if let lowSet { set.formUnion(lowSet); continue }
            // A range `a-z`, unless '-' is last.
            if peek() == 0x2D, let next = peek(1), next != 0x5D {
                index += 1
                let rangeStart = index
                let (high, highSet) = try parseClassAtom()
                if highSet != nil { throw fail("class escape cannot end a range", at: rangeStart) }
                guard low <= high else { throw fail("range out of order in character class", at: rangeStart) }
                set.insert(low...high)
            } else {
                set.insert(low...low)
            }
        }
        return negated ? set.inverted() : set
    }

    /// One class member: a scalar, or a set for class escapes.
    mutating func parseClassAtom() throws(RegexSyntaxError) -> (UInt32, ScalarSet?) {
        let c = scalars[index]
        guard c == 0x5C else { index += 1; return (c, nil) }
        let start = index
        index += 1
        guard let next = peek() else { throw fail("pattern ends with '\\'", at: start) }
        if next == 0x62 { index += 1; return (0x08, nil) }  // \b is backspace in a class
        if next == 0x2D { index += 1; return (0x2D, nil) }
        if let set = try parseClassEscape() { return (0, set) }
        return (try parseCharacterEscape(start: start), nil)
    }
}
