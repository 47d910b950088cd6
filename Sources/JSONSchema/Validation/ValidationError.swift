import JSONCore

/// What rule an instance broke, with the data needed to explain it.
public enum ValidationErrorKind: Sendable, Equatable {
    case type(expected: [String], found: String)
    case enumeration(found: String)
    case multipleOf(value: String, divisor: JSONNumber)
    case maximum(value: String, limit: JSONNumber, exclusive: Bool)
    case minimum(value: String, limit: JSONNumber, exclusive: Bool)
    case maxLength(length: Int, limit: Int)
    case minLength(length: Int, limit: Int)
    case pattern(value: String, pattern: String)
    case format(value: String, format: String)
    case additionalItems(count: Int, allowed: Int)
    case maxItems(count: Int, limit: Int)
    case minItems(count: Int, limit: Int)
    case uniqueItems(first: Int, second: Int)
    case maxProperties(count: Int, limit: Int)
    case minProperties(count: Int, limit: Int)
    case required(property: String)
    case additionalProperty(property: String)
    case dependency(property: String, missing: String)
    case anyOf(count: Int, causes: [ValidationError])
    case oneOfNone(count: Int, causes: [ValidationError])
    case oneOfMany(matching: [Int])
    case not

    /// The keyword that failed.
    public var keyword: String {
        switch self {
        case .type: return "type"
        case .enumeration: return "enum"
        case .multipleOf: return "multipleOf"
        case .maximum: return "maximum"
        case .minimum: return "minimum"
        case .maxLength: return "maxLength"
        case .minLength: return "minLength"
        case .pattern: return "pattern"
        case .format: return "format"
        case .additionalItems: return "additionalItems"
        case .maxItems: return "maxItems"
        case .minItems: return "minItems"
        case .uniqueItems: return "uniqueItems"
        case .maxProperties: return "maxProperties"
        case .minProperties: return "minProperties"
        case .required: return "required"
        case .additionalProperty: return "additionalProperties"
        case .dependency: return "dependencies"
        case .anyOf: return "anyOf"
        case .oneOfNone, .oneOfMany: return "oneOf"
        case .not: return "not"
        }
    }

    /// What was expected and what was found, in one sentence.
    public var message: String {
        switch self {
        case .type(let expected, let found):
            return "expected \(expected.joined(separator: " or ")), found \(found)"
        case .enumeration(let found):
            return "\(found) is not one of the values allowed by enum"
        case .multipleOf(let value, let divisor):
            return "\(value) is not a multiple of \(divisor)"
        case .maximum(let value, let limit, let exclusive):
            return exclusive ? "\(value) is not less than the exclusive maximum \(limit)" : "\(value) is greater than the maximum \(limit)"
        case .minimum(let value, let limit, let exclusive):
            return exclusive ? "\(value) is not greater than the exclusive minimum \(limit)" : "\(value) is less than the minimum \(limit)"
        case .maxLength(let length, let limit):
            return "string of \(length) characters is longer than the maximum length \(limit)"
        case .minLength(let length, let limit):
            return "string of \(length) characters is shorter than the minimum length \(limit)"
        case .pattern(let value, let pattern):
            return "\(value) does not match the pattern \(JSONWriter.quoted(pattern))"
        case .format(let value, let format):
            return "\(value) is not a valid \(format)"
        case .additionalItems(let count, let allowed):
            return "array has \(count) items, but additionalItems allows only the \(allowed) described by items"
        case .maxItems(let count, let limit):
            return "array has \(count) items, more than the maximum \(limit)"
        case .minItems(let count, let limit):
            return "array has \(count) items, fewer than the minimum \(limit)"
        case .uniqueItems(let first, let second):
            return "items \(first) and \(second) are equal, but uniqueItems requires distinct items"
        case .maxProperties(let count, let limit):
            return "object has \(count) properties, more than the maximum \(limit)"
        case .minProperties(let count, let limit):
            return "object has \(count) properties, fewer than the minimum \(limit)"
        case .required(let property):
            return "missing required property \(JSONWriter.quoted(property))"
        case .additionalProperty(let property):
            return "property \(JSONWriter.quoted(property)) is not allowed (additionalProperties)"
        case .dependency(let property, let missing):
            return "property \(JSONWriter.quoted(property)) requires property \(JSONWriter.quoted(missing))"
        case .anyOf(let count, _):
            return "value does not match any of the \(count) schemas in anyOf"
        case .oneOfNone(let count, _):
            return "value matches none of the \(count) schemas in oneOf, exactly one is required"
        case .oneOfMany(let matching):
            return "value matches \(matching.count) schemas in oneOf (\(matching.map(String.init).joined(separator: ", "))), exactly one is required"
        case .not:
            return "value must not match the schema in not"
        }
    }
}

/// One failed check: the rule, where in the instance, and where in the schema.
public struct ValidationError: Sendable, Equatable, CustomStringConvertible {
    /// The broken rule.
    public let kind: ValidationErrorKind
    /// The failing part of the payload.
    public let instanceLocation: JSONPointer
    /// The keyword that failed, as reached from the root schema, through `$ref`s
    /// (`/items/$ref/properties/price/type`).
    public let keywordLocation: JSONPointer
    /// The keyword's own absolute URI (document URI + pointer fragment).
    public let absoluteKeywordLocation: String

    /// The explanation.
    public var message: String { kind.message }

    /// `/2/price: expected number, found string "3"`.
    public var description: String {
        "\(instanceLocation.description.isEmpty ? "(root)" : instanceLocation.description): \(message)"
    }

    /// The errors behind an `anyOf`/`oneOf` failure, one list per subschema tried.
    public var causes: [ValidationError] {
        switch kind {
        case .anyOf(_, let causes), .oneOfNone(_, let causes): return causes
        default: return []
        }
    }
}

/// A short, readable rendering of a value for messages: `string "3"`, `number 2.5`, `object`.
enum ValuePreview {
    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return "boolean \(flag)"
        case .number(let number): return "\(number.isInteger ? "integer" : "number") \(number)"
        case .string: return "string \(text(value))"
        case .array(let elements): return "array of \(elements.count) items"
        case .object(let object): return "object with \(object.count) properties"
        }
    }

    static func text(_ value: JSONValue, limit: Int = 60) -> String {
        let full = value.description
        guard full.count > limit else { return full }
        return String(full.prefix(limit)) + "…"
    }
}

extension ValidationError {
    /// One subschema of a failed `anyOf`/`oneOf`: its index and the errors it gave.
    public struct Branch: Sendable, Equatable {
        /// The subschema's index in the `anyOf`/`oneOf` array.
        public let index: Int
        /// Its errors (keyword locations under `…/anyOf/<index>`).
        public let errors: [ValidationError]
    }

    /// The causes of an `anyOf`/`oneOf` failure grouped by the subschema they came from, in
    /// subschema order; empty for other errors.
    public var branches: [Branch] {
        let depth = keywordLocation.tokens.count
        var order: [Int] = []
        var grouped: [Int: [ValidationError]] = [:]
        for cause in causes {
            let tokens = cause.keywordLocation.tokens
            let index = tokens.count > depth ? Int(tokens[depth]) ?? -1 : -1
            if grouped[index] == nil { order.append(index) }
            grouped[index, default: []].append(cause)
        }
        return order.sorted().map { Branch(index: $0, errors: grouped[$0]!) }
    }

    /// The subschema the payload most likely meant, as python-jsonschema's `best_match`
    /// reasons: the branch whose errors reach deepest into the instance; among those, one
    /// whose complaint is not the instance's type at the failing place (the instance has the
    /// type that branch describes); then the one with the fewest errors; then the first.
    /// Nil for errors that are not `anyOf`/`oneOf` failures.
    public var bestBranch: Branch? {
        func depth(_ errors: [ValidationError]) -> Int {
            errors.map { max($0.instanceLocation.tokens.count, depth($0.causes)) }.max() ?? 0
        }
        let here = instanceLocation
        func typeMismatch(_ branch: Branch) -> Bool {
            branch.errors.contains { error in
                if case .type = error.kind { return error.instanceLocation == here }
                return false
            }
        }
        return branches.min { left, right in
            let (leftDepth, rightDepth) = (depth(left.errors), depth(right.errors))
            if leftDepth != rightDepth { return leftDepth > rightDepth }
            let (leftType, rightType) = (typeMismatch(left), typeMismatch(right))
            if leftType != rightType { return !leftType }
            if left.errors.count != right.errors.count { return left.errors.count < right.errors.count }
            return left.index < right.index
        }
    }
}
