/// Unsigned integers of a fixed number of 64-bit limbs (least significant first), and the
/// modular arithmetic RSA needs, written here: Montgomery multiplication (CIOS) and a modular
/// power that takes the same steps whatever the exponent's bits (square and multiply always,
/// the result chosen by a mask), so a private exponent does not show in the time it takes.
/// Sizes are public (the modulus's limb count); values are not branched on in `multiply` and
/// `power`.
enum Limbs {
    /// The limbs of a big-endian byte string, `count` limbs (the bytes must fit).
    static func from(bigEndian bytes: [UInt8], count: Int) -> [UInt64] {
        var limbs = [UInt64](repeating: 0, count: count)
        for (offset, byte) in bytes.reversed().enumerated() where offset / 8 < count {
            limbs[offset / 8] |= UInt64(byte) << UInt64(8 * (offset % 8))
        }
        return limbs
    }

    /// The big-endian bytes of `limbs`, `length` bytes (leading zeros kept; higher bytes dropped).
    static func bigEndian(_ limbs: [UInt64], length: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: length)
        for index in 0..<length {
            let offset = length - 1 - index
            guard offset / 8 < limbs.count else { continue }
            bytes[index] = UInt8(truncatingIfNeeded: limbs[offset / 8] >> UInt64(8 * (offset % 8)))
        }
        return bytes
    }

    /// The significant bits of `limbs`.
    static func bitWidth(_ limbs: [UInt64]) -> Int {
        for index in limbs.indices.reversed() where limbs[index] != 0 {
            return index * 64 + (64 - limbs[index].leadingZeroBitCount)
        }
        return 0
    }

    /// -1 when a < b, 0 when equal, 1 when a > b (same limb count).
    static func compare(_ a: [UInt64], _ b: [UInt64]) -> Int {
        for index in a.indices.reversed() where a[index] != b[index] {
            return a[index] < b[index] ? -1 : 1
        }
        return 0
    }

    /// a - b into a; the borrow out (1 when b > a).
    @discardableResult
    static func subtract(_ a: inout [UInt64], _ b: [UInt64]) -> UInt64 {
        var borrow: UInt64 = 0
        for index in a.indices {
            let (first, overflowFirst) = a[index].subtractingReportingOverflow(index < b.count ? b[index] : 0)
            let (second, overflowSecond) = first.subtractingReportingOverflow(borrow)
            a[index] = second
            borrow = (overflowFirst ? 1 : 0) | (overflowSecond ? 1 : 0)
        }
        return borrow
    }

    /// The full product of a and b (a.count + b.count limbs).
    static func multiply(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var result = [UInt64](repeating: 0, count: a.count + b.count)
        for i in a.indices {
            var carry: UInt64 = 0
            for j in b.indices {
                let (high, low) = a[i].multipliedFullWidth(by: b[j])
                let (sum, overflowSum) = result[i + j].addingReportingOverflow(low)
                let (total, overflowTotal) = sum.addingReportingOverflow(carry)
                result[i + j] = total
                carry = high &+ (overflowSum ? 1 : 0) &+ (overflowTotal ? 1 : 0)
            }
            result[i + b.count] = carry
        }
        return result
    }

    /// a × small + addend (one limb more than a).
    static func multiply(_ a: [UInt64], small: UInt64, adding addend: UInt64 = 0) -> [UInt64] {
        var result = [UInt64](repeating: 0, count: a.count + 1)
        var carry = addend
        for index in a.indices {
            let (high, low) = a[index].multipliedFullWidth(by: small)
            let (sum, overflow) = low.addingReportingOverflow(carry)
            result[index] = sum
            carry = high &+ (overflow ? 1 : 0)
        }
        result[a.count] = carry
        return result
    }

    /// (a / small, a mod small).
    static func divide(_ a: [UInt64], small: UInt64) -> (quotient: [UInt64], remainder: UInt64) {
        var quotient = [UInt64](repeating: 0, count: a.count)
        var remainder: UInt64 = 0
        for index in a.indices.reversed() {
            let (q, r) = small.dividingFullWidth((high: remainder, low: a[index]))
            quotient[index] = q
            remainder = r
        }
        return (quotient, remainder)
    }

    /// `mask` all ones: a; all zeros: b (no branch on the values).
    @inline(__always)
    static func select(_ mask: UInt64, _ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var result = b
        for index in result.indices { result[index] = (a[index] & mask) | (b[index] & ~mask) }
        return result
    }
}

/// Arithmetic modulo an odd modulus in Montgomery form (R = 2^(64·limbs)).
struct Montgomery: Sendable {
    /// The modulus.
    let modulus: [UInt64]
    /// -modulus⁻¹ mod 2^64.
    let inverse: UInt64
    /// R² mod modulus (turns a value into Montgomery form).
    let rSquared: [UInt64]

    /// The context for an odd `modulus` (nil for an even or zero one).
    init?(modulus: [UInt64]) {
        guard let low = modulus.first, low & 1 == 1 else { return nil }
        self.modulus = modulus
        // Newton's iteration doubles the correct low bits each step: 1 → 64 in six.
        var inverse: UInt64 = 1
        for _ in 0..<6 { inverse = inverse &* (2 &- low &* inverse) }
        self.inverse = 0 &- inverse
        // R² mod n by doubling 1 2·64·k times, reducing each time (public data: the modulus).
        var value = [UInt64](repeating: 0, count: modulus.count)
        value[0] = 1
        for _ in 0..<(2 * 64 * modulus.count) {
            var carry: UInt64 = 0
            for index in value.indices {
                let next = value[index] >> 63
                value[index] = value[index] << 1 | carry
                carry = next
            }
            if carry == 1 || Limbs.compare(value, modulus) >= 0 { Limbs.subtract(&value, modulus) }
        }
        rSquared = value
    }

    /// a·b·R⁻¹ mod n (a, b < n), CIOS; the final subtraction chosen by a mask.
    func multiply(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        let count = modulus.count
        var t = [UInt64](repeating: 0, count: count + 2)
        for i in 0..<count {
            var carry: UInt64 = 0
            for j in 0..<count {
                let (high, low) = a[j].multipliedFullWidth(by: b[i])
                let (sum, overflowSum) = t[j].addingReportingOverflow(low)
                let (total, overflowTotal) = sum.addingReportingOverflow(carry)
                t[j] = total
                carry = high &+ (overflowSum ? 1 : 0) &+ (overflowTotal ? 1 : 0)
            }
            let (top, overflowTop) = t[count].addingReportingOverflow(carry)
            t[count] = top
            t[count + 1] = overflowTop ? 1 : 0
            let m = t[0] &* inverse
            let (high0, low0) = m.multipliedFullWidth(by: modulus[0])
            let (_, overflow0) = t[0].addingReportingOverflow(low0)
            carry = high0 &+ (overflow0 ? 1 : 0)
            for j in 1..<count {
                let (high, low) = m.multipliedFullWidth(by: modulus[j])
                let (sum, overflowSum) = t[j].addingReportingOverflow(low)
                let (total, overflowTotal) = sum.addingReportingOverflow(carry)
                t[j - 1] = total
                carry = high &+ (overflowSum ? 1 : 0) &+ (overflowTotal ? 1 : 0)
            }
            let (last, overflowLast) = t[count].addingReportingOverflow(carry)
            t[count - 1] = last
            t[count] = t[count + 1] &+ (overflowLast ? 1 : 0)
        }
        var result = Array(t[0..<count])
        var reduced = result
        let borrow = Limbs.subtract(&reduced, modulus)
        // Take the reduced value when t ≥ n: a carry out of the top limb, or no borrow.
        let take = (t[count] | (borrow ^ 1)) & 1
        result = Limbs.select(0 &- take, reduced, result)
        return result
    }

    /// a in Montgomery form (a < n).
    func enter(_ a: [UInt64]) -> [UInt64] { multiply(a, rSquared) }

    /// a out of Montgomery form.
    func leave(_ a: [UInt64]) -> [UInt64] {
        var one = [UInt64](repeating: 0, count: modulus.count)
        one[0] = 1
        return multiply(a, one)
    }

    /// base^exponent mod n (base < n), with the exponent's `bits` low bits: every bit costs one
    /// squaring and one multiplication whatever its value.
    func power(_ base: [UInt64], exponent: [UInt64], bits: Int) -> [UInt64] {
        let montgomeryBase = enter(base)
        var one = [UInt64](repeating: 0, count: modulus.count)
        one[0] = 1
        var result = enter(one)
        for bit in stride(from: bits - 1, through: 0, by: -1) {
            result = multiply(result, result)
            let product = multiply(result, montgomeryBase)
            let set = bit / 64 < exponent.count ? (exponent[bit / 64] >> UInt64(bit % 64)) & 1 : 0
            result = Limbs.select(0 &- set, product, result)
        }
        return leave(result)
    }
}
