import AWSSignature

/// An RSA public key: the modulus and the public exponent, as big-endian bytes.
public struct RSAPublicKey: Sendable, Equatable {
    /// The modulus n (big-endian, no leading zero byte).
    public let modulus: [UInt8]
    /// The public exponent e (big-endian).
    public let exponent: [UInt8]

    /// A key; nil when the modulus is even, shorter than 2048 bits or longer than 8192 (what
    /// JWT verification accepts), or the exponent is not an odd number from 3 to 2^32.
    public init?(modulus: [UInt8], exponent: [UInt8]) {
        let n = Array(modulus.drop { $0 == 0 })
        let e = Array(exponent.drop { $0 == 0 })
        guard (256...1024).contains(n.count), let last = n.last, last & 1 == 1, (1...4).contains(e.count), let low = e.last, low & 1 == 1,
            e.count > 1 || low >= 3
        else { return nil }
        self.modulus = n
        self.exponent = e
    }

    /// The modulus's length in bytes (a signature's length).
    public var size: Int { modulus.count }

    /// Whether `signature` is an RSASSA-PKCS1-v1_5 signature with SHA-256 of `message`
    /// (RFC 8017 §8.2.2: the signature's length is the modulus's, s < n, and s^e mod n is
    /// exactly the encoded digest).
    public func verifiesSHA256(signature: [UInt8], of message: [UInt8]) -> Bool {
        guard signature.count == size else { return false }
        let limbCount = (size + 7) / 8
        let n = Limbs.from(bigEndian: modulus, count: limbCount)
        let s = Limbs.from(bigEndian: signature, count: limbCount)
        guard Limbs.compare(s, n) < 0, let context = Montgomery(modulus: n) else { return false }
        let e = Limbs.from(bigEndian: exponent, count: 1)
        let m = context.power(s, exponent: e, bits: Limbs.bitWidth(e))
        let expected = RSAPublicKey.encodedDigest(SHA256.hash(message), length: size)
        return Limbs.bigEndian(m, length: size) == expected
    }

    /// EMSA-PKCS1-v1_5 for SHA-256: `00 01 FF… 00` then the DigestInfo and the digest.
    static func encodedDigest(_ digest: [UInt8], length: Int) -> [UInt8] {
        let digestInfo: [UInt8] = [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20]
        let t = digestInfo + digest
        return [0x00, 0x01] + [UInt8](repeating: 0xFF, count: max(8, length - t.count - 3)) + [0x00] + t
    }
}

/// An RSA private key (n, e, d) for signing tokens: made here (`generate`), kept by the state.
public struct RSAPrivateKey: Sendable, Equatable {
    /// The public half.
    public let publicKey: RSAPublicKey
    /// The private exponent d (big-endian, the modulus's length).
    public let privateExponent: [UInt8]

    /// A key from its parts; nil when they do not form one (checked by signing and verifying).
    public init?(modulus: [UInt8], exponent: [UInt8], privateExponent: [UInt8]) {
        guard let publicKey = RSAPublicKey(modulus: modulus, exponent: exponent) else { return nil }
        self.publicKey = publicKey
        self.privateExponent = [UInt8](repeating: 0, count: max(0, publicKey.size - privateExponent.count)) + privateExponent.suffix(publicKey.size)
        let probe = Array("key check".utf8)
        guard publicKey.verifiesSHA256(signature: signSHA256(probe), of: probe) else { return nil }
    }

    private init(publicKey: RSAPublicKey, privateExponent: [UInt8]) {
        self.publicKey = publicKey
        self.privateExponent = privateExponent
    }

    /// The RSASSA-PKCS1-v1_5 SHA-256 signature of `message`: m^d mod n, every bit of d costing
    /// the same (see `Montgomery.power`).
    public func signSHA256(_ message: [UInt8]) -> [UInt8] {
        let size = publicKey.size
        let limbCount = (size + 7) / 8
        let n = Limbs.from(bigEndian: publicKey.modulus, count: limbCount)
        let m = Limbs.from(bigEndian: RSAPublicKey.encodedDigest(SHA256.hash(message), length: size), count: limbCount)
        let d = Limbs.from(bigEndian: privateExponent, count: limbCount)
        let context = Montgomery(modulus: n)!
        return Limbs.bigEndian(context.power(m, exponent: d, bits: limbCount * 64), length: size)
    }

    /// A new key of `bits` bits (2048 by default) with e = 65537, from the system's random
    /// numbers: two primes of half the size (trial division, then Miller–Rabin with random
    /// bases), d = e⁻¹ mod (p−1)(q−1).
    public static func generate(bits: Int = 2048) -> RSAPrivateKey {
        var generator = SystemRandomNumberGenerator()
        return generate(bits: bits, using: &generator)
    }

    /// A new key from `generator`'s numbers (a seeded generator makes the same key). `bits` is
    /// taken to a multiple of 128 from 2048 to 8192 (what JWT verification accepts).
    public static func generate<G: RandomNumberGenerator>(bits requested: Int, using generator: inout G) -> RSAPrivateKey {
        let bits = min(8192, max(2048, requested)) / 128 * 128
        let e: UInt64 = 65537
        let half = bits / 2
        while true {
            let p = Primes.random(bits: half, avoiding: e, using: &generator)
            let q = Primes.random(bits: half, avoiding: e, using: &generator)
            guard Limbs.compare(p, q) != 0 else { continue }
            let n = Limbs.multiply(p, q)
            guard Limbs.bitWidth(n) == bits else { continue }
            var pMinusOne = p
            Limbs.subtract(&pMinusOne, [1])
            var qMinusOne = q
            Limbs.subtract(&qMinusOne, [1])
            let phi = Limbs.multiply(pMinusOne, qMinusOne)
            // d = (1 + k·φ) / e with k ≡ −φ⁻¹ (mod e): e is prime, so φ⁻¹ = φ^(e−2) mod e.
            let phiModE = Limbs.divide(phi, small: e).remainder
            guard phiModE != 0 else { continue }
            var inverse: UInt64 = 1
            var base = phiModE
            var power = e - 2
            while power > 0 {
                if power & 1 == 1 { inverse = inverse * base % e }
                base = base * base % e
                power >>= 1
            }
            let k = (e - inverse) % e
            let (d, remainder) = Limbs.divide(Limbs.multiply(phi, small: k, adding: 1), small: e)
            guard remainder == 0 else { continue }
            let size = bits / 8
            let modulus = Limbs.bigEndian(n, length: size)
            let key = RSAPrivateKey(
                publicKey: RSAPublicKey(modulus: modulus, exponent: [0x01, 0x00, 0x01])!, privateExponent: Limbs.bigEndian(d, length: size))
            let probe = Array("key check".utf8)
            if key.publicKey.verifiesSHA256(signature: key.signSHA256(probe), of: probe) { return key }
        }
    }
}

/// Random primes for key generation.
enum Primes {
    /// The odd primes below 2,000 (trial division before Miller–Rabin).
    static let small: [UInt64] = {
        var primes: [UInt64] = []
        var candidate: UInt64 = 3
        while candidate < 2000 {
            if !primes.contains(where: { candidate % $0 == 0 }) { primes.append(candidate) }
            candidate += 2
        }
        return primes
    }()

    /// A random prime of exactly `bits` bits with its two top bits set (so that a product of
    /// two has twice the bits), not ≡ 1 mod `avoiding` (so that e is invertible mod p−1).
    static func random<G: RandomNumberGenerator>(bits: Int, avoiding e: UInt64, using generator: inout G) -> [UInt64] {
        let count = (bits + 63) / 64
        while true {
            var candidate = (0..<count).map { _ in generator.next() as UInt64 }
            let topBit = (bits - 1) % 64
            candidate[count - 1] &= topBit == 63 ? UInt64.max : (UInt64(1) << UInt64(topBit + 1)) - 1
            candidate[count - 1] |= UInt64(1) << UInt64(topBit)
            if topBit > 0 { candidate[count - 1] |= UInt64(1) << UInt64(topBit - 1) } else { candidate[count - 2] |= UInt64(1) << 63 }
            candidate[0] |= 1
            guard !small.contains(where: { Limbs.divide(candidate, small: $0).remainder == 0 }) else { continue }
            guard Limbs.divide(candidate, small: e).remainder != 1 else { continue }
            if isProbablePrime(candidate, rounds: 12, using: &generator) { return candidate }
        }
    }

    /// Miller–Rabin with `rounds` random bases (false: composite for certain).
    static func isProbablePrime<G: RandomNumberGenerator>(_ n: [UInt64], rounds: Int, using generator: inout G) -> Bool {
        guard let context = Montgomery(modulus: n) else { return false }
        var nMinusOne = n
        Limbs.subtract(&nMinusOne, [1])
        // n − 1 = d · 2^s.
        var s = 0
        while s < Limbs.bitWidth(nMinusOne), (nMinusOne[s / 64] >> UInt64(s % 64)) & 1 == 0 { s += 1 }
        var d = nMinusOne
        for _ in 0..<s {
            for index in d.indices {
                d[index] = d[index] >> 1 | (index + 1 < d.count ? d[index + 1] << 63 : 0)
            }
        }
        let bits = Limbs.bitWidth(d)
        var one = [UInt64](repeating: 0, count: n.count)
        one[0] = 1
        for _ in 0..<rounds {
            // A base from 2 to n − 2.
            var base = (0..<n.count).map { _ in generator.next() as UInt64 }
            base[n.count - 1] %= max(1, nMinusOne[n.count - 1])
            if Limbs.compare(base, one) <= 0 { base[0] = 2 }
            var x = context.power(base, exponent: d, bits: bits)
            if Limbs.compare(x, one) == 0 || Limbs.compare(x, nMinusOne) == 0 { continue }
            var witness = true
            for _ in 1..<max(s, 1) {
                x = context.leave(context.multiply(context.enter(x), context.enter(x)))
                if Limbs.compare(x, nMinusOne) == 0 {
                    witness = false
                    break
                }
            }
            if witness { return false }
        }
        return true
    }
}
