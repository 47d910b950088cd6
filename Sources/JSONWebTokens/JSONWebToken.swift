import JSONCore
import TextAndFiles

/// Why a token was refused.
public enum TokenError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not three base64url parts of JSON (or longer than `JSONWebToken.maximumLength`).
    case malformed(String)
    /// `alg` is not RS256 (`none` and the HMAC algorithms included: refused).
    case unsupportedAlgorithm(String)
    /// No key with the token's `kid`.
    case unknownKey(String)
    /// The signature does not verify.
    case badSignature

    public var description: String {
        switch self {
        case .malformed(let why): "the token is malformed: \(why)"
        case .unsupportedAlgorithm(let alg): "the token's algorithm \(alg) is not accepted (RS256 only)"
        case .unknownKey(let kid): "no key \(kid) signs tokens here"
        case .badSignature: "the token's signature does not verify"
        }
    }
}

/// A JSON Web Token in compact form (RFC 7519) signed with RS256 (RFC 7515/7518): read,
/// verified against a key set, and made. Claims are checked by their users (the Cognito
/// authorizer checks issuer, expiry and use).
public struct JSONWebToken: Sendable {
    /// The longest token read (bytes); a longer one is malformed.
    public static let maximumLength = 16_384

    /// The protected header (`alg`, `kid`, …).
    public let header: JSONObject
    /// The claims.
    public let claims: JSONObject
    /// `header.payload` as it came (what the signature covers).
    public let signingInput: [UInt8]
    /// The signature's bytes.
    public let signature: [UInt8]

    /// Reads a compact token; nothing is verified yet.
    public init(_ text: String) throws(TokenError) {
        guard text.utf8.count <= JSONWebToken.maximumLength else { throw .malformed("longer than \(JSONWebToken.maximumLength) bytes") }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformed("expected three parts separated by dots, found \(parts.count)") }
        func object(_ part: Substring, _ name: String) throws(TokenError) -> JSONObject {
            guard let bytes = Base64.decodeURL(String(part)) else { throw .malformed("the \(name) is not base64url") }
            guard case .object(let object)? = try? JSONParser().parse(bytes) else { throw .malformed("the \(name) is not a JSON object") }
            return object
        }
        header = try object(parts[0], "header")
        claims = try object(parts[1], "payload")
        guard let signature = Base64.decodeURL(String(parts[2])) else { throw .malformed("the signature is not base64url") }
        self.signature = signature
        signingInput = Array(parts[0].utf8) + [UInt8(ascii: ".")] + Array(parts[1].utf8)
    }

    /// The key id.
    public var keyId: String? { header["kid"]?.stringValue }

    /// Checks the algorithm (RS256 only) and the signature against the key named by `kid`.
    public func verify(keys: [String: RSAPublicKey]) throws(TokenError) {
        guard case .string(let algorithm)? = header["alg"], algorithm == "RS256" else {
            throw .unsupportedAlgorithm(header["alg"].map { JSONWriter.compact.string($0) } ?? "(none given)")
        }
        guard let kid = keyId, let key = keys[kid] else { throw .unknownKey(keyId ?? "(no kid)") }
        guard key.verifiesSHA256(signature: signature, of: signingInput) else { throw .badSignature }
    }

    /// A token of `claims` signed with `key` (RS256), its header naming `keyId`.
    public static func sign(claims: JSONObject, key: RSAPrivateKey, keyId: String) -> String {
        let header: JSONValue = ["kid": .string(keyId), "alg": "RS256"]
        let input = Base64.encodeURL(JSONWriter.compact.bytes(header)) + "." + Base64.encodeURL(JSONWriter.compact.bytes(.object(claims)))
        return input + "." + Base64.encodeURL(key.signSHA256(Array(input.utf8)))
    }
}

/// A JSON Web Key Set of RSA signing keys (what a Cognito user pool publishes at
/// `/.well-known/jwks.json`).
public struct JSONWebKeySet: Sendable, Equatable {
    /// The keys by `kid`.
    public var keys: [String: RSAPublicKey]

    /// A set.
    public init(keys: [String: RSAPublicKey]) { self.keys = keys }

    /// Reads `{"keys": [{"kty": "RSA", "kid": …, "n": …, "e": …}, …]}`; keys of another type or
    /// use are skipped; a malformed RSA key is an error naming it.
    public init(json: JSONValue) throws(TokenError) {
        guard case .array(let entries)? = json["keys"] else { throw .malformed("a key set has a \"keys\" list") }
        var keys: [String: RSAPublicKey] = [:]
        for (index, entry) in entries.enumerated() {
            guard case .object = entry else { throw .malformed("keys/\(index) is not an object") }
            guard entry["kty"]?.stringValue == "RSA", entry["use"]?.stringValue ?? "sig" == "sig" else { continue }
            guard case .string(let kid)? = entry["kid"], case .string(let n)? = entry["n"], case .string(let e)? = entry["e"],
                let modulus = Base64.decodeURL(n), let exponent = Base64.decodeURL(e), let key = RSAPublicKey(modulus: modulus, exponent: exponent)
            else { throw .malformed("keys/\(index) is not an RSA key of 2048 to 8192 bits with kid, n and e") }
            keys[kid] = key
        }
        self.keys = keys
    }

    /// The set as JSON.
    public var json: JSONValue {
        let entries = keys.sorted { $0.key < $1.key }.map { kid, key -> JSONValue in
            [
                "alg": "RS256", "e": .string(Base64.encodeURL(key.exponent)), "kid": .string(kid), "kty": "RSA",
                "n": .string(Base64.encodeURL(key.modulus)), "use": "sig",
            ]
        }
        return ["keys": .array(entries)]
    }
}

/// A signing key as the local issuer keeps it in a file: `{"kid", "n", "e", "d"}`, the numbers
/// base64url (the JWK members' names). The one reader and writer of that format: the issuer
/// reads the private key, the gateway only the public half.
public enum SigningKeyFile {
    /// The file's JSON for `key` named `keyId`.
    public static func json(keyId: String, key: RSAPrivateKey) -> JSONValue {
        [
            "kid": .string(keyId), "n": .string(Base64.encodeURL(key.publicKey.modulus)), "e": .string(Base64.encodeURL(key.publicKey.exponent)),
            "d": .string(Base64.encodeURL(key.privateExponent)),
        ]
    }

    /// The key id and public key of a file's JSON; nil when they do not read.
    public static func publicKey(_ json: JSONValue) -> (keyId: String, key: RSAPublicKey)? {
        guard case .string(let keyId)? = json["kid"], let n = json["n"]?.stringValue.flatMap(Base64.decodeURL),
            let e = json["e"]?.stringValue.flatMap(Base64.decodeURL), let key = RSAPublicKey(modulus: n, exponent: e)
        else { return nil }
        return (keyId, key)
    }

    /// The key id and private key of a file's JSON; nil when they do not form a key.
    public static func privateKey(_ json: JSONValue) -> (keyId: String, key: RSAPrivateKey)? {
        guard let (keyId, publicKey) = publicKey(json), let d = json["d"]?.stringValue.flatMap(Base64.decodeURL),
            let key = RSAPrivateKey(modulus: publicKey.modulus, exponent: publicKey.exponent, privateExponent: d)
        else { return nil }
        return (keyId, key)
    }
}
