/// A template's text and the parser's cursor in it: what it looks at next, the lexical helpers
/// (spaces, identifiers, operators, directive names) and locations for errors.
struct VelocitySource {
    let scalars: [Unicode.Scalar]
    var index = 0
    /// Where each line starts (scalar offsets), for locations.
    private(set) var lineStarts: [Int] = [0]

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
        for (offset, scalar) in scalars.enumerated() where scalar == "\n" { lineStarts.append(offset + 1) }
    }

    func location(at offset: Int) -> SourceLocation {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return SourceLocation(line: low + 1, column: offset - lineStarts[low] + 1)
    }

    func error(_ reason: String, at offset: Int? = nil) -> VelocitySyntaxError {
        let position = offset ?? index
        let here = location(at: position)
        let start = lineStarts[here.line - 1]
        var end = start
        while end < scalars.count, scalars[end] != "\n" { end += 1 }
        var line = ""
        line.unicodeScalars.append(contentsOf: scalars[start..<end])
        return VelocitySyntaxError(location: here, reason: reason, sourceLine: line)
    }

    func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    static func isIdentifierStart(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        return (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || scalar == "_"
    }

    static func isIdentifierPart(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        return isIdentifierStart(scalar) || (scalar >= "0" && scalar <= "9") || scalar == "-"
    }

    /// `#name` or `#{name}` at the cursor: the name and the offset after it.
    func directiveName() -> (String, Int)? {
        var position = index + 1
        var braced = false
        if position < scalars.count, scalars[position] == "{" {
            braced = true
            position += 1
        }
        let start = position
        while position < scalars.count, (scalars[position] >= "a" && scalars[position] <= "z")
            || (scalars[position] >= "A" && scalars[position] <= "Z") || (position > start && scalars[position] >= "0" && scalars[position] <= "9")
            || (position > start && scalars[position] == "_")
        {
            position += 1
        }
        guard position > start else { return nil }
        var name = ""
        name.unicodeScalars.append(contentsOf: scalars[start..<position])
        if braced {
            guard position < scalars.count, scalars[position] == "}" else { return nil }
            position += 1
        }
        return (name, position)
    }

    /// Swallows spaces and tabs followed by one newline; leaves everything if no newline follows.
    mutating func gobbleNewline() {
        var position = index
        while position < scalars.count, scalars[position] == " " || scalars[position] == "\t" { position += 1 }
        if position < scalars.count, scalars[position] == "\n" {
            index = position + 1
        } else if position < scalars.count, scalars[position] == "\r" {
            index = position + 1
            if index < scalars.count, scalars[index] == "\n" { index += 1 }
        }
    }

    mutating func skipSpace() {
        while let scalar = peek(), scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" { index += 1 }
    }

    mutating func expect(_ scalar: Unicode.Scalar, _ what: String) throws(VelocitySyntaxError) {
        skipSpace()
        guard peek() == scalar else {
            throw error("expected \(what) but found \(peek().map { "'\($0)'" } ?? "the end of the template")")
        }
        index += 1
    }

    mutating func identifier() -> String {
        let start = index
        while VelocitySource.isIdentifierPart(peek()) { index += 1 }
        // A trailing hyphen belongs to the text, not the name.
        while index > start + 1, scalars[index - 1] == "-" { index -= 1 }
        var name = ""
        name.unicodeScalars.append(contentsOf: scalars[start..<index])
        return name
    }

    /// A word operator (`and`, `eq`, …) at the cursor, consumed when present.
    mutating func word(_ text: String) -> Bool {
        skipSpace()
        let letters = Array(text.unicodeScalars)
        for (offset, letter) in letters.enumerated() where peek(offset) != letter { return false }
        if VelocitySource.isIdentifierPart(peek(letters.count)) { return false }
        index += letters.count
        return true
    }

    mutating func symbol(_ text: String) -> Bool {
        skipSpace()
        let letters = Array(text.unicodeScalars)
        for (offset, letter) in letters.enumerated() where peek(offset) != letter { return false }
        index += letters.count
        return true
    }
}
