/// Expressions: `||`, `&&`, comparisons, arithmetic, unary operators, literals (numbers,
/// strings, lists, ranges, maps) and references, by precedence climbing.
extension VelocityParser {
    mutating func parseExpression() throws(VelocitySyntaxError) -> Expression { try parseOr() }

    /// A word operator (`and`, `eq`, …) at the cursor, consumed when present.
    mutating func word(_ text: String) -> Bool {
        skipSpace()
        let letters = Array(text.unicodeScalars)
        for (offset, letter) in letters.enumerated() where peek(offset) != letter { return false }
        if VelocityParser.isIdentifierPart(peek(letters.count)) { return false }
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

    mutating func parseOr() throws(VelocitySyntaxError) -> Expression {
        var left = try parseAnd()
        while true {
            let here = index
            guard symbol("||") || word("or") else { return left }
            left = .binary(.or, left, try parseAnd(), location(at: here))
        }
    }

    mutating func parseAnd() throws(VelocitySyntaxError) -> Expression {
        var left = try parseEquality()
        while true {
            let here = index
            guard symbol("&&") || word("and") else { return left }
            left = .binary(.and, left, try parseEquality(), location(at: here))
        }
    }

    mutating func parseEquality() throws(VelocitySyntaxError) -> Expression {
        var left = try parseRelational()
        while true {
            let here = index
            if symbol("==") || word("eq") {
                left = .binary(.equal, left, try parseRelational(), location(at: here))
            } else if symbol("!=") || word("ne") {
                left = .binary(.notEqual, left, try parseRelational(), location(at: here))
            } else {
                return left
            }
        }
    }

    mutating func parseRelational() throws(VelocitySyntaxError) -> Expression {
        var left = try parseAdditive()
        while true {
            let here = index
            let op: BinaryOperator
            if symbol("<=") || word("le") {
                op = .lessOrEqual
            } else if symbol(">=") || word("ge") {
                op = .greaterOrEqual
            } else if symbol("<") || word("lt") {
                op = .less
            } else if symbol(">") || word("gt") {
                op = .greater
            } else {
                return left
            }
            left = .binary(op, left, try parseAdditive(), location(at: here))
        }
    }

    mutating func parseAdditive() throws(VelocitySyntaxError) -> Expression {
        var left = try parseMultiplicative()
        while true {
            let here = index
            if symbol("+") {
                left = .binary(.add, left, try parseMultiplicative(), location(at: here))
            } else if symbol("-") {
                left = .binary(.subtract, left, try parseMultiplicative(), location(at: here))
            } else {
                return left
            }
        }
    }

    mutating func parseMultiplicative() throws(VelocitySyntaxError) -> Expression {
        var left = try parseUnary()
        while true {
            let here = index
            if symbol("*") {
                left = .binary(.multiply, left, try parseUnary(), location(at: here))
            } else if symbol("/") {
                left = .binary(.divide, left, try parseUnary(), location(at: here))
            } else if symbol("%") {
                left = .binary(.remainder, left, try parseUnary(), location(at: here))
            } else {
                return left
            }
        }
    }

    mutating func parseUnary() throws(VelocitySyntaxError) -> Expression {
        try enter()
        defer { depth -= 1 }
        skipSpace()
        if peek() == "!", peek(1) != "=" {
            index += 1
            return .unary(.not, try parseUnary())
        }
        if word("not") { return .unary(.not, try parseUnary()) }
        if peek() == "-", let next = peek(1), !(next >= "0" && next <= "9") {
            index += 1
            return .unary(.negate, try parseUnary())
        }
        return try parsePrimary()
    }

    mutating func enter() throws(VelocitySyntaxError) {
        depth += 1
        if depth > VelocityParser.maximumDepth { throw error("nesting deeper than \(VelocityParser.maximumDepth) levels") }
    }

    mutating func parsePrimary() throws(VelocitySyntaxError) -> Expression {
        try enter()
        defer { depth -= 1 }
        skipSpace()
        guard let scalar = peek() else { throw error("expected a value but found the end of the template") }
        switch scalar {
        case "$":
            let start = index
            guard let reference = try parseReference() else { throw error("expected a reference after '$'", at: start) }
            return .reference(reference)
        case "\"":
            return try parseDoubleQuoted()
        case "'":
            let start = index
            index += 1
            var text = String.UnicodeScalarView()
            while let next = peek(), next != "'" {
                text.append(next)
                index += 1
            }
            guard peek() == "'" else { throw error("unterminated string", at: start) }
            index += 1
            return .literal(String(text))
        case "-", "0"..."9":
            return try parseNumber()
        case "[":
            return try parseListOrRange()
        case "{":
            return try parseMap()
        case "(":
            index += 1
            let inner = try parseExpression()
            try expect(")", "')'")
            return inner
        default:
            if word("true") { return .bool(true) }
            if word("false") { return .bool(false) }
            throw error("unexpected '\(scalar)' in an expression")
        }
    }

    mutating func parseNumber() throws(VelocitySyntaxError) -> Expression {
        let start = index
        if peek() == "-" { index += 1 }
        while let digit = peek(), digit >= "0" && digit <= "9" { index += 1 }
        var isDecimal = false
        if peek() == ".", let next = peek(1), next >= "0" && next <= "9" {
            isDecimal = true
            index += 1
            while let digit = peek(), digit >= "0" && digit <= "9" { index += 1 }
        }
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars[start..<index])
        if isDecimal {
            guard let value = Double(text) else { throw error("malformed number", at: start) }
            return .double(value)
        }
        if let value = Int(text) { return .int(value) }
        guard let value = Double(text) else { throw error("malformed number", at: start) }
        return .double(value)
    }

    mutating func parseDoubleQuoted() throws(VelocitySyntaxError) -> Expression {
        let start = index
        index += 1
        let contentStart = index
        while let next = peek(), next != "\"" {
            // A backslash keeps the next character (so \" does not end the string) and stays in the text.
            index += next == "\\" && index + 1 < scalars.count ? 2 : 1
        }
        guard peek() == "\"" else { throw error("unterminated string", at: start) }
        var content = ""
        content.unicodeScalars.append(contentsOf: scalars[contentStart..<index])
        index += 1
        guard content.unicodeScalars.contains(where: { $0 == "$" || $0 == "#" }) else { return .literal(content) }
        var inner = VelocityParser(content)
        inner.slots = slots
        inner.slotNames = slotNames
        defer {
            slots = inner.slots
            slotNames = inner.slotNames
        }
        do {
            let nodes = try inner.parseTemplate()
            if nodes.count == 1, case .text(let text) = nodes[0] { return .literal(text) }
            return .interpolated(nodes)
        } catch {
            let offset = contentStart + (inner.lineStarts[error.location.line - 1]) + error.location.column - 1
            throw self.error("in string: \(error.reason)", at: offset)
        }
    }

    mutating func parseListOrRange() throws(VelocitySyntaxError) -> Expression {
        let open = index
        index += 1
        skipSpace()
        if peek() == "]" {
            index += 1
            return .list([])
        }
        let first = try parseExpression()
        if symbol("..") {
            let last = try parseExpression()
            skipSpace()
            guard peek() == "]" else { throw error("expected ']' closing the range", at: open) }
            index += 1
            return .range(first, last)
        }
        var elements = [first]
        while true {
            skipSpace()
            if peek() == "," {
                index += 1
                elements.append(try parseExpression())
                continue
            }
            guard peek() == "]" else { throw error("expected ',' or ']' in the list", at: open) }
            index += 1
            return .list(elements)
        }
    }

    mutating func parseMap() throws(VelocitySyntaxError) -> Expression {
        let open = index
        index += 1
        var entries: [(Expression, Expression)] = []
        skipSpace()
        if peek() == "}" {
            index += 1
            return .map(entries)
        }
        while true {
            let key = try parseExpression()
            try expect(":", "':' in the map")
            let value = try parseExpression()
            entries.append((key, value))
            skipSpace()
            if peek() == "," {
                index += 1
                continue
            }
            guard peek() == "}" else { throw error("expected ',' or '}' in the map", at: open) }
            index += 1
            return .map(entries)
        }
    }
}
