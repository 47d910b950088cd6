import JSONCore
import Velocity

/// `$input`: the payload and the request parameters.
final class InputVariable: VelocityObject {
    let body: String
    let parameters: RequestParameters
    private var parsed: JSONValue?? = nil  // nil: not yet parsed; .some(nil): not JSON

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

    func call(_ name: String, _ arguments: [VelocityValue]) throws(VelocityRuntimeError) -> VelocityValue? {
        switch (name, arguments.count) {
        case ("params", 0):
            return .map(parameters.allParameters())
        case ("params", 1):
            return .string(parameters.value(named: arguments[0].renderedText) ?? "")
        case ("path", 1):
            let expression = arguments[0].renderedText
            guard let document else {
                // Not JSON: the root is the raw text, anything deeper is null.
                return expression.trimmingCharacters() == "$" ? .string(body) : .null
            }
            guard let path = JSONPath(expression) else { return .null }
            let matches = path.select(in: document)
            if !path.isDefinite { return .list(VelocityList(matches.map(VelocityValue.init(json:)), rendersAsJSON: true)) }
            return matches.first.map(VelocityValue.init(json:)) ?? .null
        case ("json", 1):
            let expression = arguments[0].renderedText
            guard let document, let path = JSONPath(expression) else { return .string("\"\"") }
            let matches = path.select(in: document)
            if !path.isDefinite { return .string(JSONWriter.compact.string(.array(matches))) }
            guard let match = matches.first else { return .string("\"\"") }
            return .string(JSONWriter.compact.string(match))
        case ("body", 0):
            return property("body")
        default:
            return nil
        }
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
