/// Reads one RFC 8259 number from UTF-8 bytes: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
///
/// Significands of up to 18 digits are read straight into 64 bits; longer ones are re-read
/// into `DecimalDigits`. On failure `scan()` returns `nil` with `index` at the offending byte.
struct NumberScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var index: Int

    /// Exponents beyond this magnitude are refused (the number is well-formed but unusable).
    static let exponentLimit = 1_000_000_000_000_000

    private(set) var exponentOutOfRange = false

    @inline(__always)
    private func byte(at offset: Int) -> UInt8? { offset < bytes.count ? bytes[offset] : nil }

    @inline(__always)
    private static func isDigit(_ byte: UInt8) -> Bool { byte &- 48 < 10 }

    mutating func scan() -> JSONNumber? {
        let start = index
        var negative = false
        if byte(at: index) == UInt8(ascii: "-") { negative = true; index += 1 }
        guard let first = byte(at: index), NumberScanner.isDigit(first) else { return nil }
        var significand: UInt64 = 0
        var significantDigits = 0
        var overflowed = false
        @inline(__always) func take(_ digit: UInt8) {
            if significantDigits == 0 && digit == 48 { return }
            significantDigits += 1
            if significantDigits > 18 { overflowed = true } else { significand = significand &* 10 &+ UInt64(digit &- 48) }
        }
        if first == UInt8(ascii: "0") {
            index += 1
        } else {
            while let digit = byte(at: index), NumberScanner.isDigit(digit) { take(digit); index += 1 }
        }
        var fractionDigits = 0
        if byte(at: index) == UInt8(ascii: ".") {
            index += 1
            guard let digit = byte(at: index), NumberScanner.isDigit(digit) else { return nil }
            while let digit = byte(at: index), NumberScanner.isDigit(digit) {
                take(digit); fractionDigits += 1; index += 1
            }
        }
        var exponent = 0
        if let marker = byte(at: index), marker | 0x20 == UInt8(ascii: "e") {
            index += 1
            var exponentNegative = false
            if let sign = byte(at: index), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                exponentNegative = sign == UInt8(ascii: "-")
                index += 1
            }
            guard let digit = byte(at: index), NumberScanner.isDigit(digit) else { return nil }
            while let digit = byte(at: index), NumberScanner.isDigit(digit) {
                if exponent < NumberScanner.exponentLimit { exponent = exponent * 10 + Int(digit &- 48) }
                index += 1
            }
            if exponent >= NumberScanner.exponentLimit { exponentOutOfRange = true; return nil }
            if exponentNegative { exponent = -exponent }
        }
        let scale = exponent - fractionDigits
        if !overflowed, let scale32 = Int32(exactly: scale) {
            let value = Int64(significand)
            return JSONNumber(storage: .scaled(significand: negative ? -value : value, exponent: scale32))
        }
        return JSONNumber(storage: .big(slowDigits(start: start, negative: negative, scale: scale)))
    }

    /// Collects every significant digit of the number starting at `start`.
    private func slowDigits(start: Int, negative: Bool, scale: Int) -> DecimalDigits {
        var digits: [UInt8] = []
        var offset = start
        if negative { offset += 1 }
        while offset < index {
            let byte = bytes[offset]
            if byte | 0x20 == UInt8(ascii: "e") { break }
            if NumberScanner.isDigit(byte) { digits.append(byte &- 48) }
            offset += 1
        }
        return DecimalDigits(negative: negative, digits: digits, exponent: scale)
    }
}
