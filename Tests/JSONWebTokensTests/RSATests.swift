import Foundation
import TextAndFiles
import JSONCore
import TestSupport
import Testing

@testable import JSONWebTokens

/// PyJWT with cryptography: a second, independent RS256 implementation.
let pyJWTAvailable = (try? runCommand(["python3", "-c", "import jwt, cryptography"]))?.status == 0

/// One key for the suite: a 2048-bit key takes a moment to find in a debug build.
let keySeed = TestSeed.value()
let sharedKey: RSAPrivateKey = {
    var generator = SeededGenerator(seed: keySeed)
    return RSAPrivateKey.generate(bits: 2048, using: &generator)
}()

@Suite("RSA and RS256 tokens, written here")
struct RSATests {
    @Test("Montgomery arithmetic agrees with plain arithmetic on small numbers")
    func montgomeryMatchesPlainArithmetic() {
        let seed = TestSeed.value()
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<500 {
            let modulus = UInt64.random(in: 3...UInt64(UInt32.max), using: &generator) | 1
            let base = UInt64.random(in: 0..<modulus, using: &generator)
            let exponent = UInt64.random(in: 0...1_000_000, using: &generator)
            var expected: UInt64 = 1 % modulus
            var square = base % modulus
            var e = exponent
            while e > 0 {
                if e & 1 == 1 { expected = expected * square % modulus }
                square = square * square % modulus
                e >>= 1
            }
            let context = Montgomery(modulus: [modulus])!
            #expect(context.power([base], exponent: [exponent], bits: 20)[0] == expected, "\(base)^\(exponent) mod \(modulus), seed \(seed) (TEST_SEED=\(seed) replays it)")
        }
    }

    @Test("a generated key is 2048 bits with e = 65537, signs and verifies; a changed message or signature does not verify")
    func generatedKey() {
        let key = sharedKey
        #expect(key.publicKey.size == 256, "key seed \(keySeed) (TEST_SEED=\(keySeed) replays it)")
        #expect(key.publicKey.modulus.first! >= 0x80)
        #expect(key.publicKey.exponent == [0x01, 0x00, 0x01])
        let message = Array("the message".utf8)
        var signature = key.signSHA256(message)
        #expect(key.publicKey.verifiesSHA256(signature: signature, of: message))
        #expect(!key.publicKey.verifiesSHA256(signature: signature, of: Array("the messagE".utf8)))
        signature[100] ^= 1
        #expect(!key.publicKey.verifiesSHA256(signature: signature, of: message))
        #expect(!key.publicKey.verifiesSHA256(signature: Array(signature.dropFirst()), of: message))
        // A key rebuilt from its parts is the same key (it checks itself by signing).
        #expect(RSAPrivateKey(modulus: key.publicKey.modulus, exponent: key.publicKey.exponent, privateExponent: key.privateExponent) == key)
        #expect(RSAPrivateKey(modulus: key.publicKey.modulus, exponent: [3], privateExponent: key.privateExponent) == nil)
    }

    @Test("our tokens verify with PyJWT, PyJWT's verify with us; alg none, HS256 with the public key, a tampered payload and an unknown kid are refused", .enabled(if: pyJWTAvailable, "PyJWT and cryptography are not installed (pip install PyJWT cryptography)"))
    func interoperatesWithPyJWT() throws {
        let key = sharedKey
        let keys = JSONWebKeySet(keys: ["k1": key.publicKey])
        let token = JSONWebToken.sign(claims: JSONObject.of(["sub": "ada", "n": 3]), key: key, keyId: "k1")
        let directory = NSTemporaryDirectory() + "jwt-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try JSONWriter.compact.string(keys.json).write(toFile: directory + "/jwks.json", atomically: false, encoding: .utf8)
        let script = """
            import json, sys, jwt
            from jwt.algorithms import RSAAlgorithm
            from cryptography.hazmat.primitives.asymmetric import rsa
            jwks = json.load(open(sys.argv[1]))
            public = RSAAlgorithm.from_jwk(json.dumps(jwks["keys"][0]))
            print(json.dumps(jwt.decode(sys.argv[2], public, algorithms=["RS256"])))
            private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            numbers = private.public_key().public_numbers()
            def b64(n):
                import base64
                raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
                return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
            print(json.dumps({"keys": [{"kty": "RSA", "kid": "py", "n": b64(numbers.n), "e": b64(numbers.e), "alg": "RS256", "use": "sig"}]}))
            print(jwt.encode({"sub": "grace", "scope": "a b"}, private, algorithm="RS256", headers={"kid": "py"}))
            print(jwt.encode({"sub": "mallory"}, "secret", algorithm="HS256", headers={"kid": "py"}))
            """
        let (status, output, errors) = try runCommand(["python3", "-c", script, directory + "/jwks.json", token])
        #expect(status == 0, "\(errors)")
        let lines = output.split(separator: "\n").map(String.init)
        try #require(lines.count == 4, "\(output) \(errors)")
        #expect(try JSONParser().parse(Array(lines[0].utf8)) == ["sub": "ada", "n": 3])

        let theirKeys = try JSONWebKeySet(json: JSONParser().parse(Array(lines[1].utf8)))
        let theirs = try JSONWebToken(lines[2])
        try theirs.verify(keys: theirKeys.keys)
        #expect(theirs.claims["scope"] == "a b")
        // HS256 (a secret, or the public key used as one): refused before any key is tried.
        #expect(throws: TokenError.unsupportedAlgorithm("\"HS256\"")) { try JSONWebToken(lines[3]).verify(keys: theirKeys.keys) }
        // alg none, and a payload swapped under a valid signature.
        let parts = lines[2].split(separator: ".").map(String.init)
        let none = Base64.encodeURL(Array(#"{"alg":"none","kid":"py"}"#.utf8)) + "." + parts[1] + "."
        #expect(throws: TokenError.unsupportedAlgorithm("\"none\"")) { try JSONWebToken(none).verify(keys: theirKeys.keys) }
        let swapped = parts[0] + "." + Base64.encodeURL(Array(#"{"sub":"mallory","scope":"a b"}"#.utf8)) + "." + parts[2]
        #expect(throws: TokenError.badSignature) { try JSONWebToken(swapped).verify(keys: theirKeys.keys) }
        #expect(throws: TokenError.unknownKey("py")) { try theirs.verify(keys: keys.keys) }
    }

    @Test("malformed tokens and key sets are refused with the reason, never a crash")
    func malformed() {
        for text in ["", "a.b", "a.b.c.d", "!!.e30.", "e30.!!.", "e30.e30.!!", String(repeating: "a", count: 20_000), "W10.e30.", "e30.W10."] {
            #expect(throws: TokenError.self) { try JSONWebToken(text) }
        }
        #expect(throws: TokenError.self) { try JSONWebKeySet(json: ["keys": [["kty": "RSA", "kid": "x", "n": "AQAB", "e": "AQAB"]]]) }
        #expect(throws: TokenError.self) { try JSONWebKeySet(json: ["nokeys": []]) }
        #expect((try? JSONWebKeySet(json: ["keys": [["kty": "EC", "kid": "x"]]]))?.keys.isEmpty == true)
    }
}
