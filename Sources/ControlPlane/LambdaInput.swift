import ECMARegex
import APIModel
import JSONCore
import LambdaRuntime
import Synchronization

/// Lambda's input checks, before an operation changes anything: every member of the request
/// against the constraints of botocore's model (`LambdaInputShapes.swift`, generated), then the
/// rules Lambda documents beyond the model (environment variables: 4 KB at most, no reserved
/// keys; a timeout of at most 900 s). A broken constraint is AWS's `ValidationException` listing
/// each one (`1 validation error detected: Value '…' at 'name' failed to satisfy constraint: …`);
/// a broken rule is `InvalidParameterValueException` with Lambda's message.
enum LambdaInput {
    /// Where a member travels.
    enum Location: Sendable {
        /// The path segment at this index (`/2015-03-31/functions/{FunctionName}` → 2).
        case uri(Int)
        case query, header, body
    }

    /// What a member may hold, as the model says.
    indirect enum Shape: Sendable {
        case string(min: Int?, max: Int?, pattern: String?, values: [String]?)
        case integer(min: Int?, max: Int?)
        case number(min: Double?, max: Double?)
        case boolean
        case list(min: Int?, max: Int?, member: Shape)
        case map(key: Shape, value: Shape)
        case structure(members: [(String, Shape)], required: [String])
        /// Not checked (blobs, timestamps, shapes nested past the generator's depth).
        case any
    }

    /// An input member of an operation.
    struct Member: Sendable {
        let name: String
        let location: Location
        let wireName: String
        let shape: Shape
        let required: Bool
    }

    /// The longest timeout Lambda allows, in seconds.
    static let maximumTimeout = 900

    /// Checks `call` as `operation` (a name of `operations`); nothing to check for other names.
    static func validate(_ call: AWSCall, operation: String) throws(ControlError) {
        guard let members = operations[operation] else { return }
        var problems: [String] = []
        var body: JSONValue = .object(JSONObject())
        if members.contains(where: { if case .body = $0.location { return $0.wireName != "Payload" } else { return false } }),
            !call.request.body.isEmpty
        {
            body = try call.body()
        }
        for member in members {
            let path = camel(member.name)
            let value: JSONValue?
            switch member.location {
            case .uri(let index): value = index < call.segments.count ? .string(call.segments[index]) : nil
            case .query: value = call.query[member.wireName].map(JSONValue.string)
            case .header: value = call.request.headers[member.wireName].map(JSONValue.string)
            case .body: value = member.wireName == "Payload" ? nil : body[member.wireName]
            }
            guard let value, value != .null else {
                if member.required { problems.append("Value null at '\(path)' failed to satisfy constraint: Member must not be null") }
                continue
            }
            // Query strings and headers arrive as text: numbers are read from it.
            var typed = value
            if case .body = member.location {
            } else if case .string(let text) = value, case .integer = member.shape, let number = Int(text) {
                typed = .number(JSONNumber(number))
            }
            check(typed, against: member.shape, at: path, into: &problems)
        }
        if !problems.isEmpty {
            let count = problems.count
            throw ControlError(
                status: 400, type: "ValidationException",
                message: "\(count) validation error\(count == 1 ? "" : "s") detected: " + problems.joined(separator: "; "))
        }
        try checkRules(body)
    }

    /// Lambda's documented rules beyond the model.
    static func checkRules(_ body: JSONValue) throws(ControlError) {
        if let timeout = body["Timeout"]?.numberValue?.intValue, timeout > maximumTimeout {
            throw ControlError(
                status: 400, type: "ValidationException",
                message: "1 validation error detected: Value '\(timeout)' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to \(maximumTimeout)")
        }
        if let variables = body["Environment"]?["Variables"]?.objectValue, let problem = EnvironmentRules.problem(variables) {
            throw ControlError.invalidParameter(problem)
        }
    }

    static func check(_ value: JSONValue, against shape: Shape, at path: String, into problems: inout [String]) {
        func fail(_ constraint: String) {
            problems.append("Value '\(shown(value))' at '\(path)' failed to satisfy constraint: Member must \(constraint)")
        }
        switch shape {
        case .any:
            return
        case .string(let minimum, let maximum, let pattern, let values):
            guard case .string(let text) = value else { return fail("be a string") }
            let length = text.count
            if let values, !values.contains(text) { fail("satisfy enum value set: [\(values.joined(separator: ", "))]") }
            if let minimum, length < minimum { fail("have length greater than or equal to \(minimum)") }
            if let maximum, length > maximum { fail("have length less than or equal to \(maximum)") }
            if let pattern, !matches(text, pattern) { fail("satisfy regular expression pattern: \(pattern)") }
        case .integer(let minimum, let maximum):
            guard case .number(let number) = value, let whole = number.intValue else { return fail("be a whole number") }
            if let minimum, whole < minimum { fail("have value greater than or equal to \(minimum)") }
            if let maximum, whole > maximum { fail("have value less than or equal to \(maximum)") }
        case .number(let minimum, let maximum):
            guard case .number(let number) = value, let double = Double(exactly: number.doubleValue) else { return fail("be a number") }
            if let minimum, double < minimum { fail("have value greater than or equal to \(minimum)") }
            if let maximum, double > maximum { fail("have value less than or equal to \(maximum)") }
        case .boolean:
            guard case .bool = value else { return fail("be true or false") }
        case .list(let minimum, let maximum, let member):
            guard case .array(let elements) = value else { return fail("be a list") }
            if let minimum, elements.count < minimum { fail("have length greater than or equal to \(minimum)") }
            if let maximum, elements.count > maximum { fail("have length less than or equal to \(maximum)") }
            for (index, element) in elements.enumerated() { check(element, against: member, at: "\(path).\(index + 1).member", into: &problems) }
        case .map(let key, let valueShape):
            guard case .object(let object) = value else { return fail("be a map") }
            var keyProblems: [String] = []
            for member in object {
                check(.string(member.key), against: key, at: path, into: &keyProblems)
                check(member.value, against: valueShape, at: "\(path).\(member.key)", into: &problems)
            }
            if let first = keyProblems.first, let constraint = first.range(of: "Member must ") {
                problems.append("Value at '\(path)' failed to satisfy constraint: Map keys must satisfy constraint: [\(first[constraint.lowerBound...])]")
            }
        case .structure(let members, let required):
            guard case .object(let object) = value else { return fail("be a structure") }
            for name in required where object[name] == nil || object[name] == .null {
                problems.append("Value null at '\(path).\(camel(name))' failed to satisfy constraint: Member must not be null")
            }
            for (name, inner) in members {
                if let member = object[name], member != .null { check(member, against: inner, at: "\(path).\(camel(name))", into: &problems) }
            }
        }
    }

    /// `FunctionName` → `functionName`, as Lambda's messages name members.
    static func camel(_ name: String) -> String { name.prefix(1).lowercased() + name.dropFirst() }

    /// A value as Lambda's messages quote it (long ones cut).
    static func shown(_ value: JSONValue) -> String {
        let text: String
        switch value {
        case .string(let string): text = string
        default: text = JSONWriter.compact.string(value)
        }
        return text.count > 256 ? String(text.prefix(256)) + "…" : text
    }

    /// Whether `text` matches `pattern` whole (the model's patterns are anchored by Lambda).
    static func matches(_ text: String, _ pattern: String) -> Bool {
        guard let regex = compiled(pattern) else { return true }
        return regex.matches(text)
    }

    private static let cache = Mutex<[String: ECMARegex]>([:])

    static func compiled(_ pattern: String) -> ECMARegex? {
        if let found = cache.withLock({ $0[pattern] }) { return found }
        guard let regex = try? ECMARegex(wholeInput: pattern, stepLimit: 100_000) else { return nil }
        cache.withLock { $0[pattern] = regex }
        return regex
    }
}
