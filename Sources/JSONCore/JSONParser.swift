#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A malformed JSON text: what was wrong and where (byte offset, 1-based line and column).
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What rule of RFC 8259 (or of the parser's limits) was broken.
    public enum Reason: Sendable, Equatable {
        case emptyInput
        case unexpectedEnd(expected: String)
        case unexpectedCharacter(found: String, expected: String)
        case invalidNumber
        case numberOutOfRange
        case invalidEscape
        case invalidUnicodeEscape
        case loneSurrogate
        case invalidUTF8
        case controlCharacterInString
        case nestingTooDeep(limit: Int)
        case duplicateKey(String)
        case trailingContent
    }

    /// The broken rule.
    public let reason: Reason
    /// Byte offset from the start of the text.
    public let offset: Int
    /// 1-based line.
    public let line: Int
    /// 1-based column, counted in Unicode scalars.
    public let column: Int

    /// A message without the location, e.g. `expected ',' or '}' but found 'x'`.
    public var message: String {
        switch reason {
        case .emptyInput: return "empty input: expected a JSON value"
        case .unexpectedEnd(let expected): return "unexpected end of input: expected \(expected)"
        case .unexpectedCharacter(let found, let expected): return "expected \(expected) but found \(found)"
        case .invalidNumber: return "malformed number"
        case .numberOutOfRange: return "number exponent out of the supported range"
        case .invalidEscape: return "invalid escape sequence in string"
        case .invalidUnicodeEscape: return "invalid \\u escape: expected four hexadecimal digits"
        case .loneSurrogate: return "lone UTF-16 surrogate in \\u escape"
        case .invalidUTF8: return "invalid UTF-8"
        case .controlCharacterInString: return "unescaped control character in string"
        case .nestingTooDeep(let limit): return "nesting deeper than \(limit) levels"
        case .duplicateKey(let key): return "duplicate object key \"\(key)\""
        case .trailingContent: return "unexpected content after the JSON value"
        }
    }

    /// `line:column: message`.
    public var description: String { "\(line):\(column): \(message)" }
}

/// A strict RFC 8259 parser from UTF-8 bytes to `JSONValue`.
///
/// Rejects invalid UTF-8, lone surrogates, unescaped control characters, leading zeros,
/// trailing commas and anything after the value. Nesting is limited (512 by default) so deep
/// input is an error, never a stack overflow. Duplicate keys: the last one wins, unless
/// `rejectDuplicateKeys` is set. A leading UTF-8 byte-order mark is skipped.
public struct JSONParser: Sendable {
    /// Limits and rules.
    public struct Options: Sendable {
        /// The deepest nesting of arrays and objects allowed.
        public var maximumDepth: Int
        /// Make a repeated object key an error instead of keeping the last value.
        public var rejectDuplicateKeys: Bool
        /// Texts at least this long whose top level is an array are parsed on all cores
        /// (same result and same errors as a sequential parse). `Int.max` turns it off.
        public var parallelThreshold: Int
        /// Options.
        public init(maximumDepth: Int = 512, rejectDuplicateKeys: Bool = false, parallelThreshold: Int = 1 << 20) {
            self.maximumDepth = maximumDepth
            self.rejectDuplicateKeys = rejectDuplicateKeys
            self.parallelThreshold = parallelThreshold
        }
    }

    /// The options in force.
    public var options: Options

    /// A parser.
    public init(options: Options = Options()) { self.options = options }

    /// Parses bytes.
    public func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        if bytes.count >= options.parallelThreshold, ParallelParsing.cores > 1,
            let value = ParallelParsing.parse(bytes, options: options)
        {
            return value
        }
        var reader = JSONReader(bytes: bytes, options: options)
        return try reader.parseDocument()
    }

    /// Parses a byte array.
    public func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        let result: Result<JSONValue, JSONSyntaxError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(JSONSyntaxError) { return .success(try parse(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Parses `Data`.
    public func parse(_ data: Data) throws(JSONSyntaxError) -> JSONValue {
        let result: Result<JSONValue, JSONSyntaxError> = data.withUnsafeBytes { raw in
            let buffer = raw.bindMemory(to: UInt8.self)
            do throws(JSONSyntaxError) { return .success(try parse(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Parses text.
    public func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    /// Parses a document whose top level is an array one element at a time, handing each
    /// element to `body` and keeping none: memory stays bounded by the largest element.
    /// Returns `false`, having called nothing, when the top level is not an array. The whole
    /// text is still checked: a syntax error anywhere is thrown (after the elements before it
    /// were handed over).
    public func forEachElement(
        in bytes: UnsafeBufferPointer<UInt8>, _ body: (Int, JSONValue) -> Void
    ) throws(JSONSyntaxError) -> Bool {
        var reader = JSONReader(bytes: bytes, options: options)
        return try reader.streamTopLevelArray(body)
    }

    /// `forEachElement(in:_:)` for a byte array.
    public func forEachElement(in bytes: [UInt8], _ body: (Int, JSONValue) -> Void) throws(JSONSyntaxError) -> Bool {
        let result: Result<Bool, JSONSyntaxError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(JSONSyntaxError) { return .success(try forEachElement(in: buffer, body)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Parses with default options.
    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue { try JSONParser().parse(bytes) }
    /// Parses text with default options.
    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue { try JSONParser().parse(text) }
}

/// The parsing state over one buffer.
struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    let options: JSONParser.Options
    var index = 0
    var depth = 0
    var scratch: [UInt8] = []
    /// Elements and members of the containers being parsed, so each container is allocated
    /// once, at its final size.
    /// Their buffers are allocated on first use, sized for the document (a small document gets
    /// small buffers; one without arrays allocates no element buffer).
    let elementStack: MoveStack<JSONValue>
    let memberStack: MoveStack<JSONObject.Member>
    /// Keys remembered by place, once a document has shown a few objects.
    let keyCache = KeyCache()

    init(bytes: UnsafeBufferPointer<UInt8>, options: JSONParser.Options) {
        self.bytes = bytes
        self.options = options
        elementStack = MoveStack(capacity: min(64, bytes.count / 4 + 1))
        memberStack = MoveStack(capacity: min(64, bytes.count / 8 + 1))
    }

    // MARK: - Errors

    func error(_ reason: JSONSyntaxError.Reason, at offset: Int) -> JSONSyntaxError {
        let (line, column) = JSONReader.lineAndColumn(of: offset, in: bytes)
        return JSONSyntaxError(reason: reason, offset: offset, line: line, column: column)
    }

    static func lineAndColumn(of offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
        var line = 1, column = 1
        var position = 0
        let end = min(offset, bytes.count)
        while position < end {
            let byte = bytes[position]
            if byte == 0x0A {
                line += 1; column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            position += 1
        }
        return (line, column)
    }

    func describe(at offset: Int) -> String {
        guard offset < bytes.count else { return "end of input" }
        let byte = bytes[offset]
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    func unexpected(_ expected: String) -> JSONSyntaxError {
        if index >= bytes.count { return error(.unexpectedEnd(expected: expected), at: index) }
        return error(.unexpectedCharacter(found: describe(at: index), expected: expected), at: index)
    }

    // MARK: - Structure

    @inline(__always)
    mutating func skipWhitespace() {
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            index += 1
        }
    }

    /// Skips a UTF-8 byte order mark and whitespace before the top-level value.
    mutating func skipDocumentStart() {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        skipWhitespace()
    }

    /// Refuses an input that holds no value.
    mutating func expectDocument() throws(JSONSyntaxError) {
        skipDocumentStart()
        if index >= bytes.count { throw error(.emptyInput, at: index) }
    }

    /// Refuses anything but whitespace after the top-level value.
    mutating func expectDocumentEnd() throws(JSONSyntaxError) {
        skipWhitespace()
        if index < bytes.count { throw error(.trailingContent, at: index) }
    }

    /// After an element or member: true at a `,` (another one follows), false at `close`
    /// (the container ends); both are consumed. Anything else is an error expecting either.
    @inline(__always)
    mutating func listContinues(closingWith close: UInt8) throws(JSONSyntaxError) -> Bool {
        skipWhitespace()
        if index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: ",") { index += 1; return true }
            if byte == close { index += 1; return false }
        }
        throw unexpected(close == UInt8(ascii: "]") ? "',' or ']'" : "',' or '}'")
    }

    mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
        try expectDocument()
        let value = try parseValue()
        try expectDocumentEnd()
        return value
    }

    mutating func streamTopLevelArray(_ body: (Int, JSONValue) -> Void) throws(JSONSyntaxError) -> Bool {
        skipDocumentStart()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else { return false }
        try enter()
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
        } else {
            var position = 0
            repeat {
                skipWhitespace()
                body(position, try parseValue())
                position += 1
            } while try listContinues(closingWith: UInt8(ascii: "]"))
        }
        depth -= 1
        try expectDocumentEnd()
        return true
    }

    mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
        guard index < bytes.count else { throw unexpected("a JSON value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw unexpected("a JSON value")
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        let start = index
        let text = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for expected in text {
            guard index < bytes.count, bytes[index] == expected else {
                if index >= bytes.count { throw error(.unexpectedEnd(expected: "'\(literal)'"), at: index) }
                throw error(.unexpectedCharacter(found: describe(at: start), expected: "a JSON value"), at: start)
            }
            index += 1
        }
    }

    mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > options.maximumDepth { throw error(.nestingTooDeep(limit: options.maximumDepth), at: index) }
    }

    mutating func parseArray() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1; depth -= 1
            return .array([])
        }
        let base = elementStack.count
        do {
            repeat {
                skipWhitespace()
                elementStack.push(try parseValue())
            } while try listContinues(closingWith: UInt8(ascii: "]"))
        } catch {
            elementStack.truncate(to: base)
            throw error
        }
        depth -= 1
        return .array(elementStack.popArray(from: base))
    }

    mutating func parseObject() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1; depth -= 1
            return .object(JSONObject(uniqueMembers: []))
        }
        let base = memberStack.count
        do {
            try parseMembers(base: base)
        } catch {
            memberStack.truncate(to: base)
            throw error
        }
        depth -= 1
        return .object(JSONObject(uniqueMembers: memberStack.popArray(from: base)))
    }

    /// Reads `"key": value` pairs onto the member stack until the closing brace.
    mutating func parseMembers(base: Int) throws(JSONSyntaxError) {
        var index_: [String: Int]? = nil
        let caching = keyCache.objectStarts()
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw unexpected("a string key") }
            let keyOffset = index
            let key: String
            if caching {
                let position = memberStack.count - base
                if let (remembered, length) = keyCache.key(depth: depth, position: position, in: bytes, at: index + 1) {
                    key = remembered
                    index += length + 2
                } else {
                    key = try parseString()
                    keyCache.remember(key, raw: UnsafeBufferPointer(rebasing: bytes[keyOffset + 1..<index - 1]), depth: depth, position: position)
                }
            } else {
                key = try parseString()
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw unexpected("':'") }
            index += 1
            skipWhitespace()
            let value = try parseValue()
            // Duplicate keys: linear scan for small objects, a lookup table for large ones.
            var existing: Int? = nil
            let count = memberStack.count - base
            if count < 16 {
                for position in base..<memberStack.count where sameUTF8(memberStack[position].key, key) { existing = position; break }
            } else {
                if index_ == nil {
                    var table: [String: Int] = [:]
                    for position in base..<memberStack.count { table[memberStack[position].key] = position }
                    index_ = table
                }
                if let position = index_![key], sameUTF8(memberStack[position].key, key) { existing = position }
            }
            if let existing {
                if options.rejectDuplicateKeys { throw error(.duplicateKey(key), at: keyOffset) }
                memberStack[existing].value = value
            } else {
                if index_ != nil { index_![key] = memberStack.count }
                memberStack.push(JSONObject.Member(key: key, value: value))
            }
            if try !listContinues(closingWith: UInt8(ascii: "}")) { break }
        }
    }

    // MARK: - Scalars

    mutating func parseNumber() throws(JSONSyntaxError) -> JSONNumber {
        var scanner = NumberScanner(bytes: bytes, index: index)
        guard let number = scanner.scan() else {
            throw error(scanner.exponentOutOfRange ? .numberOutOfRange : .invalidNumber, at: scanner.index)
        }
        index = scanner.index
        // A number must end at a delimiter: `01`, `1.5.2` and `2x` are malformed.
        if index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), 0x20, 0x0A, 0x0D, 0x09: break
            default: throw error(.invalidNumber, at: index)
            }
        }
        return number
    }

    mutating func parseString() throws(JSONSyntaxError) -> String {
        index += 1
        let start = index
        var ascii = true
        // Fast path: no escapes.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                if !ascii { try validateUTF8(slice, base: start) }
                return String(decoding: slice, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error(.controlCharacterInString, at: index) }
            if byte >= 0x80 { ascii = false }
            index += 1
        }
        guard index < bytes.count else { throw error(.unexpectedEnd(expected: "'\"' closing the string"), at: index) }
        // Slow path: copy what was scanned, then decode escapes.
        if !ascii { try validateUTF8(UnsafeBufferPointer(rebasing: bytes[start..<index]), base: start) }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
        var runStart = index
        var runASCII = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                if !runASCII { try validateUTF8(UnsafeBufferPointer(rebasing: bytes[runStart..<index]), base: runStart) }
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return String(decoding: scratch, as: UTF8.self)
                }
                try parseEscape()
                runStart = index
                runASCII = true
                continue
            }
            if byte < 0x20 { throw error(.controlCharacterInString, at: index) }
            if byte >= 0x80 { runASCII = false }
            index += 1
        }
        throw error(.unexpectedEnd(expected: "'\"' closing the string"), at: index)
    }

    mutating func parseEscape() throws(JSONSyntaxError) {
        let escapeStart = index
        index += 1
        guard index < bytes.count else { throw error(.unexpectedEnd(expected: "an escape sequence"), at: index) }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""): scratch.append(0x22)
        case UInt8(ascii: "\\"): scratch.append(0x5C)
        case UInt8(ascii: "/"): scratch.append(0x2F)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try readHex4()
            if scalar >= 0xD800 && scalar < 0xDC00 {
                // A high surrogate must be followed by an escaped low surrogate.
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw error(.loneSurrogate, at: escapeStart)
                }
                index += 2
                let low = try readHex4()
                guard low >= 0xDC00 && low < 0xE000 else { throw error(.loneSurrogate, at: escapeStart) }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if scalar >= 0xDC00 && scalar < 0xE000 {
                throw error(.loneSurrogate, at: escapeStart)
            }
            appendUTF8(scalar)
        default:
            throw error(.invalidEscape, at: escapeStart)
        }
    }

    mutating func readHex4() throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error(.invalidUnicodeEscape, at: index) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - 48
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - 87
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - 55
            default: throw error(.invalidUnicodeEscape, at: index)
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case ..<0x80:
            scratch.append(UInt8(scalar))
        case ..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case ..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Checks well-formed UTF-8 (no overlongs, no encoded surrogates, nothing above U+10FFFF).
    func validateUTF8(_ slice: UnsafeBufferPointer<UInt8>, base: Int) throws(JSONSyntaxError) {
        if let bad = UTF8Validation.firstInvalidOffset(slice) { throw error(.invalidUTF8, at: base + bad) }
    }
}


/// UTF-8 well-formedness (RFC 3629).
public enum UTF8Validation {
    /// The offset of the first byte of the first ill-formed sequence, or `nil` when valid.
    public static func firstInvalidOffset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 { index += 1; continue }
            let length: Int
            var lower: UInt8 = 0x80, upper: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F
            case 0xF0: length = 4; lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F
            default: return index
            }
            guard index + length <= count else { return index }
            let second = bytes[index + 1]
            guard second >= lower && second <= upper else { return index }
            for offset in 2..<max(2, length) where bytes[index + offset] & 0xC0 != 0x80 { return index }
            index += length
        }
        return nil
    }

    /// Whether `bytes` are well-formed UTF-8.
    public static func isValid(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { firstInvalidOffset($0) == nil }
    }
}
