import Foundation

/// A coding key for any member name: what a struct's declared keys do not cover.
struct MemberKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// The members of a JSON object that its schema's `properties` do not name, when
/// `additionalProperties` allows them: a generated struct keeps them in a dictionary beside its
/// properties, and writes them back when it encodes.
public enum AdditionalMembers {
    /// The members of the object `decoder` holds whose names are not among `known`'s raw values,
    /// each decoded as `Value`.
    public static func decode<Value: Decodable, Known: CodingKey & CaseIterable>(
        _ type: Value.Type, from decoder: any Decoder, known: Known.Type
    ) throws -> [String: Value] {
        let declared = Set(Known.allCases.map(\.stringValue))
        let container = try decoder.container(keyedBy: MemberKey.self)
        var members: [String: Value] = [:]
        for key in container.allKeys where !declared.contains(key.stringValue) {
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
