import Foundation

/// A stored property kept out of line, so that a model can contain itself (`next: Node?`)
/// or a model that contains it: the generated code marks the properties on such a cycle
/// `@Indirect`. It encodes and decodes as the value it holds; an absent optional member
/// decodes as nil and is left out when encoding, as for any other optional property.
@propertyWrapper
public struct Indirect<Value: Codable & Sendable & Hashable>: Codable, Sendable, Hashable {
    private final class Storage: Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    private var storage: Storage

    /// Holds `wrappedValue`.
    public init(wrappedValue: Value) {
        storage = Storage(wrappedValue)
    }

    /// The value (setting it replaces the storage: copies never share a change).
    public var wrappedValue: Value {
        get { storage.value }
        set { storage = Storage(newValue) }
    }

    /// Decodes the value itself.
    public init(from decoder: any Decoder) throws {
        storage = Storage(try Value(from: decoder))
    }

    /// Encodes the value itself.
    public func encode(to encoder: any Encoder) throws {
        try storage.value.encode(to: encoder)
    }

    public static func == (lhs: Indirect, rhs: Indirect) -> Bool { lhs.storage.value == rhs.storage.value }

    public func hash(into hasher: inout Hasher) { hasher.combine(storage.value) }
}

extension KeyedDecodingContainer {
    /// An optional `@Indirect` property: an absent or null member is nil.
    public func decode<Wrapped>(_ type: Indirect<Wrapped?>.Type, forKey key: Key) throws -> Indirect<Wrapped?> {
        Indirect(wrappedValue: try decodeIfPresent(Wrapped.self, forKey: key))
    }
}

extension KeyedEncodingContainer {
    /// An optional `@Indirect` property: nil is left out.
    public mutating func encode<Wrapped>(_ value: Indirect<Wrapped?>, forKey key: Key) throws {
        try encodeIfPresent(value.wrappedValue, forKey: key)
    }
}
