import ECMARegex
import JSONCore
import JSONWebTokens
import Synchronization
import TextAndFiles

/// A Cognito user pool an authorizer trusts: `arn:aws:cognito-idp:{region}:{account}:userpool/{id}`.
public struct CognitoPool: Sendable, Equatable {
    /// `us-east-1_AbCdEf123`.
    public let id: String
    /// `https://cognito-idp.{region}.amazonaws.com/{id}`: what its tokens' `iss` says.
    public let issuer: String

    /// The pool of a provider ARN; nil when it is not a user pool's ARN.
    public init?(arn: String) {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "cognito-idp", !parts[3].isEmpty, parts[5].hasPrefix("userpool/") else { return nil }
        let id = String(parts[5].dropFirst("userpool/".count))
        guard !id.isEmpty, id.utf8.allSatisfy({ $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) })
        else { return nil }
        self.id = id
        issuer = "https://cognito-idp.\(parts[3]).amazonaws.com/\(id)"
    }
}

/// The keys Cognito user pools sign with, by pool id: a real pool's published key set
/// (`gateway serve --jwks POOL=FILE`) and the local issuer's key (`gateway cognito token`),
/// kept in the state directory's `cognito/POOL.json`. A token naming a key not seen yet makes
/// the local file be read again, at most every quarter second per pool (a flood of unknown
/// key ids costs no more than that).
public final class CognitoKeyring: Sendable {
    /// Published key sets by pool id.
    let published: [String: JSONWebKeySet]
    /// The state directory's `cognito` folder (nil: no local issuer).
    let localDirectory: String?
    private let local = Mutex<[String: (keys: [String: RSAPublicKey], readAt: Double)]>([:])
    /// Tokens whose signature verified, with the key that verified it: the same text verifies
    /// the same way, so a token sent again skips the RSA arithmetic while that key still signs
    /// for its pool (claims are checked on every request). At most `verifiedLimit` kept.
    private let verified = Mutex<[String: RSAPublicKey]>([:])
    /// The most verified tokens kept (the table starts again when full).
    static let verifiedLimit = 10_000
    /// The shortest time between two reads of one pool's local key file.
    static let rereadInterval = 0.25

    /// A keyring over `published` key sets and the local issuer's keys in `localDirectory`.
    public init(published: [String: JSONWebKeySet] = [:], localDirectory: String?) {
        self.published = published
        self.localDirectory = localDirectory
    }

    /// The keys that sign `pool`'s tokens (`kid` → key). `wanted`, a key id not known yet, makes
    /// the local key file be read again (rate-limited).
    public func keys(pool: String, wanted: String? = nil, now: Double) -> [String: RSAPublicKey] {
        var keys = published[pool]?.keys ?? [:]
        guard let localDirectory else { return keys }
        let localKeys = local.withLock { cache -> [String: RSAPublicKey] in
            if let entry = cache[pool], wanted.map({ entry.keys[$0] != nil || keys[$0] != nil }) ?? true || now - entry.readAt < CognitoKeyring.rereadInterval {
                return entry.keys
            }
            let read = CognitoKeyring.readLocalKey(localDirectory + "/" + pool + ".json")
            cache[pool] = (read, now)
            return read
        }
        for (kid, key) in localKeys { keys[kid] = key }
        return keys
    }

    /// Checks `token`'s algorithm and signature against `keys`, remembering a success.
    func verify(_ token: JSONWebToken, text: String, keys: [String: RSAPublicKey]) throws(TokenError) {
        if let kid = token.keyId, let key = keys[kid], verified.withLock({ $0[text] }) == key { return }
        try token.verify(keys: keys)
        guard let kid = token.keyId, let key = keys[kid] else { return }
        verified.withLock { table in
            if table.count >= CognitoKeyring.verifiedLimit { table.removeAll(keepingCapacity: true) }
            table[text] = key
        }
    }

    /// The key set a pool's JWKS URL serves.
    public func keySet(pool: String, now: Double) -> JSONWebKeySet {
        JSONWebKeySet(keys: keys(pool: pool, wanted: "", now: now))
    }

    /// The public half of a local issuer's key file (`SigningKeyFile`); empty when there is
    /// none or it does not read.
    static func readLocalKey(_ path: String) -> [String: RSAPublicKey] {
        guard let bytes = FileReader.read(path: path, atMost: 65_536).bytes, let json = try? JSONParser().parse(bytes),
            let (keyId, key) = SigningKeyFile.publicKey(json)
        else { return [:] }
        return [keyId: key]
    }
}

/// Why a Cognito token was refused: the client sees 401, with AWS's text for an expired token.
struct CognitoRefusal: Error, Sendable {
    /// `The incoming token has expired` (else `Unauthorized`).
    let expired: Bool
    /// For the execution log.
    let reason: String
}

/// A Cognito user pool authorizer's check (reference §16.10): the token from the identity
/// header, RS256 signed by a key of one of the trusted pools, issued by that pool, not expired
/// and already valid; an ID token for a method without scopes, an access token holding any of
/// the method's scopes otherwise; `identityValidationExpression` tested on `aud`.
enum CognitoCheck {
    /// The token's claims as `$context.authorizer.claims.*` gives them (text).
    static func claims(
        token text: String, pools: [CognitoPool], scopes: [String], audiencePattern: ECMARegex?, keyring: CognitoKeyring?, now: Double
    ) throws(CognitoRefusal) -> [(String, String)] {
        func refuse(_ reason: String) -> CognitoRefusal { CognitoRefusal(expired: false, reason: reason) }
        // The raw token, or (as clients often send it) after `Bearer `.
        let raw = text.hasPrefix("Bearer ") ? String(text.dropFirst("Bearer ".count)) : text
        let token: JSONWebToken
        do { token = try JSONWebToken(raw) } catch { throw refuse(error.description) }
        let claims = token.claims
        guard case .string(let issuer)? = claims["iss"], let pool = pools.first(where: { $0.issuer == issuer }) else {
            throw refuse("the token's issuer \(claims["iss"].map { JSONWriter.compact.string($0) } ?? "(none)") is none of the authorizer's user pools")
        }
        guard let keyring else { throw refuse("no keys are known for the user pool \(pool.id)") }
        do {
            try keyring.verify(token, text: raw, keys: keyring.keys(pool: pool.id, wanted: token.keyId ?? "", now: now))
        } catch {
            throw refuse(error.description)
        }
        guard let expiry = claims["exp"]?.numberValue?.doubleValue else { throw refuse("the token has no exp") }
        guard now < expiry else { throw CognitoRefusal(expired: true, reason: "the token expired at \(UTCCalendar.iso8601(expiry))") }
        if let notBefore = claims["nbf"] {
            guard let start = notBefore.numberValue?.doubleValue, now >= start else { throw refuse("the token is not valid yet (nbf)") }
        }
        let use = claims["token_use"]?.stringValue
        if scopes.isEmpty {
            guard use == "id" else { throw refuse("the method wants an ID token; this one's token_use is \(use ?? "missing")") }
            guard case .string(let audience)? = claims["aud"] else { throw refuse("the ID token has no aud") }
            if let audiencePattern, !audiencePattern.matches(audience) { throw refuse("the token's aud does not match the identityValidationExpression") }
        } else {
            guard use == "access" else { throw refuse("the method wants an access token with one of the scopes \(scopes.joined(separator: " ")); this one's token_use is \(use ?? "missing")") }
            guard claims["client_id"]?.stringValue != nil else { throw refuse("the access token has no client_id") }
            let held = (claims["scope"]?.stringValue ?? "").split(separator: " ").map(String.init)
            guard scopes.contains(where: held.contains) else { throw refuse("the access token holds none of the scopes \(scopes.joined(separator: " "))") }
            if audiencePattern != nil { throw refuse("the identityValidationExpression is tested on aud, which an access token does not have") }
        }
        return claims.members.map { member in (member.key, CognitoCheck.text(of: member.key, member.value)) }
    }

    /// A claim as text, as API Gateway hands claims on: a list joined with commas
    /// (`cognito:groups`), `exp` and `iat` as Java's date text, other values as written.
    static func text(of name: String, _ value: JSONValue) -> String {
        switch value {
        case .array(let elements): return elements.map { JSONShape.scalarText($0) ?? JSONWriter.compact.string($0) }.joined(separator: ",")
        case .number(let number) where name == "exp" || name == "iat": return UTCCalendar.javaDate(number.doubleValue)
        default: return JSONShape.scalarText(value) ?? JSONWriter.compact.string(value)
        }
    }
}
