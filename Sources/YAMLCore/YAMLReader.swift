#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import JSONCore
import Synchronization

/// One document of a YAML stream: its value, where each value starts (when asked for), and
/// where the document starts.
public struct YAMLDocument: Sendable {
    /// The document as JSON.
    public let value: JSONValue
    /// The line and column where each value of the document starts, by JSON Pointer (empty
    /// unless `Options.recordPositions`).
    public let positions: [JSONPointer: JSONPositions.Position]
    /// Where the document's content starts.
    public let start: JSONPositions.Position

    init(value: JSONValue, positions: [JSONPointer: JSONPositions.Position], start: JSONPositions.Position) {
        self.value = value
        self.positions = positions
        self.start = start
    }

    /// Where the value `pointer` names starts, or the nearest enclosing value that is there
    /// (for a member that is missing); nil without recorded positions.
    public func position(nearest pointer: JSONPointer) -> JSONPositions.Position? {
        var tokens = pointer.tokens
        while true {
            if let position = positions[JSONPointer(tokens: tokens)] { return position }
            if tokens.isEmpty { return nil }
            tokens.removeLast()
        }
    }
}

/// Reads YAML 1.2 into `JSONValue`: block and flow collections, every scalar style, comments,
/// directives, multi-document streams, anchors and aliases, explicit keys; the core schema for
/// plain scalars (`yes`, `on`, `2010-09-09` and `1_000` stay strings); CloudFormation's short
/// tags as their long forms (`!Ref X` → `{"Ref": "X"}`). What JSON cannot hold is refused with
/// its line and column: a mapping or sequence as a key, a key written twice, `.inf` and `.nan`,
/// an unknown tag (unless `unknownTags` is `.untagged`). Bounded: nesting depth, and the values
/// aliases expand to (100 per byte of input by default, so a "billion laughs" text is refused).
public struct YAMLReader: Sendable {
    /// What an unknown tag (`!Custom`) does.
    public enum UnknownTags: Sendable {
        /// It is an error naming its line and column.
        case refuse
        /// The node reads as if it had no tag.
        case untagged
    }

    /// Options.
    public struct Options: Sendable {
        /// Collections nested at most this deep.
        public var maximumDepth: Int
        /// At most this many values after aliases are expanded; nil: 100 per byte of input (at
        /// least 100,000).
        public var maximumAliasExpansion: Int?
        /// What an unknown tag does.
        public var unknownTags: UnknownTags
        /// Read `!Ref`, `!GetAtt`, `!Sub`, … as CloudFormation's long forms.
        public var cloudFormationTags: Bool
        /// Record each value's line and column (`YAMLDocument.positions`).
        public var recordPositions: Bool

        /// Options.
        public init(
            maximumDepth: Int = 512, maximumAliasExpansion: Int? = nil, unknownTags: UnknownTags = .refuse, cloudFormationTags: Bool = true,
            recordPositions: Bool = false
        ) {
            self.maximumDepth = maximumDepth
            self.maximumAliasExpansion = maximumAliasExpansion
            self.unknownTags = unknownTags
            self.cloudFormationTags = cloudFormationTags
            self.recordPositions = recordPositions
        }
    }

    /// The options in force.
    public var options: Options

    /// A reader.
    public init(options: Options = Options()) { self.options = options }

    /// Every document of the stream (an empty text has none).
    public func documents(_ bytes: [UInt8]) throws(YAMLSyntaxError) -> [YAMLDocument] {
        try documents(bytes, fastPath: true)
    }

    /// `documents`, reading the common shape of YAML straight from its bytes when `fastPath`
    /// allows (`YAMLFastReader`: the same value, faster; anything else is read in full).
    package func documents(_ bytes: [UInt8], fastPath: Bool) throws(YAMLSyntaxError) -> [YAMLDocument] {
        if YAMLReader.firstUnreadable(bytes) != nil {
            // Where, and why, in words: the slower scans that count lines and columns.
            if let bad = YAMLReader.firstInvalidUTF8(bytes) {
                throw YAMLSyntaxError(.encoding, line: bad.line, column: bad.column, "the text is not valid UTF-8 here")
            }
            if let control = YAMLReader.firstNonPrintable(bytes) {
                throw YAMLSyntaxError(
                    .encoding, line: control.line, column: control.column,
                    "a control character (U+\(control.code)) YAML text may not hold: write it as an escape in a double-quoted scalar")
            }
        }
        return try bytes.withUnsafeBufferPointer { (buffer) throws(YAMLSyntaxError) -> [YAMLDocument] in
            if fastPath, !options.recordPositions {
                // A large top-level sequence is read in parts on all cores, as JSONParser reads a
                // large array.
                if buffer.count >= YAMLReader.parallelThreshold, let document = parallelSequence(buffer) { return [document] }
                if let document = YAMLFastReader.read(buffer, maximumDepth: options.maximumDepth) { return [document] }
            }
            var composer = YAMLComposer(
                scanner: YAMLScanner(buffer, maximumDepth: options.maximumDepth), options: options, inputBytes: buffer.count)
            if options.recordPositions { composer.positions = [:] }
            return try composer.documents()
        }
    }

    /// Texts at least this large that are a top-level sequence are read on all cores (1 MiB).
    static let parallelThreshold = 1 << 20

    /// A top-level block sequence of the common shape, its parts read on all cores and joined in
    /// order; nil when the text is not one (the sequential readers then read it).
    func parallelSequence(_ buffer: UnsafeBufferPointer<UInt8>) -> YAMLDocument? {
        let cores = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let points = YAMLFastReader.splitPoints(buffer, parts: cores)
        guard points.count > 1 else { return nil }
        let parts = Mutex<[[JSONValue]?]>(Array(repeating: nil, count: points.count))
        let shared = SharedBuffer(buffer: buffer)
        let maximumDepth = options.maximumDepth
        DispatchQueue.concurrentPerform(iterations: points.count) { part in
            let end = part + 1 < points.count ? points[part + 1] : shared.buffer.count
            let slice = UnsafeBufferPointer(rebasing: shared.buffer[points[part]..<end])
            let collected = ElementBox()
            let outcome = YAMLFastReader.stream(slice, maximumDepth: maximumDepth) { element in
                collected.elements.append(element)
                return true
            }
            if outcome != nil { parts.withLock { $0[part] = collected.elements } }
        }
        let all = parts.withLock { $0 }
        guard all.allSatisfy({ $0 != nil }) else { return nil }
        var elements: [JSONValue] = []
        elements.reserveCapacity(all.reduce(0) { $0 + $1!.count })
        for part in all { elements.append(contentsOf: part!) }
        return YAMLDocument(value: .array(elements), positions: [:], start: JSONPositions.Position(line: firstContentLine(buffer), column: 1))
    }

    /// The line of the first line that is neither blank nor a comment.
    func firstContentLine(_ buffer: UnsafeBufferPointer<UInt8>) -> Int {
        var line = 1
        var index = 0
        while index < buffer.count {
            var position = index
            while position < buffer.count, buffer[position] == 0x20 { position += 1 }
            if position < buffer.count, buffer[position] != 0x0A, buffer[position] != UInt8(ascii: "#") { return line }
            while position < buffer.count, buffer[position] != 0x0A { position += 1 }
            index = position + 1
            line += 1
        }
        return line
    }

    /// One part's elements, filled by the one thread that reads the part.
    final class ElementBox: @unchecked Sendable {
        var elements: [JSONValue] = []
    }

    /// What `streamTopLevelSequence` did.
    public enum Streamed: Sendable, Equatable {
        /// Every element was handed over: this many.
        case all(count: Int)
        /// `visit` refused an element (the rest were not all read).
        case stopped
        /// The text is not a top-level block sequence of the common shape (block mappings and
        /// sequences of one-line scalars): read it with `documents` instead.
        case notStreamable
    }

    /// For a text that is one top-level block sequence of the common shape: hands each element
    /// to `visit` as it is read, never holding the sequence whole, on up to `parts` threads
    /// (the text split at its top-level entries; `visit` gets no order). A valid text's elements
    /// are exactly those `documents` reads.
    public func streamTopLevelSequence(_ bytes: [UInt8], parts: Int, visit: @escaping @Sendable (JSONValue) -> Bool) -> Streamed {
        guard YAMLReader.firstUnreadable(bytes) == nil else { return .notStreamable }
        return bytes.withUnsafeBufferPointer { buffer -> Streamed in
            let points = YAMLFastReader.splitPoints(buffer, parts: max(1, parts))
            let outcomes = Mutex<[(count: Int, stopped: Bool)?]>(Array(repeating: nil, count: points.count))
            let shared = SharedBuffer(buffer: buffer)
            DispatchQueue.concurrentPerform(iterations: points.count) { part in
                let end = part + 1 < points.count ? points[part + 1] : shared.buffer.count
                let slice = UnsafeBufferPointer(rebasing: shared.buffer[points[part]..<end])
                let outcome = YAMLFastReader.stream(slice, maximumDepth: options.maximumDepth, visit: visit)
                outcomes.withLock { $0[part] = outcome }
            }
            let all = outcomes.withLock { $0 }
            guard all.allSatisfy({ $0 != nil }) else { return all.contains { $0?.stopped == true } ? .stopped : .notStreamable }
            if all.contains(where: { $0!.stopped }) { return .stopped }
            return .all(count: all.reduce(0) { $0 + $1!.count })
        }
    }

    /// A buffer handed to worker threads that only read it while the caller waits.
    struct SharedBuffer: @unchecked Sendable {
        let buffer: UnsafeBufferPointer<UInt8>
    }

    /// The stream's one document (`null` for an empty text); more than one is an error at the second.
    public func parse(_ bytes: [UInt8]) throws(YAMLSyntaxError) -> JSONValue {
        let all = try documents(bytes)
        if all.count > 1 {
            throw YAMLSyntaxError(.syntax, line: all[1].start.line, column: all[1].start.column, "a second document: one was expected here")
        }
        return all.first?.value ?? .null
    }

    /// `parse` for text.
    public func parse(_ text: String) throws(YAMLSyntaxError) -> JSONValue { try parse(Array(text.utf8)) }

    /// The offset of the first byte that is not valid UTF-8 or not YAML-printable, or nil: one
    /// pass, no allocation (the messages' line and column are worked out only when there is one).
    static func firstUnreadable(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { text -> Int? in
            var index = 0
            let count = text.count
            while index < count {
                let byte = text[index]
                if byte >= 0x20 && byte < 0x7F || byte == 0x0A || byte == 0x0D || byte == 0x09 {
                    index += 1
                    continue
                }
                if byte < 0x80 { return index }  // C0 controls, DEL
                // A multi-byte sequence: lead byte, continuation bytes, no overlong or surrogate forms.
                let length: Int
                var scalar: UInt32
                switch byte {
                case 0xC2...0xDF: length = 2; scalar = UInt32(byte & 0x1F)
                case 0xE0...0xEF: length = 3; scalar = UInt32(byte & 0x0F)
                case 0xF0...0xF4: length = 4; scalar = UInt32(byte & 0x07)
                default: return index
                }
                guard index + length <= count else { return index }
                for offset in 1..<length {
                    let continuation = text[index + offset]
                    guard continuation & 0xC0 == 0x80 else { return index }
                    scalar = scalar << 6 | UInt32(continuation & 0x3F)
                }
                if length == 3 && (scalar < 0x800 || (0xD800...0xDFFF).contains(scalar)) { return index }
                if length == 4 && (scalar < 0x10000 || scalar > 0x10FFFF) { return index }
                if (0x80...0x9F).contains(scalar) && scalar != 0x85 || scalar == 0xFFFE || scalar == 0xFFFF { return index }
                index += length
            }
            return nil
        }
    }

    /// Where the first character outside YAML's printable set is (C0 controls but tab, line
    /// feed and carriage return; DEL; C1 controls but NEL; U+FFFE, U+FFFF), or nil.
    static func firstNonPrintable(_ bytes: [UInt8]) -> (line: Int, column: Int, code: String)? {
        var line = 1
        var column = 1
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            var code: UInt32? = nil
            if byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D || byte == 0x7F {
                code = UInt32(byte)
            } else if byte == 0xC2, index + 1 < bytes.count, (0x80...0x9F).contains(bytes[index + 1]), bytes[index + 1] != 0x85 {
                code = UInt32(bytes[index + 1])
            } else if byte == 0xEF, index + 2 < bytes.count, bytes[index + 1] == 0xBF, bytes[index + 2] == 0xBE || bytes[index + 2] == 0xBF {
                code = bytes[index + 2] == 0xBE ? 0xFFFE : 0xFFFF
            }
            if let code {
                let hex = String(code, radix: 16, uppercase: true)
                return (line, column, String(repeating: "0", count: max(0, 4 - hex.count)) + hex)
            }
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
        return nil
    }

    /// Where the first byte that is not UTF-8 is, or nil.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> (line: Int, column: Int)? {
        if String(validating: bytes, as: UTF8.self) != nil { return nil }
        var line = 1
        var lineStart = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A {
                line += 1
                lineStart = index + 1
            }
            let length = byte < 0x80 ? 1 : byte >> 5 == 0b110 ? 2 : byte >> 4 == 0b1110 ? 3 : byte >> 3 == 0b11110 ? 4 : 0
            if length == 0 || index + length > bytes.count
                || String(validating: bytes[index..<(index + length)], as: UTF8.self) == nil
            {
                let column = String(decoding: bytes[lineStart..<index], as: UTF8.self).unicodeScalars.count + 1
                return (line, column)
            }
            index += length
        }
        return (line, 1)
    }
}
