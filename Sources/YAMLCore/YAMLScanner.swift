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

    /// The text and the position in it.
    var input: YAMLInput
    var tokens: [Token] = []
    var head = 0
    var tokensTaken = 0
    var done = false
    var streamStarted = false
    var flowLevel = 0
    var indent = -1
    var indents: [Int] = []
    var allowSimpleKey = true
    var simpleKeys = SimpleKeyCandidates()
    /// Whether the last token was a JSON-like node (a quoted scalar, a flow collection's end),
    /// after which `:` is a value indicator even without a space in flow context.
    var adjacentValueAllowed = false
    /// Flow collections nested at most this deep (the parser's depth limit is checked too).
    let maximumDepth: Int

    init(_ text: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        self.input = YAMLInput(text)
        self.maximumDepth = maximumDepth
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
        simpleKeys.dropStale(at: input.mark)
        return simpleKeys.isPending(tokensTaken)
    }

    var queuedCount: Int { tokens.count - head }

    mutating func insert(_ token: Token, at tokenNumber: Int) {
        tokens.insert(token, at: head + (tokenNumber - tokensTaken))
    }

    mutating func fetchMoreTokens() throws(YAMLSyntaxError) {
        if !streamStarted {
            streamStarted = true
            if input.byte() == 0xEF && input.byte(1) == 0xBB && input.byte(2) == 0xBF { input.mark.index += 3 }
            tokens.append(Token(kind: .streamStart, start: input.mark, end: input.mark))
            return
        }
        try input.scanToNextToken(flowLevel: flowLevel, allowSimpleKey: &allowSimpleKey)
        simpleKeys.dropStale(at: input.mark)
        try simpleKeys.checkRequired(at: input.mark)
        // Inside a flow collection in a block, each line is indented more than the block.
        if flowLevel > 0, indent >= 0, !input.atEnd, input.isFirstOnLine(input.mark), input.leadingSpaces(input.mark) <= indent {
            throw input.error("this line of a flow collection must be indented more than its block (at least \(indent + 1) spaces; tabs do not indent)")
        }
        unwindIndent(input.column)
        if input.atEnd { return fetchStreamEnd() }
        let value = input.byte()
        if input.column == 0 {
            if value == UInt8(ascii: "%") { return try fetchDirective() }
            if input.isDocumentMarker(UInt8(ascii: "-")) { return try fetchDocumentIndicator(.documentStart) }
            if input.isDocumentMarker(UInt8(ascii: ".")) { return try fetchDocumentIndicator(.documentEnd) }
        }
        switch value {
        case UInt8(ascii: "["): return try fetchFlowCollectionStart(.flowSequenceStart)
        case UInt8(ascii: "{"): return try fetchFlowCollectionStart(.flowMappingStart)
        case UInt8(ascii: "]"): return try fetchFlowCollectionEnd(.flowSequenceEnd)
        case UInt8(ascii: "}"): return try fetchFlowCollectionEnd(.flowMappingEnd)
        case UInt8(ascii: ","): return try fetchFlowEntry()
        case UInt8(ascii: "-") where input.isBlankOrEnd(1): return try fetchBlockEntry()
        case UInt8(ascii: "?") where input.isBlankOrEnd(1): return try fetchKey()
        case UInt8(ascii: ":") where input.isValueIndicator(flowLevel: flowLevel, adjacentValueAllowed: adjacentValueAllowed): return try fetchValue()
        case UInt8(ascii: "*"): return try fetchAnchor(alias: true)
        case UInt8(ascii: "&"): return try fetchAnchor(alias: false)
        case UInt8(ascii: "!"): return try fetchTag()
        case UInt8(ascii: "|") where flowLevel == 0: return try fetchBlockScalar(folded: false)
        case UInt8(ascii: ">") where flowLevel == 0: return try fetchBlockScalar(folded: true)
        case UInt8(ascii: "'"): return try fetchFlowScalar(double: false)
        case UInt8(ascii: "\""): return try fetchFlowScalar(double: true)
        default:
            if input.canStartPlain(flowLevel: flowLevel) { return try fetchPlain() }
            if value == 0x09 { throw input.error("found a tab where a token was expected: YAML never indents with tabs") }
            if value == UInt8(ascii: "@") || value == UInt8(ascii: "`") {
                throw input.error("found \(input.describeCurrent()), which is reserved and cannot start a plain scalar: quote the value")
            }
            throw input.error("found \(input.describeCurrent()), which cannot start any token")
        }
    }

    // MARK: - Simple keys and indentation

    mutating func savePossibleSimpleKey() throws(YAMLSyntaxError) {
        guard allowSimpleKey else { return }
        try simpleKeys.save(
            level: flowLevel, tokenNumber: tokensTaken + queuedCount, required: flowLevel == 0 && indent == input.column, at: input.mark)
    }

    mutating func unwindIndent(_ column: Int) {
        guard flowLevel == 0 else { return }
        while indent > column {
            tokens.append(Token(kind: .blockEnd, start: input.mark, end: input.mark))
            indent = indents.removeLast()
        }
    }

    /// Opens a block collection at `input.column` when it is deeper than the current one.
    mutating func rollIndent(_ column: Int, tokenNumber: Int?, kind: Kind, at where: YAMLMark) throws(YAMLSyntaxError) -> Bool {
        guard flowLevel == 0, indent < column else { return false }
        if input.tabBefore(`where`) {
            throw input.error("a tab before a block collection: YAML indents with spaces, never tabs", at: `where`)
        }
        if indents.count >= maximumDepth {
            throw input.error("more than \(maximumDepth) nested collections: the nesting limit", at: `where`, .limit)
        }
        indents.append(indent)
        indent = column
        let token = Token(kind: kind, start: `where`, end: `where`)
        if let tokenNumber { insert(token, at: tokenNumber) } else { tokens.append(token) }
        return true
    }

    // MARK: - Fetchers

    mutating func fetchStreamEnd() {
        unwindIndent(-1)
        simpleKeys.levels[flowLevel] = nil
        allowSimpleKey = false
        tokens.append(Token(kind: .streamEnd, start: input.mark, end: input.mark))
        done = true
    }

    mutating func fetchDocumentIndicator(_ kind: Kind) throws(YAMLSyntaxError) {
        if flowLevel > 0 { throw input.error("a document marker inside a flow collection: close it with ']' or '}' first") }
        unwindIndent(-1)
        try simpleKeys.remove(level: flowLevel)
        allowSimpleKey = false
        let start = input.mark
        input.forward(3)
        tokens.append(Token(kind: kind, start: start, end: input.mark))
        adjacentValueAllowed = false
    }

    mutating func fetchFlowCollectionStart(_ kind: Kind) throws(YAMLSyntaxError) {
        try savePossibleSimpleKey()
        if flowLevel >= maximumDepth || indents.count + flowLevel >= maximumDepth {
            throw input.error("more than \(maximumDepth) nested collections: the nesting limit", .limit)
        }
        flowLevel += 1
        simpleKeys.levels.append(nil)
        allowSimpleKey = true
        let start = input.mark
        input.forward()
        tokens.append(Token(kind: kind, start: start, end: input.mark))
        adjacentValueAllowed = false
    }

    mutating func fetchFlowCollectionEnd(_ kind: Kind) throws(YAMLSyntaxError) {
        try simpleKeys.remove(level: flowLevel)
        if flowLevel > 0 {
            flowLevel -= 1
            simpleKeys.levels.removeLast()
        }
        allowSimpleKey = false
        let start = input.mark
        input.forward()
        tokens.append(Token(kind: kind, start: start, end: input.mark))
        adjacentValueAllowed = true
    }

    mutating func fetchFlowEntry() throws(YAMLSyntaxError) {
        allowSimpleKey = true
        try simpleKeys.remove(level: flowLevel)
        let start = input.mark
        input.forward()
        tokens.append(Token(kind: .flowEntry, start: start, end: input.mark))
        adjacentValueAllowed = false
    }

    mutating func fetchBlockEntry() throws(YAMLSyntaxError) {
        if flowLevel == 0 {
            if !allowSimpleKey { throw input.error("a sequence entry ('- ') is not allowed here: it must start its own line") }
            _ = try rollIndent(input.column, tokenNumber: nil, kind: .blockSequenceStart, at: input.mark)
        } else {
            throw input.error("a block sequence entry ('- ') inside a flow collection: write [a, b] or move it out")
        }
        allowSimpleKey = true
        try simpleKeys.remove(level: flowLevel)
        let start = input.mark
        input.forward()
        tokens.append(Token(kind: .blockEntry, start: start, end: input.mark))
        adjacentValueAllowed = false
    }

    mutating func fetchKey() throws(YAMLSyntaxError) {
        if flowLevel == 0 {
            if !allowSimpleKey { throw input.error("a mapping key ('? ') is not allowed here") }
            _ = try rollIndent(input.column, tokenNumber: nil, kind: .blockMappingStart, at: input.mark)
        }
        allowSimpleKey = flowLevel == 0
        try simpleKeys.remove(level: flowLevel)
        let start = input.mark
        input.forward()
        tokens.append(Token(kind: .key, start: start, end: input.mark))
        adjacentValueAllowed = false
    }

    mutating func fetchValue() throws(YAMLSyntaxError) {
        if let key = simpleKeys.levels[flowLevel] {
            // The node before the ':' was a key: insert KEY before it.
            insert(Token(kind: .key, start: key.mark, end: key.mark), at: key.tokenNumber)
            _ = try rollIndent(key.mark.column - 1, tokenNumber: key.tokenNumber, kind: .blockMappingStart, at: key.mark)
            simpleKeys.levels[flowLevel] = nil
            allowSimpleKey = false
        } else {
            if flowLevel == 0 {
                if !allowSimpleKey { throw input.error("a mapping value (': ') is not allowed here; is a key missing, or should the ':' be quoted?") }
                _ = try rollIndent(input.column, tokenNumber: nil, kind: .blockMappingStart, at: input.mark)
            }
            allowSimpleKey = flowLevel == 0
            try simpleKeys.remove(level: flowLevel)
        }
        let start = input.mark
        input.forward()
        tokens.append(Token(kind: .value, start: start, end: input.mark))
        adjacentValueAllowed = false
    }

    mutating func fetchAnchor(alias: Bool) throws(YAMLSyntaxError) {
        try savePossibleSimpleKey()
        allowSimpleKey = false
        let start = input.mark
        input.forward()
        let nameStart = input.mark.index
        while !input.atEnd, !input.isBlankOrEnd(), !YAMLInput.isFlowIndicator(input.byte()) { input.forward() }
        guard input.mark.index > nameStart else {
            throw input.error("expected the \(alias ? "alias" : "anchor")'s name after '\(alias ? "*" : "&")'", at: start)
        }
        let name = String(decoding: UnsafeBufferPointer(rebasing: input.text[nameStart..<input.mark.index]), as: UTF8.self)
        tokens.append(Token(kind: alias ? .alias : .anchor, start: start, end: input.mark, value: name))
        adjacentValueAllowed = alias
    }
}
