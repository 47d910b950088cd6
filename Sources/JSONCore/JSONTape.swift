/// A parsed JSON document in one flat buffer of 64-bit words, in document order: what a
/// validator walks fastest (no allocation per object, each value's kind in its first word, the
/// next value right after it). `JSONValue` is the document to read and change; `JSONTape` is
/// the one to check many times or at speed. `value(at:)` gives any part as a `JSONValue`.
///
/// Same grammar, limits, errors and duplicate-key rule as `JSONParser` (it reads with the same
/// reader); object keys are interned, so a key is compared as a number (`keyID(of:)`).
///
/// Layout, one word unless said: null, false, true; a number whose significand fits 48 bits
/// and exponent 8 bits; a longer number in two words; a number with too many digits (an index
/// in a side table); a string (an index in a side table); an array or object: the position
/// after its end, then its element or member count, then its elements or key-value pairs,
/// each key one word holding the key's number.
public struct JSONTape: Sendable {
    /// The kind of a value.
    public enum Kind: UInt8, Sendable {
        case null, bool, number, string, array, object
    }

    /// The words; see the type's comment.
    @usableFromInline let words: [UInt64]
    @usableFromInline let strings: [String]
    @usableFromInline let bigNumbers: [JSONNumber]
    /// Each key's text, by number.
    @usableFromInline let keys: [String]
    /// Key numbers by text (see `TapeBuilder.keyNumbers`).
    let keyNumbers: [String: [UInt32]]
    /// When the top level is an array: the positions of its elements 0, 1024, 2048, … (so
    /// that a walk can start anywhere without hopping over every element before).
    let rootElementMarks: [Int]
    /// See `rootElementMarks`.
    static let markStride = 1024

    /// A word's low byte: its value's `Kind` in the low three bits (a key is 6), the variant
    /// above them.
    @usableFromInline enum Tag: UInt64 {
        case null = 0, falseValue = 1, trueValue = 0x09, shortNumber = 2, number = 0x0A, bigNumber = 0x12
        case string = 3, array = 4, object = 5, key = 6
    }

    init(_ builder: TapeBuilder) {
        words = builder.words
        strings = builder.strings
        bigNumbers = builder.bigNumbers
        keys = builder.keys
        keyNumbers = builder.keyNumbers
        rootElementMarks = builder.rootElementMarks
    }

    /// Parses `bytes` into a tape; `JSONParser`'s options and errors (the parallel threshold
    /// does not apply: a tape is built in one pass).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, options: JSONParser.Options = JSONParser.Options()) throws(JSONSyntaxError) -> JSONTape {
        var reader = JSONReader(bytes: bytes, options: options)
        return try reader.parseTape()
    }

    /// Parses a byte array into a tape.
    public static func parse(_ bytes: [UInt8], options: JSONParser.Options = JSONParser.Options()) throws(JSONSyntaxError) -> JSONTape {
        let result: Result<JSONTape, JSONSyntaxError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(JSONSyntaxError) { return .success(try parse(buffer, options: options)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Parses text into a tape.
    public static func parse(_ text: String, options: JSONParser.Options = JSONParser.Options()) throws(JSONSyntaxError) -> JSONTape {
        try parse(Array(text.utf8), options: options)
    }

    // MARK: - Reading

    /// The position of the document's top-level value.
    public static let root = 0

    /// How many words the tape holds (its size is eight bytes each, plus its side tables).
    public var wordCount: Int { words.count }

    /// Whether the number in `word` is an integer; nil for a number with too many digits
    /// (its side-table entry knows), false for anything else. Shared by the tape and its view.
    @inlinable @inline(__always)
    static func integerness(of word: UInt64) -> Bool? {
        switch word & 0xFF {
        case Tag.shortNumber.rawValue: return Int8(truncatingIfNeeded: word >> 8) >= 0
        case Tag.number.rawValue: return Int32(truncatingIfNeeded: word >> 32) >= 0
        case Tag.bigNumber.rawValue: return nil
        default: return false
        }
    }

    /// The position after the value at `position`, whose first word is `word`.
    @inlinable @inline(__always)
    static func position(after position: Int, word: UInt64) -> Int {
        switch word & 0xFF {
        case Tag.number.rawValue: return position + 2
        case Tag.array.rawValue: return Int(word >> 8)
        case Tag.object.rawValue: return Int(word >> 16)
        default: return position + 1
        }
    }

    /// The kind of the value at `position`.
    @inlinable @inline(__always)
    public func kind(at position: Int) -> Kind {
        guard let kind = Kind(rawValue: UInt8(truncatingIfNeeded: words[position] & 7)) else {
            preconditionFailure("JSONTape: position \(position) is not a value")
        }
        return kind
    }

    /// Whether the value at `position` is a number written without a fractional part
    /// (`JSONNumber.isInteger`).
    @inlinable @inline(__always)
    public func isInteger(at position: Int) -> Bool {
        let word = words[position]
        return JSONTape.integerness(of: word) ?? bigNumbers[Int(word >> 8)].isInteger
    }

    /// The position just after the value at `position` (and everything inside it).
    @inlinable @inline(__always)
    public func next(after position: Int) -> Int {
        JSONTape.position(after: position, word: words[position])
    }

    /// The element count of the array, or the member count of the object, at `position`.
    @inlinable @inline(__always)
    public func count(at position: Int) -> Int { Int(words[position + 1]) }

    /// The position of the first element of the array, or the first key of the object, at
    /// `position`. A key is followed by its value; the next key is at `next(after:)` the value.
    @inlinable @inline(__always)
    public func firstChild(at position: Int) -> Int { position + 2 }

    /// The number of the key at `position` (a key's position, as `firstChild(at:)` gives).
    @inlinable @inline(__always)
    public func keyID(at position: Int) -> Int { Int(words[position] >> 8) }

    /// The position of element `index` of the array at `position` (`index` less than its
    /// count): one hop per element before it, or, for the top-level array, at most 1,023 hops
    /// from a position remembered while parsing.
    public func position(ofElement index: Int, inArrayAt position: Int) -> Int {
        precondition(index >= 0 && index < count(at: position), "JSONTape: element \(index) is out of range")
        var element = firstChild(at: position)
        var hops = index
        if position == JSONTape.root, !rootElementMarks.isEmpty {
            element = rootElementMarks[index / JSONTape.markStride]
            hops = index % JSONTape.markStride
        }
        for _ in 0..<hops { element = next(after: element) }
        return element
    }

    /// Whether the object at `position` repeats a key (`value(at:)` then keeps the last value
    /// at the first one's place, as `JSONParser` does).
    @inlinable @inline(__always)
    public func repeatsKeys(at position: Int) -> Bool { words[position] & 0x100 != 0 }

    /// The number this tape gives key `name`, compared byte for byte; nil when no object of
    /// the document has that key.
    public func keyID(of name: String) -> Int? {
        keyNumbers[name]?.first { sameUTF8(keys[Int($0)], name) }.map(Int.init)
    }

    /// The text of key number `id`.
    public func key(_ id: Int) -> String { keys[id] }

    /// The value at `position` (the root by default) as a `JSONValue`.
    public func value(at position: Int = JSONTape.root) -> JSONValue {
        var cursor = position
        return value(&cursor)
    }

    private func value(_ position: inout Int) -> JSONValue {
        let word = words[position]
        position += 1
        switch Tag(rawValue: word & 0xFF) {
        case .null: return .null
        case .falseValue: return .bool(false)
        case .trueValue: return .bool(true)
        case .shortNumber:
            let exponent = Int32(Int8(truncatingIfNeeded: word >> 8))
            return .number(JSONNumber(significand: Int64(bitPattern: word) >> 16, exponent: exponent))
        case .number:
            let significand = Int64(bitPattern: words[position])
            position += 1
            return .number(JSONNumber(significand: significand, exponent: Int32(truncatingIfNeeded: word >> 32)))
        case .bigNumber: return .number(bigNumbers[Int(word >> 8)])
        case .string: return .string(strings[Int(word >> 8)])
        case .array:
            let count = Int(words[position])
            position += 1
            var elements: [JSONValue] = []
            elements.reserveCapacity(count)
            for _ in 0..<count { elements.append(value(&position)) }
            return .array(elements)
        case .object:
            let count = Int(words[position])
            position += 1
            var members: [JSONObject.Member] = []
            members.reserveCapacity(count)
            for _ in 0..<count {
                let key = keys[Int(words[position] >> 8)]
                position += 1
                members.append(JSONObject.Member(key: key, value: value(&position)))
            }
            // A repeated key: the last value at the first one's place, as the parser keeps it.
            return .object(word & 0x100 != 0 ? JSONObject(members) : JSONObject(uniqueMembers: members))
        case .key, nil:
            preconditionFailure("JSONTape: position \(position - 1) is not a value")
        }
    }
}

extension JSONTape {
    /// The tape read in place, for walking it at speed: the same questions as `JSONTape`
    /// asks, without copying the tape or checking positions in optimised builds (a position
    /// must be one the tape gave: the root, `firstChild(at:)`, `next(after:)`, or one past a
    /// key). Valid only inside `withView`.
    public struct View {
        /// The words (layout in `JSONTape`'s comment: a word's low byte is its tag; a short
        /// number holds its exponent in the next byte).
        public let words: UnsafeBufferPointer<UInt64>
        @usableFromInline let bigNumbers: UnsafeBufferPointer<JSONNumber>

        @usableFromInline init(words: UnsafeBufferPointer<UInt64>, bigNumbers: UnsafeBufferPointer<JSONNumber>) {
            self.words = words
            self.bigNumbers = bigNumbers
        }

        /// `Kind.rawValue` of the value at `position` (6 for a key).
        @inlinable @inline(__always)
        public func kindCode(at position: Int) -> UInt8 { UInt8(truncatingIfNeeded: words[position] & 7) }

        /// See `JSONTape.isInteger(at:)`.
        @inlinable @inline(__always)
        public func isInteger(at position: Int) -> Bool {
            let word = words[position]
            return JSONTape.integerness(of: word) ?? bigNumbers[Int(word >> 8)].isInteger
        }

        /// See `JSONTape.next(after:)`.
        @inlinable @inline(__always)
        public func next(after position: Int) -> Int {
            JSONTape.position(after: position, word: words[position])
        }

        /// The words the scalar at `position` takes (1, or 2 for a long number): `next(after:)`
        /// without its cases for arrays and objects.
        @inlinable @inline(__always)
        public func width(ofScalarAt position: Int) -> Int { words[position] & 0xFF == Tag.number.rawValue ? 2 : 1 }

        /// See `JSONTape.count(at:)`.
        @inlinable @inline(__always)
        public func count(at position: Int) -> Int { Int(words[position + 1]) }

        /// See `JSONTape.keyID(at:)`.
        @inlinable @inline(__always)
        public func keyID(at position: Int) -> Int { Int(words[position] >> 8) }

        /// See `JSONTape.repeatsKeys(at:)`.
        @inlinable @inline(__always)
        public func repeatsKeys(at position: Int) -> Bool { words[position] & 0x100 != 0 }
    }

    /// Calls `body` with the tape read in place (see `View`).
    @inlinable
    public func withView<Result>(_ body: (View) throws -> Result) rethrows -> Result {
        try words.withUnsafeBufferPointer { words in
            try bigNumbers.withUnsafeBufferPointer { numbers in try body(View(words: words, bigNumbers: numbers)) }
        }
    }
}

/// Builds a tape as the reader goes.
struct TapeBuilder {
    var words: [UInt64] = []
    var strings: [String] = []
    var bigNumbers: [JSONNumber] = []
    var keys: [String] = []
    /// Key numbers by text; canonically equal but different texts are different keys, so each
    /// text keeps a short list checked byte for byte.
    var keyNumbers: [String: [UInt32]] = [:]
    /// The last key met at each nesting level (mod 4) and member position (< 16), with its
    /// number: the usual repeat of a record's keys is two word comparisons.
    var recent: [(form: StoredForm, id: UInt32)]
    /// Key numbers of the objects being read (to notice a repeated key).
    var objectKeys: [UInt32] = []
    /// See `JSONTape.rootElementMarks`.
    var rootElementMarks: [Int] = []

    init(capacity: Int) {
        words.reserveCapacity(capacity)
        recent = Array(repeating: (StoredForm(of: ""), UInt32.max), count: 64)
    }

    mutating func append(_ tag: JSONTape.Tag, _ payload: UInt64 = 0) {
        words.append(tag.rawValue | payload << 8)
    }

    mutating func append(_ number: JSONNumber) {
        switch number.storage {
        case .scaled(let significand, let exponent):
            if exponent >= -128, exponent <= 127, significand >= -(1 << 47), significand < 1 << 47 {
                words.append(JSONTape.Tag.shortNumber.rawValue | UInt64(UInt8(bitPattern: Int8(exponent))) << 8 | UInt64(bitPattern: significand) << 16)
            } else {
                words.append(JSONTape.Tag.number.rawValue | UInt64(UInt32(bitPattern: exponent)) << 32)
                words.append(UInt64(bitPattern: significand))
            }
        case .big:
            bigNumbers.append(number)
            append(.bigNumber, UInt64(bigNumbers.count - 1))
        }
    }

    mutating func append(string: String) {
        strings.append(string)
        append(.string, UInt64(strings.count - 1))
    }

    /// The number of `key`, met at member `position` of an object at `depth`.
    mutating func keyID(_ key: String, depth: Int, position: Int) -> UInt32 {
        let slot = position < 16 ? (depth & 3) << 4 | position : -1
        let form = StoredForm(of: key)
        if slot >= 0, recent[slot].id != UInt32.max, recent[slot].form.isAlike(form) { return recent[slot].id }
        let id: UInt32
        if let found = keyNumbers[key]?.first(where: { sameUTF8(keys[Int($0)], key) }) {
            id = found
        } else {
            id = UInt32(keys.count)
            keys.append(key)
            keyNumbers[key, default: []].append(id)
        }
        if slot >= 0 { recent[slot] = (form, id) }
        return id
    }
}

extension JSONReader {
    mutating func parseTape() throws(JSONSyntaxError) -> JSONTape {
        var builder = TapeBuilder(capacity: min(bytes.count / 4 + 4, 1 << 20))
        try expectDocument()
        try tapeValue(&builder)
        try expectDocumentEnd()
        return JSONTape(builder)
    }

    mutating func tapeValue(_ builder: inout TapeBuilder) throws(JSONSyntaxError) {
        guard index < bytes.count else { throw unexpected("a JSON value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): try tapeObject(&builder)
        case UInt8(ascii: "["): try tapeArray(&builder)
        case UInt8(ascii: "\""): builder.append(string: try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); builder.append(.trueValue)
        case UInt8(ascii: "f"): try expectLiteral("false"); builder.append(.falseValue)
        case UInt8(ascii: "n"): try expectLiteral("null"); builder.append(.null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): builder.append(try parseNumber())
        default: throw unexpected("a JSON value")
        }
    }

    mutating func tapeArray(_ builder: inout TapeBuilder) throws(JSONSyntaxError) {
        try enter()
        index += 1
        let start = builder.words.count
        builder.words.append(0)
        builder.words.append(0)
        var count: UInt64 = 0
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
        } else {
            repeat {
                skipWhitespace()
                if start == JSONTape.root, count % UInt64(JSONTape.markStride) == 0 { builder.rootElementMarks.append(builder.words.count) }
                try tapeValue(&builder)
                count += 1
            } while try listContinues(closingWith: UInt8(ascii: "]"))
        }
        depth -= 1
        builder.words[start] = JSONTape.Tag.array.rawValue | UInt64(builder.words.count) << 8
        builder.words[start + 1] = count
    }

    mutating func tapeObject(_ builder: inout TapeBuilder) throws(JSONSyntaxError) {
        try enter()
        index += 1
        let start = builder.words.count
        builder.words.append(0)
        builder.words.append(0)
        let keysBase = builder.objectKeys.count
        defer { builder.objectKeys.removeSubrange(keysBase...) }
        var repeats = false
        var seen: Set<UInt32>? = nil
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
        } else {
            let caching = keyCache.objectStarts()
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw unexpected("a string key") }
                let keyOffset = index
                let position = builder.objectKeys.count - keysBase
                let key: String
                if caching, let (remembered, length) = keyCache.key(depth: depth, position: position, in: bytes, at: index + 1) {
                    key = remembered
                    index += length + 2
                } else {
                    key = try parseString()
                    if caching {
                        keyCache.remember(key, raw: UnsafeBufferPointer(rebasing: bytes[keyOffset + 1..<index - 1]), depth: depth, position: position)
                    }
                }
                let id = builder.keyID(key, depth: depth, position: position)
                // A repeated key: a linear look for small objects, a set for large ones.
                var repeated = false
                if position < 16 {
                    repeated = builder.objectKeys[keysBase...].contains(id)
                } else {
                    if seen == nil { seen = Set(builder.objectKeys[keysBase...]) }
                    repeated = !seen!.insert(id).inserted
                }
                builder.objectKeys.append(id)
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw unexpected("':'") }
                index += 1
                skipWhitespace()
                builder.append(.key, UInt64(id))
                try tapeValue(&builder)
                // After the value, as the parser does (a syntax error in it is reported first).
                if repeated {
                    if options.rejectDuplicateKeys { throw error(.duplicateKey(key), at: keyOffset) }
                    repeats = true
                }
                if try !listContinues(closingWith: UInt8(ascii: "}")) { break }
            }
        }
        depth -= 1
        builder.words[start] = JSONTape.Tag.object.rawValue | (repeats ? 0x100 : 0) | UInt64(builder.words.count) << 16
        builder.words[start + 1] = UInt64(builder.objectKeys.count - keysBase)
    }
}
