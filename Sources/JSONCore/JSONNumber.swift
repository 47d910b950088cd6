/// A JSON number kept exactly as written: no value is ever rounded through `Double`.
///
/// A number is a decimal significand times a power of ten. Most numbers met in practice
/// (`3`, `2.5`, `-0.0075`, `1e400`) fit a 64-bit significand and are stored inline without
/// allocation; longer ones keep their decimal digits. Equality, ordering and hashing are
/// mathematical: `1 == 1.0`, `18446744073709551616 > 18446744073709551615`.
public struct JSONNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
    enum Storage: Sendable {
        /// `significand × 10^exponent`, as written (trailing zeros of a fraction kept).
        case scaled(significand: Int64, exponent: Int32)
        /// Too many digits for 64 bits.
        indirect case big(DecimalDigits)
    }

    let storage: Storage

    init(storage: Storage) { self.storage = storage }

    /// An integer.
    public init(_ value: Int) { storage = .scaled(significand: Int64(value), exponent: 0) }

    /// `significand × 10^exponent`, exactly.
    public init(significand: Int64, exponent: Int32) {
        storage = .scaled(significand: significand, exponent: exponent)
    }

    /// `±significand × 10^exponent` for a significand of any length, given as decimal digits
    /// (`"-123456789012345678901234567890"`), and any 64-bit exponent; nil when
    /// `significand` is not an optional `-` followed by one or more ASCII digits.
    public init?(significand: String, exponent: Int) {
        var negative = false
        var digits: [UInt8] = []
        digits.reserveCapacity(significand.utf8.count)
        for (offset, byte) in significand.utf8.enumerated() {
            if offset == 0 && byte == UInt8(ascii: "-") { negative = true; continue }
            guard byte >= 48 && byte <= 57 else { return nil }
            digits.append(byte - 48)
        }
        guard !digits.isEmpty else { return nil }
        self.init(digits: DecimalDigits(negative: negative, digits: digits, exponent: exponent))
    }

    /// The shortest decimal that reads back as `value`; `nil` for infinities and NaN.
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        guard let parsed = JSONNumber(text: value.description.replacingPlusAndLowercasing()) else { return nil }
        self = parsed
    }

    /// Parses JSON number text (`-12.5e3`); `nil` when the text is not a JSON number.
    public init?(text: String) {
        var text = text
        let result: JSONNumber? = text.withUTF8 { bytes in
            var reader = NumberScanner(bytes: bytes, index: 0)
            guard let number = reader.scan(), reader.index == bytes.count else { return nil }
            return number
        }
        guard let result else { return nil }
        self = result
    }

    init(digits: DecimalDigits) {
        if let (significand, exponent) = digits.scaledForm() {
            storage = .scaled(significand: significand, exponent: exponent)
        } else {
            storage = .big(digits)
        }
    }

    // MARK: - Queries

    /// Whether the number was written without a fractional part (draft-04's `integer`):
    /// `1` and `1e2` are integers, `1.0` and `1.5` are not.
    public var isInteger: Bool {
        switch storage {
        case .scaled(_, let exponent): return exponent >= 0
        case .big(let digits): return digits.exponent >= 0
        }
    }

    /// The value as an `Int` when it is integral and fits.
    public var intValue: Int? {
        switch storage {
        case .scaled(let significand, let exponent):
            if exponent == 0 { return Int(significand) }
            return exactDigits.integerValue
        case .big(let digits):
            return digits.integerValue
        }
    }

    /// The nearest `Double` (may be infinite for huge numbers); for display and heuristics only.
    public var doubleValue: Double {
        switch storage {
        case .scaled(let significand, let exponent):
            if exponent == 0 { return Double(significand) }
            return Double(description) ?? (exponent > 0 ? .infinity * Double(significand.signum()) : 0)
        case .big:
            return Double(description) ?? 0
        }
    }

    /// Whether the value is below zero.
    public var isNegative: Bool {
        switch storage {
        case .scaled(let significand, _): return significand < 0
        case .big(let digits): return digits.negative && !digits.isZero
        }
    }

    /// Whether the value is zero (`0`, `-0.0`, `0e5`).
    public var isZero: Bool {
        switch storage {
        case .scaled(let significand, _): return significand == 0
        case .big(let digits): return digits.isZero
        }
    }

    /// The value in normalised decimal digits (no leading or trailing zeros).
    var exactDigits: DecimalDigits {
        switch storage {
        case .scaled(let significand, let exponent): return DecimalDigits(significand: significand, exponent: Int(exponent))
        case .big(let digits): return digits
        }
    }

    // MARK: - Comparison

    /// Numeric equality.
    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        if case .scaled(let a, 0) = lhs.storage, case .scaled(let b, 0) = rhs.storage { return a == b }
        return compare(lhs, rhs) == 0
    }

    /// Numeric order.
    public static func < (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        if case .scaled(let a, 0) = lhs.storage, case .scaled(let b, 0) = rhs.storage { return a < b }
        return compare(lhs, rhs) < 0
    }

    /// -1, 0 or 1 as `lhs` is below, equal to or above `rhs`.
    static func compare(_ lhs: JSONNumber, _ rhs: JSONNumber) -> Int {
        if case .scaled(let a, let ea) = lhs.storage, case .scaled(let b, let eb) = rhs.storage {
            if ea == eb { return a < b ? -1 : (a == b ? 0 : 1) }
            // Align exponents when the scaled significand still fits in 64 bits.
            let shift = Int(ea) - Int(eb)
            if shift > 0, shift <= 18, let scaled = multiplyPow10(a, shift) {
                return scaled < b ? -1 : (scaled == b ? 0 : 1)
            }
            if shift < 0, -shift <= 18, let scaled = multiplyPow10(b, -shift) {
                return a < scaled ? -1 : (a == scaled ? 0 : 1)
            }
        }
        return DecimalDigits.compare(lhs.exactDigits, rhs.exactDigits)
    }

    /// Hashes the canonical value (trailing zeros folded into the exponent), so equal
    /// numbers hash alike whatever their storage.
    public func hash(into hasher: inout Hasher) {
        switch storage {
        case .scaled(var significand, var exponent):
            if significand == 0 { hasher.combine(0 as Int64); hasher.combine(0 as Int128); return }
            while significand % 10 == 0 { significand /= 10; exponent += 1 }
            hasher.combine(significand)
            hasher.combine(Int128(exponent))
        case .big(let digits):
            DecimalDigits.hash(digits.canonical, into: &hasher)
        }
    }

    // MARK: - Arithmetic

    /// Whether `self` is an integer multiple of `divisor`, exactly (`divisor` must not be
    /// zero; its sign does not matter). Takes time bounded by the digits of both numbers
    /// (quadratic at worst), never by their exponents: `1e-100000000000` against `0.01`
    /// answers at once.
    public func isMultiple(of divisor: JSONNumber) -> Bool {
        var budget = Int.max
        return isMultiple(of: divisor, budget: &budget) ?? false
    }

    /// `isMultiple(of:)` with a bound on the work: nil when deciding would take more than
    /// `budget` digit steps (numbers of up to 19 significant digits cost at most 64 steps;
    /// long ones cost about digits(self) × digits(divisor)). The steps used are taken from
    /// `budget`.
    public func isMultiple(of divisor: JSONNumber, budget: inout Int) -> Bool? {
        if case .scaled(let a, let ea) = storage, case .scaled(let b, let eb) = divisor.storage, b != 0 {
            let dividend = a.magnitude, modulus = b.magnitude
            if ea == eb { return dividend % modulus == 0 }
            if ea > eb {
                // a·10^k mod b, k = ea - eb: b < 2^64 holds at most 63 factors of 2 and 27
                // of 5, so 64 factors of ten decide as well as any larger k.
                var remainder = dividend % modulus
                var steps = min(Int(ea) - Int(eb), 64)
                while steps > 0, remainder != 0 {
                    remainder = DecimalDigits.mulAddMod(remainder, 10, 0, modulus)
                    steps -= 1
                }
                return remainder == 0
            }
            // b·10^k divides a (k = eb - ea > 0) only if 10^k divides a: a 64-bit a has at
            // most 19 digits, so beyond that (or once b·10^k outgrows 64 bits) the answer is no.
            if dividend == 0 { return true }
            let shift = Int(eb) - Int(ea)
            guard shift <= 19, let scaled = JSONNumber.multiplyPow10(modulus, shift) else { return false }
            return dividend % scaled == 0
        }
        return DecimalDigits.isMultiple(exactDigits, of: divisor.exactDigits, budget: &budget)
    }

    /// The digit steps `isMultiple(of:)` takes on these two numbers: 1 when both fit the
    /// inline form, about digits(self) × digits(divisor) for long ones.
    public func multipleCost(of divisor: JSONNumber) -> Int {
        if case .scaled = storage, case .scaled = divisor.storage { return 1 }
        return DecimalDigits.multipleCost(exactDigits.canonical, divisor.exactDigits.canonical)
    }

    static func multiplyPow10(_ value: Int64, _ power: Int) -> Int64? {
        guard power <= 19 else { return value == 0 ? 0 : nil }
        var result = value
        for _ in 0..<power {
            let (product, overflow) = result.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            result = product
        }
        return result
    }

    static func multiplyPow10(_ value: UInt64, _ power: Int) -> UInt64? {
        guard power <= 20 else { return value == 0 ? 0 : nil }
        var result = value
        for _ in 0..<power {
            let (product, overflow) = result.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            result = product
        }
        return result
    }

    // MARK: - Text

    /// The number as JSON text. Integers print as digits; fractions keep their written
    /// precision (`1.50`); very large or small magnitudes use an exponent (`1e400`).
    public var description: String {
        switch storage {
        case .scaled(let significand, let exponent):
            // Zero times a power of ten is 0 (`0e8`: "000000000" would not be JSON).
            if exponent == 0 || (significand == 0 && exponent > 0) { return String(significand) }
            return DecimalDigits.format(
                negative: significand < 0, digits: String(significand.magnitude), exponent: Int(exponent))
        case .big(let digits):
            return digits.description
        }
    }
}

extension JSONNumber {
    /// Appends `description`'s UTF-8 bytes without building a `String` (the writer's hot path).
    public func write(into output: inout [UInt8]) {
        guard case .scaled(let significand, let exponent) = storage else {
            output.append(contentsOf: description.utf8)
            return
        }
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: 20 digits fit
        withUnsafeMutableBytes(of: &buffer) { raw in
            var magnitude = significand.magnitude
            var start = 24
            repeat {
                start -= 1
                raw[start] = UInt8(48 + magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            let digits = UnsafeRawBufferPointer(rebasing: raw[start..<24])
            let count = digits.count
            if significand < 0 { output.append(UInt8(ascii: "-")) }
            let exponent = Int(exponent)
            if exponent == 0 || (significand == 0 && exponent > 0) {
                output.append(contentsOf: digits)
            } else if exponent > 0 {
                output.append(contentsOf: digits)
                if count + exponent <= 21 {
                    output.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: exponent))
                } else {
                    output.append(UInt8(ascii: "e"))
                    output.append(contentsOf: String(exponent).utf8)
                }
            } else if -exponent < count {
                output.append(contentsOf: digits[0..<(count + exponent)])
                output.append(UInt8(ascii: "."))
                output.append(contentsOf: digits[(count + exponent)...])
            } else if -exponent - count <= 6 {
                output.append(UInt8(ascii: "0"))
                output.append(UInt8(ascii: "."))
                output.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -exponent - count))
                output.append(contentsOf: digits)
            } else {
                output.append(contentsOf: digits)
                output.append(UInt8(ascii: "e"))
                output.append(contentsOf: String(exponent).utf8)
            }
        }
    }
}

extension String {
    /// `1e+20` → `1e20` so that Swift's Double description parses as a JSON number.
    fileprivate func replacingPlusAndLowercasing() -> String {
        var result = ""
        for character in self where character != "+" { result.append(character == "E" ? "e" : character) }
        return result
    }
}
