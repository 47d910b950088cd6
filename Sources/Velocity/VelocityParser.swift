/// Recursive-descent parser from template text to `VelocityNode`s.
///
/// Whitespace follows Velocity 1.7 (what API Gateway runs): `#set` swallows the spaces and
/// tabs before it; `#set(…)`, `#if(…)`, `#elseif(…)`, `#foreach(…)`, `#define(…)`, `#macro(…)`
/// and macro calls swallow trailing spaces plus one newline after their `)`; `#else`, `#end`,
/// `#break` and `#stop` swallow trailing spaces plus one newline; `##` comments run to and
/// include the newline. Everything else is output as written.
struct VelocityParser {
    let scalars: [Unicode.Scalar]
    var index = 0
    var macros: [String: Macro] = [:]
    /// Nesting of blocks and parenthesised expressions, bounded so deep input is an error.
    var depth = 0
    static let maximumDepth = 200
    /// Variable names in slot order, and their slots.
    var slotNames: [String] = ReservedSlot.names
    var slots: [String: Int] = Dictionary(uniqueKeysWithValues: ReservedSlot.names.enumerated().map { ($1, $0) })
    /// Where each line starts (scalar offsets), for locations.
    private(set) var lineStarts: [Int] = [0]

    /// The slot of variable `name`, allocated on first use.
    mutating func slot(for name: String) -> Int {
        if let slot = slots[name] { return slot }
        slots[name] = slotNames.count
        slotNames.append(name)
        return slotNames.count - 1
    }

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
        for (offset, scalar) in scalars.enumerated() where scalar == "\n" { lineStarts.append(offset + 1) }
    }

    // MARK: - Locations and errors

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

    // MARK: - Blocks

    /// The whole template.
    mutating func parseTemplate() throws(VelocitySyntaxError) -> [VelocityNode] {
        let (nodes, terminator) = try parseBlock(until: [])
        if let terminator { throw error("#\(terminator.name) without a matching block", at: terminator.offset) }
        return nodes
    }

    struct Terminator {
        let name: String
        let offset: Int
        /// The `#elseif` condition.
        var condition: Expression? = nil
    }

    /// Nodes up to one of `terminators` (`end`, `else`, `elseif`), which is consumed and returned.
    mutating func parseBlock(until terminators: Set<String>) throws(VelocitySyntaxError) -> ([VelocityNode], Terminator?) {
        try enter()
        defer { depth -= 1 }
        var nodes: [VelocityNode] = []
        var text = String.UnicodeScalarView()
        func flush() {
            if !text.isEmpty {
                nodes.append(.text(String(text)))
                text = String.UnicodeScalarView()
            }
        }
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "\\":
                // `\$` and `\#` output the character itself.
                if let next = peek(1), next == "$" || next == "#" {
                    text.append(next)
                    index += 2
                } else {
                    text.append(scalar)
                    index += 1
                }
            case "$":
                if let reference = try parseReferenceInText() {
                    flush()
                    nodes.append(.reference(reference))
                } else {
                    text.append(scalar)
                    index += 1
                }
            case "#":
                let start = index
                if peek(1) == "#" {
                    // Line comment, through the newline.
                    while index < scalars.count, scalars[index] != "\n" { index += 1 }
                    if index < scalars.count { index += 1 }
                    continue
                }
                if peek(1) == "*" {
                    index += 2
                    while index + 1 < scalars.count, !(scalars[index] == "*" && scalars[index + 1] == "#") { index += 1 }
                    guard index + 1 < scalars.count else { throw error("unterminated #* comment", at: start) }
                    index += 2
                    continue
                }
                if peek(1) == "[", peek(2) == "[" {
                    // Unparsed content #[[ … ]]#.
                    index += 3
                    while index + 2 < scalars.count, !(scalars[index] == "]" && scalars[index + 1] == "]" && scalars[index + 2] == "#") {
                        text.append(scalars[index])
                        index += 1
                    }
                    guard index + 2 < scalars.count else { throw error("unterminated #[[ block", at: start) }
                    index += 3
                    continue
                }
                guard let (name, afterName) = directiveName() else {
                    text.append(scalar)
                    index += 1
                    continue
                }
                if terminators.contains(name) {
                    flush()
                    index = afterName
                    var terminator = Terminator(name: name, offset: start)
                    if name == "elseif" {
                        terminator.condition = try parseParenthesizedCondition(directive: "#elseif", at: start)
                        gobbleNewline()
                    } else {
                        gobbleNewline()
                    }
                    return (nodes, terminator)
                }
                switch name {
                case "set":
                    // `#set` swallows the spaces and tabs before it on its line.
                    while let last = text.last, last == " " || last == "\t" { text.removeLast() }
                    flush()
                    index = afterName
                    nodes.append(try parseSet(at: start))
                case "if":
                    flush()
                    index = afterName
                    nodes.append(try parseIf(at: start))
                case "foreach":
                    flush()
                    index = afterName
                    nodes.append(try parseForeach(at: start))
                case "break", "stop":
                    flush()
                    index = afterName
                    gobbleNewline()
                    nodes.append(name == "break" ? .breakLoop : .stop)
                case "define":
                    flush()
                    index = afterName
                    nodes.append(try parseDefine(at: start))
                case "macro":
                    flush()
                    index = afterName
                    try parseMacro(at: start)
                case "end", "else", "elseif":
                    throw error("#\(name) without a matching block", at: start)
                case "include", "parse", "evaluate":
                    throw error("#\(name) is not supported in API Gateway mapping templates", at: start)
                default:
                    // A macro call `#name(…)`, or plain text.
                    if let call = try parseMacroCall(name: name, start: start, afterName: afterName) {
                        flush()
                        nodes.append(call)
                    } else {
                        text.append(scalar)
                        index += 1
                    }
                }
            default:
                text.append(scalar)
                index += 1
            }
        }
        flush()
        if !terminators.isEmpty { return (nodes, nil) }
        return (nodes, nil)
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

    // MARK: - Directives

    mutating func parseSet(at start: Int) throws(VelocitySyntaxError) -> VelocityNode {
        try expect("(", "'(' after #set")
        skipSpace()
        guard peek() == "$" else { throw error("#set needs a reference to assign, like $name") }
        let targetStart = index
        guard let target = try parseReference() else { throw error("#set needs a reference to assign, like $name", at: targetStart) }
        if case .method = target.accessors.last { throw error("cannot assign to a method call", at: targetStart) }
        try expect("=", "'=' in #set")
        let value = try parseExpression()
        try expect(")", "')' closing #set")
        gobbleNewline()
        return .set(target, value)
    }

    mutating func parseParenthesizedCondition(directive: String, at start: Int) throws(VelocitySyntaxError) -> Expression {
        try expect("(", "'(' after \(directive)")
        let condition = try parseExpression()
        try expect(")", "')' closing \(directive)")
        return condition
    }

    mutating func parseIf(at start: Int) throws(VelocitySyntaxError) -> VelocityNode {
        var condition = try parseParenthesizedCondition(directive: "#if", at: start)
        gobbleNewline()
        var branches: [(Expression, [VelocityNode])] = []
        while true {
            let (body, terminator) = try parseBlock(until: ["end", "else", "elseif"])
            guard let terminator else { throw error("#if without a matching #end", at: start) }
            branches.append((condition, body))
            switch terminator.name {
            case "elseif":
                condition = terminator.condition!
            case "else":
                let (otherwise, end) = try parseBlock(until: ["end"])
                guard end != nil else { throw error("#else without a matching #end", at: terminator.offset) }
                return .conditional(branches, otherwise: otherwise)
            default:
                return .conditional(branches, otherwise: nil)
            }
        }
    }

    mutating func parseForeach(at start: Int) throws(VelocitySyntaxError) -> VelocityNode {
        try expect("(", "'(' after #foreach")
        skipSpace()
        guard peek() == "$", VelocityParser.isIdentifierStart(peek(1)) else { throw error("#foreach needs a loop variable, like $item") }
        index += 1
        let variable = slot(for: identifier())
        skipSpace()
        guard peek() == "i", peek(1) == "n", !VelocityParser.isIdentifierPart(peek(2)) else { throw error("expected 'in' in #foreach") }
        index += 2
        let iterable = try parseExpression()
        try expect(")", "')' closing #foreach")
        gobbleNewline()
        let (body, terminator) = try parseBlock(until: ["end"])
        guard terminator != nil else { throw error("#foreach without a matching #end", at: start) }
        return .foreach(variable: variable, iterable: iterable, body: body, location: location(at: start))
    }

    mutating func parseDefine(at start: Int) throws(VelocitySyntaxError) -> VelocityNode {
        try expect("(", "'(' after #define")
        skipSpace()
        guard peek() == "$", VelocityParser.isIdentifierStart(peek(1)) else { throw error("#define needs a name, like $block") }
        index += 1
        let name = slot(for: identifier())
        try expect(")", "')' closing #define")
        gobbleNewline()
        let (body, terminator) = try parseBlock(until: ["end"])
        guard terminator != nil else { throw error("#define without a matching #end", at: start) }
        return .define(slot: name, body: body)
    }

    mutating func parseMacro(at start: Int) throws(VelocitySyntaxError) {
        try expect("(", "'(' after #macro")
        skipSpace()
        guard VelocityParser.isIdentifierStart(peek()) else { throw error("#macro needs a name") }
        let name = identifier()
        var parameters: [Int] = []
        while true {
            skipSpace()
            if peek() == "," { index += 1; continue }
            if peek() == ")" { index += 1; break }
            guard peek() == "$", VelocityParser.isIdentifierStart(peek(1)) else { throw error("expected a $parameter or ')' in #macro") }
            index += 1
            parameters.append(slot(for: identifier()))
        }
        gobbleNewline()
        let (body, terminator) = try parseBlock(until: ["end"])
        guard terminator != nil else { throw error("#macro without a matching #end", at: start) }
        macros[name] = Macro(name: name, parameters: parameters, body: body)
    }

    /// `#name(arg arg)` or `#name(arg, arg)`; nil when no `(` follows (plain text).
    mutating func parseMacroCall(name: String, start: Int, afterName: Int) throws(VelocitySyntaxError) -> VelocityNode? {
        var position = afterName
        while position < scalars.count, scalars[position] == " " || scalars[position] == "\t" { position += 1 }
        guard position < scalars.count, scalars[position] == "(" else { return nil }
        index = position + 1
        var arguments: [Expression] = []
        while true {
            skipSpace()
            if peek() == "," { index += 1; continue }
            if peek() == ")" { index += 1; break }
            guard index < scalars.count else { throw error("unterminated call of macro #\(name)", at: start) }
            arguments.append(try parsePrimary())
        }
        var source = ""
        source.unicodeScalars.append(contentsOf: scalars[start..<index])
        gobbleNewline()
        return .macroCall(name: name, arguments: arguments, source: source, location: location(at: start))
    }

    // MARK: - References

    mutating func identifier() -> String {
        let start = index
        while VelocityParser.isIdentifierPart(peek()) { index += 1 }
        // A trailing hyphen belongs to the text, not the name.
        while index > start + 1, scalars[index - 1] == "-" { index -= 1 }
        var name = ""
        name.unicodeScalars.append(contentsOf: scalars[start..<index])
        return name
    }

    /// A reference in text; nil (cursor unchanged) when `$` does not start one.
    mutating func parseReferenceInText() throws(VelocitySyntaxError) -> Reference? {
        let start = index
        var position = index + 1
        if position < scalars.count, scalars[position] == "!" { position += 1 }
        if position < scalars.count, scalars[position] == "{" { position += 1 }
        guard position < scalars.count, VelocityParser.isIdentifierStart(scalars[position]) else { return nil }
        let reference = try parseReference()
        if reference == nil { index = start }
        return reference
    }

    /// `$name…`, `$!name…`, `${name…}` at the cursor.
    mutating func parseReference() throws(VelocitySyntaxError) -> Reference? {
        let start = index
        index += 1
        if peek() == "!" { index += 1 }
        var braced = false
        if peek() == "{" {
            braced = true
            index += 1
        }
        guard VelocityParser.isIdentifierStart(peek()) else {
            index = start
            return nil
        }
        let name = identifier()
        var accessors: [Accessor] = []
        while true {
            if peek() == ".", VelocityParser.isIdentifierStart(peek(1)) {
                index += 1
                let property = identifier()
                if peek() == "(" {
                    index += 1
                    accessors.append(.method(property, try parseArguments(closing: ")")))
                } else {
                    accessors.append(.property(property))
                }
            } else if peek() == "[" {
                let open = index
                index += 1
                let key = try parseExpression()
                skipSpace()
                guard peek() == "]" else { throw error("expected ']' closing the index", at: open) }
                index += 1
                accessors.append(.index(key))
            } else {
                break
            }
        }
        if braced {
            guard peek() == "}" else {
                index = start
                return nil
            }
            index += 1
        }
        return Reference(name: name, slot: slot(for: name), accessors: accessors, location: location(at: start))
    }

    mutating func parseArguments(closing: Unicode.Scalar) throws(VelocitySyntaxError) -> [Expression] {
        var arguments: [Expression] = []
        skipSpace()
        if peek() == closing {
            index += 1
            return arguments
        }
        while true {
            arguments.append(try parseExpression())
            skipSpace()
            if peek() == "," {
                index += 1
                continue
            }
            guard peek() == closing else { throw error("expected ',' or '\(closing)' in the argument list") }
            index += 1
            return arguments
        }
    }
}
