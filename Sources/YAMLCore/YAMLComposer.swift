import JSONCore

/// Tokens → documents of `JSONValue`: the grammar (block and flow collections, explicit keys,
/// documents and directives), anchors and aliases (expansion bounded), tags (the core schema's,
/// CloudFormation's short forms, the rest refused or dropped as the options say), the core
/// schema for plain scalars, and keys (scalars, each once). Iterative: an explicit stack holds
/// the open collections, so a deep document cannot overflow the thread's stack.
struct YAMLComposer {
    var scanner: YAMLScanner
    let options: YAMLReader.Options
    let limitNodes: Int
    var nodes = 0
    var anchors: [String: (value: JSONValue, nodes: Int)] = [:]
    var handles: [String: String] = [:]
    var positions: [JSONPointer: JSONPositions.Position]? = nil

    init(scanner: YAMLScanner, options: YAMLReader.Options, inputBytes: Int) {
        self.scanner = scanner
        self.options = options
        limitNodes = options.maximumAliasExpansion ?? max(100_000, inputBytes.multipliedReportingOverflow(by: 100).partialValue)
    }

    /// A collection being read (a class: the stack and the code reading it share one, never a copy).
    final class Frame {
        enum Kind { case blockSequence, indentlessSequence, blockMapping, flowSequence, flowMapping, flowPair }
        let kind: Kind
        /// 0: expecting an entry (a key), 1: expecting a value, 2 (flow pair): done.
        var state = 0
        var first = true
        var elements: [JSONValue] = []
        var members: [JSONObject.Member] = []
        /// Where each member's key is (parallel to `members`), for the duplicate-key message.
        var keyMarks: [YAMLMark] = []
        /// The keys, once there are enough of them that a scan costs more than hashing.
        var keySet: Set<String>? = nil
        var pendingKey: (String, YAMLMark)? = nil
        /// Whether the pending key is the merge key (a plain `<<`).
        var pendingMerge = false
        /// What `<<` entries merge in, in order: mappings (or sequences of them) and where.
        var merges: [(JSONValue, YAMLMark)] = []
        let anchor: String?
        let tag: Tag?
        let start: YAMLMark
        /// The collection's place (only kept when positions are recorded).
        let pointer: JSONPointer
        var nodes = 1

        init(kind: Kind, anchor: String? = nil, tag: Tag? = nil, start: YAMLMark, pointer: JSONPointer) {
            self.kind = kind
            self.anchor = anchor
            self.tag = tag
            self.start = start
            self.pointer = pointer
        }

        /// Where `key` is when it is already a member.
        func existingKeyMark(_ key: String) -> YAMLMark? {
            if let keySet {
                guard keySet.contains(key) else { return nil }
            }
            for (index, member) in members.enumerated() where member.key == key { return keyMarks[index] }
            return nil
        }

        func addMember(_ key: String, _ value: JSONValue, at mark: YAMLMark) {
            members.append(JSONObject.Member(key: key, value: value))
            keyMarks.append(mark)
            if keySet != nil {
                keySet!.insert(key)
            } else if members.count == 12 {
                keySet = Set(members.map(\.key))
            }
        }
    }

    /// A node's tag, resolved.
    enum Tag: Equatable {
        case core(String)  // the part after tag:yaml.org,2002:
        case nonSpecific  // `!`
        case cloudFormation(String)  // Ref, GetAtt, Sub, …
        case other(String)
    }

    static let cloudFormationTags: Set<String> = [
        "Ref", "Condition", "GetAtt", "Sub", "Join", "If", "Equals", "And", "Or", "Not", "FindInMap", "Select", "Split", "Base64", "Cidr",
        "GetAZs", "ImportValue", "Transform",
    ]

    enum Step {
        case value(JSONValue, nodes: Int)
        case pushed
    }

    // MARK: - Documents

    mutating func documents() throws(YAMLSyntaxError) -> [YAMLDocument] {
        var result: [YAMLDocument] = []
        guard try scanner.next().kind == .streamStart else { throw scanner.input.error("expected the start of the stream") }
        while true {
            // Document end markers between documents.
            var sawEnd = false
            while try scanner.peekKind() == .documentEnd {
                let end = try scanner.next()
                sawEnd = true
                let following = try scanner.peek()
                if following.kind != .streamEnd, following.start.line == end.start.line {
                    throw error("nothing but a comment may follow '...' on its line, found \(describe(following))", at: following.start)
                }
            }
            var token = try scanner.peek()
            if token.kind == .streamEnd { break }
            // Directives, then an explicit start.
            handles = ["!": "!", "!!": "tag:yaml.org,2002:"]
            var sawDirective = false
            var sawVersion = false
            while [.versionDirective, .tagDirective, .reservedDirective].contains(token.kind) {
                if !result.isEmpty && !sawEnd {
                    throw error("a directive after a document needs '...' to end that document first", at: token.start)
                }
                try scanner.skip()
                sawDirective = true
                if token.kind == .versionDirective {
                    if sawVersion { throw error("two %YAML directives for one document", at: token.start) }
                    sawVersion = true
                    guard token.value.hasPrefix("1.") else { throw error("%YAML \(token.value): this reader reads YAML 1.x", at: token.start) }
                } else if token.kind == .tagDirective {
                    if handles[token.value] != nil && !(token.value == "!" || token.value == "!!") || (token.value != "!" && token.value != "!!" && handles[token.value] != nil) {
                        throw error("the tag handle \(token.value) is declared twice", at: token.start)
                    }
                    handles[token.value] = token.second
                }
                token = try scanner.peek()
            }
            var explicit = false
            if token.kind == .documentStart {
                try scanner.skip()
                explicit = true
                token = try scanner.peek()
            } else if sawDirective {
                throw error("expected '---' after the directives, found \(describe(token))", at: token.start)
            }
            let start = token.start
            var value: JSONValue = .null
            if explicit && [.documentEnd, .documentStart, .streamEnd, .versionDirective, .tagDirective, .reservedDirective].contains(token.kind) {
                value = .null
                record(.root, token.start)
            } else {
                value = try composeNode()
            }
            token = try scanner.peek()
            switch token.kind {
            case .documentEnd, .documentStart, .streamEnd:
                break
            case .versionDirective, .tagDirective, .reservedDirective:
                throw error("a directive after a document needs '...' to end that document first", at: token.start)
            default:
                throw error("expected the end of the document (a new line with '---', '...', or nothing), found \(describe(token))", at: token.start)
            }
            result.append(YAMLDocument(value: value, positions: positions ?? [:], start: start.position))
            if positions != nil { positions = [:] }
            anchors = [:]
        }
        return result
    }

    // MARK: - Nodes

    /// One whole node (with everything below it), read without recursion.
    mutating func composeNode() throws(YAMLSyntaxError) -> JSONValue {
        var stack: [Frame] = []
        var step = try startNode(block: true, indentless: false, pointer: .root, stack: &stack)
        while true {
            if case .value(let value, let count) = step {
                guard !stack.isEmpty else { return value }
                try deliver(value, nodes: count, to: stack[stack.count - 1])
            }
            step = try advance(&stack)
        }
    }

    /// The next step of the innermost open collection: a node started, or the collection ended
    /// (its value returned).
    mutating func advance(_ stack: inout [Frame]) throws(YAMLSyntaxError) -> Step {
        var frame = stack[stack.count - 1]
        let kind = try scanner.peekKind()
        // The common cases first, without copying tokens.
        if frame.kind == .blockMapping, frame.state == 1, kind == .value {
            frame.state = 0
            let child = childPointer(frame)
            try scanner.skip()
            let next = try scanner.peekKind()
            if next == .key || next == .value || next == .blockEnd {
                record(child, scanner.peekedStart)
                return .value(.null, nodes: 1)
            }
            return try startNode(block: true, indentless: true, pointer: child, stack: &stack)
        }
        if frame.kind == .blockMapping, frame.state == 0, kind == .key {
            try scanner.skip()
            let next = try scanner.peekKind()
            frame.state = 1
            if next == .key || next == .value || next == .blockEnd { return .value(.null, nodes: 1) }
            return try startNode(block: true, indentless: true, pointer: frame.pointer, stack: &stack, isKey: true)
        }
        let token = try scanner.peek()
        switch frame.kind {
        case .blockSequence, .indentlessSequence:
            if token.kind == .blockEntry {
                try scanner.skip()
                let next = try scanner.peekKind()
                let child = childPointer(frame, index: frame.elements.count)
                if next == .blockEntry || next == .blockEnd || (frame.kind == .indentlessSequence && (next == .key || next == .value)) {
                    record(child, scanner.peekedStart)
                    return .value(.null, nodes: 1)
                }
                return try startNode(block: true, indentless: false, pointer: child, stack: &stack)
            }
            if frame.kind == .blockSequence {
                guard token.kind == .blockEnd else { throw error("expected '- ' (another entry) or the end of the sequence, found \(describe(token))", at: token.start) }
                try scanner.skip()
            }
            return try finish(&stack, &frame)
        case .blockMapping:
            if frame.state == 0 {
                switch token.kind {
                case .key:
                    try scanner.skip()
                    let next = try scanner.peek()
                    frame.state = 1
                    if [.key, .value, .blockEnd].contains(next.kind) {
                        return .value(.null, nodes: 1)
                    }
                        return try startNode(block: true, indentless: true, pointer: frame.pointer, stack: &stack, isKey: true)
                case .value:
                    frame.state = 1
                    return .value(.null, nodes: 1)
                case .blockEnd:
                    try scanner.skip()
                    return try finish(&stack, &frame)
                default:
                    throw error("expected a mapping key or the end of the mapping, found \(describe(token))", at: token.start)
                }
            } else {
                frame.state = 0
                let child = childPointer(frame)
                if token.kind == .value {
                    try scanner.skip()
                    let next = try scanner.peek()
                    if [.key, .value, .blockEnd].contains(next.kind) {
                        record(child, next.start)
                        return .value(.null, nodes: 1)
                    }
                        return try startNode(block: true, indentless: true, pointer: child, stack: &stack)
                }
                record(child, token.start)
                return .value(.null, nodes: 1)
            }
        case .flowSequence:
            if token.kind == .flowSequenceEnd {
                try scanner.skip()
                return try finish(&stack, &frame)
            }
            if !frame.first {
                guard token.kind == .flowEntry else { throw error("expected ',' or ']' in the flow sequence, found \(describe(token))", at: token.start) }
                try scanner.skip()
                if try scanner.peekKind() == .flowSequenceEnd {
                    try scanner.skip()
                    return try finish(&stack, &frame)
                }
            }
            frame.first = false
            let next = try scanner.peek()
            let child = childPointer(frame, index: frame.elements.count)
            if next.kind == .key || next.kind == .value {
                // A single-pair mapping inside the sequence: [a: b] or [? a : b].
                if next.kind == .key { try scanner.skip() }
                stack.append(Frame(kind: .flowPair, start: next.start, pointer: child))
                if stack.count > options.maximumDepth { throw error("more than \(options.maximumDepth) nested collections: the nesting limit", at: next.start, .limit) }
                frame = stack[stack.count - 1]
                frame.state = 1
                if [.value, .flowEntry, .flowSequenceEnd].contains(try scanner.peekKind()) {
                    return .value(.null, nodes: 1)
                }
                return try startNode(block: false, indentless: false, pointer: child, stack: &stack, isKey: true)
            }
            if next.kind == .flowEntry { throw error("expected a value before ','", at: next.start) }
            return try startNode(block: false, indentless: false, pointer: child, stack: &stack)
        case .flowPair:
            if frame.state == 1 {
                frame.state = 2
                return try flowValue(frame, after: token, closedBy: .flowSequenceEnd, stack: &stack)
            }
            return try finish(&stack, &frame)
        case .flowMapping:
            if frame.state == 1 {
                frame.state = 0
                return try flowValue(frame, after: token, closedBy: .flowMappingEnd, stack: &stack)
            }
            if token.kind == .flowMappingEnd {
                try scanner.skip()
                return try finish(&stack, &frame)
            }
            if !frame.first {
                guard token.kind == .flowEntry else { throw error("expected ',' or '}' in the flow mapping, found \(describe(token))", at: token.start) }
                try scanner.skip()
                if try scanner.peekKind() == .flowMappingEnd {
                    try scanner.skip()
                    return try finish(&stack, &frame)
                }
            }
            frame.first = false
            var next = try scanner.peek()
            if next.kind == .key {
                try scanner.skip()
                next = try scanner.peek()
            }
            frame.state = 1
            if [.value, .flowEntry, .flowMappingEnd].contains(next.kind) {
                return .value(.null, nodes: 1)
            }
            return try startNode(block: false, indentless: false, pointer: frame.pointer, stack: &stack, isKey: true)
        }
    }

    /// After a key in a flow mapping or pair: `: value`, or null when the entry ends first.
    mutating func flowValue(
        _ frame: Frame, after token: YAMLScanner.Token, closedBy end: YAMLScanner.Kind, stack: inout [Frame]
    ) throws(YAMLSyntaxError) -> Step {
        let child = childPointer(frame)
        guard token.kind == .value else {
            record(child, token.start)
            return .value(.null, nodes: 1)
        }
        try scanner.skip()
        let next = try scanner.peekKind()
        if next == .flowEntry || next == end {
            record(child, token.end)
            return .value(.null, nodes: 1)
        }
        return try startNode(block: false, indentless: false, pointer: child, stack: &stack)
    }

    func childPointer(_ frame: Frame) -> JSONPointer {
        positions == nil ? .root : frame.pointer.appending(frame.pendingKey?.0 ?? "")
    }

    func childPointer(_ frame: Frame, index: Int) -> JSONPointer {
        positions == nil ? .root : frame.pointer.appending(index: index)
    }

    /// Takes a finished node into the open collection.
    mutating func deliver(_ value: JSONValue, nodes count: Int, to frame: Frame) throws(YAMLSyntaxError) {
        frame.nodes += count
        switch frame.kind {
        case .blockSequence, .indentlessSequence, .flowSequence:
            frame.elements.append(value)
        case .blockMapping, .flowMapping, .flowPair:
            if frame.pendingMerge, let (_, mark) = frame.pendingKey, frame.state != 1 {
                // `<<: *defaults` merges keys in when the mapping ends (its own keys win).
                frame.merges.append((value, mark))
                frame.pendingKey = nil
                frame.pendingMerge = false
            } else if let (key, mark) = frame.pendingKey, frame.state != 1 {
                if let earlier = frame.existingKeyMark(key) {
                    throw error(
                        "the key \(JSONWriter.quoted(key)) is already in this mapping, at \(earlier.line):\(earlier.column): a key may appear once",
                        at: mark, .duplicateKey)
                }
                frame.addMember(key, value, at: mark)
                frame.pendingKey = nil
            } else {
                frame.pendingKey = (try keyText(value, at: lastNodeMark), lastNodeMark)
                frame.pendingMerge = lastScalarText == "<<" && value == .string("<<")
            }
        }
    }

    /// A key as JSON holds it: a string; scalars written as their text (numbers in decimal).
    func keyText(_ value: JSONValue, at mark: YAMLMark) throws(YAMLSyntaxError) -> String {
        switch value {
        case .string(let text): return text
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return lastScalarText.flatMap { YAMLResolver.integerText($0) } ?? number.description
        case .array, .object:
            throw error("a \(value.typeName == "array" ? "sequence" : "mapping") used as a mapping key: JSON keys are strings", at: mark, .complexKey)
        }
    }

    /// The position of the node last started (for keys and messages).
    var lastNodeMark = YAMLMark.start
    var lastScalarText: String? = nil

    mutating func finish(_ stack: inout [Frame], _ frame: inout Frame) throws(YAMLSyntaxError) -> Step {
        stack.removeLast()
        defer { frame.elements = []; frame.members = [] }
        var value: JSONValue
        switch frame.kind {
        case .blockSequence, .indentlessSequence, .flowSequence:
            value = .array(frame.elements)
        case .blockMapping, .flowMapping, .flowPair:
            if let (key, mark) = frame.pendingKey {
                // A key whose value never came (`{a}`, `? a` alone): null.
                if let earlier = frame.existingKeyMark(key) {
                    throw error(
                        "the key \(JSONWriter.quoted(key)) is already in this mapping, at \(earlier.line):\(earlier.column): a key may appear once",
                        at: mark, .duplicateKey)
                }
                frame.addMember(key, .null, at: mark)
                frame.nodes += 1
            }
            try merge(into: frame)
            value = .object(JSONObject(uncheckedUniqueMembers: frame.members))
        }
        value = try applyTag(frame.tag, to: value, at: frame.start)
        if let anchor = frame.anchor { anchors[anchor] = (value, frame.nodes) }
        return .value(value, nodes: frame.nodes)
    }

    /// Applies the mapping's `<<` entries (YAML 1.1's merge key, which ruamel.yaml and PyYAML
    /// read too): each merged mapping's keys the mapping does not have yet, in order, so that
    /// its own keys win and an earlier merged mapping wins over a later one.
    func merge(into frame: Frame) throws(YAMLSyntaxError) {
        for (source, mark) in frame.merges {
            let mappings: [JSONObject]
            switch source {
            case .object(let object): mappings = [object]
            case .array(let elements):
                var objects: [JSONObject] = []
                for element in elements {
                    guard case .object(let object) = element else {
                        throw error("'<<' merges mappings, and this sequence holds a \(element.typeName)", at: mark, .syntax)
                    }
                    objects.append(object)
                }
                mappings = objects
            default:
                throw error("'<<' merges a mapping or a sequence of mappings, not a \(source.typeName)", at: mark, .syntax)
            }
            for mapping in mappings {
                for member in mapping where frame.existingKeyMark(member.key) == nil {
                    frame.addMember(member.key, member.value, at: mark)
                }
            }
        }
    }

    /// Starts a node at the next token: a scalar or alias is returned whole, a collection is
    /// opened (pushed) and read by `advance`.
    mutating func startNode(
        block: Bool, indentless: Bool, pointer: JSONPointer, stack: inout [Frame], isKey: Bool = false
    ) throws(YAMLSyntaxError) -> Step {
        var token = try scanner.peek()
        lastNodeMark = token.start
        lastScalarText = nil
        if token.kind == .alias {
            try scanner.skip()
            guard let (value, count) = anchors[token.value] else {
                throw error("the alias *\(token.value) names no anchor defined before it", at: token.start, .undefinedAlias)
            }
            try self.count(nodes: count, at: token.start)
            record(pointer, token.start)
            return .value(value, nodes: count)
        }
        var anchor: String? = nil
        var tag: Tag? = nil
        let start = token.start
        while token.kind == .anchor || token.kind == .tag {
            try scanner.skip()
            if token.kind == .anchor {
                if anchor != nil { throw error("two anchors on one node", at: token.start) }
                anchor = token.value
            } else {
                if tag != nil { throw error("two tags on one node", at: token.start) }
                tag = try resolveTag(token)
            }
            token = try scanner.peek()
        }
        lastNodeMark = token.kind == .scalar ? token.start : start
        record(pointer, start)
        if case .other(let name)? = tag, options.unknownTags == .refuse {
            throw error(
                "unknown tag \(name): this reader knows the core schema's (!!str, !!int, …) and CloudFormation's short forms (!Ref, !Sub, …)",
                at: start, .tag)
        }
        if indentless && token.kind == .blockEntry {
            return try push(Frame(kind: .indentlessSequence, anchor: anchor, tag: tag, start: start, pointer: pointer), &stack)
        }
        let kind: Frame.Kind
        switch token.kind {
        case .scalar:
            try scanner.skip()
            var value = try YAMLResolver.resolve(token, tag: tag, options: options, error: { kind, message in error(message, at: token.start, kind) })
            if isKey, token.style == .plain { lastScalarText = token.value }
            try count(nodes: 1, at: token.start)
            value = try applyCloudFormation(tag, to: value, at: token.start)
            if let anchor { anchors[anchor] = (value, 1) }
            return .value(value, nodes: 1)
        case .flowSequenceStart: kind = .flowSequence
        case .flowMappingStart: kind = .flowMapping
        case .blockSequenceStart where block: kind = .blockSequence
        case .blockMappingStart where block: kind = .blockMapping
        default:
            guard anchor != nil || tag != nil else { throw error("expected a value, found \(describe(token))", at: token.start) }
            // Properties with no content: an empty scalar.
            var empty = YAMLScanner.Token(kind: .scalar, start: token.start, end: token.start)
            empty.value = ""
            var value = try YAMLResolver.resolve(empty, tag: tag, options: options, error: { kind, message in error(message, at: token.start, kind) })
            value = try applyCloudFormation(tag, to: value, at: token.start)
            try count(nodes: 1, at: token.start)
            if let anchor { anchors[anchor] = (value, 1) }
            return .value(value, nodes: 1)
        }
        try scanner.skip()
        return try push(Frame(kind: kind, anchor: anchor, tag: tag, start: start, pointer: pointer), &stack)
    }

    mutating func push(_ frame: Frame, _ stack: inout [Frame]) throws(YAMLSyntaxError) -> Step {
        if stack.count >= options.maximumDepth {
            throw error("more than \(options.maximumDepth) nested collections: the nesting limit", at: frame.start, .limit)
        }
        try count(nodes: 1, at: frame.start)
        stack.append(frame)
        return .pushed
    }

    mutating func count(nodes added: Int, at mark: YAMLMark) throws(YAMLSyntaxError) {
        nodes += added
        if nodes > limitNodes {
            throw error(
                "the document expands to more than \(limitNodes) values (aliases repeat what they name): the expansion limit, 100 values per byte of input",
                at: mark, .limit)
        }
    }

    mutating func record(_ pointer: JSONPointer, _ mark: YAMLMark) {
        if positions != nil, positions![pointer] == nil { positions![pointer] = mark.position }
    }
}
