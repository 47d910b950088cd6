import JSONCore

extension APIDocument {
    /// Where, in the user's own document, the value a pointer of its normalized form (OpenAPI
    /// 3.0, what the importer and the compiler read) came from — so that an error names the
    /// user's file and place, not the converted one: a Swagger 2.0 body's
    /// `#/paths/~1notes/post/requestBody/content/application~1json/schema/$ref` is
    /// `#/paths/~1notes/post/parameters/0/schema/$ref`. The pointer as it is for OpenAPI 3.x
    /// (the same places), and the nearest place that exists when the conversion made a value
    /// of its own.
    public static func sourcePointer(_ pointer: JSONPointer, in original: JSONValue) -> JSONPointer {
        guard original["swagger"] != nil else { return pointer }
        let tokens = pointer.tokens
        guard let first = tokens.first else { return pointer }
        switch first {
        case "components":
            guard tokens.count >= 2 else { return .root }
            let rest = Array(tokens.dropFirst(2))
            switch tokens[1] {
            case "schemas": return JSONPointer(tokens: ["definitions"] + rest)
            case "securitySchemes": return JSONPointer(tokens: ["securityDefinitions"] + rest)
            default: return .root
            }
        case "servers":
            return JSONPointer(tokens: original["host"] != nil ? ["host"] : [])
        case "openapi":
            return JSONPointer(tokens: ["swagger"])
        case "paths":
            guard tokens.count >= 3 else { return pointer }
            return operationSource(tokens, in: original)
        default:
            return pointer
        }
    }

    /// A pointer below `paths/PATH/...`.
    static func operationSource(_ tokens: [String], in original: JSONValue) -> JSONPointer {
        let path = tokens[1]
        let pathItem = original["paths"]?[path]
        if tokens[2] == "parameters" {
            // Path-level parameters: the converted list holds the plain ones only.
            return parameterSource(tokens, at: 3, list: pathItem?["parameters"]?.arrayValue ?? [], listTokens: ["paths", path, "parameters"], in: original)
        }
        let method = tokens[2]
        let operation = pathItem?[method]
        let here = ["paths", path, method]
        guard tokens.count >= 4 else { return JSONPointer(tokens: tokens) }
        let rest = Array(tokens.dropFirst(4))
        switch tokens[3] {
        case "parameters":
            return parameterSource(tokens, at: 4, list: operation?["parameters"]?.arrayValue ?? [], listTokens: here + ["parameters"], in: original)
        case "requestBody":
            // `content/TYPE/schema/...`: the body parameter's schema, or (form data) a field.
            let all = (operation?["parameters"]?.arrayValue ?? []).enumerated().map { (here + ["parameters", String($0.offset)], $0.element) }
                + (pathItem?["parameters"]?.arrayValue ?? []).enumerated().map { (["paths", path, "parameters", String($0.offset)], $0.element) }
            let resolved = all.map { ($0.0, $0.1, resolvedParameter($0.1, in: original)) }
            if let body = resolved.first(where: { $0.2?["in"] == "body" }) {
                let base = referenceTokens(body.1) ?? body.0
                guard rest.count >= 3, rest[0] == "content", rest[2] == "schema" else { return JSONPointer(tokens: base) }
                return JSONPointer(tokens: base + Array(rest.dropFirst(2)))
            }
            if rest.count >= 5, rest[0] == "content", rest[2] == "schema", rest[3] == "properties",
                let field = resolved.first(where: { $0.2?["in"] == "formData" && $0.2?["name"]?.stringValue == rest[4] })
            {
                return JSONPointer(tokens: referenceTokens(field.1) ?? field.0)
            }
            return JSONPointer(tokens: here + ["parameters"])
        case "responses":
            guard let code = rest.first else { return JSONPointer(tokens: here + ["responses"]) }
            let declared = operation?["responses"]?[code]
            let base = declared.flatMap(referenceTokens) ?? (here + ["responses", code])
            let inner = Array(rest.dropFirst())
            if inner.count >= 3, inner[0] == "content", inner[2] == "schema" { return JSONPointer(tokens: base + ["schema"] + inner.dropFirst(3)) }
            if inner.count >= 3, inner[0] == "headers", inner[2] == "schema" { return JSONPointer(tokens: base + ["headers", inner[1]] + inner.dropFirst(3)) }
            return JSONPointer(tokens: base + inner.prefix(inner.first == "content" ? 0 : inner.count))
        default:
            return JSONPointer(tokens: tokens)
        }
    }

    /// A converted plain parameter `k` of `list` (body and form-data parameters left out by the
    /// conversion) → the original's index; `schema/X` → `X` (Swagger keeps the type beside the name).
    static func parameterSource(_ tokens: [String], at position: Int, list: [JSONValue], listTokens: [String], in original: JSONValue) -> JSONPointer {
        guard tokens.count > position, let converted = Int(tokens[position]) else { return JSONPointer(tokens: listTokens) }
        var seen = -1
        for (index, value) in list.enumerated() {
            let resolved = resolvedParameter(value, in: original)
            if ["body", "formData"].contains(resolved?["in"]?.stringValue ?? "") { continue }
            seen += 1
            guard seen == converted else { continue }
            var rest = Array(tokens.dropFirst(position + 1))
            if rest.first == "schema" { rest.removeFirst() }
            return JSONPointer(tokens: (referenceTokens(value) ?? (listTokens + [String(index)])) + rest)
        }
        return JSONPointer(tokens: listTokens)
    }

    /// `#/parameters/name` or `#/responses/name` → its tokens; nil for an inline value.
    static func referenceTokens(_ value: JSONValue) -> [String]? {
        guard case .string(let reference)? = value["$ref"], reference.hasPrefix("#/"), let pointer = try? JSONPointer(uriFragment: String(reference.dropFirst()))
        else { return nil }
        return pointer.tokens
    }

    /// A parameter, through its `$ref` to `#/parameters/`.
    static func resolvedParameter(_ value: JSONValue, in original: JSONValue) -> JSONValue? {
        guard let tokens = referenceTokens(value) else { return value }
        return JSONPointer(tokens: tokens).resolve(in: original)
    }
}
