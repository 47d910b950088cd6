/// The one rule for reading an optional member of a definition strictly, whoever reads it (the
/// API model's readers, the client generator): an absent or `null` member is empty — OpenAPI
/// tools accept `parameters:` with no value —, and a member of another shape is an error, never
/// silently empty. The caller adds the file and the place.
public enum JSONShape {
    /// A value of the wrong shape: what was expected and what was found, and which element
    /// of an array it was.
    public struct Mismatch: Error, Sendable, Equatable {
        /// `expected an object, found array`.
        public let message: String
        /// The offending element's index, when an element of the array is the problem.
        public let index: Int?

        /// A mismatch (`index` for an array's element).
        public init(message: String, index: Int?) {
            self.message = message
            self.index = index
        }
    }

    /// The members of an optional object.
    public static func members(_ value: JSONValue?) throws(Mismatch) -> JSONObject {
        guard let value, value != .null else { return JSONObject() }
        guard case .object(let object) = value else { throw Mismatch(message: "expected an object, found \(value.typeName)", index: nil) }
        return object
    }

    /// The elements of an optional array.
    public static func elements(_ value: JSONValue?) throws(Mismatch) -> [JSONValue] {
        guard let value, value != .null else { return [] }
        guard case .array(let elements) = value else { throw Mismatch(message: "expected an array, found \(value.typeName)", index: nil) }
        return elements
    }

    /// An optional array of strings (`required`, `consumes`); with `scalars`, numbers and
    /// booleans are taken as their text (a server variable's `enum: [443, 8443]`).
    public static func strings(_ value: JSONValue?, scalars: Bool = false) throws(Mismatch) -> [String] {
        var result: [String] = []
        for (index, element) in try elements(value).enumerated() {
            guard let text = scalars ? scalarText(element) : element.stringValue else {
                throw Mismatch(message: "expected a string, found \(element.typeName)", index: index)
            }
            result.append(text)
        }
        return result
    }

    /// A string, number or boolean as text; nil for other values.
    public static func scalarText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): return text
        case .number(let number): return number.description
        case .bool(let flag): return flag ? "true" : "false"
        default: return nil
        }
    }
}
