import TestSupport
import Testing

@testable import JSONCore

@Suite("JSONNumber")
struct JSONNumberTests {
    func number(_ text: String) -> JSONNumber { JSONNumber(text: text)! }

    @Test("integers and decimals compare mathematically", arguments: [
        ("1", "1.0"), ("1e2", "100"), ("0.5", "5e-1"), ("-0", "0"), ("2.50", "2.5"), ("1e400", "10e399"),
    ])
    func equal(_ pair: (String, String)) {
        #expect(number(pair.0) == number(pair.1))
        #expect(number(pair.0).hashValue == number(pair.1).hashValue)
    }

    @Test("ordering is exact beyond 64 bits and beyond Double precision", arguments: [
        ("18446744073709551615", "18446744073709551616"),
        ("972783798187987123879878123.18878137", "972783798187987123879878123.188781371"),
        ("-1e400", "-1e399"), ("9.727837981879871e+26", "972783798187987100000000001"), ("0.1", "0.10000000000000001"),
    ])
    func less(_ pair: (String, String)) {
        #expect(number(pair.0) < number(pair.1))
        #expect(!(number(pair.1) < number(pair.0)))
        #expect(number(pair.0) != number(pair.1))
    }

    @Test("multipleOf is exact for decimals and huge values", arguments: [
        ("0.0075", "0.0001", true), ("0.00751", "0.0001", false), ("1e308", "0.5", true), ("4.5", "1.5", true),
        ("35", "1.5", false), ("12391239123", "1e-8", true), ("1e308", "0.123456789", false), ("0", "7", true),
        ("123456789012345678901234567890", "10", true), ("123456789012345678901234567891", "10", false),
        ("1e40", "3", false), ("3e40", "3", true),
    ])
    func multiple(_ case_: (String, String, Bool)) {
        #expect(number(case_.0).isMultiple(of: number(case_.1)) == case_.2)
    }

    @Test("draft-04 integers: no fractional part written")
    func integers() {
        #expect(number("1").isInteger)
        #expect(number("1e2").isInteger)
        #expect(!number("1.0").isInteger)
        #expect(!number("1.5").isInteger)
        #expect(number("12345678910111213141516171819202122232425262728293031").isInteger)
    }

    @Test("text keeps the written precision", arguments: [
        ("1.50", "1.50"), ("1e400", "1e400"), ("-0.0075", "-0.0075"), ("100", "100"), ("2.5e3", "2500"),
        ("123456789012345678901234567890", "123456789012345678901234567890"),
        // Found by the fuzzer: zero with a positive exponent printed as "000000000".
        ("-0e8", "0"), ("0E+2", "0"), ("0e-3", "0.000"), ("0e99999999999", "0"), ("0e-30", "0e-30"),
        // Found by the fuzzer: a zero whose exponent does not fit 32 bits printed differently.
        ("0e-3333663333", "0e-3333663333"), ("0.0000000e-3333663333", "0e-3333663340"),
    ])
    func text(_ pair: (String, String)) {
        #expect(number(pair.0).description == pair.1)
    }

    @Test("writing bytes gives exactly the description, for every exponent range")
    func writtenBytesMatchDescription() {
        let seed = TestSeed.value()
        var generator = SeededGenerator(seed: seed)
        var samples: [JSONNumber] = [JSONNumber(0), JSONNumber(-7), JSONNumber(significand: Int64.min, exponent: -3), JSONNumber(significand: Int64.max, exponent: 5)]
        for _ in 0..<5_000 {
            let significand = Int64.random(in: -1_000_000_000...1_000_000_000, using: &generator) * (Bool.random(using: &generator) ? 1 : 1_000_000)
            samples.append(JSONNumber(significand: significand, exponent: Int32.random(in: -30...30, using: &generator)))
        }
        samples += ["1e400", "-0.0075", "123456789012345678901234567890"].map { number($0) }
        for sample in samples {
            var bytes: [UInt8] = []
            sample.write(into: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == sample.description, "seed \(seed) (TEST_SEED=\(seed) replays it)")
        }
    }

    @Test("malformed number text is refused", arguments: ["01", "1.", ".5", "-", "1e", "+1", "0x10", "1e+", "NaN"])
    func malformed(_ text: String) {
        #expect(JSONNumber(text: text) == nil)
    }
}

/// Numbers with exponents of any size: every operation answers exactly, in time and memory
/// that do not depend on the exponent's value (issue #11).
@Suite("JSONNumber with huge exponents")
struct JSONNumberHugeExponentTests {
    func number(_ text: String) -> JSONNumber { JSONNumber(text: text)! }

    @Test("multipleOf with exponents in the billions answers at once", arguments: [
        ("1e-100000000000", "0.01", false), ("1e-100000000000", "7", false), ("0.5", "1e99999999999", false),
        ("1e2147483647", "3", false), ("3e2147483647", "3", true), ("1e-2147483647", "0.01", false),
        ("1e100000000000", "0.01", true), ("1e100000000000", "7", false), ("14e100000000000", "7", true),
        ("1e100000000000", "1e99999999999", true), ("1e99999999999", "1e100000000000", false),
        ("2e-999999999999", "1e-999999999999", true), ("1.5e-999999999999", "5e-1000000000000", true),
        ("123456789012345678901234567890e900000000000", "1234567890123456789012345678901", false),
        ("1234567890123456789012345678901e900000000000", "1234567890123456789012345678901", true),
        ("1e900000000000", "1024", true), ("1e900000000000", "1023", false),
    ])
    func multipleOfHugeExponents(_ c: (String, String, Bool)) {
        #expect(number(c.0).isMultiple(of: number(c.1)) == c.2)
    }

    @Test("comparisons, equality and hashing across storages and exponents")
    func compareAndHash() {
        let pairs: [(JSONNumber, JSONNumber)] = [
            (number("100000000000000000000"), number("1e20")),
            (JSONNumber(significand: Int64.max, exponent: 0), number("9223372036854775807")),
            (JSONNumber(significand: Int64.min, exponent: 0), number("-9223372036854775808")),
            (JSONNumber(significand: "5000", exponent: Int.max - 2)!, JSONNumber(significand: "50", exponent: Int.max)!),
            (JSONNumber(significand: "-7", exponent: Int.min)!, JSONNumber(significand: "-70", exponent: Int.min)! ),
        ]
        // The last pair differs by a factor of ten: check it separately.
        for (a, b) in pairs.dropLast() {
            #expect(a == b)
            #expect(a.hashValue == b.hashValue)
            #expect(Set([a, b]).count == 1)
        }
        let (small, larger) = pairs.last!
        #expect(larger < small)  // -70e(min) < -7e(min)
        #expect(number("1e-100000000000") < number("1e-99999999999"))
        #expect(number("-1e100000000000") < number("1e-100000000000"))
        #expect(JSONNumber(significand: "1", exponent: Int.max)! > JSONNumber(significand: "999999999999999999999", exponent: Int.max - 25)!)
        #expect(JSONNumber(significand: "1", exponent: Int.min)! > JSONNumber(0))
        #expect(number("1e100000000000").intValue == nil)
        #expect(number("1e-100000000000").intValue == nil)
        #expect(JSONNumber(significand: "12", exponent: Int.max)!.description == "12e\(Int.max)")
        #expect(JSONNumber(significand: "12", exponent: Int.min)!.description == "12e\(Int.min)")
    }

    @Test("a bounded budget refuses long work instead of doing it")
    func budget() {
        let long = JSONNumber(significand: String(repeating: "7", count: 5_000), exponent: 0)!
        let divisor = JSONNumber(significand: "1" + String(repeating: "3", count: 400), exponent: 0)!
        var budget = 1_000
        #expect(long.isMultiple(of: divisor, budget: &budget) == nil)
        #expect(budget == 1_000)
        budget = Int.max
        #expect(long.isMultiple(of: number("7"), budget: &budget) == true)
    }

    /// Exact reference: `a·10^p` is a multiple of `b·10^q` iff, with `k = p - q`, either
    /// `k ≥ 0` and `b / gcd(a, b)` has no prime factor but 2 and 5, each at most `k` times;
    /// or `k < 0`, `b` divides `a` and `a / b` has at least `-k` factors of ten.
    static func reference(_ a: UInt128, _ p: Int, _ b: UInt128, _ q: Int) -> Bool {
        if a == 0 { return true }
        let k = Int128(p) - Int128(q)
        func gcd(_ x: UInt128, _ y: UInt128) -> UInt128 { y == 0 ? x : gcd(y, x % y) }
        func count(_ value: inout UInt128, _ prime: UInt128) -> Int128 {
            var n: Int128 = 0
            while value % prime == 0 { value /= prime; n += 1 }
            return n
        }
        if k >= 0 {
            var rest = b / gcd(a, b)
            let twos = count(&rest, 2), fives = count(&rest, 5)
            return rest == 1 && twos <= k && fives <= k
        }
        guard a % b == 0 else { return false }
        var quotient = a / b
        let twos = count(&quotient, 2), fives = count(&quotient, 5)
        return min(twos, fives) >= -k
    }

    @Test("multipleOf agrees with an exact reference for random significands and exponents up to ±2^63")
    func propertyAgainstReference() {
        let seed = TestSeed.value()
        print("JSONNumber multipleOf property test seed: \(seed)")
        var generator = SeededGenerator(seed: seed)
        func significand() -> UInt128 {
            switch Int.random(in: 0..<4, using: &generator) {
            case 0: return UInt128(UInt64.random(in: 1...1_000, using: &generator))
            case 1: return UInt128(UInt64.random(in: 1...UInt64.max, using: &generator))
            case 2:  // products of small primes, so that divisibility is often true
                var value: UInt128 = 1
                for _ in 0..<Int.random(in: 0...30, using: &generator) {
                    let prime: UInt128 = [2, 3, 5, 7, 10][Int.random(in: 0..<5, using: &generator)]
                    if value <= UInt128.max / 16 { value *= prime }
                }
                return value
            default:
                return UInt128(UInt64.random(in: 0...UInt64.max, using: &generator)) << 60
                    | UInt128(UInt64.random(in: 1...UInt64.max, using: &generator))
            }
        }
        func exponent() -> Int {
            switch Int.random(in: 0..<4, using: &generator) {
            case 0: return Int.random(in: -40...40, using: &generator)
            case 1: return Int.random(in: -3_000_000_000...3_000_000_000, using: &generator)
            case 2: return Int.random(in: (Int.min + 100)...(Int.min + 1_000), using: &generator) * (Bool.random(using: &generator) ? 1 : -1)
            default: return Int.random(in: Int.min...Int.max, using: &generator)
            }
        }
        var disagreements: [String] = []
        for _ in 0..<20_000 {
            var a = significand(), b = significand()
            if Bool.random(using: &generator), a <= UInt128.max / 1_001 { a *= b % 1_000 + 1 }  // more true cases
            if b == 0 { b = 1 }
            let p = exponent()
            let q = Bool.random(using: &generator) ? exponent() : p &+ Int.random(in: -30...30, using: &generator)
            let value = JSONNumber(significand: String(a), exponent: p)!
            let divisor = JSONNumber(significand: String(b), exponent: q)!
            let expected = JSONNumberHugeExponentTests.reference(a, p, b, q)
            if value.isMultiple(of: divisor) != expected || (-value).isMultiple(of: divisor) != expected {
                disagreements.append("\(a)e\(p) multipleOf \(b)e\(q): expected \(expected)")
            }
        }
        #expect(disagreements.isEmpty, "seed \(seed): \(disagreements.prefix(5))")
    }
}

private prefix func - (value: JSONNumber) -> JSONNumber {
    let text = value.description
    return JSONNumber(text: text.hasPrefix("-") ? String(text.dropFirst()) : "-" + text)
        ?? {
            // Exponents beyond the parser's range: rebuild from the parts.
            let d = value.exactDigits
            return JSONNumber(digits: DecimalDigits(negative: !d.negative, digits: d.digits, exponent: d.exponent))
        }()
}

