import JSONCore

/// The common shape of YAML read straight from its bytes, line by line: one document of block
/// mappings and sequences (compact `- key: value` entries included) holding single-line plain
/// and quoted scalars, with comment and blank lines. Anything else — anchors, tags, flow
/// collections, block scalars, multi-line or escaped scalars, comments after a value,
/// duplicate keys, tabs, several documents, a limit — answers nil, and the full reader
/// (`YAMLComposer`) reads the text, so a value this reader returns is always the one the full
/// reader gives (the `yaml` fuzz target checks that on every input).
struct YAMLFastReader {
    let text: UnsafeBufferPointer<UInt8>
    let maximumDepth: Int
    var index = 0
    var depth = 0
    /// Set to stream a top-level sequence: each element is handed over instead of kept
    /// (false from it stops the read).
    var visitElement: ((JSONValue) -> Bool)? = nil
    /// Elements handed to `visitElement`.
    var visited = 0
    var stopped = false

    init(text: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        self.text = text
        self.maximumDepth = maximumDepth
    }

    /// Reads `text` — a top-level block sequence of the common shape — handing each element to
    /// `visit` as it is read (so the sequence is never held whole). Returns how many were
    /// handed over and whether `visit` stopped the read; nil when the text is not of that shape.
    static func stream(_ text: UnsafeBufferPointer<UInt8>, maximumDepth: Int, visit: @escaping (JSONValue) -> Bool) -> (count: Int, stopped: Bool)? {
        guard !text.contains(0x0D), !(text.count >= 3 && text[0] == 0xEF && text[1] == 0xBB && text[2] == 0xBF) else { return nil }
        var reader = YAMLFastReader(text: text, maximumDepth: maximumDepth)
        guard let first = reader.nextContentLine(), first.indent == 0, reader.byte(first.start) == UInt8(ascii: "-"),
            reader.isBlankOrEnd(first.start + 1)
        else { return nil }
        reader.visitElement = visit
        guard reader.sequence(indent: 0, indentless: false) != nil else { return reader.stopped ? (reader.visited, true) : nil }
        guard reader.nextContentLine() == nil else { return nil }
        return (reader.visited, false)
    }

    /// Where top-level entries (`- ` at the start of a line) begin, about `parts` of them spread
    /// evenly: the places a top-level sequence can be split to be read on several cores.
    static func splitPoints(_ text: UnsafeBufferPointer<UInt8>, parts: Int) -> [Int] {
        var points = [0]
        guard parts > 1 else { return points }
        for part in 1..<parts {
            var position = max(points.last! + 1, text.count * part / parts)
            while position < text.count {
                if text[position - 1] == 0x0A, text[position] == UInt8(ascii: "-"),
                    position + 1 == text.count || text[position + 1] == 0x20 || text[position + 1] == 0x0A
                {
                    points.append(position)
                    break
                }
                position += 1
            }
        }
        return points
    }

    /// The document, or nil when the text is not of the common shape.
    static func read(_ text: UnsafeBufferPointer<UInt8>, maximumDepth: Int) -> YAMLDocument? {
        // Carriage returns (line breaks of their own, even inside a comment) and a byte-order
        // mark are the full reader's.
        guard !text.contains(0x0D), !(text.count >= 3 && text[0] == 0xEF && text[1] == 0xBB && text[2] == 0xBF) else { return nil }
        var reader = YAMLFastReader(text: text, maximumDepth: maximumDepth)
        // A byte-order mark, directives and document markers are left to the full reader.
        guard let first = reader.nextContentLine(), first.indent == 0 else { return nil }
        let firstLine = 1 + UnsafeBufferPointer(rebasing: text[0..<first.start]).reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        guard let value = reader.block(indent: 0) else { return nil }
        guard reader.nextContentLine() == nil else { return nil }
        return YAMLDocument(value: value, positions: [:], start: JSONPositions.Position(line: firstLine, column: 1))
    }

    // MARK: - Lines

    @inline(__always) func byte(_ at: Int) -> UInt8 { at < text.count ? text[at] : 0x0A }

    /// Moves to the next line holding content (skipping blank and comment lines) and returns
    /// its indentation; nil at the end (or for a line the fast path does not read: tabs, `---`).
    mutating func nextContentLine() -> (indent: Int, start: Int)? {
        while index < text.count {
            var position = index
            while position < text.count, text[position] == 0x20 { position += 1 }
            let value = byte(position)
            if value == 0x0A {
                index = position + 1
                continue
            }
            if value == 0x0D || value == 0x09 { return (-1, position) }  // carriage returns, tabs: full reader
            if value == UInt8(ascii: "#") {
                while index < text.count, text[index] != 0x0A { index += 1 }
                continue
            }
            return (position - index, position)
        }
        return nil
    }

    /// The end of the current line (its `\n` or the end of the text).
    func lineEnd(from position: Int) -> Int {
        var end = position
        while end < text.count, text[end] != 0x0A { end += 1 }
        return end
    }

    // MARK: - Blocks

    /// The block starting at the next content line, indented `indent`.
    mutating func block(indent: Int) -> JSONValue? {
        guard let line = nextContentLine(), line.indent == indent else { return nil }
        if byte(line.start) == UInt8(ascii: "-") && isBlankOrEnd(line.start + 1) { return sequence(indent: indent, indentless: false) }
        return mapping(indent: indent, firstKeyAt: line.start)
    }

    @inline(__always) func isBlankOrEnd(_ position: Int) -> Bool {
        let value = byte(position)
        return value == 0x20 || value == 0x0A
    }

    mutating func enter() -> Bool {
        depth += 1
        return depth < maximumDepth
    }

    /// Entries `- …` at `indent`, until a line less indented (or, for a sequence at its mapping
    /// key's own indentation, a line that is not an entry).
    mutating func sequence(indent: Int, indentless: Bool) -> JSONValue? {
        guard enter() else { return nil }
        defer { depth -= 1 }
        var elements: [JSONValue] = []
        elements.reserveCapacity(4)
        while true {
            guard let line = nextContentLine() else { break }
            if line.indent < indent && line.indent >= 0 { break }
            let isEntry = byte(line.start) == UInt8(ascii: "-") && isBlankOrEnd(line.start + 1)
            if indentless && line.indent == indent && !isEntry { break }
            guard line.indent == indent, isEntry else { return nil }
            var position = line.start + 1
            while byte(position) == 0x20, position < text.count { position += 1 }
            let element: JSONValue
            if byte(position) == 0x0A {
                // `-` alone: a nested block on the lines below, or null.
                index = min(text.count, position + 1)
                guard let nested = nestedOrNull(parentIndent: indent, sequenceAllowedAt: nil) else { return nil }
                element = nested
            } else if let colon = keyEnd(from: position) {
                // A compact mapping: `- key: value`, further keys at the key's column.
                guard let mapping = mapping(indent: position - (line.start - line.indent), firstKeyAt: position, firstColon: colon) else { return nil }
                element = mapping
            } else {
                guard let scalar = scalarToLineEnd(from: position) else { return nil }
                element = scalar
            }
            if depth == 1, let visit = visitElement {
                visited += 1
                if !visit(element) {
                    stopped = true
                    return nil
                }
            } else {
                elements.append(element)
            }
        }
        return .array(elements)
    }

    /// `key: value` entries at `indent`; the first key starts at `firstKeyAt` (maybe mid-line).
    mutating func mapping(indent: Int, firstKeyAt: Int, firstColon: Int? = nil) -> JSONValue? {
        guard enter() else { return nil }
        defer { depth -= 1 }
        var members: [JSONObject.Member] = []
        members.reserveCapacity(4)
        var keys: Set<String>? = nil
        var keyStart = firstKeyAt
        var colon = firstColon
        while true {
            guard let end = colon ?? keyEnd(from: keyStart), let key = keyText(keyStart..<end) else { return nil }
            // Duplicate keys are the full reader's to report.
            if let set = keys {
                guard !set.contains(key) else { return nil }
                keys!.insert(key)
            } else {
                for member in members where member.key == key { return nil }
                if members.count == 8 { keys = Set(members.map(\.key) + [key]) }
            }
            var position = end + 1
            while byte(position) == 0x20, position < text.count { position += 1 }
            let value: JSONValue
            if byte(position) == 0x0A {
                index = min(text.count, position + 1)
                guard let nested = nestedOrNull(parentIndent: indent, sequenceAllowedAt: indent) else { return nil }
                value = nested
            } else {
                guard let scalar = scalarToLineEnd(from: position) else { return nil }
                value = scalar
            }
            members.append(JSONObject.Member(key: key, value: value))
            guard let line = nextContentLine() else { break }
            if line.indent < indent && line.indent >= 0 { break }
            guard line.indent == indent else { return nil }
            if byte(line.start) == UInt8(ascii: "-") && isBlankOrEnd(line.start + 1) { return nil }  // an entry beside keys: the full reader says why
            keyStart = line.start
            colon = nil
        }
        return .object(JSONObject(uncheckedUniqueMembers: members))
    }

    /// After `key:` or `-` with nothing more on the line: the block on the following lines when
    /// it is indented more than the parent (or, under a mapping key, a sequence at the key's own
    /// indentation), else null.
    mutating func nestedOrNull(parentIndent: Int, sequenceAllowedAt: Int?) -> JSONValue? {
        let saved = index
        guard let line = nextContentLine() else { return .null }
        guard line.indent >= 0 else { return nil }
        if line.indent > parentIndent { return block(indent: line.indent) }
        if let sequenceIndent = sequenceAllowedAt, line.indent == sequenceIndent, byte(line.start) == UInt8(ascii: "-"), isBlankOrEnd(line.start + 1) {
            return sequence(indent: sequenceIndent, indentless: true)
        }
        index = saved
        return .null
    }

    // MARK: - Keys and scalars

    /// Where the `:` ending a simple key that starts at `position` is (`key:` followed by a space
    /// or the end of the line), when the line holds one and the key is a plain or quoted scalar
    /// this reader reads.
    func keyEnd(from position: Int) -> Int? {
        let first = byte(position)
        if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
            var end = position + 1
            while end < text.count, text[end] != first, text[end] != 0x0A, text[end] != UInt8(ascii: "\\") { end += 1 }
            guard end < text.count, text[end] == first, byte(end + 1) == UInt8(ascii: ":"), isBlankOrEnd(end + 2) else { return nil }
            return end + 1
        }
        var end = position
        while end < text.count {
            let value = text[end]
            if value == 0x0A { return nil }
            if value == UInt8(ascii: ":") && isBlankOrEnd(end + 1) { return end }
            end += 1
        }
        return nil
    }

    /// A key's text: a quoted key's content, or a plain key as the full reader names it.
    func keyText(_ range: Range<Int>) -> String? {
        let first = text[range.lowerBound]
        if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
            return String(decoding: UnsafeBufferPointer(rebasing: text[(range.lowerBound + 1)..<(range.upperBound - 1)]), as: UTF8.self)
        }
        var trimmed = range
        while trimmed.upperBound > trimmed.lowerBound, text[trimmed.upperBound - 1] == 0x20 { trimmed = trimmed.lowerBound..<(trimmed.upperBound - 1) }
        // The merge key `<<` is the full reader's.
        if trimmed.count == 2, text[trimmed.lowerBound] == UInt8(ascii: "<"), text[trimmed.lowerBound + 1] == UInt8(ascii: "<") { return nil }
        guard let (plain, value) = plainScalar(trimmed) else { return nil }
        switch value {
        case .string(let string): return string
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return YAMLResolver.integerText(plain) ?? number.description
        default: return nil
        }
    }

    /// The scalar from `position` to the end of its line (which it must fill, but for spaces),
    /// the index moved past the line.
    mutating func scalarToLineEnd(from position: Int) -> JSONValue? {
        let end = lineEnd(from: position)
        var last = end
        while last > position, text[last - 1] == 0x20 { last -= 1 }
        guard last > position else { return nil }
        index = min(text.count, end + 1)
        let first = text[position]
        if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
            // One line, no escapes (or doubled quotes), nothing after the closing quote.
            guard last - position >= 2, text[last - 1] == first else { return nil }
            let inner = (position + 1)..<(last - 1)
            for offset in inner where text[offset] == first || text[offset] == UInt8(ascii: "\\") { return nil }
            return .string(String(decoding: UnsafeBufferPointer(rebasing: text[inner]), as: UTF8.self))
        }
        return plainScalar(position..<last)?.1
    }

    /// `[1-9][0-9]*(\.[0-9]+)?([eE][-+]?[0-9]+)?`: a number the core schema and JSON read alike.
    func isJSONNumber(_ range: Range<Int>) -> Bool {
        var index = range.lowerBound
        func digits() -> Bool {
            let start = index
            while index < range.upperBound, text[index] >= UInt8(ascii: "0"), text[index] <= UInt8(ascii: "9") { index += 1 }
            return index > start
        }
        guard digits() else { return false }
        if index < range.upperBound, text[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() else { return false }
        }
        if index < range.upperBound, text[index] == UInt8(ascii: "e") || text[index] == UInt8(ascii: "E") {
            index += 1
            if index < range.upperBound, text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+") { index += 1 }
            guard digits() else { return false }
        }
        return index == range.upperBound
    }

    /// A one-line plain scalar the core schema resolves, or nil when the full reader should
    /// read it (an indicator first, `: ` or ` #` inside, a `:` last, a control character).
    func plainScalar(_ range: Range<Int>) -> (String, JSONValue)? {
        guard !range.isEmpty else { return nil }
        switch text[range.lowerBound] {
        case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"),
            UInt8(ascii: "}"), UInt8(ascii: "#"), UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"),
            UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"):
            return nil
        default: break
        }
        var previous: UInt8 = 0
        for offset in range {
            let value = text[offset]
            if value < 0x20 || value == 0x7F { return nil }
            if previous == UInt8(ascii: ":") && value == 0x20 { return nil }
            if previous == 0x20 && value == UInt8(ascii: "#") { return nil }
            previous = value
        }
        if previous == UInt8(ascii: ":") { return nil }
        let string = String(decoding: UnsafeBufferPointer(rebasing: text[range]), as: UTF8.self)
        let first = text[range.lowerBound]
        // Most scalars are words (a string at once) or JSON-shaped numbers (read as JSON reads them).
        switch first {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
            if !(first == UInt8(ascii: "n") || first == UInt8(ascii: "N") || first == UInt8(ascii: "t") || first == UInt8(ascii: "T")
                || first == UInt8(ascii: "f") || first == UInt8(ascii: "F"))
            {
                return (string, .string(string))
            }
        case UInt8(ascii: "1")...UInt8(ascii: "9"):
            if isJSONNumber(range), let number = JSONNumber(text: string) { return (string, .number(number)) }
        default:
            break
        }
        guard let value = try? YAMLResolver.plain(string, error: { kind, message in YAMLSyntaxError(kind, line: 0, column: 0, message) }) else {
            return nil
        }
        return (string, value)
    }
}
