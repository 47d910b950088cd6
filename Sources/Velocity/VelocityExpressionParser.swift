/// Expressions: `||`, `&&`, comparisons, arithmetic, unary operators, literals (numbers,
/// strings, lists, ranges, maps) and references, by precedence climbing.
extension VelocityParser {
    mutating func parseExpression() throws(VelocitySyntaxError) -> Expression { try parseOr() }

    mutating func parseOr() throws(VelocitySyntaxError) -> Expression {
        var left = try parseAnd()
        while true {
            let here = source.index
            guard source.symbol("||") || source.word("or") else { return left }
            left = .binary(.or, left, try parseAnd(), source.location(at: here))
        }
    }

    mutating func parseAnd() throws(VelocitySyntaxError) -> Expression {
        var left = try parseEquality()
        while true {
            let here = source.index
            guard source.symbol("&&") || source.word("and") else { return left }
            left = .binary(.and, left, try parseEquality(), source.location(at: here))
        }
    }

    mutating func parseEquality() throws(VelocitySyntaxError) -> Expression {
        var left = try parseRelational()
        while true {
            let here = source.index
            if source.symbol("==") || source.word("eq") {
                left = .binary(.equal, left, try parseRelational(), source.location(at: here))
            } else if source.symbol("!=") || source.word("ne") {
                left = .binary(.notEqual, left, try parseRelational(), source.location(at: here))
            } else {
                return left
            }
        }
    }

    mutating func parseRelational() throws(VelocitySyntaxError) -> Expression {
        var left = try parseAdditive()
        while true {
            let here = source.index
            let op: BinaryOperator
            if source.symbol("<=") || source.word("le") {
                op = .lessOrEqual
            } else if source.symbol(">=") || source.word("ge") {
                op = .greaterOrEqual
            } else if source.symbol("<") || source.word("lt") {
                op = .less
            } else if source.symbol(">") || source.word("gt") {
                op = .greater
            } else {
                return left
            }
            left = .binary(op, left, try parseAdditive(), source.location(at: here))
        }
    }

    mutating func parseAdditive() throws(VelocitySyntaxError) -> Expression {
        var left = try parseMultiplicative()
        while true {
            let here = source.index
            if source.symbol("+") {
                left = .binary(.add, left, try parseMultiplicative(), source.location(at: here))
            } else if source.symbol("-") {
                left = .binary(.subtract, left, try parseMultiplicative(), source.location(at: here))
            } else {
                return left
            }
        }
    }

    mutating func parseMultiplicative() throws(VelocitySyntaxError) -> Expression {
        var left = try parseUnary()
        while true {
            let here = source.index
            if source.symbol("*") {
                left = .binary(.multiply, left, try parseUnary(), source.location(at: here))
            } else if source.symbol("/") {
                left = .binary(.divide, left, try parseUnary(), source.location(at: here))
            } else if source.symbol("%") {
                left = .binary(.remainder, left, try parseUnary(), source.location(at: here))
            } else {
                return left
            }
        }
    }

    mutating func parseUnary() throws(VelocitySyntaxError) -> Expression {
        try enter()
        defer { depth -= 1 }
        source.skipSpace()
        if source.peek() == "!", source.peek(1) != "=" {
            source.index += 1
            return .unary(.not, try parseUnary())
        }
        if source.word("not") { return .unary(.not, try parseUnary()) }
        if source.peek() == "-", let next = source.peek(1), !(next >= "0" && next <= "9") {
            source.index += 1
            return .unary(.negate, try parseUnary())
        }
        return try parsePrimary()
    }

    mutating func enter() throws(VelocitySyntaxError) {
        depth += 1
        if depth > VelocityParser.maximumDepth { throw source.error("nesting deeper than \(VelocityParser.maximumDepth) levels") }
    }

    mutating func parsePrimary() throws(VelocitySyntaxError) -> Expression {
        try enter()
        defer { depth -= 1 }
        source.skipSpace()
        guard let scalar = source.peek() else { throw source.error("expected a value but found the end of the template") }
        switch scalar {
        case "$":
            let start = source.index
            guard let reference = try parseReference() else { throw source.error("expected a reference after '$'", at: start) }
            return .reference(reference)
        case "\"":
            return try parseDoubleQuoted()
        case "'":
            let start = source.index
            source.index += 1
            var text = String.UnicodeScalarView()
            while let next = source.peek(), next != "'" {
                text.append(next)
                source.index += 1
            }
            guard source.peek() == "'" else { throw source.error("unterminated string", at: start) }
            source.index += 1
            return .literal(String(text))
        case "-", "0"..."9":
            return try parseNumber()
        case "[":
            return try parseListOrRange()
        case "{":
            return try parseMap()
        case "(":
            source.index += 1
            let inner = try parseExpression()
            try source.expect(")", "')'")
            return inner
        default:
            if source.word("true") { return .bool(true) }
            if source.word("false") { return .bool(false) }
            throw source.error("unexpected '\(scalar)' in an expression")
        }
    }

    mutating func parseNumber() throws(VelocitySyntaxError) -> Expression {
        let start = source.index
        if source.peek() == "-" { source.index += 1 }
        while let digit = source.peek(), digit >= "0" && digit <= "9" { source.index += 1 }
        var isDecimal = false
        if source.peek() == ".", let next = source.peek(1), next >= "0" && next <= "9" {
            isDecimal = true
            source.index += 1
            while let digit = source.peek(), digit >= "0" && digit <= "9" { source.index += 1 }
        }
        var text = ""
        text.unicodeScalars.append(contentsOf: source.scalars[start..<source.index])
        if isDecimal {
            guard let value = Double(text) else { throw source.error("malformed number", at: start) }
            return .double(value)
        }
        if let value = Int(text) { return .int(value) }
        guard let value = Double(text) else { throw source.error("malformed number", at: start) }
        return .double(value)
    }

    mutating func parseDoubleQuoted() throws(VelocitySyntaxError) -> Expression {
        let start = source.index
        source.index += 1
        let contentStart = source.index
        while let next = source.peek(), next != "\"" {
            // A backslash keeps the next character (so \" does not end the string) and stays in the text.
            source.index += next == "\\" && source.index + 1 < source.scalars.count ? 2 : 1
        }
        guard source.peek() == "\"" else { throw source.error("unterminated string", at: start) }
        var content = ""
        content.unicodeScalars.append(contentsOf: source.scalars[contentStart..<source.index])
        source.index += 1
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
            let offset = contentStart + (inner.source.lineStarts[error.location.line - 1]) + error.location.column - 1
            throw source.error("in string: \(error.reason)", at: offset)
        }
    }

    mutating func parseListOrRange() throws(VelocitySyntaxError) -> Expression {
        let open = source.index
        source.index += 1
        source.skipSpace()
        if source.peek() == "]" {
            source.index += 1
            return .list([])
        }
        let first = try parseExpression()
        if source.symbol("..") {
            let last = try parseExpression()
            source.skipSpace()
            guard source.peek() == "]" else { throw source.error("expected ']' closing the range", at: open) }
            source.index += 1
            return .range(first, last)
        }
        var elements = [first]
        while true {
            source.skipSpace()
            if source.peek() == "," {
                source.index += 1
                elements.append(try parseExpression())
                continue
            }
            guard source.peek() == "]" else { throw source.error("expected ',' or ']' in the list", at: open) }
            source.index += 1
            return .list(elements)
        }
    }

    mutating func parseMap() throws(VelocitySyntaxError) -> Expression {
        let open = source.index
        source.index += 1
        var entries: [(Expression, Expression)] = []
        source.skipSpace()
        if source.peek() == "}" {
            source.index += 1
            return .map(entries)
        }
        while true {
            let key = try parseExpression()
            try source.expect(":", "':' in the map")
            let value = try parseExpression()
            entries.append((key, value))
            source.skipSpace()
            if source.peek() == "," {
                source.index += 1
                continue
            }
            guard source.peek() == "}" else { throw source.error("expected ',' or '}' in the map", at: open) }
            source.index += 1
            return .map(entries)
        }
    }
}
