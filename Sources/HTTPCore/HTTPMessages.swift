import TextAndFiles
/// Header fields in order, names compared case-insensitively (RFC 9110).
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral, Equatable {
    /// One header field: its name as sent and its value.
    public struct Field: Sendable, Equatable {
        /// The name as sent (`Content-Type`).
        public var name: String
        /// The value.
        public var value: String

        /// A field.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The fields as sent, in order. (A struct rather than a tuple: copying and freeing an
    /// array of them runs specialized code, which the per-request header copies feel.)
    public private(set) var fields: [Field] = []

    /// No fields.
    public init() {}

    /// Fields from pairs, in order.
    public init(_ pairs: [(String, String)]) { fields = pairs.map { Field(name: $0.0, value: $0.1) } }

    /// Fields from a literal, in order.
    public init(dictionaryLiteral elements: (String, String)...) { self.init(elements) }

    /// The first value of `name`, or nil.
    public subscript(name: String) -> String? {
        for field in fields where HTTPHeaders.sameName(field.name, name) { return field.value }
        return nil
    }

    /// Every value of `name`, in order.
    public func values(for name: String) -> [String] {
        fields.filter { HTTPHeaders.sameName($0.name, name) }.map(\.value)
    }

    /// Whether a field named `name` is present.
    public func contains(_ name: String) -> Bool { fields.contains { HTTPHeaders.sameName($0.name, name) } }

    /// Appends a field (keeping any others of the same name).
    public mutating func add(_ name: String, _ value: String) { fields.append(Field(name: name, value: value)) }

    /// Replaces every field named `name` with one field (appended at the end, as if the old
    /// ones were removed first). One pass over the fields.
    public mutating func set(_ name: String, _ value: String) {
        if let first = fields.firstIndex(where: { HTTPHeaders.sameName($0.name, name) }) {
            fields.removeSubrange(first...first)
            fields.removeAll { HTTPHeaders.sameName($0.name, name) }
        }
        fields.append(Field(name: name, value: value))
    }

    /// Sets `first` and `second` (as `set` does) and adds `fallback` unless a field of its name
    /// is present, with one pass over the fields and at most one allocation: what a server does
    /// to every response it sends (request ids, a default content type).
    public mutating func set(_ first: consuming Field, _ second: consuming Field, addingUnlessPresent fallback: consuming Field) {
        var replaces = false
        var hasFallback = false
        for field in fields {
            if HTTPHeaders.sameName(field.name, first.name) || HTTPHeaders.sameName(field.name, second.name) {
                replaces = true
            } else if HTTPHeaders.sameName(field.name, fallback.name) {
                hasFallback = true
            }
        }
        if replaces {
            set(first.name, first.value)
            set(second.name, second.value)
            if !contains(fallback.name) { fields.append(fallback) }
            return
        }
        fields.reserveCapacity(fields.count + 3)
        fields.append(first)
        fields.append(second)
        if !hasFallback { fields.append(fallback) }
    }

    /// Removes every field named `name`.
    public mutating func remove(_ name: String) { fields.removeAll { HTTPHeaders.sameName($0.name, name) } }

    /// Iterates fields in order, as `(name, value)` pairs.
    public func makeIterator() -> Iterator { Iterator(fields: fields.makeIterator()) }

    /// Yields each field as a `(name, value)` pair.
    public struct Iterator: IteratorProtocol {
        var fields: IndexingIterator<[Field]>

        /// The next field, or nil.
        public mutating func next() -> (name: String, value: String)? { fields.next().map { ($0.name, $0.value) } }
    }

    /// The number of fields.
    public var count: Int { fields.count }

    /// ASCII case-insensitive comparison of field names.
    public static func sameName(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        if a == b { return true }
        @inline(__always) func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
        let fast: Bool?? = a.utf8.withContiguousStorageIfAvailable { left in
            b.utf8.withContiguousStorageIfAvailable { right in
                var index = 0
                while index < left.count {
                    if left[index] != right[index] && lower(left[index]) != lower(right[index]) { return false }
                    index += 1
                }
                return true
            }
        }
        if let fast, let result = fast { return result }
        for (x, y) in zip(a.utf8, b.utf8) where x != y && lower(x) != lower(y) { return false }
        return true
    }

    /// Same fields in the same order.
    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields == rhs.fields
    }
}

/// An HTTP request as the gateway sees it.
public struct HTTPRequest: Sendable {
    /// The method (`GET`), as sent.
    public var method: String
    /// The request target: path and optional query, undecoded (`/prod/items?x=1`).
    public var target: String
    /// Header fields.
    public var headers: HTTPHeaders
    /// The body bytes.
    public var body: [UInt8]
    /// The client's address, when known.
    public var remoteAddress: String

    /// A request.
    public init(method: String, target: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [], remoteAddress: String = "127.0.0.1") {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
    }

    /// The path part of the target (before `?` and `#`).
    public var path: String { pathAndQuery.path }

    /// The path and the query string in one pass over the target (what `path` and `query`
    /// return).
    public var pathAndQuery: (path: String, query: String?) {
        var text = target
        return text.withUTF8 { bytes in
            var mark = 0
            while mark < bytes.count, bytes[mark] != UInt8(ascii: "?"), bytes[mark] != UInt8(ascii: "#") { mark += 1 }
            if mark == bytes.count { return (target, nil) }
            let path = String(decoding: UnsafeBufferPointer(rebasing: bytes[..<mark]), as: UTF8.self)
            guard bytes[mark] == UInt8(ascii: "?") else { return (path, nil) }
            var end = mark + 1
            while end < bytes.count, bytes[end] != UInt8(ascii: "#") { end += 1 }
            return (path, String(decoding: UnsafeBufferPointer(rebasing: bytes[(mark + 1)..<end]), as: UTF8.self))
        }
    }

    /// The query string (after `?`, before `#`), or nil; a `?` inside the fragment starts none.
    public var query: String? { pathAndQuery.query }
}

/// An HTTP response.
public struct HTTPResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Header fields.
    public var headers: HTTPHeaders
    /// The body bytes.
    public var body: [UInt8]

    /// A response.
    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as UTF-8 text.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// The only seam between a transport (sockets, in-process calls) and an application.
public protocol HTTPResponder: Sendable {
    /// Answers one request. Called concurrently from several threads.
    func respond(to request: HTTPRequest) -> HTTPResponse
}

/// Percent-decoding and query-string parsing as API Gateway does them.
public enum URLEncoding {
    /// Decodes `%XX` (and `+` as a space when `plusIsSpace`); malformed escapes stay as written.
    public static func decode(_ text: String, plusIsSpace: Bool) -> String {
        PercentEncoding.decodeLeniently(text, plusIsSpace: plusIsSpace)
    }

    /// Encodes a query-string component (`application/x-www-form-urlencoded`, space as `+`).
    public static func encodeQueryComponent(_ text: String) -> String {
        PercentEncoding.encode(text, keeping: .unreserved, spaceAsPlus: true)
    }

    /// Encodes a path segment (RFC 3986: unreserved characters kept, everything else `%XX`).
    public static func encodePathSegment(_ text: String) -> String {
        PercentEncoding.encode(text, keeping: .unreserved)
    }

    /// `a=1&b=x+y&a=2` → ordered pairs, decoded (`+` is a space).
    public static func queryPairs(_ query: String?) -> [(String, String)] {
        guard let query, !query.isEmpty else { return [] }
        return query.split(separator: "&", omittingEmptySubsequences: true).map { part in
            if let equals = part.firstIndex(of: "=") {
                return (decode(String(part[..<equals]), plusIsSpace: true), decode(String(part[part.index(after: equals)...]), plusIsSpace: true))
            }
            return (decode(String(part), plusIsSpace: true), "")
        }
    }
}
