@_exported import TextAndFiles
/// An RFC 6901 JSON Pointer: a list of reference tokens, written `/a/b~1c` (`~0` is `~`,
/// `~1` is `/`), or as a URI fragment `#/a/b~1c` with percent-encoding.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// A pointer that is not valid RFC 6901 text.
    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The text given.
        public let text: String
        /// What is wrong.
        public let reason: String
        /// `invalid JSON Pointer "x": reason`.
        public var description: String { "invalid JSON Pointer \(JSONWriter.quoted(text)): \(reason)" }
    }

    /// The unescaped reference tokens; empty for the whole document.
    public var tokens: [String]

    /// The pointer to the whole document.
    public static let root = JSONPointer(tokens: [])

    /// A pointer from unescaped tokens.
    public init(tokens: [String]) { self.tokens = tokens }

    /// Parses `/a/b~1c`; the empty string is the root.
    public init(parsing text: String) throws(SyntaxError) {
        if text.isEmpty { tokens = []; return }
        guard text.utf8.first == UInt8(ascii: "/") else {
            throw SyntaxError(text: text, reason: "a non-empty pointer must start with '/'")
        }
        var result: [String] = []
        for raw in text.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).dropFirst() {
            var token: [UInt8] = []
            var iterator = raw.makeIterator()
            while let byte = iterator.next() {
                guard byte == UInt8(ascii: "~") else { token.append(byte); continue }
                switch iterator.next() {
                case UInt8(ascii: "0"): token.append(UInt8(ascii: "~"))
                case UInt8(ascii: "1"): token.append(UInt8(ascii: "/"))
                default: throw SyntaxError(text: text, reason: "'~' must be followed by '0' or '1'")
                }
            }
            result.append(String(decoding: token, as: UTF8.self))
        }
        tokens = result
    }

    /// Parses a URI fragment (`#/a%20b` or `/a%20b`), percent-decoding first.
    public init(uriFragment: String) throws(SyntaxError) {
        var text = Substring(uriFragment)
        if text.first == "#" { text = text.dropFirst() }
        guard let decoded = PercentEncoding.decode(String(text)) else {
            throw SyntaxError(text: uriFragment, reason: "malformed percent-encoding")
        }
        try self.init(parsing: decoded)
    }

    /// `init(parsing:)` for literals; an invalid literal is a programming error.
    public init(stringLiteral value: String) {
        do { try self.init(parsing: value) } catch { preconditionFailure(error.description) }
    }

    /// `/a/b~1c`.
    public var description: String {
        var result = ""
        for token in tokens {
            result.append("/")
            result.append(JSONPointer.escape(token))
        }
        return result
    }

    /// `#/a/b~1c` with characters outside a URI fragment percent-encoded.
    public var uriFragment: String { "#" + PercentEncoding.encodeFragment(description) }

    /// Escapes one token (`~` → `~0`, `/` → `~1`).
    public static func escape(_ token: String) -> String {
        guard token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return token }
        var result = ""
        for character in token.unicodeScalars {
            switch character {
            case "~": result.append("~0")
            case "/": result.append("~1")
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    /// Unescapes one token (`~1` → `/`, then `~0` → `~`).
    public static func unescape(_ token: String) -> String {
        guard token.utf8.contains(UInt8(ascii: "~")) else { return token }
        var result = ""
        var scalars = token.unicodeScalars.makeIterator()
        while let character = scalars.next() {
            guard character == "~" else {
                result.unicodeScalars.append(character)
                continue
            }
            switch scalars.next() {
            case "0": result.append("~")
            case "1": result.append("/")
            case let other?: result.unicodeScalars.append(contentsOf: ["~", other])
            case nil: result.append("~")
            }
        }
        return result
    }

    /// This pointer with one more token.
    public func appending(_ token: String) -> JSONPointer { JSONPointer(tokens: tokens + [token]) }
    /// This pointer with an array index appended.
    public func appending(index: Int) -> JSONPointer { appending(String(index)) }
    /// This pointer followed by `other`'s tokens.
    public func appending(_ other: JSONPointer) -> JSONPointer { JSONPointer(tokens: tokens + other.tokens) }

    /// The value this pointer designates in `document`, or `nil`.
    public func resolve(in document: JSONValue) -> JSONValue? {
        var current = document
        for token in tokens {
            switch current {
            case .object(let object):
                guard let next = object[token] else { return nil }
                current = next
            case .array(let elements):
                guard let index = JSONPointer.arrayIndex(token), index < elements.count else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }

    /// An RFC 6901 array index: `0` or digits without a leading zero.
    public static func arrayIndex(_ token: String) -> Int? {
        guard let first = token.utf8.first, token.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        if first == UInt8(ascii: "0") && token.utf8.count > 1 { return nil }
        return Int(token)
    }
}

