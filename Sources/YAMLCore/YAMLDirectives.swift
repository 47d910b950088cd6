/// Tags and directives: `!handle!suffix`, verbatim `!<…>` and `%`-escapes; `%YAML` and `%TAG`.
extension YAMLScanner {
    mutating func fetchTag() throws(YAMLSyntaxError) {
        try savePossibleSimpleKey()
        allowSimpleKey = false
        let start = mark
        var handle = "!"
        var suffix = ""
        if byte(1) == UInt8(ascii: "<") {
            // Verbatim: !<tag:yaml.org,2002:str>
            forward(2)
            let valueStart = mark.index
            while !atEnd, byte() != UInt8(ascii: ">"), !isBlankOrEnd() { forward() }
            guard byte() == UInt8(ascii: ">"), mark.index > valueStart else { throw error("expected '>' to end the verbatim tag", at: start) }
            suffix = try decodeURI(valueStart..<mark.index, at: start)
            handle = ""
            forward()
        } else {
            forward()
            // `!!x`, `!name!x`, or `!x` (primary handle) — or a lone `!`.
            var lookahead = 0
            while case let value = byte(lookahead), value != 0, !isBlankOrEnd(lookahead), value != UInt8(ascii: "!"),
                !YAMLScanner.isFlowIndicator(value)
            {
                lookahead += 1
            }
            if byte(lookahead) == UInt8(ascii: "!") {
                let handleStart = mark.index - 1
                forward(lookahead + 1)
                handle = String(decoding: UnsafeBufferPointer(rebasing: text[handleStart..<mark.index]), as: UTF8.self)
            }
            let suffixStart = mark.index
            while !atEnd, !isBlankOrEnd(), !YAMLScanner.isFlowIndicator(byte()), byte() != UInt8(ascii: "!") { forward() }
            suffix = try decodeURI(suffixStart..<mark.index, at: start)
            if handle != "!" && suffix.isEmpty { throw error("expected the tag's name after \(handle)", at: start) }
        }
        if !isBlankOrEnd(), !(flowLevel > 0 && YAMLScanner.isFlowIndicator(byte())) {
            throw error("expected a space after the tag", at: mark)
        }
        append(Token(kind: .tag, start: start, end: mark, value: handle, second: suffix))
        adjacentValueAllowed = false
    }

    /// A tag's characters with `%XX` escapes decoded.
    func decodeURI(_ range: Range<Int>, at start: YAMLMark) throws(YAMLSyntaxError) -> String {
        var bytes: [UInt8] = []
        var index = range.lowerBound
        while index < range.upperBound {
            let value = text[index]
            if value == UInt8(ascii: "%") {
                guard index + 2 < range.upperBound, let high = YAMLScanner.hexValue(text[index + 1]), let low = YAMLScanner.hexValue(text[index + 2]) else {
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

    mutating func fetchDirective() throws(YAMLSyntaxError) {
        unwindIndent(-1)
        try removePossibleSimpleKey()
        allowSimpleKey = false
        let start = mark
        forward()
        let nameStart = mark.index
        while !atEnd, !isBlankOrEnd() { forward() }
        let name = String(decoding: UnsafeBufferPointer(rebasing: text[nameStart..<mark.index]), as: UTF8.self)
        func word() -> String {
            while !atEnd, YAMLScanner.isBlank(byte()) { forward() }
            let wordStart = mark.index
            while !atEnd, !isBlankOrEnd() { forward() }
            return String(decoding: UnsafeBufferPointer(rebasing: text[wordStart..<mark.index]), as: UTF8.self)
        }
        var token = Token(kind: .reservedDirective, start: start, end: start, value: name)
        if name == "YAML" {
            let version = word()
            let parts = version.split(separator: ".")
            guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else {
                throw error("expected a version such as 1.2 after %YAML, found \"\(version)\"", at: start)
            }
            token = Token(kind: .versionDirective, start: start, end: mark, value: version)
        } else if name == "TAG" {
            let handle = word()
            let prefix = word()
            guard handle.hasPrefix("!"), handle.hasSuffix("!"), !prefix.isEmpty else {
                throw error("expected %TAG !handle! prefix", at: start)
            }
            token = Token(kind: .tagDirective, start: start, end: mark, value: handle, second: prefix)
        } else {
            while !atEnd, !YAMLScanner.isBreak(byte()), byte() != UInt8(ascii: "#") { forward() }
        }
        // The rest of the line: spaces, then a comment or the end of the line.
        while !atEnd, YAMLScanner.isBlank(byte()) { forward() }
        if byte() == UInt8(ascii: "#") { while !atEnd, !YAMLScanner.isBreak(byte()) { forward() } }
        guard atEnd || YAMLScanner.isBreak(byte()) else { throw error("expected the end of the line after the directive, found \(describeCurrent())") }
        token.end = mark
        append(token)
    }
}
