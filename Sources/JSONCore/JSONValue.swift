/// A JSON value. Numbers are exact (`JSONNumber`); objects keep their members in the order
/// they were written but compare regardless of order.
public enum JSONValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The JSON type name used in messages: `null`, `boolean`, `integer` or `number`, `string`,
    /// `array`, `object`.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number(let number): return number.isInteger ? "integer" : "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// Compact JSON text.
    public var description: String { JSONWriter.compact.string(self) }

    /// Equality as JSON Schema defines it: numbers compare mathematically (`1 == 1.0`),
    /// `true` is never equal to `1`, objects compare regardless of member order.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return sameUTF8(a, b)
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)): return a == b
        default: return false
        }
    }

    /// Hashing consistent with `==`.
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(1); hasher.combine(value)
        case .number(let value): hasher.combine(2); hasher.combine(value)
        case .string(let value): hasher.combine(3); hasher.combine(value)
        case .array(let value): hasher.combine(4); hasher.combine(value)
        case .object(let value): hasher.combine(5); hasher.combine(value)
        }
    }

    // MARK: - Convenience accessors

    /// The member `key` of an object, `nil` otherwise.
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// The element at `index` of an array, `nil` otherwise or when out of range.
    public subscript(index: Int) -> JSONValue? {
        if case .array(let array) = self, array.indices.contains(index) { return array[index] }
        return nil
    }

    /// The string, when this is a string.
    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    /// The number, when this is a number.
    public var numberValue: JSONNumber? { if case .number(let n) = self { return n } else { return nil } }
    /// The boolean, when this is a boolean.
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    /// The elements, when this is an array.
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    /// The object, when this is an object.
    public var objectValue: JSONObject? { if case .object(let o) = self { return o } else { return nil } }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByFloatLiteral
{
    /// `nil` is JSON `null`.
    public init(nilLiteral: ()) { self = .null }
    /// A boolean literal.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An integer literal.
    public init(integerLiteral value: Int) { self = .number(JSONNumber(value)) }
    /// A float literal, through its shortest decimal text.
    public init(floatLiteral value: Double) { self = JSONNumber(value).map(JSONValue.number) ?? .null }
    /// A string literal.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An array literal.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// An object literal; members keep the written order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements.map { JSONObject.Member(key: $0.0, value: $0.1) }))
    }
}

/// A JSON object: members in written order, looked up by key, compared regardless of order.
///
/// Duplicate keys: the parser keeps the **last** occurrence of a key (as ECMAScript's
/// `JSON.parse` does), at the position of the first; `JSONParser.Options.rejectDuplicateKeys`
/// makes a duplicate an error instead.
public struct JSONObject: Sendable, Hashable, Sequence {
    /// One member.
    public struct Member: Sendable, Hashable {
        /// The member name.
        public var key: String
        /// The member value.
        public var value: JSONValue
        /// A member.
        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// Members in order.
    public private(set) var members: [Member]

    /// An object from members; a later duplicate key replaces the earlier value.
    public init(_ members: [Member] = []) {
        self.members = []
        self.members.reserveCapacity(members.count)
        for member in members { self[member.key] = member.value }
    }

    /// Members known to have distinct keys (the parser checks).
    init(uniqueMembers: [Member]) { self.members = uniqueMembers }

    /// An object from members the caller has checked to have distinct keys (a reader that
    /// refuses duplicates): no lookup per member. Duplicates here break lookups.
    public init(uncheckedUniqueMembers members: [Member]) { self.members = members }

    /// The number of members.
    /// The members of an object written as a `JSONValue` literal (`JSONObject.of(["a": 1])`);
    /// empty when `value` is not an object.
    public static func of(_ value: JSONValue) -> JSONObject { value.objectValue ?? JSONObject() }

    public var count: Int { members.count }
    /// Whether there are no members.
    public var isEmpty: Bool { members.isEmpty }
    /// The keys in order.
    public var keys: [String] { members.map(\.key) }

    /// The position of the member named `key`.
    @inline(__always)
    public func index(forKey key: String) -> Int? {
        members.withUnsafeBufferPointer { $0.index(forKey: key) }
    }

    /// Whether a member is named `key`.
    @inline(__always)
    public func contains(key: String) -> Bool { index(forKey: key) != nil }

    /// The value for `key`; setting `nil` removes the member, setting a new key appends it.
    public subscript(key: String) -> JSONValue? {
        get {
            guard let position = index(forKey: key) else { return nil }
            return members[position].value
        }
        set {
            if let index = members.firstIndex(where: { sameUTF8($0.key, key) }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append(Member(key: key, value: newValue))
            }
        }
    }

    /// Iterates members in order.
    public func makeIterator() -> IndexingIterator<[Member]> { members.makeIterator() }

    /// Same keys with equal values, in any order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        for member in lhs.members {
            guard let other = rhs[member.key], other == member.value else { return false }
        }
        return true
    }

    /// Order-independent hash.
    public func hash(into hasher: inout Hasher) {
        var combined = 0
        for member in members {
            var memberHasher = Hasher()
            memberHasher.combine(member.key)
            memberHasher.combine(member.value)
            combined ^= memberHasher.finalize()
        }
        hasher.combine(members.count)
        hasher.combine(combined)
    }
}

extension UnsafeBufferPointer where Element == JSONObject.Member {
    /// The position of the member named `key` (compared by bytes), reading the members in place.
    @inline(__always)
    public func index(forKey key: String) -> Int? {
        var position = 0
        while position < count {
            if sameUTF8(self[position].key, key) { return position }
            position += 1
        }
        return nil
    }
}

extension UnsafePointer where Pointee == JSONValue {
    /// The members of the object this points at, in place (no copy, no reference count
    /// traffic); nil when it is not an object. The buffer is valid while the pointed-at value
    /// is alive and unchanged: for walking a document that is not mutated meanwhile.
    @inlinable @inline(__always)
    public var objectMembers: UnsafeBufferPointer<JSONObject.Member>? {
        // The copy and its release are adjacent here, so the optimiser removes both.
        guard case .object(let object) = pointee else { return nil }
        return object.members.withUnsafeBufferPointer { $0 }
    }
}
