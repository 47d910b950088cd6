/// Where values sit in a JSON text: the line and column of the values that JSON Pointers
/// designate. One forward pass that descends only into the members and elements on the way
/// to a wanted value and skips everything else with a byte scan, so finding the places of a
/// few errors in a large payload costs about one scan of it, and nothing when there are none.
public enum JSONPositions {
    /// A 1-based line and column; columns count Unicode scalars, as editors do.
    public struct Position: Sendable, Hashable, CustomStringConvertible {
        public var line: Int
        public var column: Int

        public init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }

        /// `LINE:COLUMN`.
        public var description: String { "\(line):\(column)" }
    }

    /// The byte offset in `bytes` of a position `locate` reported there (the inverse mapping:
    /// lines end at LF, CRLF or a lone CR; columns count Unicode scalars); `bytes.count` when
    /// it lies past the end.
    public static func offset(of position: Position, in bytes: [UInt8]) -> Int {
        var line = 1, index = 0
        while line < position.line, index < bytes.count {
            if bytes[index] == 0x0A || (bytes[index] == 0x0D && (index + 1 >= bytes.count || bytes[index + 1] != 0x0A)) { line += 1 }
            index += 1
        }
        var column = 1
        while column < position.column, index < bytes.count {
            index += 1
            while index < bytes.count, bytes[index] & 0xC0 == 0x80 { index += 1 }
            column += 1
        }
        return index
    }

    /// Pointers deeper than this are left out (the walk recurses once per token, and no
    /// document the parser accepts by default is deeper than 512).
    public static let maximumDepth = 1024

    /// The positions of the values `pointers` designate in `bytes` (a JSON text). A pointer
    /// that designates nothing there is left out. Lines end at LF, CRLF or a lone CR. With
    /// duplicate keys, the last one's value is the one found (as the parser keeps it).
    public static func locate(_ pointers: some Sequence<JSONPointer>, in bytes: [UInt8]) -> [JSONPointer: Position] {
        var trie = PointerTrie()
        for pointer in pointers where pointer.tokens.count <= maximumDepth { trie.insert(pointer) }
        guard !trie.isEmpty else { return [:] }
        return bytes.withUnsafeBufferPointer { buffer in
            var scan = PositionScan(bytes: buffer, trie: trie)
            let start = scan.skipWhitespace(scan.skipByteOrderMark())
            _ = scan.value(at: start, node: 0)
            return scan.found
        }
    }
}

/// The wanted pointers as a tree of tokens.
struct PointerTrie {
    struct Node {
        var members: [String: Int] = [:]
        /// Array indices wanted under this node, sorted, with their nodes.
        var elements: [(index: Int, node: Int)] = []
        var target: JSONPointer?
    }

    var nodes = [Node()]
    var isEmpty = true

    mutating func insert(_ pointer: JSONPointer) {
        var node = 0
        for token in pointer.tokens {
            if let next = nodes[node].members[token] {
                node = next
                continue
            }
            nodes.append(Node())
            let next = nodes.count - 1
            nodes[node].members[token] = next
            // A token that reads as an array index also names an element.
            if let index = PointerTrie.arrayIndex(token) {
                nodes[node].elements.append((index, next))
                nodes[node].elements.sort { $0.index < $1.index }
            }
            node = next
        }
        nodes[node].target = pointer
        isEmpty = false
    }

    static func arrayIndex(_ token: String) -> Int? {
        guard let first = token.utf8.first, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9"), token.utf8.count <= 18 else { return nil }
        if first == UInt8(ascii: "0") && token.utf8.count > 1 { return nil }
        return Int(token)
    }
}

/// The scan itself: positions of `0…count` offsets, never past the buffer's end.
struct PositionScan {
    let bytes: UnsafeBufferPointer<UInt8>
    let trie: PointerTrie
    var found: [JSONPointer: JSONPositions.Position] = [:]
    // Line bookkeeping, moved forward only: lines counted before `countedTo`, where the line
    // holding it starts, and the column of `columnOffset` on that line.
    private var line = 1
    private var countedTo = 0
    private var lineStart = 0
    private var columnOffset = 0
    private var column = 1

    init(bytes: UnsafeBufferPointer<UInt8>, trie: PointerTrie) {
        self.bytes = bytes
        self.trie = trie
    }

    func skipByteOrderMark() -> Int {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
    }

    func skipWhitespace(_ start: Int) -> Int {
        var index = start
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return index
            }
        }
        return index
    }

    /// After the string starting at `start` (its opening quote).
    func skipString(_ start: Int) -> Int {
        var index = start + 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""): return index + 1
            case UInt8(ascii: "\\"): index += 2
            default: index += 1
            }
        }
        return bytes.count
    }

    /// After the value starting at `start`.
    func skipValue(_ start: Int) -> Int {
        guard start < bytes.count else { return start }
        switch bytes[start] {
        case UInt8(ascii: "\""):
            return skipString(start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            return skipContainer(from: start, depth: 0)
        default:
            var index = start
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D: return index
                default: index += 1
                }
            }
            return index
        }
    }

    /// After the container that `depth` open brackets before `start` began (0: `start` opens it).
    func skipContainer(from start: Int, depth: Int) -> Int {
            var depth = depth
            var index = start
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    index = skipString(index)
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return index + 1 }
                default:
                    break
                }
                index += 1
            }
            return bytes.count
    }

    /// The key (decoded) of the string starting at `start`, and the index after it.
    func key(at start: Int) -> (String, Int) {
        let end = skipString(start)
        let body = UnsafeBufferPointer(rebasing: bytes[(start + 1)..<max(start + 1, end - 1)])
        guard body.contains(UInt8(ascii: "\\")) else { return (String(decoding: body, as: UTF8.self), end) }
        // Rare: escapes. The parser decodes them.
        let text = UnsafeBufferPointer(rebasing: bytes[start..<end])
        let decoded = (try? JSONParser().parse(text))?.stringValue
        return (decoded ?? String(decoding: body, as: UTF8.self), end)
    }

    /// Records the position of `offset`: lines counted from where the last count stopped.
    mutating func record(_ pointer: JSONPointer, at offset: Int) {
        var index = countedTo
        while index < offset {
            let byte = bytes[index]
            if byte == 0x0A || (byte == 0x0D && (index + 1 >= bytes.count || bytes[index + 1] != 0x0A)) {
                line += 1
                lineStart = index + 1
            }
            index += 1
        }
        countedTo = offset
        if columnOffset < lineStart {
            columnOffset = lineStart
            column = 1
        }
        // Columns count scalars: every byte that does not continue a UTF-8 sequence.
        for position in columnOffset..<offset where bytes[position] & 0xC0 != 0x80 { column += 1 }
        columnOffset = offset
        found[pointer] = JSONPositions.Position(line: line, column: column)
    }

    /// Walks the value at `start` (whitespace skipped) for the wanted pointers under `node`;
    /// the index after it.
    mutating func value(at start: Int, node: Int) -> Int {
        guard start < bytes.count else { return start }
        let entry = trie.nodes[node]
        if let target = entry.target { record(target, at: start) }
        guard !entry.members.isEmpty else { return skipValue(start) }
        switch bytes[start] {
        case UInt8(ascii: "{"):
            var index = skipWhitespace(start + 1)
            while index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                let (name, afterKey) = key(at: index)
                index = skipWhitespace(afterKey)
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return index }
                index = skipWhitespace(index + 1)
                if let child = entry.members[name] {
                    index = value(at: index, node: child)
                } else {
                    index = skipValue(index)
                }
                index = skipWhitespace(index)
                guard index < bytes.count, bytes[index] == UInt8(ascii: ",") else { break }
                index = skipWhitespace(index + 1)
            }
            return index < bytes.count && bytes[index] == UInt8(ascii: "}") ? index + 1 : index
        case UInt8(ascii: "["):
            var index = skipWhitespace(start + 1)
            guard index < bytes.count, bytes[index] != UInt8(ascii: "]") else { return index + 1 }
            var element = 0
            var wanted = entry.elements.makeIterator()
            var next = wanted.next()
            while index < bytes.count {
                if let target = next, target.index == element {
                    index = value(at: index, node: target.node)
                    next = wanted.next()
                } else if next == nil {
                    // Nothing more is wanted here: skip the rest of the array at once.
                    return skipContainer(from: index, depth: 1)
                } else {
                    index = skipValue(index)
                }
                index = skipWhitespace(index)
                guard index < bytes.count, bytes[index] == UInt8(ascii: ",") else { break }
                index = skipWhitespace(index + 1)
                element += 1
            }
            return index < bytes.count && bytes[index] == UInt8(ascii: "]") ? index + 1 : index
        default:
            return skipValue(start)
        }
    }
}
