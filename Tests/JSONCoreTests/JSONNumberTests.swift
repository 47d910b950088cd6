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
    ])
    func text(_ pair: (String, String)) {
        #expect(number(pair.0).description == pair.1)
    }

    @Test("writing bytes gives exactly the description, for every exponent range")
    func writtenBytesMatchDescription() {
        var generator = SystemRandomNumberGenerator()
        var samples: [JSONNumber] = [JSONNumber(0), JSONNumber(-7), JSONNumber(significand: Int64.min, exponent: -3), JSONNumber(significand: Int64.max, exponent: 5)]
        for _ in 0..<5_000 {
            let significand = Int64.random(in: -1_000_000_000...1_000_000_000, using: &generator) * (Bool.random(using: &generator) ? 1 : 1_000_000)
            samples.append(JSONNumber(significand: significand, exponent: Int32.random(in: -30...30, using: &generator)))
        }
        samples += ["1e400", "-0.0075", "123456789012345678901234567890"].map { number($0) }
        for sample in samples {
            var bytes: [UInt8] = []
            sample.write(into: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == sample.description)
        }
    }

    @Test("malformed number text is refused", arguments: ["01", "1.", ".5", "-", "1e", "+1", "0x10", "1e+", "NaN"])
    func malformed(_ text: String) {
        #expect(JSONNumber(text: text) == nil)
    }
}
