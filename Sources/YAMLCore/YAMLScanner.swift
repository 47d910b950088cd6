/// YAML's tokens, read from UTF-8 bytes: indentation turned into block starts and ends, simple
/// keys found (a `KEY` token inserted when a `:` follows a node on its line), scalars decoded.
/// The structure follows libyaml's scanner; the rules are YAML 1.2's (a `:` may follow a
/// JSON-like node directly in flow context, tabs never indent).
struct YAMLScanner {
    enum Kind: Equatable {
        case streamStart, streamEnd
        case versionDirective, tagDirective, reservedDirective
        case documentStart, documentEnd
        case blockSequenceStart, blockMappingStart, blockEnd
        case flowSequenceStart, flowSequenceEnd, flowMappingStart, flowMappingEnd
        case blockEntry, flowEntry, key, value
        case alias, anchor, tag, scalar
    }

    enum ScalarStyle: Equatable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    struct Token {
        var kind: Kind
        var start: YAMLMark
        var end: YAMLMark
        /// Scalar text, alias or anchor name, tag handle, directive handle or version.
        var value: String = ""
        /// Tag suffix, directive prefix.
        var second: String = ""
        var style: ScalarStyle = .plain
    }

    struct SimpleKey {
        var tokenNumber: Int
        var required: Bool
        var mark: YAMLMark
    }

    let text: UnsafeBufferPointer<UInt8>
    var mark = YAMLMark.start
    var tokens: [Token] = []
    var head = 0
    var tokensTaken = 0
    var done = false
    var streamStarted = false
    var flowLevel = 0
    var indent = -1
    var indents: [Int] = []
    var allowSimpleKey = true
    var possibleKeys: [SimpleKey?] = [nil]
    /// Whether the last token was a JSON-like node (a quoted scalar, a flow collection's end),
    /// after which `:` is a value indicator even without a space in flow context.
    var adjacentValueAllowed = false
    /// Flow collections nested at most this deep (the parser's depth limit is checked too).
    let maximumDepth: Int

    init(_ text: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        self.text = text
        self.maximumDepth = maximumDepth
    }

    // MARK: - Reading

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

    // MARK: - Tokens

    /// The next token, without taking it.
    mutating func peek() throws(YAMLSyntaxError) -> Token {
        while needMoreTokens() { try fetchMoreTokens() }
        return tokens[head]
    }

    /// The next token's kind, without taking it (or copying it).
    @inline(__always)
    mutating func peekKind() throws(YAMLSyntaxError) -> Kind {
        while needMoreTokens() { try fetchMoreTokens() }
        return tokens[head].kind
    }

    /// Where the next token starts (after `peekKind` or `peek`).
    var peekedStart: YAMLMark { tokens[head].start }

    /// Takes the next token without copying it.
    mutating func skip() throws(YAMLSyntaxError) {
        while needMoreTokens() { try fetchMoreTokens() }
        head += 1
        tokensTaken += 1
        if head > 64 && head * 2 > tokens.count {
            tokens.removeFirst(head)
            head = 0
        }
    }

    /// Takes the next token.
    mutating func next() throws(YAMLSyntaxError) -> Token {
        let token = try peek()
        head += 1
        tokensTaken += 1
        if head > 64 && head * 2 > tokens.count {
            tokens.removeFirst(head)
            head = 0
        }
        return token
    }

    mutating func needMoreTokens() -> Bool {
        if head >= tokens.count { return !done }
        if done { return false }
        // A token that may still become a key (a KEY token would go before it) waits.
        stalePossibleSimpleKeys()
        for key in possibleKeys where key != nil && key!.tokenNumber == tokensTaken { return true }
        return false
    }

    var queuedCount: Int { tokens.count - head }

    mutating func append(_ token: Token) { tokens.append(token) }

    mutating func insert(_ token: Token, at tokenNumber: Int) {
        tokens.insert(token, at: head + (tokenNumber - tokensTaken))
    }

    mutating func fetchMoreTokens() throws(YAMLSyntaxError) {
        if !streamStarted {
            streamStarted = true
            if byte() == 0xEF && byte(1) == 0xBB && byte(2) == 0xBF { mark.index += 3 }
            append(Token(kind: .streamStart, start: mark, end: mark))
            return
        }
        try scanToNextToken()
        stalePossibleSimpleKeys()
        try checkRequiredKeys()
        // Inside a flow collection in a block, each line is indented more than the block.
        if flowLevel > 0, indent >= 0, !atEnd, isFirstOnLine(mark), leadingSpaces(mark) <= indent {
            throw error("this line of a flow collection must be indented more than its block (at least \(indent + 1) spaces; tabs do not indent)")
        }
        unwindIndent(column)
        if atEnd { return fetchStreamEnd() }
        let value = byte()
        if column == 0 {
            if value == UInt8(ascii: "%") { return try fetchDirective() }
            if isDocumentMarker(UInt8(ascii: "-")) { return try fetchDocumentIndicator(.documentStart) }
            if isDocumentMarker(UInt8(ascii: ".")) { return try fetchDocumentIndicator(.documentEnd) }
        }
        switch value {
        case UInt8(ascii: "["): return try fetchFlowCollectionStart(.flowSequenceStart)
        case UInt8(ascii: "{"): return try fetchFlowCollectionStart(.flowMappingStart)
        case UInt8(ascii: "]"): return try fetchFlowCollectionEnd(.flowSequenceEnd)
        case UInt8(ascii: "}"): return try fetchFlowCollectionEnd(.flowMappingEnd)
        case UInt8(ascii: ","): return try fetchFlowEntry()
        case UInt8(ascii: "-") where isBlankOrEnd(1): return try fetchBlockEntry()
        case UInt8(ascii: "?") where isBlankOrEnd(1): return try fetchKey()
        case UInt8(ascii: ":") where isValueIndicator(): return try fetchValue()
        case UInt8(ascii: "*"): return try fetchAnchor(alias: true)
        case UInt8(ascii: "&"): return try fetchAnchor(alias: false)
        case UInt8(ascii: "!"): return try fetchTag()
        case UInt8(ascii: "|") where flowLevel == 0: return try fetchBlockScalar(folded: false)
        case UInt8(ascii: ">") where flowLevel == 0: return try fetchBlockScalar(folded: true)
        case UInt8(ascii: "'"): return try fetchFlowScalar(double: false)
        case UInt8(ascii: "\""): return try fetchFlowScalar(double: true)
        default:
            if canStartPlain() { return try fetchPlain() }
            if value == 0x09 { throw error("found a tab where a token was expected: YAML never indents with tabs") }
            if value == UInt8(ascii: "@") || value == UInt8(ascii: "`") {
                throw error("found \(describeCurrent()), which is reserved and cannot start a plain scalar: quote the value")
            }
            throw error("found \(describeCurrent()), which cannot start any token")
        }
    }

    func isDocumentMarker(_ character: UInt8) -> Bool {
        byte() == character && byte(1) == character && byte(2) == character && isBlankOrEnd(3)
    }

    func isValueIndicator() -> Bool {
        if isBlankOrEnd(1) { return true }
        guard flowLevel > 0 else { return false }
        return YAMLScanner.isFlowIndicator(byte(1)) || adjacentValueAllowed
    }

    func canStartPlain() -> Bool {
        let value = byte()
        switch value {
        case 0x20, 0x09, 0x0A, 0x0D, 0: return false
        case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"):
            // An indicator followed by a character a plain scalar may hold starts one.
            let following = byte(1)
            if isBlankOrEnd(1) { return false }
            return flowLevel == 0 || !YAMLScanner.isFlowIndicator(following)
        case UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "#"), UInt8(ascii: "&"),
            UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "%"),
            UInt8(ascii: "@"), UInt8(ascii: "`"):
            return false
        default:
            return true
        }
    }

    /// Skips spaces, comments and line breaks (tabs too, where they only separate).
    mutating func scanToNextToken() throws(YAMLSyntaxError) {
        while true {
            var sawTab = false
            while !atEnd, YAMLScanner.isBlank(byte()) {
                if byte() == 0x09 { sawTab = true }
                forward()
            }
            if byte() == UInt8(ascii: "#") {
                if mark.index > 0, !YAMLScanner.isBlank(text[mark.index - 1]), !YAMLScanner.isBreak(text[mark.index - 1]) {
                    throw error("a comment needs a space before its '#'")
                }
                while !atEnd, !YAMLScanner.isBreak(byte()) { forward() }
            }
            guard !atEnd, YAMLScanner.isBreak(byte()) else {
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

    /// Whether only spaces and tabs come before `mark` on its line.
    func isFirstOnLine(_ mark: YAMLMark) -> Bool {
        var index = mark.index - 1
        while index >= 0, YAMLScanner.isBlank(text[index]) { index -= 1 }
        return index < 0 || YAMLScanner.isBreak(text[index])
    }

    /// The spaces that start `mark`'s line (up to the first other character: a tab never indents).
    func leadingSpaces(_ mark: YAMLMark) -> Int {
        var index = mark.index - 1
        while index >= 0, !YAMLScanner.isBreak(text[index]) { index -= 1 }
        var count = 0
        index += 1
        while index < text.count, text[index] == 0x20 { count += 1; index += 1 }
        return count
    }

    /// Whether the blanks just before `mark` on its line hold a tab.
    func tabBefore(_ mark: YAMLMark) -> Bool {
        var index = mark.index - 1
        while index >= 0, YAMLScanner.isBlank(text[index]) {
            if text[index] == 0x09 { return true }
            index -= 1
        }
        return false
    }

    /// Whether only spaces and tabs come before the current position on its line.
    func isLineStartBeforeHere() -> Bool {
        var index = mark.index - 1
        while index >= 0, YAMLScanner.isBlank(text[index]) { index -= 1 }
        return index < 0 || YAMLScanner.isBreak(text[index])
    }

    // MARK: - Simple keys and indentation

    mutating func stalePossibleSimpleKeys() {
        for level in possibleKeys.indices {
            guard let key = possibleKeys[level] else { continue }
            if key.mark.line != mark.line || mark.index - key.mark.index > 1024 {
                if !key.required { possibleKeys[level] = nil }
            }
        }
    }

    /// A required key (a node at the block's indentation) that did not get its `:` on its line.
    mutating func checkRequiredKeys() throws(YAMLSyntaxError) {
        for level in possibleKeys.indices {
            guard let key = possibleKeys[level], key.required else { continue }
            if key.mark.line != mark.line || mark.index - key.mark.index > 1024 {
                throw error("expected ':' after the key that starts here (a mapping key and its ':' stay on one line)", at: key.mark)
            }
        }
    }

    mutating func savePossibleSimpleKey() throws(YAMLSyntaxError) {
        let required = flowLevel == 0 && indent == column
        guard allowSimpleKey else { return }
        try removePossibleSimpleKey()
        possibleKeys[flowLevel] = SimpleKey(tokenNumber: tokensTaken + queuedCount, required: required, mark: mark)
    }

    mutating func removePossibleSimpleKey() throws(YAMLSyntaxError) {
        if let key = possibleKeys[flowLevel], key.required {
            throw error("expected ':' after the key that starts here", at: key.mark)
        }
        possibleKeys[flowLevel] = nil
    }

    mutating func unwindIndent(_ column: Int) {
        guard flowLevel == 0 else { return }
        while indent > column {
            append(Token(kind: .blockEnd, start: mark, end: mark))
            indent = indents.removeLast()
        }
    }

    /// Opens a block collection at `column` when it is deeper than the current one.
    mutating func rollIndent(_ column: Int, tokenNumber: Int?, kind: Kind, at where: YAMLMark) throws(YAMLSyntaxError) -> Bool {
        guard flowLevel == 0, indent < column else { return false }
        if tabBefore(`where`) {
            throw error("a tab before a block collection: YAML indents with spaces, never tabs", at: `where`)
        }
        if indents.count >= maximumDepth {
            throw error("more than \(maximumDepth) nested collections: the nesting limit", at: `where`, .limit)
        }
        indents.append(indent)
        indent = column
        let token = Token(kind: kind, start: `where`, end: `where`)
        if let tokenNumber { insert(token, at: tokenNumber) } else { append(token) }
        return true
    }

    // MARK: - Fetchers

    mutating func fetchStreamEnd() {
        unwindIndent(-1)
        possibleKeys[flowLevel] = nil
        allowSimpleKey = false
        append(Token(kind: .streamEnd, start: mark, end: mark))
        done = true
    }

    mutating func fetchDocumentIndicator(_ kind: Kind) throws(YAMLSyntaxError) {
        if flowLevel > 0 { throw error("a document marker inside a flow collection: close it with ']' or '}' first") }
        unwindIndent(-1)
        try removePossibleSimpleKey()
        allowSimpleKey = false
        let start = mark
        forward(3)
        append(Token(kind: kind, start: start, end: mark))
        adjacentValueAllowed = false
    }

    mutating func fetchFlowCollectionStart(_ kind: Kind) throws(YAMLSyntaxError) {
        try savePossibleSimpleKey()
        if flowLevel >= maximumDepth || indents.count + flowLevel >= maximumDepth {
            throw error("more than \(maximumDepth) nested collections: the nesting limit", .limit)
        }
        flowLevel += 1
        possibleKeys.append(nil)
        allowSimpleKey = true
        let start = mark
        forward()
        append(Token(kind: kind, start: start, end: mark))
        adjacentValueAllowed = false
    }

    mutating func fetchFlowCollectionEnd(_ kind: Kind) throws(YAMLSyntaxError) {
        try removePossibleSimpleKey()
        if flowLevel > 0 {
            flowLevel -= 1
            possibleKeys.removeLast()
        }
        allowSimpleKey = false
        let start = mark
        forward()
        append(Token(kind: kind, start: start, end: mark))
        adjacentValueAllowed = true
    }

    mutating func fetchFlowEntry() throws(YAMLSyntaxError) {
        allowSimpleKey = true
        try removePossibleSimpleKey()
        let start = mark
        forward()
        append(Token(kind: .flowEntry, start: start, end: mark))
        adjacentValueAllowed = false
    }

    mutating func fetchBlockEntry() throws(YAMLSyntaxError) {
        if flowLevel == 0 {
            if !allowSimpleKey { throw error("a sequence entry ('- ') is not allowed here: it must start its own line") }
            _ = try rollIndent(column, tokenNumber: nil, kind: .blockSequenceStart, at: mark)
        } else {
            throw error("a block sequence entry ('- ') inside a flow collection: write [a, b] or move it out")
        }
        allowSimpleKey = true
        try removePossibleSimpleKey()
        let start = mark
        forward()
        append(Token(kind: .blockEntry, start: start, end: mark))
        adjacentValueAllowed = false
    }

    mutating func fetchKey() throws(YAMLSyntaxError) {
        if flowLevel == 0 {
            if !allowSimpleKey { throw error("a mapping key ('? ') is not allowed here") }
            _ = try rollIndent(column, tokenNumber: nil, kind: .blockMappingStart, at: mark)
        }
        allowSimpleKey = flowLevel == 0
        try removePossibleSimpleKey()
        let start = mark
        forward()
        append(Token(kind: .key, start: start, end: mark))
        adjacentValueAllowed = false
    }

    mutating func fetchValue() throws(YAMLSyntaxError) {
        if let key = possibleKeys[flowLevel] {
            // The node before the ':' was a key: insert KEY before it.
            insert(Token(kind: .key, start: key.mark, end: key.mark), at: key.tokenNumber)
            _ = try rollIndent(key.mark.column - 1, tokenNumber: key.tokenNumber, kind: .blockMappingStart, at: key.mark)
            possibleKeys[flowLevel] = nil
            allowSimpleKey = false
        } else {
            if flowLevel == 0 {
                if !allowSimpleKey { throw error("a mapping value (': ') is not allowed here; is a key missing, or should the ':' be quoted?") }
                _ = try rollIndent(column, tokenNumber: nil, kind: .blockMappingStart, at: mark)
            }
            allowSimpleKey = flowLevel == 0
            try removePossibleSimpleKey()
        }
        let start = mark
        forward()
        append(Token(kind: .value, start: start, end: mark))
        adjacentValueAllowed = false
    }

    mutating func fetchAnchor(alias: Bool) throws(YAMLSyntaxError) {
        try savePossibleSimpleKey()
        allowSimpleKey = false
        let start = mark
        forward()
        let nameStart = mark.index
        while !atEnd, !isBlankOrEnd(), !YAMLScanner.isFlowIndicator(byte()) { forward() }
        guard mark.index > nameStart else {
            throw error("expected the \(alias ? "alias" : "anchor")'s name after '\(alias ? "*" : "&")'", at: start)
        }
        let name = String(decoding: UnsafeBufferPointer(rebasing: text[nameStart..<mark.index]), as: UTF8.self)
        append(Token(kind: alias ? .alias : .anchor, start: start, end: mark, value: name))
        adjacentValueAllowed = alias
    }
}
