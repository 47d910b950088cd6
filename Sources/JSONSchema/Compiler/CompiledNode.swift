import ECMARegex
import JSONCore

/// The JSON types draft-04's `type` names, as a bit set.
struct TypeSet: OptionSet, Sendable {
    let rawValue: UInt8
    static let null = TypeSet(rawValue: 1)
    static let boolean = TypeSet(rawValue: 2)
    static let integer = TypeSet(rawValue: 4)
    static let number = TypeSet(rawValue: 8)
    static let string = TypeSet(rawValue: 16)
    static let array = TypeSet(rawValue: 32)
    static let object = TypeSet(rawValue: 64)
    static let all: TypeSet = [.null, .boolean, .integer, .number, .string, .array, .object]

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init?(name: String) {
        switch name {
        case "null": self = .null
        case "boolean": self = .boolean
        case "integer": self = .integer
        case "number": self = .number
        case "string": self = .string
        case "array": self = .array
        case "object": self = .object
        default: return nil
        }
    }

    var names: [String] {
        let order: [(TypeSet, String)] = [
            (.null, "null"), (.boolean, "boolean"), (.integer, "integer"), (.number, "number"),
            (.string, "string"), (.array, "array"), (.object, "object"),
        ]
        return order.filter { contains($0.0) }.map(\.1)
    }

    /// Whether a value of this JSON kind is allowed.
    @inline(__always)
    func admits(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return contains(.null)
        case .bool: return contains(.boolean)
        case .number(let number): return contains(.number) || (contains(.integer) && number.isInteger)
        case .string: return contains(.string)
        case .array: return contains(.array)
        case .object: return contains(.object)
        }
    }
}

/// A node index in the compiled program.
typealias NodeID = Int

/// What `additionalProperties` / `additionalItems` allow.
enum Additional: Sendable {
    case anything
    case nothing
    case schema(NodeID)
}

/// One compiled keyword. Keywords are grouped on a node by the instance type they apply to,
/// so a string never visits object keywords.
enum Keyword: Sendable {
    // Any type
    case enumeration(EnumValues)
    case allOf([NodeID])
    case anyOf([NodeID])
    case oneOf([NodeID])
    case not(NodeID)
    // Numbers
    case multipleOf(JSONNumber)
    case maximum(JSONNumber, exclusive: Bool)
    case minimum(JSONNumber, exclusive: Bool)
    // Strings
    case maxLength(Int)
    case minLength(Int)
    case pattern(ECMARegex)
    case format(SchemaFormat)
    // Arrays
    case items(NodeID)
    case tupleItems([NodeID], additional: Additional)
    case maxItems(Int)
    case minItems(Int)
    case uniqueItems
    // Objects
    case maxProperties(Int)
    case minProperties(Int)
    case required([String])
    case properties(PropertySchemas)
    case dependencies([(String, Dependency)])
}

/// `enum` values, with a hash set for long lists.
struct EnumValues: Sendable {
    let values: [JSONValue]
    let lookup: Set<JSONValue>?

    init(_ values: [JSONValue]) {
        self.values = values
        self.lookup = values.count > 8 ? Set(values) : nil
    }

    func contains(_ value: JSONValue) -> Bool {
        if let lookup { return lookup.contains(value) }
        for candidate in values where candidate == value { return true }
        return false
    }
}

/// `properties`, `patternProperties` and `additionalProperties` together, as draft-04
/// defines them jointly.
struct PropertySchemas: Sendable {
    let named: [(String, NodeID)]
    let namedLookup: [String: NodeID]?
    let patterns: [(String, ECMARegex, NodeID)]
    let additional: Additional
    /// Whether only `properties` is present (then members without a schema are free).
    var onlyNamed: Bool {
        if case .anything = additional { return patterns.isEmpty }
        return false
    }

    init(named: [(String, NodeID)], patterns: [(String, ECMARegex, NodeID)], additional: Additional) {
        self.named = named
        self.namedLookup = named.count > 8 ? Dictionary(named, uniquingKeysWith: { first, _ in first }) : nil
        self.patterns = patterns
        self.additional = additional
    }

    func schema(named key: String) -> NodeID? {
        if let namedLookup { return namedLookup[key] }
        for (name, node) in named where sameUTF8(name, key) { return node }
        return nil
    }
}

/// A `dependencies` entry.
enum Dependency: Sendable {
    case properties([String])
    case schema(NodeID)
}

/// A compiled subschema. Immutable once built; refers to other nodes by index.
final class CompiledNode: Sendable {
    /// The document URI and pointer of the subschema (for absolute keyword locations).
    let documentURI: String
    let pointer: JSONPointer
    /// `$ref` target: when set, no other keyword applies (draft-04).
    let reference: NodeID?
    let types: TypeSet?
    let anyType: [Keyword]
    let number: [Keyword]
    let string: [Keyword]
    let array: [Keyword]
    let object: [Keyword]
    /// No keyword at all: every instance is valid.
    let acceptsEverything: Bool

    init(
        documentURI: String, pointer: JSONPointer, reference: NodeID?, types: TypeSet?, anyType: [Keyword],
        number: [Keyword], string: [Keyword], array: [Keyword], object: [Keyword]
    ) {
        self.documentURI = documentURI
        self.pointer = pointer
        self.reference = reference
        self.types = types
        self.anyType = anyType
        self.number = number
        self.string = string
        self.array = array
        self.object = object
        self.acceptsEverything = reference == nil && types == nil && anyType.isEmpty && number.isEmpty
            && string.isEmpty && array.isEmpty && object.isEmpty
    }
}
