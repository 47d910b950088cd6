#if canImport(Glibc)
import Glibc
#endif
import APIGateway
import AWSSignature
import JSONCore
import JSONWebTokens
import LambdaRuntime
import TextAndFiles

extension StateDirectory {
    /// `cognito/`: the local issuer's signing key per user pool (`POOL.json`, 0600).
    public var cognitoDirectory: String { path + "/cognito" }

    /// The local issuer's signing key for `pool`, made (RSA 2048, e = 65537) the first time it is
    /// asked for. Two processes asking at once agree on one key: a new key is linked into place
    /// only when none is there yet.
    public func cognitoSigningKey(pool: String) throws(GatewayLoadError) -> (keyId: String, key: RSAPrivateKey) {
        let file = cognitoDirectory + "/" + pool + ".json"
        if let existing = try readCognitoKey(file) { return existing }
        try create()
        if mkdir(cognitoDirectory, 0o700) != 0, errno != EEXIST {
            throw .other("\(cognitoDirectory): cannot create: \(String(cString: strerror(errno)))")
        }
        let key = RSAPrivateKey.generate()
        let keyId = StableIdentifier.make(Base64.encodeURL(key.publicKey.modulus), length: 16)
        let json = SigningKeyFile.json(keyId: keyId, key: key)
        let unique = file + ".new-\(getpid())-" + RandomText.identifier(8)
        if let problem = AtomicFile.write(JSONWriter.pretty.bytes(json) + [0x0A], to: unique, temporary: unique + ".tmp") {
            throw .other("\(file): \(problem)")
        }
        defer { unlink(unique) }
        if link(unique, file) != 0, errno != EEXIST {
            throw .other("\(file): cannot write the signing key: \(String(cString: strerror(errno)))")
        }
        guard let kept = try readCognitoKey(file) else { throw .other("\(file): the signing key just written does not read") }
        return kept
    }

    private func readCognitoKey(_ file: String) throws(GatewayLoadError) -> (keyId: String, key: RSAPrivateKey)? {
        switch FileReader.read(path: file, atMost: 65_536) {
        case .unreadable: return nil
        case .tooLarge: throw .other("\(file): larger than a signing key")
        case .bytes(let bytes):
            guard let json = try? JSONParser().parse(bytes), let kept = SigningKeyFile.privateKey(json) else {
                throw .other("\(file): not a signing key (kid, n, e, d of an RSA key); move it away to make a new one")
            }
            return kept
        }
    }
}

extension ControlPlane {
    /// The keys Cognito tokens are checked against: each `--jwks POOL=FILE` key set (POOL a
    /// pool id or ARN; a file that does not read stops the start, naming it) and the local
    /// issuer's keys in the state directory.
    static func cognitoKeyring(jwks: [String: String], stateDirectory: String?) throws(GatewayLoadError) -> CognitoKeyring {
        var published: [String: JSONWebKeySet] = [:]
        for (pool, file) in jwks.sorted(by: { $0.key < $1.key }) {
            let id = CognitoPool(arn: pool)?.id ?? pool
            guard let bytes = FileReader.read(path: file, atMost: 1_048_576).bytes else { throw .other("\(file): cannot read the key set for \(pool) (or it is over 1 MiB)") }
            let json: JSONValue
            do { json = try JSONParser().parse(bytes) } catch { throw .other("\(file):\(error.line):\(error.column): \(error.message)") }
            var set: JSONWebKeySet
            do { set = try JSONWebKeySet(json: json) } catch { throw .other("\(file): \(error)") }
            for (kid, key) in published[id]?.keys ?? [:] { set.keys[kid] = key }
            published[id] = set
        }
        return CognitoKeyring(published: published, localDirectory: stateDirectory.map { StateDirectory($0).cognitoDirectory })
    }
}

/// The local issuer of Cognito user pool tokens (`gateway cognito token`): ID and access tokens
/// with the claims Cognito puts in them, signed with the pool's key kept in the state
/// directory, so that methods with a `COGNITO_USER_POOLS` authorizer can be called locally.
public enum CognitoIssuer {
    /// What a token says.
    public struct Request: Sendable {
        /// The user pool's ARN (`arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID`).
        public var poolARN: String
        /// `cognito:username` (ID token) or `username` (access token).
        public var username: String
        /// `cognito:groups`.
        public var groups: [String] = []
        /// The access token's `scope` (space-separated in the token).
        public var scopes: [String] = []
        /// An access token (else an ID token).
        public var access = false
        /// Seconds until `exp` (3600, as Cognito's default).
        public var expiresIn = 3600
        /// The app client: an ID token's `aud`, an access token's `client_id`.
        public var clientId = "localclient"
        /// Other claims (`email`, `custom:role`, …) of an ID token.
        public var extraClaims: [(String, String)] = []

        /// A request for `username`'s token from the pool `poolARN`.
        public init(poolARN: String, username: String) {
            self.poolARN = poolARN
            self.username = username
        }
    }

    /// A signed token for `request` at `now` (seconds since 1970).
    public static func token(_ request: Request, stateDirectory: StateDirectory, now: Double) throws(GatewayLoadError) -> String {
        guard let pool = CognitoPool(arn: request.poolARN) else {
            throw .other("\(request.poolARN) is not a user pool's ARN (arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID)")
        }
        let (poolId, issuer) = (pool.id, pool.issuer)
        let (keyId, key) = try stateDirectory.cognitoSigningKey(pool: poolId)
        let issuedAt = Int(now)
        // The same user has the same `sub` in every token of the pool.
        let subject = uuid(Hex.encode(Array(SHA256.hash(poolId + "/" + request.username).prefix(16))))
        var claims = JSONObject.of(["sub": .string(subject)])
        if !request.groups.isEmpty { claims["cognito:groups"] = .array(request.groups.map(JSONValue.string)) }
        claims["iss"] = .string(issuer)
        if request.access {
            claims["client_id"] = .string(request.clientId)
            claims["origin_jti"] = .string(RequestIdentifier.uuid())
            claims["event_id"] = .string(RequestIdentifier.uuid())
            claims["token_use"] = "access"
            claims["scope"] = .string(request.scopes.joined(separator: " "))
            claims["auth_time"] = .number(JSONNumber(issuedAt))
            claims["exp"] = .number(JSONNumber(issuedAt + request.expiresIn))
            claims["iat"] = .number(JSONNumber(issuedAt))
            claims["jti"] = .string(RequestIdentifier.uuid())
            claims["username"] = .string(request.username)
        } else {
            claims["cognito:username"] = .string(request.username)
            claims["origin_jti"] = .string(RequestIdentifier.uuid())
            claims["aud"] = .string(request.clientId)
            claims["event_id"] = .string(RequestIdentifier.uuid())
            claims["token_use"] = "id"
            claims["auth_time"] = .number(JSONNumber(issuedAt))
            claims["exp"] = .number(JSONNumber(issuedAt + request.expiresIn))
            claims["iat"] = .number(JSONNumber(issuedAt))
            claims["jti"] = .string(RequestIdentifier.uuid())
            for (name, value) in request.extraClaims { claims[name] = .string(value) }
        }
        return JSONWebToken.sign(claims: claims, key: key, keyId: keyId)
    }

    /// 32 hex digits as a UUID's text (8-4-4-4-12).
    static func uuid(_ hex: String) -> String {
        let digits = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(digits[$0]) }.joined(separator: "-")
    }
}
