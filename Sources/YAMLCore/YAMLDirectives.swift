/// Tags and directives: `!handle!suffix`, verbatim `!<…>` and `%`-escapes; `%YAML` and `%TAG`.
extension YAMLScanner {
    mutating func fetchTag() throws(YAMLSyntaxError) {
        try savePossibleSimpleKey()
        allowSimpleKey = false
        let start = input.mark
        var handle = "!"
        var suffix = ""
        if input.byte(1) == UInt8(ascii: "<") {
            // Verbatim: !<tag:yaml.org,2002:str>
            input.forward(2)
            let valueStart = input.mark.index
            while !input.atEnd, input.byte() != UInt8(ascii: ">"), !input.isBlankOrEnd() { input.forward() }
            guard input.byte() == UInt8(ascii: ">"), input.mark.index > valueStart else { throw input.error("expected '>' to end the verbatim tag", at: start) }
            suffix = try input.decodeURI(valueStart..<input.mark.index, at: start)
            handle = ""
            input.forward()
        } else {
            input.forward()
            // `!!x`, `!name!x`, or `!x` (primary handle) — or a lone `!`.
            var lookahead = 0
            while case let value = input.byte(lookahead), value != 0, !input.isBlankOrEnd(lookahead), value != UInt8(ascii: "!"),
                !YAMLInput.isFlowIndicator(value)
            {
                lookahead += 1
            }
            if input.byte(lookahead) == UInt8(ascii: "!") {
                let handleStart = input.mark.index - 1
                input.forward(lookahead + 1)
                handle = String(decoding: UnsafeBufferPointer(rebasing: input.text[handleStart..<input.mark.index]), as: UTF8.self)
            }
            let suffixStart = input.mark.index
            while !input.atEnd, !input.isBlankOrEnd(), !YAMLInput.isFlowIndicator(input.byte()), input.byte() != UInt8(ascii: "!") { input.forward() }
            suffix = try input.decodeURI(suffixStart..<input.mark.index, at: start)
            if handle != "!" && suffix.isEmpty { throw input.error("expected the tag's name after \(handle)", at: start) }
        }
        if !input.isBlankOrEnd(), !(flowLevel > 0 && YAMLInput.isFlowIndicator(input.byte())) {
            throw input.error("expected a space after the tag", at: input.mark)
        }
        tokens.append(Token(kind: .tag, start: start, end: input.mark, value: handle, second: suffix))
        adjacentValueAllowed = false
    }

    mutating func fetchDirective() throws(YAMLSyntaxError) {
        unwindIndent(-1)
        try simpleKeys.remove(level: flowLevel)
        allowSimpleKey = false
        let start = input.mark
        input.forward()
        let nameStart = input.mark.index
        while !input.atEnd, !input.isBlankOrEnd() { input.forward() }
        let name = String(decoding: UnsafeBufferPointer(rebasing: input.text[nameStart..<input.mark.index]), as: UTF8.self)
        func word() -> String {
            while !input.atEnd, YAMLInput.isBlank(input.byte()) { input.forward() }
            let wordStart = input.mark.index
            while !input.atEnd, !input.isBlankOrEnd() { input.forward() }
            return String(decoding: UnsafeBufferPointer(rebasing: input.text[wordStart..<input.mark.index]), as: UTF8.self)
        }
        var token = Token(kind: .reservedDirective, start: start, end: start, value: name)
        if name == "YAML" {
            let version = word()
            let parts = version.split(separator: ".")
            guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else {
                throw input.error("expected a version such as 1.2 after %YAML, found \"\(version)\"", at: start)
            }
            token = Token(kind: .versionDirective, start: start, end: input.mark, value: version)
        } else if name == "TAG" {
            let handle = word()
            let prefix = word()
            guard handle.hasPrefix("!"), handle.hasSuffix("!"), !prefix.isEmpty else {
                throw input.error("expected %TAG !handle! prefix", at: start)
            }
            token = Token(kind: .tagDirective, start: start, end: input.mark, value: handle, second: prefix)
        } else {
            while !input.atEnd, !YAMLInput.isBreak(input.byte()), input.byte() != UInt8(ascii: "#") { input.forward() }
        }
        // The rest of the line: spaces, then a comment or the end of the line.
        while !input.atEnd, YAMLInput.isBlank(input.byte()) { input.forward() }
        if input.byte() == UInt8(ascii: "#") { while !input.atEnd, !YAMLInput.isBreak(input.byte()) { input.forward() } }
        guard input.atEnd || YAMLInput.isBreak(input.byte()) else { throw input.error("expected the end of the line after the directive, found \(input.describeCurrent())") }
        token.end = input.mark
        tokens.append(token)
    }
}
