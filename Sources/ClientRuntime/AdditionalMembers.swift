import Foundation

/// A coding key for any member name, written as a string literal (`forKey: "id"`): generated
/// structs code their members with it instead of declaring a `CodingKeys` enum each, which a
/// large API's client would otherwise pay for in thousands of types.
public struct MemberKey: CodingKey, ExpressibleByStringLiteral, Sendable {
    /// The member's name on the wire.
    public let stringValue: String
    /// Always `nil`: members are named, never indexed.
    public var intValue: Int? { nil }
    /// The key for the member `stringValue`.
    public init(stringValue: String) { self.stringValue = stringValue }
    /// Always `nil`: members are named, never indexed.
    public init?(intValue: Int) { nil }
    /// The key for the member the literal names.
    public init(stringLiteral value: String) { self.stringValue = value }
}

/// The members of a JSON object that its schema's `properties` do not name, when
/// `additionalProperties` allows them: a generated struct keeps them in a dictionary beside its
/// properties, and writes them back when it encodes.
public enum AdditionalMembers {
    /// The members of the object `decoder` holds whose names are not among `known` (the
    /// declared properties' wire names), each decoded as `Value`.
    public static func decode<Value: Decodable>(_ type: Value.Type, from decoder: any Decoder, known: Set<String>) throws -> [String: Value] {
        let container = try decoder.container(keyedBy: MemberKey.self)
        var members: [String: Value] = [:]
        for key in container.allKeys where !known.contains(key.stringValue) {
            members[key.stringValue] = try container.decode(Value.self, forKey: key)
        }
        return members
    }

    /// Writes `members` into the object `encoder` is writing (after the declared members).
    public static func encode<Value: Encodable>(_ members: [String: Value], to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: MemberKey.self)
        for name in members.keys.sorted() { try container.encode(members[name]!, forKey: MemberKey(stringValue: name)) }
    }
}
