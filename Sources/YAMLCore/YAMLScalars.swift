/// Scalars: plain, single- and double-quoted (with every escape and line folding), literal and
/// folded block scalars (chomping and indentation indicators).
extension YAMLInput {
    func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: text[range]), as: UTF8.self)
    }

    // MARK: - Plain

    mutating func scanPlain(flowLevel: Int, indent: Int, allowSimpleKey: inout Bool) throws(YAMLSyntaxError) -> YAMLScanner.Token {
        let start = mark
        var end = mark
        var bytes: [UInt8] = []
        var whitespace: [UInt8] = []
        let indentLimit = indent + 1
        // A one-line scalar (the usual case) is copied once, at the end.
        var singleRange: Range<Int>? = nil
        while true {
            if byte() == UInt8(ascii: "#") { break }
            var length = 0
            while true {
                let index = mark.index + length
                guard index < text.count else { break }
                let value = text[index]
                if value == 0x20 || value == 0x09 || value == 0x0A || value == 0x0D { break }
                if value == UInt8(ascii: ":") {
                    let following = index + 1
                    if following >= text.count { break }
                    let next = text[following]
                    if next == 0x20 || next == 0x09 || next == 0x0A || next == 0x0D { break }
                    if flowLevel > 0 && Self.isFlowIndicator(next) { break }
                }
                if flowLevel > 0 && Self.isFlowIndicator(value) { break }
                length += 1
            }
            if length == 0 { break }
            allowSimpleKey = false
            let chunk = mark.index..<(mark.index + length)
            if singleRange == nil && bytes.isEmpty && whitespace.isEmpty {
                singleRange = chunk
            } else {
                if let range = singleRange {
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[range]))
                    singleRange = nil
                }
                bytes.append(contentsOf: whitespace)
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[chunk]))
            }
            whitespace.removeAll(keepingCapacity: true)
            forward(length)
            end = mark
            guard let separation = try scanPlainSpaces(into: &whitespace, flowLevel: flowLevel, allowSimpleKey: &allowSimpleKey) else { break }
            if !separation || byte() == UInt8(ascii: "#") || atEnd { break }
            if flowLevel == 0 && column < indentLimit { break }
        }
        let value: String
        if let range = singleRange {
            value = string(range)
        } else {
            value = String(decoding: bytes, as: UTF8.self)
        }
        return YAMLScanner.Token(kind: .scalar, start: start, end: end, value: value, style: .plain)
    }

    /// The whitespace after a plain scalar's chunk, folded into `whitespace`: spaces as they are,
    /// one line break as a space, n > 1 as n - 1 line feeds. Returns false when there was none,
    /// nil when a document marker ends the scalar.
    mutating func scanPlainSpaces(into whitespace: inout [UInt8], flowLevel: Int, allowSimpleKey: inout Bool) throws(YAMLSyntaxError) -> Bool? {
        let spacesStart = mark.index
        while !atEnd, Self.isBlank(byte()) { forward() }
        let spacesEnd = mark.index
        guard !atEnd, Self.isBreak(byte()) else {
            whitespace.append(contentsOf: UnsafeBufferPointer(rebasing: text[spacesStart..<spacesEnd]))
            return spacesEnd > spacesStart
        }
        forwardBreak()
        if flowLevel == 0 { allowSimpleKey = true }
        if column == 0 && (isDocumentMarker(UInt8(ascii: "-")) || isDocumentMarker(UInt8(ascii: "."))) { return nil }
        var breaks = 0
        while !atEnd {
            if Self.isBlank(byte()) {
                forward()
            } else if Self.isBreak(byte()) {
                forwardBreak()
                breaks += 1
                if column == 0 && (isDocumentMarker(UInt8(ascii: "-")) || isDocumentMarker(UInt8(ascii: "."))) { return nil }
            } else {
                break
            }
        }
        if breaks == 0 {
            whitespace.append(0x20)
        } else {
            for _ in 0..<breaks { whitespace.append(0x0A) }
        }
        return true
    }

    // MARK: - Quoted

    mutating func scanFlowScalar(double: Bool, flowLevel: Int, indent: Int) throws(YAMLSyntaxError) -> YAMLScanner.Token {
        let start = mark
        let quote: UInt8 = double ? UInt8(ascii: "\"") : UInt8(ascii: "'")
        forward()
        var bytes: [UInt8] = []
        while true {
            // Characters up to a space, a line break or the closing quote.
            while true {
                guard !atEnd else { throw error("the \(double ? "double" : "single")-quoted scalar that starts here is not closed", at: start) }
                let value = byte()
                if !double && value == quote && byte(1) == quote {
                    bytes.append(quote)
                    forward(2)
                } else if value == quote {
                    break
                } else if double && value == UInt8(ascii: "\\") {
                    if Self.isBreak(byte(1)) {
                        // An escaped line break: the lines join without a space.
                        forward()
                        forwardBreak()
                        try skipQuotedContinuation(start: start, flowLevel: flowLevel, indent: indent)
                        while !atEnd, Self.isBreak(byte()) {
                            bytes.append(0x0A)
                            forwardBreak()
                            try skipQuotedContinuation(start: start, flowLevel: flowLevel, indent: indent)
                        }
                        continue
                    }
                    try escape(into: &bytes, start: start)
                } else if value == 0x20 || value == 0x09 || Self.isBreak(value) {
                    break
                } else {
                    bytes.append(value)
                    forward()
                }
            }
            if byte() == quote { break }
            // Spaces, and line breaks folded.
            let spacesStart = mark.index
            while !atEnd, Self.isBlank(byte()) { forward() }
            if atEnd { throw error("the \(double ? "double" : "single")-quoted scalar that starts here is not closed", at: start) }
            if Self.isBreak(byte()) {
                forwardBreak()
                try skipQuotedContinuation(start: start, flowLevel: flowLevel, indent: indent)
                var breaks = 0
                while !atEnd, Self.isBreak(byte()) {
                    breaks += 1
                    forwardBreak()
                    try skipQuotedContinuation(start: start, flowLevel: flowLevel, indent: indent)
                }
                if breaks == 0 {
                    bytes.append(0x20)
                } else {
                    for _ in 0..<breaks { bytes.append(0x0A) }
                }
            } else {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[spacesStart..<mark.index]))
            }
        }
        forward()
        return YAMLScanner.Token(kind: .scalar, start: start, end: mark, value: String(decoding: bytes, as: UTF8.self), style: double ? .doubleQuoted : .singleQuoted)
    }

    /// At the start of a quoted scalar's continuation line: its indentation, then checks that
    /// the line is not a document marker and is indented enough in block context.
    mutating func skipQuotedContinuation(start: YAMLMark, flowLevel: Int, indent: Int) throws(YAMLSyntaxError) {
        if column == 0 && (isDocumentMarker(UInt8(ascii: "-")) || isDocumentMarker(UInt8(ascii: "."))) {
            throw error("a document marker inside the quoted scalar that starts here: it is not closed", at: start)
        }
        var spaces = 0
        while !atEnd, byte() == 0x20 {
            spaces += 1
            forward()
        }
        while !atEnd, Self.isBlank(byte()) { forward() }
        if flowLevel == 0, !atEnd, !Self.isBreak(byte()), spaces <= indent {
            throw error("this line of a quoted scalar must be indented more than its block (at least \(indent + 1) spaces; tabs do not indent)")
        }
    }

    mutating func escape(into bytes: inout [UInt8], start: YAMLMark) throws(YAMLSyntaxError) {
        let escapeStart = mark
        forward()
        guard !atEnd else { throw error("the double-quoted scalar that starts here is not closed", at: start) }
        let code = byte()
        forward()
        func append(_ scalar: UInt32) throws(YAMLSyntaxError) {
            guard let value = Unicode.Scalar(scalar) else {
                throw error("the escape is not a Unicode scalar (a surrogate or past U+10FFFF)", at: escapeStart)
            }
            bytes.append(contentsOf: String(Character(value)).utf8)
        }
        switch code {
        case UInt8(ascii: "0"): bytes.append(0)
        case UInt8(ascii: "a"): bytes.append(0x07)
        case UInt8(ascii: "b"): bytes.append(0x08)
        case UInt8(ascii: "t"), 0x09: bytes.append(0x09)
        case UInt8(ascii: "n"): bytes.append(0x0A)
        case UInt8(ascii: "v"): bytes.append(0x0B)
        case UInt8(ascii: "f"): bytes.append(0x0C)
        case UInt8(ascii: "r"): bytes.append(0x0D)
        case UInt8(ascii: "e"): bytes.append(0x1B)
        case 0x20: bytes.append(0x20)
        case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
        case UInt8(ascii: "/"): bytes.append(UInt8(ascii: "/"))
        case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "N"): try append(0x85)
        case UInt8(ascii: "_"): try append(0xA0)
        case UInt8(ascii: "L"): try append(0x2028)
        case UInt8(ascii: "P"): try append(0x2029)
        case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = code == UInt8(ascii: "x") ? 2 : code == UInt8(ascii: "u") ? 4 : 8
            var value: UInt32 = 0
            for _ in 0..<count {
                guard let digit = Self.hexValue(byte()) else {
                    throw error("\\\(Character(Unicode.Scalar(code))) needs \(count) hexadecimal digits", at: escapeStart)
                }
                value = value * 16 + UInt32(digit)
                forward()
            }
            try append(value)
        default:
            throw error("unknown escape \\\(code < 0x80 ? String(Character(Unicode.Scalar(code))) : "…") in a double-quoted scalar", at: escapeStart)
        }
    }

    // MARK: - Block scalars

    mutating func scanBlockScalar(folded: Bool, indent: Int) throws(YAMLSyntaxError) -> YAMLScanner.Token {
        let start = mark
        forward()
        // Header: chomping (+ keep, - strip) and indentation (1–9), in either order.
        var chomping = 0
        var increment = 0
        for _ in 0..<2 {
            let value = byte()
            if value == UInt8(ascii: "+") || value == UInt8(ascii: "-") {
                guard chomping == 0 else { throw error("two chomping indicators in a block scalar header") }
                chomping = value == UInt8(ascii: "+") ? 1 : -1
                forward()
            } else if value >= UInt8(ascii: "0") && value <= UInt8(ascii: "9") {
                guard increment == 0 else { throw error("two indentation indicators in a block scalar header") }
                guard value != UInt8(ascii: "0") else { throw error("a block scalar's indentation indicator is 1 to 9, not 0") }
                increment = Int(value - UInt8(ascii: "0"))
                forward()
            }
        }
        var sawSpace = false
        while !atEnd, Self.isBlank(byte()) {
            sawSpace = true
            forward()
        }
        if byte() == UInt8(ascii: "#") {
            guard sawSpace else { throw error("a comment after a block scalar header needs a space before its '#'") }
            while !atEnd, !Self.isBreak(byte()) { forward() }
        }
        guard atEnd || Self.isBreak(byte()) else {
            throw error("expected a chomping indicator (+ or -), an indentation indicator (1-9), a comment or the end of the line after '\(folded ? ">" : "|")', found \(describeCurrent())")
        }
        if !atEnd { forwardBreak() }

        let minimumIndent = indent + 1
        var blockIndent: Int
        var breaks: [UInt8] = []
        var end = mark
        if increment > 0 {
            blockIndent = indent >= 0 ? indent + increment : increment - 1
            breaks = scanBlockScalarBreaks(blockIndent, end: &end, headerLine: start.line)
        } else {
            // The first line with content sets the indentation; empty lines before it may not
            // be indented more.
            var maximum = 0
            var emptyLineIndent = 0
            while !atEnd, byte() == 0x20 || Self.isBreak(byte()) {
                if byte() == 0x20 {
                    forward()
                    maximum = max(maximum, column)
                } else {
                    emptyLineIndent = max(emptyLineIndent, column)
                    forwardBreak()
                    breaks.append(0x0A)
                    end = mark
                }
            }
            if byte() == 0x09 && column < minimumIndent {
                throw error("a tab where the block scalar's indentation is expected: YAML indents with spaces")
            }
            // A last line of spaces with no line break is an empty line too.
            if atEnd && column > 0 && mark.line > start.line { breaks.append(0x0A) }
            blockIndent = max(minimumIndent, maximum, 1 > minimumIndent ? minimumIndent : 1)
            if indent < 0 { blockIndent = max(maximum, 0) }
            if !atEnd, emptyLineIndent > column, column >= minimumIndent {
                throw error("a leading empty line of this block scalar has more spaces (\(emptyLineIndent)) than its first line (\(column))", at: start)
            }
            if atEnd || column < blockIndent { blockIndent = max(blockIndent, minimumIndent) }
        }
        var bytes: [UInt8] = []
        var lineBreak = false
        while column == blockIndent && !atEnd {
            if column == 0 && (isDocumentMarker(UInt8(ascii: "-")) || isDocumentMarker(UInt8(ascii: "."))) { break }
            bytes.append(contentsOf: breaks)
            let leadingNonSpace = !Self.isBlank(byte())
            let lineStart = mark.index
            while !atEnd, !Self.isBreak(byte()) { forward() }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[lineStart..<mark.index]))
            // The end of the text ends the last line as a line break would.
            lineBreak = true
            if !atEnd { forwardBreak() }
            end = mark
            breaks = scanBlockScalarBreaks(blockIndent, end: &end, headerLine: start.line)
            if column == blockIndent && !atEnd && !(column == 0 && (isDocumentMarker(UInt8(ascii: "-")) || isDocumentMarker(UInt8(ascii: "."))))
            {
                if folded && lineBreak && leadingNonSpace && !Self.isBlank(byte()) {
                    if breaks.isEmpty { bytes.append(0x20) }
                } else if lineBreak {
                    bytes.append(0x0A)
                }
            } else {
                break
            }
        }
        if chomping >= 0 && lineBreak { bytes.append(0x0A) }
        if chomping > 0 { bytes.append(contentsOf: breaks) }
        return YAMLScanner.Token(kind: .scalar, start: start, end: end, value: String(decoding: bytes, as: UTF8.self), style: folded ? .folded : .literal)
    }

    /// Empty lines (and the indentation of the next line, up to the block's) inside a block
    /// scalar, as line feeds.
    mutating func scanBlockScalarBreaks(_ blockIndent: Int, end: inout YAMLMark, headerLine: Int) -> [UInt8] {
        var breaks: [UInt8] = []
        while column < blockIndent && byte() == 0x20 { forward() }
        while !atEnd, Self.isBreak(byte()) {
            forwardBreak()
            breaks.append(0x0A)
            end = mark
            while column < blockIndent && byte() == 0x20 { forward() }
        }
        // A last line of spaces with no line break is an empty line too.
        if atEnd && column > 0 && mark.line > headerLine { breaks.append(0x0A) }
        return breaks
    }
}

/// The scalar fetchers: the simple-key bookkeeping around `YAMLInput`'s scalar scanners.
extension YAMLScanner {
    mutating func fetchPlain() throws(YAMLSyntaxError) {
        try savePossibleSimpleKey()
        allowSimpleKey = false
        let token = try input.scanPlain(flowLevel: flowLevel, indent: indent, allowSimpleKey: &allowSimpleKey)
        tokens.append(token)
        adjacentValueAllowed = false
    }

    mutating func fetchFlowScalar(double: Bool) throws(YAMLSyntaxError) {
        try savePossibleSimpleKey()
        allowSimpleKey = false
        let token = try input.scanFlowScalar(double: double, flowLevel: flowLevel, indent: indent)
        tokens.append(token)
        adjacentValueAllowed = true
    }

    mutating func fetchBlockScalar(folded: Bool) throws(YAMLSyntaxError) {
        allowSimpleKey = true
        try simpleKeys.remove(level: flowLevel)
        let token = try input.scanBlockScalar(folded: folded, indent: indent)
        tokens.append(token)
        adjacentValueAllowed = false
    }
}
