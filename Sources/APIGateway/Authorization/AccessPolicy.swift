import JSONCore

/// An IAM policy document as API Gateway evaluates it for `execute-api:Invoke` (a Lambda
/// authorizer's `policyDocument`; reference §16.4–16.5): statements with `Effect`,
/// `Action`/`NotAction` and `Resource`/`NotResource`, each a string or a list, `*` and `?`
/// wildcards. An explicit Deny wins; otherwise an Allow must match; with neither the request
/// is denied.
struct AccessPolicy: Sendable, Equatable {
    /// What a policy decides for one request.
    enum Decision: Sendable, Equatable {
        case allow
        /// A Deny statement matched.
        case explicitDeny
        /// No statement allowed it.
        case implicitDeny
    }

    /// One statement.
    struct Statement: Sendable, Equatable {
        var allows: Bool
        /// Action patterns, lower-cased (actions match without regard to case); `negated` for
        /// `NotAction`.
        var actions: [Wildcard]
        var actionsNegated: Bool
        /// Resource patterns; `negated` for `NotResource`.
        var resources: [Wildcard]
        var resourcesNegated: Bool
        /// Whether the statement has a `Condition` (not evaluated in an authorizer's policy:
        /// such an Allow never matches and such a Deny always does — when in doubt, deny).
        var conditional: Bool
    }

    /// Why a document is not a policy (`Could not parse policy`).
    struct ParseError: Error, Sendable, Equatable {
        let reason: String
    }

    /// The longest resource pattern IAM accepts.
    static let maximumResourceLength = 512

    var statements: [Statement]

    /// Reads a `policyDocument` (an object; its `Statement` an object or a non-empty list).
    init(document: JSONValue) throws(ParseError) {
        guard case .object(let object) = document else { throw ParseError(reason: "the policy document is not an object") }
        let list: [JSONValue]
        switch object["Statement"] {
        case .array(let entries)? where !entries.isEmpty: list = entries
        case .object?: list = [object["Statement"]!]
        default: throw ParseError(reason: "the policy has no Statement")
        }
        statements = []
        for entry in list {
            guard case .object(let statement) = entry else { throw ParseError(reason: "a statement is not an object") }
            let allows: Bool
            switch statement["Effect"] {
            case .string("Allow")?: allows = true
            case .string("Deny")?: allows = false
            default: throw ParseError(reason: "a statement's Effect is neither Allow nor Deny")
            }
            let (actions, actionsNegated) = try AccessPolicy.patterns(statement, "Action", "NotAction")
            let (resources, resourcesNegated) = try AccessPolicy.patterns(statement, "Resource", "NotResource")
            if let long = resources.first(where: { $0.utf8.count > AccessPolicy.maximumResourceLength }) {
                throw ParseError(reason: "a Resource is longer than \(AccessPolicy.maximumResourceLength) characters (\(long.prefix(40))…)")
            }
            statements.append(
                Statement(
                    allows: allows, actions: actions.map { Wildcard($0.lowercased()) }, actionsNegated: actionsNegated, resources: resources.map(Wildcard.init),
                    resourcesNegated: resourcesNegated, conditional: statement["Condition"] != nil))
        }
    }

    /// `Action` or `NotAction` (exactly one), a string or a non-empty list of strings.
    static func patterns(_ statement: JSONObject, _ name: String, _ negatedName: String) throws(ParseError) -> ([String], Bool) {
        let value: JSONValue
        let negated: Bool
        switch (statement[name], statement[negatedName]) {
        case (let plain?, nil): (value, negated) = (plain, false)
        case (nil, let inverse?): (value, negated) = (inverse, true)
        case (nil, nil): throw ParseError(reason: "a statement has no \(name)")
        default: throw ParseError(reason: "a statement has both \(name) and \(negatedName)")
        }
        switch value {
        case .string(let text): return ([text], negated)
        case .array(let entries) where !entries.isEmpty:
            let texts = entries.compactMap(\.stringValue)
            guard texts.count == entries.count else { throw ParseError(reason: "\(negated ? negatedName : name) holds a value that is not a string") }
            return (texts, negated)
        default: throw ParseError(reason: "\(negated ? negatedName : name) is not a string or a list of strings")
        }
    }

    /// The decision for invoking `resource` (a method ARN).
    func decide(action: String = "execute-api:Invoke", resource: String) -> Decision {
        decide(action: Array(action.lowercased().utf8), resource: Array(resource.utf8))
    }

    /// `execute-api:invoke`, lower-cased as action patterns are.
    static let invoke = Array("execute-api:invoke".utf8)

    /// The decision for `action` (lower case, UTF-8) on `resource` (UTF-8).
    func decide(action: [UInt8] = AccessPolicy.invoke, resource: [UInt8]) -> Decision {
        var allowed = false
        for statement in statements {
            if statement.conditional {
                if !statement.allows { return .explicitDeny }
                continue
            }
            let actionMatches = statement.actions.contains { $0.matches(action) } != statement.actionsNegated
            guard actionMatches else { continue }
            let resourceMatches = statement.resources.contains { $0.matches(resource) } != statement.resourcesNegated
            guard resourceMatches else { continue }
            if !statement.allows { return .explicitDeny }
            allowed = true
        }
        return allowed ? .allow : .implicitDeny
    }
}

/// An IAM wildcard pattern, read once: `*` matches any run of characters (`/` and `:`
/// included), `?` exactly one. Matched over UTF-8 bytes, a character at a time.
struct Wildcard: Sendable, Equatable {
    let pattern: [UInt8]
    /// `*` alone: matches everything without looking.
    let matchesAll: Bool

    init(_ pattern: String) {
        self.pattern = Array(pattern.utf8)
        matchesAll = pattern == "*"
    }

    /// Whether `pattern` matches all of `text` (`caseInsensitive` compares ASCII letters
    /// without regard to case).
    static func matches(_ pattern: String, _ text: String, caseInsensitive: Bool) -> Bool {
        caseInsensitive ? Wildcard(pattern.lowercased()).matches(Array(text.lowercased().utf8)) : Wildcard(pattern).matches(Array(text.utf8))
    }

    /// The length of the UTF-8 sequence a byte starts (1 for a stray continuation byte).
    @inline(__always)
    static func length(_ lead: UInt8) -> Int {
        lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
    }

    /// Whether the pattern matches all of `text`. Linear in the common case, at most
    /// pattern × text steps (a policy resource is at most 512 bytes, a method ARN 1,600).
    func matches(_ text: [UInt8]) -> Bool {
        if matchesAll { return true }
        var p = 0, t = 0
        var star: Int? = nil, resume = 0
        let star8 = UInt8(ascii: "*"), question = UInt8(ascii: "?")
        while t < text.count {
            if p < pattern.count, pattern[p] == star8 {
                star = p
                resume = t
                p += 1
            } else if p < pattern.count, pattern[p] == question {
                p += 1
                t = min(text.count, t + Wildcard.length(text[t]))
            } else if p < pattern.count, pattern[p] == text[t] {
                p += 1
                t += 1
            } else if let star {
                p = star + 1
                resume = min(text.count, resume + Wildcard.length(text[resume]))
                t = resume
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == star8 { p += 1 }
        return p == pattern.count
    }
}
