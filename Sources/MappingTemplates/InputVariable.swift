import JSONCore
import Velocity

/// `$input`: the payload and the request parameters.
final class InputVariable: VelocityObject {
    let body: String
    let parameters: RequestParameters
    private var parsed: JSONValue?? = nil  // nil: not yet parsed; .some(nil): not JSON
    /// The payload as the template's own values, made by the first `$input.path`: what it
    /// hands out are these maps and lists, so a template that changes one
    /// (`#set($root.body = "changed")`) sees the change in a later `$input.path` or
    /// `$input.json` of the same render, as API Gateway's do.
    private var tree: VelocityValue?

    init(body: String, parameters: RequestParameters) {
        self.body = body
        self.parameters = parameters
    }

    /// The payload as JSON; an empty payload is `{}`; nil when it is not JSON.
    var document: JSONValue? {
        if let parsed { return parsed }
        let value: JSONValue? = body.isEmpty ? .object(JSONObject()) : try? JSONParser().parse(body)
        parsed = .some(value)
        return value
    }

    func property(_ name: String) -> VelocityValue? {
        name == "body" ? .string(body.isEmpty ? "{}" : body) : nil
    }

    func call(_ name: String, _ arguments: [VelocityValue], budget: inout RenderBudget) throws(VelocityRuntimeError) -> VelocityValue? {
        switch (name, arguments.count) {
        case ("params", 0):
            return .map(parameters.allParameters())
        case ("params", 1):
            return .string(parameters.value(named: try budget.text(of: arguments[0])) ?? "")
        case ("path", 1):
            let expression = try budget.text(of: arguments[0])
            guard let document else {
                // Not JSON: the root is the raw text, anything deeper is null.
                return expression.trimmingSpacesTabsAndLineFeeds() == "$" ? .string(body) : .null
            }
            guard let path = JSONPath(expression) else { return .null }
            let root: VelocityValue
            if let tree {
                root = tree
            } else {
                root = try budget.value(fromJSON: document)
                tree = root
            }
            var visits = budget.remainingSteps
            let selected = path.selectNodes(in: root, visits: &visits)
            try budget.steps(budget.remainingSteps - max(visits, 0) + 1)
            guard let matches = selected else { throw VelocityRuntimeError(.tooManySteps(limit: budget.limits.steps)) }
            if !path.isDefinite { return .list(VelocityList(matches, rendersAsJSON: true)) }
            return matches.first ?? .null
        case ("json", 1):
            let expression = try budget.text(of: arguments[0])
            guard var document, let path = JSONPath(expression) else { return .string("\"\"") }
            // Once `$input.path` has handed out the payload, the template may have changed it.
            if let tree { document = try budget.json(of: tree) }
            let matches = try select(path, in: document, &budget)
            if path.isDefinite, matches.isEmpty { return .string("\"\"") }
            // Written match by match, each accounted for before the next (matches may overlap).
            var bytes: [UInt8] = []
            if !path.isDefinite { bytes.append(UInt8(ascii: "[")) }
            for (index, match) in matches.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                let start = bytes.count
                JSONWriter.compact.write(match, into: &bytes)
                try budget.build(bytes: bytes.count - start)
                if bytes.count > budget.limits.outputBytes { throw VelocityRuntimeError(.stringTooLarge(limit: budget.limits.outputBytes)) }
                if path.isDefinite { break }
            }
            if !path.isDefinite { bytes.append(UInt8(ascii: "]")) }
            return .string(String(decoding: bytes, as: UTF8.self))
        case ("body", 0):
            return property("body")
        default:
            return nil
        }
    }

    /// The path's matches, visiting at most the render's remaining steps (`$..a..a..a` on a
    /// deep document would otherwise multiply the matches without bound).
    private func select(_ path: JSONPath, in document: JSONValue, _ budget: inout RenderBudget) throws(VelocityRuntimeError) -> [JSONValue] {
        var visits = budget.remainingSteps
        let matches = path.select(in: document, visits: &visits)
        try budget.steps(budget.remainingSteps - max(visits, 0) + 1)
        guard let matches else { throw VelocityRuntimeError(.tooManySteps(limit: budget.limits.steps)) }
        return matches
    }
}

/// Path, query-string and header parameters of a request, in order.
public struct RequestParameters: Sendable {
    /// Path parameters (`ID` → `3`).
    public var path: [(String, String)]
    /// Query-string parameters (the last value of a repeated name).
    public var querystring: [(String, String)]
    /// Headers (names as sent; looked up case-insensitively).
    public var header: [(String, String)]

    /// Parameters.
    public init(path: [(String, String)] = [], querystring: [(String, String)] = [], header: [(String, String)] = []) {
        self.path = path
        self.querystring = querystring
        self.header = header
    }

    /// `$input.params(name)`: path first, then query string, then header.
    public func value(named name: String) -> String? {
        if let value = path.last(where: { $0.0 == name })?.1 { return value }
        if let value = querystring.last(where: { $0.0 == name })?.1 { return value }
        let lowered = name.lowercased()
        return header.last(where: { $0.0.lowercased() == lowered })?.1
    }

    /// `$input.params()`: `{path={…}, querystring={…}, header={…}}`.
    func allParameters() -> VelocityMap {
        func map(_ pairs: [(String, String)]) -> VelocityValue {
            .map(VelocityMap(pairs.map { ($0.0, VelocityValue.string($0.1)) }))
        }
        return VelocityMap([("path", map(path)), ("querystring", map(querystring)), ("header", map(header))])
    }
}
