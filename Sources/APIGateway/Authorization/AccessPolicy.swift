import JSONCore

/// An IAM policy document as API Gateway evaluates it for `execute-api:Invoke` — a Lambda
/// authorizer's `policyDocument` (reference §16.4–16.5) or the API's resource policy (§26):
/// statements with `Effect`, `Principal`, `Action`/`NotAction`, `Resource`/`NotResource` (each
/// a string or a list, `*` and `?` wildcards; `execute-api:/{stage}/{METHOD}/{path}` is the
/// API's own short form) and `Condition`. An explicit Deny wins; otherwise an Allow must match;
/// with neither the request is denied.
struct AccessPolicy: Sendable, Equatable {
    /// What a policy decides for one request.
    enum Decision: Sendable, Equatable {
        case allow
        /// A Deny statement matched.
        case explicitDeny
        /// No statement allowed it.
        case implicitDeny
    }

    /// Who a statement is about: anyone (`"*"`, `{"AWS": "*"}`, or no `Principal`, as in an
    /// authorizer's policy), or the listed accounts and principals.
    enum Principal: Sendable, Equatable {
        case anyone
        case aws([String])
    }

    /// One statement.
    struct Statement: Sendable, Equatable {
        var allows: Bool
        var principal: Principal
        /// Action patterns, lower-cased (actions match without regard to case); `negated` for
        /// `NotAction`.
        var actions: [Wildcard]
        var actionsNegated: Bool
        /// Resource patterns; `negated` for `NotResource`.
        var resources: [Wildcard]
        var resourcesNegated: Bool
        /// Every condition must hold. One that cannot be told here (a key without a local
        /// meaning, or any condition of an authorizer's policy) never lets an Allow match and
        /// always lets a Deny match — when in doubt, deny.
        var conditions: [PolicyCondition]
    }

    /// Why a document is not a policy (`Could not parse policy`).
    struct ParseError: Error, Sendable, Equatable {
        let reason: String
    }

    /// The longest resource pattern IAM accepts.
    static let maximumResourceLength = 512

    var statements: [Statement]
    /// No Deny, and an unconditional Allow of `execute-api:Invoke` on every resource for anyone:
    /// the decision is `allow` whatever the request (the method ARN need not be made).
    private(set) var allowsEveryInvoke = false

    /// Reads a policy (an object; its `Statement` an object or a non-empty list).
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
                    allows: allows, principal: try AccessPolicy.principal(statement["Principal"]), actions: actions.map { Wildcard($0.lowercased()) },
                    actionsNegated: actionsNegated, resources: resources.map(Wildcard.init), resourcesNegated: resourcesNegated,
                    conditions: try AccessPolicy.conditions(statement["Condition"])))
        }
        let invoke = Array("execute-api:invoke".utf8)
        allowsEveryInvoke =
            statements.allSatisfy(\.allows)
            && statements.contains { statement in
                statement.principal == .anyone && statement.conditions.isEmpty && !statement.actionsNegated && !statement.resourcesNegated
                    && statement.resources.contains(where: \.matchesAll) && statement.actions.contains { $0.matches(invoke) }
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
        return (try strings(value, negated ? negatedName : name), negated)
    }

    /// A string or a non-empty list of strings.
    static func strings(_ value: JSONValue, _ name: String) throws(ParseError) -> [String] {
        switch value {
        case .string(let text): return [text]
        case .array(let entries) where !entries.isEmpty:
            let texts = entries.compactMap(\.stringValue)
            guard texts.count == entries.count else { throw ParseError(reason: "\(name) holds a value that is not a string") }
            return texts
        default: throw ParseError(reason: "\(name) is not a string or a list of strings")
        }
    }

    /// `Principal`: absent or `"*"` or `{"AWS": "*"}` is anyone; `{"AWS": [...]}` those.
    static func principal(_ value: JSONValue?) throws(ParseError) -> Principal {
        switch value {
        case nil, .string("*")?: return .anyone
        case .object(let object)?:
            guard let aws = object["AWS"] else { return .aws([]) }
            let names = try strings(aws, "Principal.AWS")
            return names.contains("*") ? .anyone : .aws(names)
        default: throw ParseError(reason: "Principal is not \"*\" or an object")
        }
    }

    /// `Condition`: operator → key → a value or a list of values (strings, numbers, booleans).
    static func conditions(_ value: JSONValue?) throws(ParseError) -> [PolicyCondition] {
        guard let value else { return [] }
        guard case .object(let operators) = value else { throw ParseError(reason: "Condition is not an object") }
        var entries: [(op: String, key: String, values: [String])] = []
        for op in operators {
            guard case .object(let keys) = op.value else { throw ParseError(reason: "Condition.\(op.key) is not an object") }
            for key in keys {
                let list = key.value.arrayValue ?? [key.value]
                let texts = list.compactMap(JSONShape.scalarText)
                guard texts.count == list.count, !texts.isEmpty else { throw ParseError(reason: "Condition.\(op.key).\(key.key) holds a value that is not a string") }
                entries.append((op.key, key.key, texts))
            }
        }
        return PolicyCondition.read(entries)
    }

    /// The condition keys (with their operators) that have no local meaning.
    var unsupportedConditions: [String] {
        statements.flatMap(\.conditions).filter { !ConditionFacts.knownKeys.contains($0.key.lowercased()) }.map { condition in
            condition.key.hasPrefix("unsupported:") ? String(condition.key.dropFirst("unsupported:".count)) : "\(condition.op.rawValue):\(condition.key)"
        }
    }

    /// The decision for invoking `resource` (a method ARN).
    func decide(action: String = "execute-api:Invoke", resource: String) -> Decision {
        decide(action: Array(action.lowercased().utf8), resource: Array(resource.utf8), shortResource: [], facts: nil, account: nil)
    }

    /// `execute-api:invoke`, lower-cased as action patterns are.
    static let invoke = Array("execute-api:invoke".utf8)

    /// The decision for `action` (lower case, UTF-8) on `resource` (a method ARN, UTF-8), whose
    /// short form (`execute-api:/{stage}/{METHOD}/{path}`) patterns in that form match; with
    /// `facts` to evaluate conditions, and the signed caller's account (nil: anonymous).
    func decide(action: [UInt8] = AccessPolicy.invoke, resource: [UInt8], shortResource: [UInt8], facts: ConditionFacts?, account: String?) -> Decision {
        var allowed = false
        let short = Array("execute-api:/".utf8)
        for statement in statements {
            switch statement.principal {
            case .anyone: break
            case .aws(let names):
                guard let account, names.contains(where: { $0 == account || $0 == "arn:aws:iam::\(account):root" }) else { continue }
            }
            let actionMatches = statement.actions.contains { $0.matches(action) } != statement.actionsNegated
            guard actionMatches else { continue }
            let resourceMatches = statement.resources.contains { pattern in
                pattern.pattern.starts(with: short) ? pattern.matches(shortResource) : pattern.matches(resource)
            } != statement.resourcesNegated
            guard resourceMatches else { continue }
            var applies = true
            for condition in statement.conditions {
                switch condition.holds(facts) {
                case true?: continue
                case false?: applies = false
                case nil: applies = !statement.allows
                }
                if !applies { break }
            }
            guard applies else { continue }
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

/// The policy evaluation for the `policy` fuzz target and the tests that replay its corpus: a
/// document read as a policy and decided for one method ARN, with the facts a local request
/// has.
package enum PolicyProbe {
    /// Whether the policy's shortcut says it allows every invoke (nil when `document` is no policy).
    package static func allowsEveryInvoke(_ document: JSONValue) -> Bool? {
        (try? AccessPolicy(document: document))?.allowsEveryInvoke
    }

    /// `allow`, `explicitDeny` or `implicitDeny`; nil when `document` is no policy.
    package static func decide(_ document: JSONValue, arn: String, sourceIp: String = "127.0.0.1", now: Double = 1_764_028_800) -> String? {
        guard let policy = try? AccessPolicy(document: document) else { return nil }
        let bytes = Array(arn.utf8)
        let short = Array("execute-api:/".utf8) + (bytes.split(separator: UInt8(ascii: "/"), maxSplits: 1).dropFirst().first ?? [])
        let facts = ConditionFacts(sourceIp: sourceIp, now: now, userAgent: "fuzz", referer: nil, principalAccount: nil)
        switch policy.decide(resource: bytes, shortResource: short, facts: facts, account: nil) {
        case .allow: return "allow"
        case .explicitDeny: return "explicitDeny"
        case .implicitDeny: return "implicitDeny"
        }
    }
}
