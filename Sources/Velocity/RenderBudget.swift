import ECMARegex
import JSONCore

/// What one render may still spend, shared by everything the render does: evaluation steps,
/// regular-expression steps (every `matches`, `replaceAll`, `split`…), bytes of text built
/// (output, interpolated strings, method results, printed collections), and the nesting of
/// `#macro` calls and `#define` blocks. Running out of any of them ends the render with a
/// `VelocityRuntimeError` naming the limit and, where known, the template position.
///
/// Host objects (`VelocityObject`) receive the budget with each call and convert their
/// arguments to text through it (`text(of:)`), so their work counts too.
public struct RenderBudget {
    /// The limits this budget started from.
    public let limits: VelocityLimits
    var steps = 0
    var regex: RegexBudget
    /// Bytes of text the render may still build.
    var textBytesLeft: Int
    var depth = 0

    /// A fresh budget of `limits`.
    public init(limits: VelocityLimits = VelocityLimits()) {
        self.limits = limits
        self.regex = RegexBudget(steps: limits.regexSteps)
        self.textBytesLeft = limits.textBytes
    }

    /// Counts one evaluation step.
    @inline(__always)
    mutating func step(_ location: SourceLocation? = nil) throws(VelocityRuntimeError) {
        steps += 1
        if steps > limits.steps { throw VelocityRuntimeError(.tooManySteps(limit: limits.steps), at: location) }
    }

    /// Evaluation steps still allowed.
    public var remainingSteps: Int { limits.steps - steps }

    /// Counts `count` evaluation steps at once (a range literal, a copied collection, the
    /// nodes a JSONPath visited).
    public mutating func steps(_ count: Int, _ location: SourceLocation? = nil) throws(VelocityRuntimeError) {
        if count > limits.steps - steps { throw VelocityRuntimeError(.tooManySteps(limit: limits.steps), at: location) }
        steps += count
    }

    /// Accounts for a string of `count` bytes about to be built: refused when one string
    /// would outgrow `limits.outputBytes` or the render's text would outgrow `limits.textBytes`.
    @inline(__always)
    public mutating func build(bytes count: Int) throws(VelocityRuntimeError) {
        textBytesLeft -= count
        if textBytesLeft < 0 || count > limits.outputBytes { throw buildFailure(count) }
    }

    private func buildFailure(_ count: Int) -> VelocityRuntimeError {
        if count > limits.outputBytes { return VelocityRuntimeError(.stringTooLarge(limit: limits.outputBytes)) }
        return VelocityRuntimeError(.textBudgetExceeded(limit: limits.textBytes))
    }

    /// Enters a `#macro` call or a `#define` block.
    mutating func enter(_ location: SourceLocation?) throws(VelocityRuntimeError) {
        depth += 1
        if depth > limits.macroDepth { throw VelocityRuntimeError(.recursionTooDeep(limit: limits.macroDepth), at: location) }
    }

    mutating func leave() { depth -= 1 }

    /// The error for a regular expression that found the render's regex steps spent.
    func regexFailure(_ pattern: String) -> VelocityRuntimeError {
        VelocityRuntimeError(.regexBudgetExceeded(limit: limits.regexSteps, pattern: pattern))
    }

    // MARK: - Printing values

    /// `toString()` as Java prints `value`: null is the empty string (API Gateway's rule),
    /// `null` inside a collection; lists `[a, b]` (lists from JSON as compact JSON), maps
    /// `{k=v}`, a collection directly inside itself `(this Collection)` / `(this Map)` as
    /// Java prints it. Bounded: collections nested deeper than `limits.macroDepth` (a
    /// collection reached through itself) and text over the limits are errors.
    public mutating func text(of value: VelocityValue) throws(VelocityRuntimeError) -> String {
        switch value {
        case .null: return ""
        case .string(let text): return text
        case .list, .map:
            var output = ""
            try write(value, into: &output, inCollection: false, depth: 0, container: nil)
            return output
        default:
            return value.scalarText(inCollection: false)
        }
    }

    /// `text(of:)` as an element of a collection prints it (null is `null`).
    mutating func collectionText(of value: VelocityValue) throws(VelocityRuntimeError) -> String {
        var output = ""
        try write(value, into: &output, inCollection: true, depth: 0, container: nil)
        return output
    }

    private mutating func append(_ text: String, to output: inout String) throws(VelocityRuntimeError) {
        try build(bytes: text.utf8.count)
        if output.utf8.count + text.utf8.count > limits.outputBytes {
            throw VelocityRuntimeError(.stringTooLarge(limit: limits.outputBytes))
        }
        output += text
    }

    private mutating func write(
        _ value: VelocityValue, into output: inout String, inCollection: Bool, depth: Int, container: ObjectIdentifier?
    ) throws(VelocityRuntimeError) {
        if depth > limits.macroDepth { throw VelocityRuntimeError(.valueTooDeep(limit: limits.macroDepth)) }
        switch value {
        case .list(let list):
            if ObjectIdentifier(list) == container { return try append("(this Collection)", to: &output) }
            if list.rendersAsJSON {
                return try append(JSONWriter.compact.string(try json(of: value)), to: &output)
            }
            try append("[", to: &output)
            for (index, element) in list.elements.enumerated() {
                try step()
                if index > 0 { try append(", ", to: &output) }
                try write(element, into: &output, inCollection: true, depth: depth + 1, container: ObjectIdentifier(list))
            }
            try append("]", to: &output)
        case .map(let map):
            if map.rendersAsEmpty { return }
            if ObjectIdentifier(map) == container { return try append("(this Map)", to: &output) }
            try append("{", to: &output)
            for (index, entry) in map.entries.enumerated() {
                try step()
                try append(index > 0 ? ", " + entry.key + "=" : entry.key + "=", to: &output)
                try write(entry.value, into: &output, inCollection: true, depth: depth + 1, container: ObjectIdentifier(map))
            }
            try append("}", to: &output)
        case .string(let text):
            try append(text, to: &output)
        default:
            try append(value.scalarText(inCollection: inCollection), to: &output)
        }
    }

    /// The value as JSON (`$input.json`, lists from JSON printed), counting each node as a
    /// step and refusing collections nested deeper than `limits.macroDepth` levels beyond the
    /// parser's own depth (a collection reached through itself).
    public mutating func json(of value: VelocityValue) throws(VelocityRuntimeError) -> JSONValue {
        try json(of: value, depth: 0)
    }

    private mutating func json(of value: VelocityValue, depth: Int) throws(VelocityRuntimeError) -> JSONValue {
        if depth > JSONParser.Options().maximumDepth + limits.macroDepth {
            throw VelocityRuntimeError(.valueTooDeep(limit: JSONParser.Options().maximumDepth + limits.macroDepth))
        }
        try step()
        switch value {
        case .list(let list):
            var elements: [JSONValue] = []
            elements.reserveCapacity(list.elements.count)
            for element in list.elements { elements.append(try json(of: element, depth: depth + 1)) }
            return .array(elements)
        case .map(let map):
            var members: [JSONObject.Member] = []
            members.reserveCapacity(map.entries.count)
            for entry in map.entries { members.append(JSONObject.Member(key: entry.key, value: try json(of: entry.value, depth: depth + 1))) }
            return .object(JSONObject(members))
        case .string(let text):
            try build(bytes: text.utf8.count)
            return .string(text)
        default:
            return value.scalarJSON
        }
    }

    /// A template value for `json`, counting each node as a step (so that selecting many
    /// overlapping parts of a document stays bounded).
    public mutating func value(fromJSON json: JSONValue) throws(VelocityRuntimeError) -> VelocityValue {
        try step()
        switch json {
        case .array(let elements):
            var values: [VelocityValue] = []
            values.reserveCapacity(elements.count)
            for element in elements { values.append(try value(fromJSON: element)) }
            return .list(VelocityList(values, rendersAsJSON: true))
        case .object(let object):
            let map = VelocityMap()
            for member in object { map.put(member.key, try value(fromJSON: member.value)) }
            return .map(map)
        default:
            return VelocityValue(json: json)
        }
    }
}
