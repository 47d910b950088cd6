import JSONCore
import Synchronization

/// What a Lambda authorizer answered, checked (reference §16.4): the principal, the policy,
/// the context (scalars only) and the usage-plan key it names. A class: the cache hands the same
/// answer to every request it serves (one retain, not one per field).
final class AuthorizerResult: Sendable {
    let principalId: String
    let policy: AccessPolicy
    /// `usageIdentifierKey`: the API key value, for an API whose key source is `AUTHORIZER`.
    let usageIdentifierKey: String?
    /// `$context.authorizer.*` and the proxy event's `requestContext.authorizer`: the principal
    /// and every `context` value (in the function's order) as text (`1` → `"1"`, `true` →
    /// `"true"`), made once.
    let stringified: [(String, String)]

    /// Why an answer is not a valid authorizer output.
    struct Malformed: Error, Sendable {
        let reason: String
    }

    /// Reads a function's answer.
    init(output: JSONValue) throws(Malformed) {
        guard case .object(let object) = output else { throw Malformed(reason: "the output is not an object, found \(output.typeName)") }
        guard let principal = object["principalId"] else { throw Malformed(reason: "the output has no principalId") }
        guard let principalText = JSONShape.scalarText(principal) else {
            throw Malformed(reason: "principalId is not a string, found \(principal.typeName)")
        }
        guard let document = object["policyDocument"] else { throw Malformed(reason: "the output has no policyDocument") }
        do {
            policy = try AccessPolicy(document: document)
        } catch {
            throw Malformed(reason: "Could not parse policy: \(error.reason)")
        }
        var context: [(String, JSONValue)] = []
        switch object["context"] {
        case nil, .null?: break
        case .object(let members)?:
            for member in members {
                switch member.value {
                case .string, .number, .bool: context.append((member.key, member.value))
                default:
                    throw Malformed(
                        reason: "context.\(member.key) is \(member.value.typeName): an authorizer's context holds strings, numbers and booleans only")
                }
            }
        case let other?: throw Malformed(reason: "context is not an object, found \(other.typeName)")
        }
        switch object["usageIdentifierKey"] {
        case nil, .null?: usageIdentifierKey = nil
        case .string(let key)?: usageIdentifierKey = key
        case let other?: throw Malformed(reason: "usageIdentifierKey is not a string, found \(other.typeName)")
        }
        principalId = principalText
        stringified = [("principalId", principalText)] + context.map { ($0.0, JSONShape.scalarText($0.1) ?? "") }
    }
}

/// Authorizer answers kept for their TTL, per API, stage, authorizer and identity values
/// (reference §16.6): a hit is evaluated against the new request's method ARN without invoking
/// the function. Bounded: at most `capacity` entries (expired ones are dropped first, then the
/// oldest). Malformed answers and refusals are never kept.
final class AuthorizerCache: Sendable {
    /// What an answer is kept under: the authorizer's scope (API and stage, name, function —
    /// its hash made once when the authorizer is compiled) and the request's identity values
    /// (the token itself for a TOKEN authorizer: no key text is built per request).
    struct Key: Hashable, Sendable {
        let scope: String
        let scopeHash: Int
        let identity: String

        func hash(into hasher: inout Hasher) {
            hasher.combine(scopeHash)
            hasher.combine(identity)
        }

        static func == (a: Key, b: Key) -> Bool { a.identity == b.identity && a.scopeHash == b.scopeHash && a.scope == b.scope }
    }

    struct Entry: Sendable {
        let result: AuthorizerResult
        let expires: Double
        let stage: String
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        /// Keys in insertion order (for eviction).
        var order: [Key] = []
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int = 10_000) { self.capacity = capacity }

    /// The kept answer for `key`, unless it expired by `now`.
    func lookup(_ key: Key, now: Double) -> AuthorizerResult? {
        state.withLock { state in
            guard let entry = state.entries[key] else { return nil }
            guard entry.expires > now else {
                state.entries[key] = nil
                return nil
            }
            return entry.result
        }
    }

    /// Keeps `result` under `key` for `ttl` seconds.
    func store(_ result: AuthorizerResult, key: Key, stage: String, ttl: Int, now: Double) {
        guard ttl > 0 else { return }
        state.withLock { state in
            if state.entries[key] == nil {
                if state.entries.count >= capacity {
                    state.entries = state.entries.filter { $0.value.expires > now }
                    state.order.removeAll { state.entries[$0] == nil }
                    while state.entries.count >= capacity, !state.order.isEmpty {
                        state.entries[state.order.removeFirst()] = nil
                    }
                }
                state.order.append(key)
            }
            state.entries[key] = Entry(result: result, expires: now + Double(ttl), stage: stage)
        }
    }

    /// Forgets every answer kept for `stage` (FlushStageAuthorizersCache).
    func flush(stage: String) {
        state.withLock { state in
            state.entries = state.entries.filter { $0.value.stage != stage }
            state.order.removeAll { state.entries[$0] == nil }
        }
    }
}
