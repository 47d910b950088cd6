/// Arbitrary-precision decimal: `±D × 10^exponent`, where `D` is a string of decimal digits.
///
/// Used for numbers whose significand does not fit 64 bits, and as the exact fallback for
/// comparisons and `multipleOf` when 64-bit arithmetic would overflow.
struct DecimalDigits: Sendable, Hashable, CustomStringConvertible {
    var negative: Bool
    /// Digit values 0...9, most significant first; no leading zeros (empty means zero).
    var digits: [UInt8]
    var exponent: Int
    /// The exponent as written, before trailing zeros were folded in (decides `isInteger`).
    var writtenExponent: Int

    init(negative: Bool, digits: [UInt8], exponent: Int) {
        var start = 0
        while start < digits.count, digits[start] == 0 { start += 1 }
        self.negative = negative
        self.digits = Array(digits[start...])
        self.exponent = exponent
        self.writtenExponent = exponent
    }

    init(significand: Int64, exponent: Int) {
        var digits: [UInt8] = []
        var magnitude = significand.magnitude
        while magnitude > 0 { digits.append(UInt8(magnitude % 10)); magnitude /= 10 }
        self.init(negative: significand < 0, digits: digits.reversed(), exponent: exponent)
    }

    var isZero: Bool { digits.isEmpty }

    /// The same value with trailing zeros folded into the exponent.
    func normalised() -> DecimalDigits {
        if digits.isEmpty { return DecimalDigits(negative: false, digits: [], exponent: 0) }
        var end = digits.count
        while end > 0, digits[end - 1] == 0 { end -= 1 }
        var result = DecimalDigits(negative: negative, digits: Array(digits[..<end]), exponent: exponent + digits.count - end)
        result.writtenExponent = writtenExponent
        return result
    }

    static func == (lhs: DecimalDigits, rhs: DecimalDigits) -> Bool { compare(lhs, rhs) == 0 }

    func hash(into hasher: inout Hasher) {
        let n = normalised()
        hasher.combine(n.isZero ? false : n.negative)
        hasher.combine(n.digits)
        hasher.combine(n.exponent)
    }

    /// `(significand, exponent)` when the value fits the inline representation.
    func scaledForm() -> (Int64, Int32)? {
        guard digits.count <= 18, let exponent32 = Int32(exactly: writtenExponent) else { return nil }
        var value: Int64 = 0
        for digit in digits { value = value * 10 + Int64(digit) }
        // `digits` has exactly the written precision, so `writtenExponent` applies to it.
        return (negative ? -value : value, exponent32)
    }

    /// The value as an `Int` when integral and in range.
    var integerValue: Int? {
        let n = normalised()
        guard n.exponent >= 0, n.digits.count + n.exponent <= 19 else { return nil }
        var value = 0
        for digit in n.digits {
            let (product, overflow) = value.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            let (sum, overflow2) = product.addingReportingOverflow(Int(digit))
            if overflow2 { return nil }
            value = sum
        }
        for _ in 0..<n.exponent {
            let (product, overflow) = value.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            value = product
        }
        return n.negative ? -value : value
    }

    /// -1, 0 or 1.
    static func compare(_ lhs: DecimalDigits, _ rhs: DecimalDigits) -> Int {
        let a = lhs.normalised(), b = rhs.normalised()
        let aSign = a.isZero ? 0 : (a.negative ? -1 : 1)
        let bSign = b.isZero ? 0 : (b.negative ? -1 : 1)
        if aSign != bSign { return aSign < bSign ? -1 : 1 }
        if aSign == 0 { return 0 }
        let magnitude = compareMagnitude(a, b)
        return aSign > 0 ? magnitude : -magnitude
    }

    /// Compares |a| and |b|, both normalised and non-zero.
    private static func compareMagnitude(_ a: DecimalDigits, _ b: DecimalDigits) -> Int {
        // Position of the leading digit decides first.
        let aTop = a.exponent + a.digits.count, bTop = b.exponent + b.digits.count
        if aTop != bTop { return aTop < bTop ? -1 : 1 }
        let length = max(a.digits.count, b.digits.count)
        for index in 0..<length {
            let x = index < a.digits.count ? a.digits[index] : 0
            let y = index < b.digits.count ? b.digits[index] : 0
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }

    /// Exact `value mod divisor == 0` for a non-zero divisor.
    static func isMultiple(_ value: DecimalDigits, of divisor: DecimalDigits) -> Bool {
        let v = value.normalised(), d = divisor.normalised()
        if v.isZero { return true }
        if d.isZero { return false }
        // Bring both to the common (smaller) exponent; integers A and B, test A mod B == 0.
        let common = min(v.exponent, d.exponent)
        let dividendZeros = v.exponent - common
        let divisorDigits = d.digits + [UInt8](repeating: 0, count: d.exponent - common)
        // Long division, digit by digit, keeping only the remainder.
        var remainder: [UInt8] = []
        func step(_ digit: UInt8) {
            remainder.append(digit)
            while let first = remainder.first, first == 0 { remainder.removeFirst() }
            while compareDigitStrings(remainder, divisorDigits) >= 0 { subtract(&remainder, divisorDigits) }
        }
        for digit in v.digits { step(digit) }
        // Trailing zeros of the dividend: once the remainder is zero it stays zero, and once
        // 10^k holds every factor 2 and 5 of the divisor (k ≤ 4·digits) more zeros cannot help.
        var zeros = min(dividendZeros, 4 * divisorDigits.count + 4)
        while zeros > 0, !remainder.isEmpty { step(0); zeros -= 1 }
        return remainder.isEmpty
    }

    private static func compareDigitStrings(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
        return 0
    }

    /// `a -= b` for digit strings with `a >= b`; the result has no leading zeros.
    private static func subtract(_ a: inout [UInt8], _ b: [UInt8]) {
        var borrow: Int = 0
        var i = a.count - 1, j = b.count - 1
        while i >= 0 {
            var digit = Int(a[i]) - borrow - (j >= 0 ? Int(b[j]) : 0)
            if digit < 0 { digit += 10; borrow = 1 } else { borrow = 0 }
            a[i] = UInt8(digit)
            i -= 1; j -= 1
        }
        var start = 0
        while start < a.count, a[start] == 0 { start += 1 }
        a.removeFirst(start)
    }

    var description: String {
        if digits.isEmpty {
            return writtenExponent < 0 ? "0." + String(repeating: "0", count: min(-writtenExponent, 20)) : "0"
        }
        return DecimalDigits.format(
            negative: negative, digits: String(digits.map { Character(Unicode.Scalar($0 + 48)) }), exponent: exponent)
    }

    /// Formats `±digits × 10^exponent` as JSON text: plain when short, with an exponent otherwise.
    static func format(negative: Bool, digits: String, exponent: Int) -> String {
        let sign = negative ? "-" : ""
        if exponent == 0 { return sign + digits }
        if exponent > 0 {
            if digits.count + exponent <= 21 { return sign + digits + String(repeating: "0", count: exponent) }
            return sign + digits + "e" + String(exponent)
        }
        let fractionLength = -exponent
        if fractionLength < digits.count {
            let split = digits.index(digits.endIndex, offsetBy: -fractionLength)
            return sign + digits[..<split] + "." + digits[split...]
        }
        if fractionLength - digits.count <= 6 {
            return sign + "0." + String(repeating: "0", count: fractionLength - digits.count) + digits
        }
        return sign + digits + "e" + String(exponent)
    }
}
