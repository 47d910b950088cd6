import JSONCore

/// What a deployment file may hold, member by member and with each value's type: read before
/// the file is interpreted, so that a misspelt member (`"stagse"`) or a value of the wrong type
/// (`"timeout": "30"`) is an error at its pointer instead of a silent default.
enum DeploymentFileShape {
    indirect enum Shape: Sendable {
        /// An object with these members (any other is an error).
        case object([String: Shape])
        /// An object whose member names are the user's (stage names, variables…), each value of this shape.
        case map(Shape)
        case array(Shape)
        case string, number, integer, boolean
    }

    static let throttle = Shape.object(["rateLimit": .number, "burstLimit": .integer])

    static let codeMembers: [String: Shape] = [
        "handler": .string, "environment": .map(.string), "memorySize": .integer, "timeout": .number, "runtime": .string, "code": .string,
    ]

    static let function: Shape = {
        var members = codeMembers
        members["versions"] = .array(.object(codeMembers.merging(["version": .integer]) { $1 }))
        members["aliases"] = .map(.object(["version": .string, "additionalVersionWeights": .map(.number), "description": .string]))
        members["reservedConcurrency"] = .integer
        return .object(members)
    }()

    static let stage = Shape.object([
        "definition": .string, "description": .string, "variables": .map(.string), "throttle": throttle,
        "cache": .object([
            "enabled": .boolean, "ttlInSeconds": .integer, "clusterSizeGB": .number, "dataEncrypted": .boolean,
            "requireAuthorizationForCacheControl": .boolean, "unauthorizedCacheControlHeaderStrategy": .string, "authorizedKeys": .array(.string),
        ]),
        "methodSettings": .map(.object(["throttle": throttle, "caching": .object(["enabled": .boolean, "ttlInSeconds": .integer])])),
        "responseValidation": .string,
    ])

    static let root = Shape.object([
        "$schema": .string, "description": .string,
        "apiId": .string, "region": .string, "accountId": .string, "accountThrottle": throttle, "explicitDenyMessage": .string,
        "stages": .map(stage), "functions": .map(function),
        "usagePlans": .map(.object(["stages": .array(.string), "throttle": throttle, "methodThrottles": .map(throttle), "quota": .object(["limit": .integer, "period": .string]), "description": .string])),
        "apiKeys": .map(.object(["value": .string, "enabled": .boolean, "usagePlans": .array(.string), "description": .string])),
    ])

    /// Throws at the first member that is not known or not of its type.
    static func check(_ document: JSONValue, reader: DocumentReader) throws(APIDefinitionError) {
        var pending: [(JSONValue, Shape, [String])] = [(document, root, [])]
        while let (value, shape, tokens) = pending.popLast() {
            switch (shape, value) {
            case (.object(let members), .object(let object)):
                for member in object {
                    guard let inner = members[member.key] else {
                        let known = members.keys.sorted()
                        let hint = Suggestion.closest(to: member.key, among: known).map { "did you mean \"\($0)\"?" }
                            ?? "known members: \(known.filter { $0 != "$schema" }.joined(separator: ", "))"
                        throw reader.fail(tokens + [member.key], "unknown member \"\(member.key)\" (\(hint))")
                    }
                    pending.append((member.value, inner, tokens + [member.key]))
                }
            case (.map(let inner), .object(let object)):
                for member in object { pending.append((member.value, inner, tokens + [member.key])) }
            case (.array(let inner), .array(let elements)):
                for (index, element) in elements.enumerated() { pending.append((element, inner, tokens + [String(index)])) }
            case (.string, .string), (.number, .number), (.boolean, .bool):
                break
            case (.integer, .number(let number)) where number.intValue != nil:
                break
            default:
                throw reader.fail(tokens, "expected \(describe(shape)), found \(describe(value))")
            }
        }
    }

    static func describe(_ shape: Shape) -> String {
        switch shape {
        case .object, .map: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .number: return "a number"
        case .integer: return "a whole number"
        case .boolean: return "true or false"
        }
    }

    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return "the string \(JSONWriter.quoted(text.count > 40 ? String(text.prefix(40)) + "…" : text))"
        case .number(let number): return "the number \(number)"
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        default: return value.typeName
        }
    }
}
