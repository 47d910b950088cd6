import JSONCore

/// A value during rendering, with Java semantics: integers (`Integer`/`Long`) and doubles
/// stay distinct, lists and maps are mutable references (`ArrayList`, `LinkedHashMap`).
///
/// Values live only inside one render call; a compiled template holds none of them.
public enum VelocityValue {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list(VelocityList)
    case map(VelocityMap)
    /// A host object (`$input`, `$util`, …) answering properties and method calls.
    case object(any VelocityObject)
    /// The body of a `#define`, rendered where it is referenced.
    case block(DefinedBlock)

    /// Whether the value is null.
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// Truth in `#if`: null and `false` are false, everything else is true (Velocity 1.7).
    public var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let flag): return flag
        default: return true
        }
    }

    /// A value from JSON: objects become maps, arrays become lists that render as JSON,
    /// integral numbers become integers when they fit, other numbers doubles.
    public init(json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .number(let number):
            if number.isInteger, let integer = number.intValue { self = .int(integer) } else { self = .double(number.doubleValue) }
        case .string(let text): self = .string(text)
        case .array(let elements):
            self = .list(VelocityList(elements.map(VelocityValue.init(json:)), rendersAsJSON: true))
        case .object(let object):
            let map = VelocityMap()
            for member in object { map.put(member.key, VelocityValue(json: member.value)) }
            self = .map(map)
        }
    }

    /// A scalar as JSON (collections and host objects are null here: `RenderBudget.json(of:)`
    /// converts collections, within the render's budget).
    var scalarJSON: JSONValue {
        switch self {
        case .null, .object, .block, .list, .map: return .null
        case .bool(let flag): return .bool(flag)
        case .int(let integer): return .number(JSONNumber(integer))
        case .double(let value): return JSONNumber(value).map(JSONValue.number) ?? .null
        case .string(let text): return .string(text)
        }
    }
}

/// A mutable list (Java `ArrayList`). Lists from JSON render as compact JSON (as API Gateway
/// does for `$input.path` arrays); lists built in a template render Java-style `[1, 2]`.
public final class VelocityList {
    /// The elements.
    public var elements: [VelocityValue]
    /// Render as compact JSON rather than `[a, b]`.
    public let rendersAsJSON: Bool

    /// A list.
    public init(_ elements: [VelocityValue] = [], rendersAsJSON: Bool = false) {
        self.elements = elements
        self.rendersAsJSON = rendersAsJSON
    }
}

/// A mutable map keeping insertion order (Java `LinkedHashMap`). Small maps (the usual
/// case) are searched linearly; a hash index is built once a map grows past 16 entries.
public final class VelocityMap {
    /// Entries in insertion order.
    public private(set) var entries: [(key: String, value: VelocityValue)] = []
    private var positions: [String: Int]? = nil
    /// Render as the empty string (API Gateway's `$context.identity` and override maps).
    public var rendersAsEmpty = false

    static let indexThreshold = 16

    /// An empty map.
    public init() {}

    /// A map from ordered entries.
    public convenience init(_ entries: [(String, VelocityValue)]) {
        self.init()
        self.entries.reserveCapacity(entries.count)
        for (key, value) in entries { put(key, value) }
    }

    private func position(of key: String) -> Int? {
        if let positions { return positions[key] }
        for index in entries.indices where entries[index].key == key { return index }
        return nil
    }

    /// The value for `key`, or null.
    public func get(_ key: String) -> VelocityValue {
        guard let position = position(of: key) else { return .null }
        return entries[position].value
    }

    /// Whether `key` is present.
    public func containsKey(_ key: String) -> Bool { position(of: key) != nil }

    /// Sets `key`, returning the previous value (null when new), as `Map.put` does.
    @discardableResult
    public func put(_ key: String, _ value: VelocityValue) -> VelocityValue {
        if let position = position(of: key) {
            let previous = entries[position].value
            entries[position].value = value
            return previous
        }
        positions?[key] = entries.count
        entries.append((key, value))
        if positions == nil && entries.count > VelocityMap.indexThreshold {
            var index: [String: Int] = [:]
            for (offset, entry) in entries.enumerated() { index[entry.key] = offset }
            positions = index
        }
        return .null
    }

    /// Removes `key`, returning its value or null.
    @discardableResult
    public func remove(_ key: String) -> VelocityValue {
        guard let position = position(of: key) else { return .null }
        let value = entries.remove(at: position).value
        if positions != nil {
            positions![key] = nil
            for index in position..<entries.count { positions![entries[index].key] = index }
        }
        return value
    }

    /// The number of entries.
    public var count: Int { entries.count }
}

/// A host object reachable from templates (`$input`, `$util`).
public protocol VelocityObject: AnyObject {
    /// `$object.name`; nil when there is no such property.
    func property(_ name: String) -> VelocityValue?
    /// `$object.name(arguments)`; nil when there is no such method. Convert arguments to
    /// text with `budget.text(of:)` and account for large results with `budget.build(bytes:)`.
    func call(_ name: String, _ arguments: [VelocityValue], budget: inout RenderBudget) throws(VelocityRuntimeError) -> VelocityValue?
    /// The text when the object itself is rendered.
    var renderedText: String { get }
}

extension VelocityObject {
    /// Objects render as nothing by default.
    public var renderedText: String { "" }
}

/// A `#define`d block: nodes rendered when the reference is rendered.
public final class DefinedBlock {
    let nodes: [VelocityNode]
    init(nodes: [VelocityNode]) { self.nodes = nodes }
}

// MARK: - Text

extension VelocityValue {
    /// Calls a Java-style method on this value (nil when there is no such method), spending
    /// from `budget`.
    public func call(_ name: String, _ arguments: [VelocityValue], budget: inout RenderBudget) throws(VelocityRuntimeError)
        -> VelocityValue?
    {
        try VelocityMethods.call(name, on: self, arguments, &budget)
    }

    /// `toString()` of a value that is not a string or a collection (those print through
    /// `RenderBudget.text(of:)`). Null is the empty string (API Gateway's rule); inside a
    /// collection it prints `null`, as Java does.
    func scalarText(inCollection: Bool) -> String {
        switch self {
        case .null: return inCollection ? "null" : ""
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let integer): return String(integer)
        case .double(let value): return JavaDouble.toString(value)
        case .string(let text): return text
        case .object(let object): return object.renderedText
        case .list, .map, .block: return ""
        }
    }
}

/// Java's `Double.toString`: shortest round-trip digits, `1.0` for whole numbers, and
/// `1.0E10`-style notation outside [10⁻³, 10⁷).
enum JavaDouble {
    static func toString(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
        // In [10⁻³, 10⁷) Swift's shortest round-trip text is already Java's ("1.5", "3.0").
        let magnitude = abs(value)
        if magnitude >= 1e-3 && magnitude < 1e7 { return value.description }
        // Swift's description gives the shortest round-trip digits; re-layout them.
        let (negative, digits, exponent) = decompose(value)
        let sign = negative ? "-" : ""
        if magnitude >= 1e-3 && magnitude < 1e7 {
            // Plain notation: exponent is the position of the decimal point.
            if exponent <= 0 {
                return sign + "0." + String(repeating: "0", count: -exponent) + digits
            }
            if exponent >= digits.count {
                return sign + digits + String(repeating: "0", count: exponent - digits.count) + ".0"
            }
            let split = digits.index(digits.startIndex, offsetBy: exponent)
            return sign + digits[..<split] + "." + digits[split...]
        }
        let first = digits.prefix(1)
        let rest = digits.dropFirst()
        return sign + first + "." + (rest.isEmpty ? "0" : rest) + "E" + String(exponent - 1)
    }

    /// (negative, significant digits, decimal-point position) with value = 0.DIGITS × 10^position.
    static func decompose(_ value: Double) -> (Bool, String, Int) {
        let text = abs(value).description  // e.g. "1.5", "1e-05", "1.2345e+20", "10000000.0"
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(String(text[text.index(after: e)...].filter { $0 != "+" })) ?? 0
        }
        var integerPart = Substring(mantissa)
        var fraction: Substring = ""
        if let dot = mantissa.firstIndex(of: ".") {
            integerPart = mantissa[..<dot]
            fraction = mantissa[mantissa.index(after: dot)...]
        }
        var digits = String(integerPart) + fraction
        var position = integerPart.count + exponent
        // Strip leading zeros (moving the point) and trailing zeros.
        while digits.hasPrefix("0") && digits.count > 1 {
            digits.removeFirst()
            position -= 1
        }
        while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
        return (value < 0, digits, position)
    }
}

