/// Recursive-descent parser from template text to `VelocityNode`s.
///
/// Whitespace follows Velocity 1.7 (what API Gateway runs): `#set` swallows the spaces and
/// tabs before it; `#set(…)`, `#if(…)`, `#elseif(…)`, `#foreach(…)`, `#define(…)`, `#macro(…)`
/// and macro calls swallow trailing spaces plus one newline after their `)`; `#else`, `#end`,
/// `#break` and `#stop` swallow trailing spaces plus one newline; `##` comments run to and
/// include the newline. Everything else is output as written.
struct VelocityParser {
    /// The text and the cursor in it.
    var source: VelocitySource
    var macros: [String: Macro] = [:]
    /// Nesting of blocks and parenthesised expressions, bounded so deep input is an error.
    var depth = 0
    static let maximumDepth = 200
    /// Variable names in slot order, and their slots.
    var slotNames: [String] = ReservedSlot.names
    var slots: [String: Int] = Dictionary(uniqueKeysWithValues: ReservedSlot.names.enumerated().map { ($1, $0) })

    /// The slot of variable `name`, allocated on first use.
    mutating func slot(for name: String) -> Int {
        if let slot = slots[name] { return slot }
        slots[name] = slotNames.count
        slotNames.append(name)
        return slotNames.count - 1
    }

    init(_ text: String) { source = VelocitySource(text) }

    // MARK: - Blocks

    /// The whole template.
    mutating func parseTemplate() throws(VelocitySyntaxError) -> [VelocityNode] {
        let (nodes, terminator) = try parseBlock(until: [])
        if let terminator { throw source.error("#\(terminator.name) without a matching block", at: terminator.offset) }
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
        while source.index < source.scalars.count {
            let scalar = source.scalars[source.index]
            switch scalar {
            case "\\":
                // `\$` and `\#` output the character itself.
                if let next = source.peek(1), next == "$" || next == "#" {
                    text.append(next)
                    source.index += 2
                } else {
                    text.append(scalar)
                    source.index += 1
                }
            case "$":
                if let reference = try parseReferenceInText() {
                    flush()
                    nodes.append(.reference(reference))
                } else {
                    text.append(scalar)
                    source.index += 1
                }
            case "#":
                let start = source.index
                if source.peek(1) == "#" {
                    // Line comment, through the newline.
                    while source.index < source.scalars.count, source.scalars[source.index] != "\n" { source.index += 1 }
                    if source.index < source.scalars.count { source.index += 1 }
                    continue
                }
                if source.peek(1) == "*" {
                    source.index += 2
                    while source.index + 1 < source.scalars.count, !(source.scalars[source.index] == "*" && source.scalars[source.index + 1] == "#") { source.index += 1 }
                    guard source.index + 1 < source.scalars.count else { throw source.error("unterminated #* comment", at: start) }
                    source.index += 2
                    continue
                }
                if source.peek(1) == "[", source.peek(2) == "[" {
                    // Unparsed content #[[ … ]]#.
                    source.index += 3
                    while source.index + 2 < source.scalars.count, !(source.scalars[source.index] == "]" && source.scalars[source.index + 1] == "]" && source.scalars[source.index + 2] == "#") {
                        text.append(source.scalars[source.index])
                        source.index += 1
                    }
                    guard source.index + 2 < source.scalars.count else { throw source.error("unterminated #[[ block", at: start) }
                    source.index += 3
                    continue
                }
                guard let (name, afterName) = source.directiveName() else {
                    text.append(scalar)
                    source.index += 1
                    continue
                }
                if terminators.contains(name) {
                    flush()
                    source.index = afterName
                    var terminator = Terminator(name: name, offset: start)
                    if name == "elseif" {
                        terminator.condition = try parseParenthesizedCondition(directive: "#elseif", at: start)
                        source.gobbleNewline()
                    } else {
                        source.gobbleNewline()
                    }
                    return (nodes, terminator)
                }
                switch name {
                case "set":
                    // `#set` swallows the spaces and tabs before it on its line.
                    while let last = text.last, last == " " || last == "\t" { text.removeLast() }
                    flush()
                    source.index = afterName
                    nodes.append(try parseSet(at: start))
                case "if":
                    flush()
                    source.index = afterName
                    nodes.append(try parseIf(at: start))
                case "foreach":
                    flush()
                    source.index = afterName
                    nodes.append(try parseForeach(at: start))
                case "break", "stop":
                    flush()
                    source.index = afterName
                    source.gobbleNewline()
                    nodes.append(name == "break" ? .breakLoop : .stop)
                case "define":
                    flush()
                    source.index = afterName
                    nodes.append(try parseDefine(at: start))
                case "macro":
                    flush()
                    source.index = afterName
                    try parseMacro(at: start)
                case "end", "else", "elseif":
                    throw source.error("#\(name) without a matching block", at: start)
                case "include", "parse", "evaluate":
                    throw source.error("#\(name) is not supported in API Gateway mapping templates", at: start)
                default:
                    // A macro call `#name(…)`, or plain text.
                    if let call = try parseMacroCall(name: name, start: start, afterName: afterName) {
                        flush()
                        nodes.append(call)
                    } else {
                        text.append(scalar)
                        source.index += 1
                    }
                }
            default:
                text.append(scalar)
                source.index += 1
            }
        }
        flush()
        if !terminators.isEmpty { return (nodes, nil) }
        return (nodes, nil)
    }

    // MARK: - Directives

    mutating func parseSet(at start: Int) throws(VelocitySyntaxError) -> VelocityNode {
        try source.expect("(", "'(' after #set")
        source.skipSpace()
        guard source.peek() == "$" else { throw source.error("#set needs a reference to assign, like $name") }
        let targetStart = source.index
        guard let target = try parseReference() else { throw source.error("#set needs a reference to assign, like $name", at: targetStart) }
        if case .method = target.accessors.last { throw source.error("cannot assign to a method call", at: targetStart) }
        try source.expect("=", "'=' in #set")
        let value = try parseExpression()
        try source.expect(")", "')' closing #set")
        source.gobbleNewline()
        return .set(target, value)
    }

    mutating func parseParenthesizedCondition(directive: String, at start: Int) throws(VelocitySyntaxError) -> Expression {
        try source.expect("(", "'(' after \(directive)")
        let condition = try parseExpression()
        try source.expect(")", "')' closing \(directive)")
        return condition
    }

    mutating func parseIf(at start: Int) throws(VelocitySyntaxError) -> VelocityNode {
        var condition = try parseParenthesizedCondition(directive: "#if", at: start)
        source.gobbleNewline()
        var branches: [(Expression, [VelocityNode])] = []
        while true {
            let (body, terminator) = try parseBlock(until: ["end", "else", "elseif"])
            guard let terminator else { throw source.error("#if without a matching #end", at: start) }
            branches.append((condition, body))
            switch terminator.name {
            case "elseif":
                condition = terminator.condition!
            case "else":
                let (otherwise, end) = try parseBlock(until: ["end"])
                guard end != nil else { throw source.error("#else without a matching #end", at: terminator.offset) }
                return .conditional(branches, otherwise: otherwise)
            default:
                return .conditional(branches, otherwise: nil)
            }
        }
    }

    mutating func parseForeach(at start: Int) throws(VelocitySyntaxError) -> VelocityNode {
        try source.expect("(", "'(' after #foreach")
        source.skipSpace()
        guard source.peek() == "$", VelocitySource.isIdentifierStart(source.peek(1)) else { throw source.error("#foreach needs a loop variable, like $item") }
        source.index += 1
        let variable = slot(for: source.identifier())
        source.skipSpace()
        guard source.peek() == "i", source.peek(1) == "n", !VelocitySource.isIdentifierPart(source.peek(2)) else { throw source.error("expected 'in' in #foreach") }
        source.index += 2
        let iterable = try parseExpression()
        try source.expect(")", "')' closing #foreach")
        source.gobbleNewline()
        let (body, terminator) = try parseBlock(until: ["end"])
        guard terminator != nil else { throw source.error("#foreach without a matching #end", at: start) }
        return .foreach(variable: variable, iterable: iterable, body: body, location: source.location(at: start))
    }

    mutating func parseDefine(at start: Int) throws(VelocitySyntaxError) -> VelocityNode {
        try source.expect("(", "'(' after #define")
        source.skipSpace()
        guard source.peek() == "$", VelocitySource.isIdentifierStart(source.peek(1)) else { throw source.error("#define needs a name, like $block") }
        source.index += 1
        let name = slot(for: source.identifier())
        try source.expect(")", "')' closing #define")
        source.gobbleNewline()
        let (body, terminator) = try parseBlock(until: ["end"])
        guard terminator != nil else { throw source.error("#define without a matching #end", at: start) }
        return .define(slot: name, body: body)
    }

    mutating func parseMacro(at start: Int) throws(VelocitySyntaxError) {
        try source.expect("(", "'(' after #macro")
        source.skipSpace()
        guard VelocitySource.isIdentifierStart(source.peek()) else { throw source.error("#macro needs a name") }
        let name = source.identifier()
        var parameters: [Int] = []
        while true {
            source.skipSpace()
            if source.peek() == "," { source.index += 1; continue }
            if source.peek() == ")" { source.index += 1; break }
            guard source.peek() == "$", VelocitySource.isIdentifierStart(source.peek(1)) else { throw source.error("expected a $parameter or ')' in #macro") }
            source.index += 1
            parameters.append(slot(for: source.identifier()))
        }
        source.gobbleNewline()
        let (body, terminator) = try parseBlock(until: ["end"])
        guard terminator != nil else { throw source.error("#macro without a matching #end", at: start) }
        macros[name] = Macro(name: name, parameters: parameters, body: body)
    }

    /// `#name(arg arg)` or `#name(arg, arg)`; nil when no `(` follows (plain text).
    mutating func parseMacroCall(name: String, start: Int, afterName: Int) throws(VelocitySyntaxError) -> VelocityNode? {
        var position = afterName
        while position < source.scalars.count, source.scalars[position] == " " || source.scalars[position] == "\t" { position += 1 }
        guard position < source.scalars.count, source.scalars[position] == "(" else { return nil }
        source.index = position + 1
        var arguments: [Expression] = []
        while true {
            source.skipSpace()
            if source.peek() == "," { source.index += 1; continue }
            if source.peek() == ")" { source.index += 1; break }
            guard source.index < source.scalars.count else { throw source.error("unterminated call of macro #\(name)", at: start) }
            arguments.append(try parsePrimary())
        }
        var text = ""
        text.unicodeScalars.append(contentsOf: source.scalars[start..<source.index])
        source.gobbleNewline()
        return .macroCall(name: name, arguments: arguments, source: text, location: source.location(at: start))
    }

    // MARK: - References

    /// A reference in text; nil (cursor unchanged) when `$` does not start one.
    mutating func parseReferenceInText() throws(VelocitySyntaxError) -> Reference? {
        let start = source.index
        var position = source.index + 1
        if position < source.scalars.count, source.scalars[position] == "!" { position += 1 }
        if position < source.scalars.count, source.scalars[position] == "{" { position += 1 }
        guard position < source.scalars.count, VelocitySource.isIdentifierStart(source.scalars[position]) else { return nil }
        let reference = try parseReference()
        if reference == nil { source.index = start }
        return reference
    }

    /// `$name…`, `$!name…`, `${name…}` at the cursor.
    mutating func parseReference() throws(VelocitySyntaxError) -> Reference? {
        let start = source.index
        source.index += 1
        if source.peek() == "!" { source.index += 1 }
        var braced = false
        if source.peek() == "{" {
            braced = true
            source.index += 1
        }
        guard VelocitySource.isIdentifierStart(source.peek()) else {
            source.index = start
            return nil
        }
        let name = source.identifier()
        var accessors: [Accessor] = []
        while true {
            if source.peek() == ".", VelocitySource.isIdentifierStart(source.peek(1)) {
                source.index += 1
                let property = source.identifier()
                if source.peek() == "(" {
                    source.index += 1
                    accessors.append(.method(property, try parseArguments(closing: ")")))
                } else {
                    accessors.append(.property(property))
                }
            } else if source.peek() == "[" {
                let open = source.index
                source.index += 1
                let key = try parseExpression()
                source.skipSpace()
                guard source.peek() == "]" else { throw source.error("expected ']' closing the source.index", at: open) }
                source.index += 1
                accessors.append(.index(key))
            } else {
                break
            }
        }
        if braced {
            guard source.peek() == "}" else {
                source.index = start
                return nil
            }
            source.index += 1
        }
        return Reference(name: name, slot: slot(for: name), accessors: accessors, location: source.location(at: start))
    }

    mutating func parseArguments(closing: Unicode.Scalar) throws(VelocitySyntaxError) -> [Expression] {
        var arguments: [Expression] = []
        source.skipSpace()
        if source.peek() == closing {
            source.index += 1
            return arguments
        }
        while true {
            arguments.append(try parseExpression())
            source.skipSpace()
            if source.peek() == "," {
                source.index += 1
                continue
            }
            guard source.peek() == closing else { throw source.error("expected ',' or '\(closing)' in the argument list") }
            source.index += 1
            return arguments
        }
    }
}
