/// The text a `YAMLScanner` reads and its position in it: bytes, line breaks, columns, and the
/// scanners of scalars (`YAMLScalars.swift`) and of a tag's `%`-escapes, which need nothing of
/// the scanner's state but what they are handed.
struct YAMLInput {
    let text: UnsafeBufferPointer<UInt8>
    var mark = YAMLMark.start

    init(_ text: UnsafeBufferPointer<UInt8>) {
        self.text = text
    }

    @inline(__always) func byte(_ offset: Int = 0) -> UInt8 {
        let index = mark.index + offset
        return index < text.count ? text[index] : 0
    }

    @inline(__always) var atEnd: Bool { mark.index >= text.count }

    @inline(__always) static func isBreak(_ byte: UInt8) -> Bool { byte == 0x0A || byte == 0x0D }
    @inline(__always) static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
    /// A space, a tab, a line break or the end.
    @inline(__always) func isBlankOrEnd(_ offset: Int = 0) -> Bool {
        let index = mark.index + offset
        guard index < text.count else { return true }
        let value = text[index]
        return value == 0x20 || value == 0x09 || value == 0x0A || value == 0x0D
    }

    @inline(__always) static func isFlowIndicator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "{") || byte == UInt8(ascii: "}")
    }

    /// Moves over one byte that is not a line break.
    @inline(__always) mutating func forward() {
        let value = text[mark.index]
        mark.index += 1
        if value & 0xC0 != 0x80 { mark.column += 1 }
    }

    @inline(__always) mutating func forward(_ count: Int) { for _ in 0..<count { forward() } }

    /// Moves over a line break (`\n`, `\r\n` or `\r`).
    mutating func forwardBreak() {
        if byte() == 0x0D && byte(1) == 0x0A { mark.index += 1 }
        mark.index += 1
        mark.line += 1
        mark.column = 1
    }

    /// The 0-based column (what indentation compares).
    @inline(__always) var column: Int { mark.column - 1 }

    func error(_ message: String, at where: YAMLMark? = nil, _ kind: YAMLSyntaxError.Kind = .syntax) -> YAMLSyntaxError {
        let place = `where` ?? mark
        return YAMLSyntaxError(kind, line: place.line, column: place.column, message)
    }

    func describeCurrent() -> String {
        guard !atEnd else { return "the end of the text" }
        let value = byte()
        switch value {
        case 0x0A, 0x0D: return "a line break"
        case 0x09: return "a tab"
        case 0x20: return "a space"
        case 0x21..<0x7F: return "'\(Character(Unicode.Scalar(value)))'"
        default: return "the byte 0x\(String(value, radix: 16, uppercase: true))"
        }
    }

    func isDocumentMarker(_ character: UInt8) -> Bool {
        byte() == character && byte(1) == character && byte(2) == character && isBlankOrEnd(3)
    }

    /// Whether only spaces and tabs come before `mark` on its line.
    func isFirstOnLine(_ mark: YAMLMark) -> Bool {
        var index = mark.index - 1
        while index >= 0, Self.isBlank(text[index]) { index -= 1 }
        return index < 0 || Self.isBreak(text[index])
    }

    /// The spaces that start `mark`'s line (up to the first other character: a tab never indents).
    func leadingSpaces(_ mark: YAMLMark) -> Int {
        var index = mark.index - 1
        while index >= 0, !Self.isBreak(text[index]) { index -= 1 }
        var count = 0
        index += 1
        while index < text.count, text[index] == 0x20 { count += 1; index += 1 }
        return count
    }

    /// Whether the blanks just before `mark` on its line hold a tab.
    func tabBefore(_ mark: YAMLMark) -> Bool {
        var index = mark.index - 1
        while index >= 0, Self.isBlank(text[index]) {
            if text[index] == 0x09 { return true }
            index -= 1
        }
        return false
    }

    /// Whether only spaces and tabs come before the current position on its line.
    func isLineStartBeforeHere() -> Bool {
        var index = mark.index - 1
        while index >= 0, Self.isBlank(text[index]) { index -= 1 }
        return index < 0 || Self.isBreak(text[index])
    }

    /// A tag's characters with `%XX` escapes decoded.
    func decodeURI(_ range: Range<Int>, at start: YAMLMark) throws(YAMLSyntaxError) -> String {
        var bytes: [UInt8] = []
        var index = range.lowerBound
        while index < range.upperBound {
            let value = text[index]
            if value == UInt8(ascii: "%") {
                guard index + 2 < range.upperBound, let high = Self.hexValue(text[index + 1]), let low = Self.hexValue(text[index + 2]) else {
                    throw error("a '%' in a tag must be followed by two hexadecimal digits", at: start)
                }
                bytes.append(UInt8(high * 16 + low))
                index += 3
            } else {
                bytes.append(value)
                index += 1
            }
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else { throw error("a tag is not valid UTF-8", at: start, .encoding) }
        return decoded
    }

    static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(byte - UInt8(ascii: "A")) + 10
        default: return nil
        }
    }

    /// Whether the `:` here indicates a value: a blank follows, or (in flow context) a flow
    /// indicator or a JSON-like node before it.
    func isValueIndicator(flowLevel: Int, adjacentValueAllowed: Bool) -> Bool {
        if isBlankOrEnd(1) { return true }
        guard flowLevel > 0 else { return false }
        return Self.isFlowIndicator(byte(1)) || adjacentValueAllowed
    }

    /// Whether a plain scalar may start here.
    func canStartPlain(flowLevel: Int) -> Bool {
        let value = byte()
        switch value {
        case 0x20, 0x09, 0x0A, 0x0D, 0: return false
        case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"):
            // An indicator followed by a character a plain scalar may hold starts one.
            let following = byte(1)
            if isBlankOrEnd(1) { return false }
            return flowLevel == 0 || !Self.isFlowIndicator(following)
        case UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "#"), UInt8(ascii: "&"),
            UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "%"),
            UInt8(ascii: "@"), UInt8(ascii: "`"):
            return false
        default:
            return true
        }
    }

    /// Skips spaces, comments and line breaks (tabs too, where they only separate).
    mutating func scanToNextToken(flowLevel: Int, allowSimpleKey: inout Bool) throws(YAMLSyntaxError) {
        while true {
            var sawTab = false
            while !atEnd, Self.isBlank(byte()) {
                if byte() == 0x09 { sawTab = true }
                forward()
            }
            if byte() == UInt8(ascii: "#") {
                if mark.index > 0, !Self.isBlank(text[mark.index - 1]), !Self.isBreak(text[mark.index - 1]) {
                    throw error("a comment needs a space before its '#'")
                }
                while !atEnd, !Self.isBreak(byte()) { forward() }
            }
            guard !atEnd, Self.isBreak(byte()) else {
                // A tab before a block indicator or a node at the start of a line indents.
                if sawTab, flowLevel == 0, !atEnd, isLineStartBeforeHere(), byte() == UInt8(ascii: "-") || byte() == UInt8(ascii: "?")
                    || byte() == UInt8(ascii: ":")
                {
                    if isBlankOrEnd(1) { throw error("a tab cannot indent a block entry: YAML indents with spaces") }
                }
                return
            }
            forwardBreak()
            if flowLevel == 0 { allowSimpleKey = true }
        }
    }
}
