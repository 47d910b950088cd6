/// Arbitrary-precision decimal: `±D × 10^exponent`, where `D` is a string of decimal digits.
///
/// Used for numbers whose significand does not fit 64 bits or whose exponent does not fit 32,
/// and as the exact fallback for comparisons and `multipleOf`. Every operation here takes time
/// and memory bounded by the number of digits, never by the exponent's value: exponents are
/// compared and subtracted in 128 bits and never expanded into zeros.
struct DecimalDigits: Sendable, Hashable, CustomStringConvertible {
    var negative: Bool
    /// Digit values 0...9, most significant first; no leading zeros (empty means zero).
    /// Trailing zeros are kept: they are part of the number as written.
    var digits: [UInt8]
    /// The power of ten of the last digit, as written (`1.50` is `150 × 10^-2`).
    var exponent: Int

    init(negative: Bool, digits: [UInt8], exponent: Int) {
        var start = 0
        while start < digits.count, digits[start] == 0 { start += 1 }
        self.negative = negative
        self.digits = start == 0 ? digits : Array(digits[start...])
        self.exponent = exponent
    }

    init(significand: Int64, exponent: Int) {
        var digits: [UInt8] = []
        var magnitude = significand.magnitude
        while magnitude > 0 { digits.append(UInt8(magnitude % 10)); magnitude /= 10 }
        self.init(negative: significand < 0, digits: digits.reversed(), exponent: exponent)
    }

    var isZero: Bool { digits.isEmpty }

    /// The value with trailing zeros folded into the exponent (computed in 128 bits, so no
    /// exponent overflows): `digits` has no leading or trailing zero; zero has no digits.
    struct Canonical {
        var negative: Bool
        var digits: ArraySlice<UInt8>
        var exponent: Int128

        var isZero: Bool { digits.isEmpty }
        /// -1, 0 or 1.
        var sign: Int { digits.isEmpty ? 0 : (negative ? -1 : 1) }
        /// The power of ten just above the leading digit (orders magnitudes).
        var top: Int128 { exponent + Int128(digits.count) }

        /// The digits as a 64-bit magnitude when they fit.
        var magnitude64: UInt64? {
            guard digits.count <= 20 else { return nil }
            var value: UInt64 = 0
            for digit in digits {
                let (product, overflow) = value.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                let (sum, overflow2) = product.addingReportingOverflow(UInt64(digit))
                if overflow2 { return nil }
                value = sum
            }
            return value
        }

        /// The signed significand when it fits `Int64` (the form `JSONNumber` hashes).
        var significand64: Int64? {
            guard let magnitude = magnitude64 else { return nil }
            if negative {
                if magnitude == UInt64(Int64.max) + 1 { return Int64.min }
                return Int64(exactly: magnitude).map { -$0 }
            }
            return Int64(exactly: magnitude)
        }
    }

    var canonical: Canonical {
        var end = digits.count
        while end > 0, digits[end - 1] == 0 { end -= 1 }
        if end == 0 { return Canonical(negative: false, digits: [], exponent: 0) }
        return Canonical(negative: negative, digits: digits[..<end], exponent: Int128(exponent) + Int128(digits.count - end))
    }

    static func == (lhs: DecimalDigits, rhs: DecimalDigits) -> Bool { compare(lhs, rhs) == 0 }

    func hash(into hasher: inout Hasher) {
        DecimalDigits.hash(canonical, into: &hasher)
    }

    /// Hashes a canonical value the way `JSONNumber` hashes its inline form, so equal numbers
    /// hash alike whatever their storage.
    static func hash(_ value: Canonical, into hasher: inout Hasher) {
        if let significand = value.significand64 {
            hasher.combine(significand)
            hasher.combine(value.isZero ? 0 : value.exponent)
        } else {
            hasher.combine(value.negative)
            hasher.combine(value.digits.count)
            for digit in value.digits { hasher.combine(digit) }
            hasher.combine(value.exponent)
        }
    }

    /// `(significand, exponent)` when the value fits the inline representation.
    func scaledForm() -> (Int64, Int32)? {
        guard digits.count <= 18, let exponent32 = Int32(exactly: exponent) else { return nil }
        var value: Int64 = 0
        for digit in digits { value = value * 10 + Int64(digit) }
        return (negative ? -value : value, exponent32)
    }

    /// The value as an `Int` when integral and in range.
    var integerValue: Int? {
        let n = canonical
        if n.isZero { return 0 }
        guard n.exponent >= 0, n.top <= 19 else { return nil }
        // Accumulated with the number's sign, so that Int.min fits.
        let sign = n.negative ? -1 : 1
        var value = 0
        for digit in n.digits {
            let (product, overflow) = value.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            let (sum, overflow2) = product.addingReportingOverflow(sign * Int(digit))
            if overflow2 { return nil }
            value = sum
        }
        for _ in 0..<Int(n.exponent) {
            let (product, overflow) = value.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            value = product
        }
        return value
    }

    /// -1, 0 or 1.
    static func compare(_ lhs: DecimalDigits, _ rhs: DecimalDigits) -> Int {
        let a = lhs.canonical, b = rhs.canonical
        if a.sign != b.sign { return a.sign < b.sign ? -1 : 1 }
        if a.sign == 0 { return 0 }
        let magnitude = compareMagnitude(a, b)
        return a.sign > 0 ? magnitude : -magnitude
    }

    /// Compares |a| and |b|, both canonical and non-zero.
    private static func compareMagnitude(_ a: Canonical, _ b: Canonical) -> Int {
        // Position of the leading digit decides first.
        if a.top != b.top { return a.top < b.top ? -1 : 1 }
        let length = max(a.digits.count, b.digits.count)
        var index = 0
        var ai = a.digits.startIndex, bi = b.digits.startIndex
        while index < length {
            let x = ai < a.digits.endIndex ? a.digits[ai] : 0
            let y = bi < b.digits.endIndex ? b.digits[bi] : 0
            if x != y { return x < y ? -1 : 1 }
            index += 1; ai += 1; bi += 1
        }
        return 0
    }

    /// What deciding `value mod divisor == 0` costs in digit steps (see `isMultiple`).
    static func multipleCost(_ value: Canonical, _ divisor: Canonical) -> Int {
        let zeros = Int(min(max(value.exponent - divisor.exponent, 0), Int128(4 * divisor.digits.count + 4)))
        let rows = value.digits.count + zeros
        if divisor.magnitude64 != nil { return rows }
        let (cost, overflow) = rows.multipliedReportingOverflow(by: divisor.digits.count)
        return overflow ? Int.max : cost
    }

    /// Exact `value mod divisor == 0`, or nil when it would take more than `budget` digit
    /// steps (the steps used are taken from `budget`).
    ///
    /// With `value = a·10^p` and `divisor = b·10^q` in canonical form (no trailing zeros):
    /// for `p < q` the quotient has a factor `10^(p-q)` that `a` (not a multiple of 10) cannot
    /// absorb, so the answer is no; for `p ≥ q` it is whether `b` divides `a·10^(p-q)`, and
    /// once `10^k` holds every factor 2 and 5 of `b` (k ≤ 4·digits(b)) more zeros change
    /// nothing, so at most that many are appended. The exponents' values never matter.
    static func isMultiple(_ value: DecimalDigits, of divisor: DecimalDigits, budget: inout Int) -> Bool? {
        let v = value.canonical, d = divisor.canonical
        if v.isZero { return true }
        if d.isZero { return false }
        let shift = v.exponent - d.exponent
        if shift < 0 { return false }
        let cost = multipleCost(v, d)
        if cost > budget { return nil }
        budget -= cost
        if let modulus = d.magnitude64 {
            // b < 2^64 holds at most 63 factors of 2 and 27 of 5: 64 zeros are enough.
            var remainder: UInt64 = 0
            for digit in v.digits { remainder = mulAddMod(remainder, 10, UInt64(digit), modulus) }
            var zeros = Int(min(shift, 64))
            while zeros > 0, remainder != 0 {
                remainder = mulAddMod(remainder, 10, 0, modulus)
                zeros -= 1
            }
            return remainder == 0
        }
        let divisorDigits = Array(d.digits)
        var remainder: [UInt8] = []
        func step(_ digit: UInt8) {
            remainder.append(digit)
            var start = 0
            while start < remainder.count, remainder[start] == 0 { start += 1 }
            if start > 0 { remainder.removeFirst(start) }
            while compareDigitStrings(remainder, divisorDigits) >= 0 { subtract(&remainder, divisorDigits) }
        }
        for digit in v.digits { step(digit) }
        var zeros = Int(min(shift, Int128(4 * divisorDigits.count + 4)))
        while zeros > 0, !remainder.isEmpty { step(0); zeros -= 1 }
        return remainder.isEmpty
    }

    /// `(value × factor + addend) mod modulus` without overflow (`value < modulus`).
    @inline(__always)
    static func mulAddMod(_ value: UInt64, _ factor: UInt64, _ addend: UInt64, _ modulus: UInt64) -> UInt64 {
        let (high, low) = value.multipliedFullWidth(by: factor)
        let (sum, carry) = low.addingReportingOverflow(addend)
        let remainder = modulus.dividingFullWidth((high &+ (carry ? 1 : 0), sum)).remainder
        return remainder
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
            // As the inline form prints zero: `0`, `0.000` for short fractions, `0e-30` beyond.
            return DecimalDigits.format(negative: false, digits: "0", exponent: exponent > 0 ? 0 : exponent)
        }
        return DecimalDigits.format(
            negative: negative, digits: String(digits.map { Character(Unicode.Scalar($0 + 48)) }), exponent: exponent)
    }

    /// Formats `±digits × 10^exponent` as JSON text: plain when short, with an exponent otherwise.
    static func format(negative: Bool, digits: String, exponent: Int) -> String {
        let sign = negative ? "-" : ""
        if exponent == 0 { return sign + digits }
        let count = digits.count
        if exponent > 0 {
            if exponent <= 21 - count { return sign + digits + String(repeating: "0", count: exponent) }
            return sign + digits + "e" + String(exponent)
        }
        // exponent < 0: compare its magnitude in 128 bits (Int.min has no Int negation).
        let fractionLength = -Int128(exponent)
        if fractionLength < Int128(count) {
            let split = digits.index(digits.endIndex, offsetBy: -Int(fractionLength))
            return sign + digits[..<split] + "." + digits[split...]
        }
        if fractionLength - Int128(count) <= 6 {
            return sign + "0." + String(repeating: "0", count: Int(fractionLength) - count) + digits
        }
        return sign + digits + "e" + String(exponent)
    }
}
