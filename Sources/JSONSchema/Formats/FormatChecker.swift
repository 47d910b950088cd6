/// The `format` values draft-04 defines, each checked by the RFC it names. Unknown formats
/// are ignored (always valid), as the specification requires.
public enum SchemaFormat: String, Sendable, CaseIterable {
    case dateTime = "date-time"
    case email
    case hostname
    case ipv4
    case ipv6
    case uri

    /// Whether `text` is well-formed for this format.
    public func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        switch self {
        case .dateTime: return FormatRules.isDateTime(bytes)
        case .email: return FormatRules.isEmail(bytes)
        case .hostname: return FormatRules.isHostname(bytes[...])
        case .ipv4: return FormatRules.isIPv4(bytes[...])
        case .ipv6: return FormatRules.isIPv6(bytes[...])
        case .uri: return FormatRules.isURI(bytes)
        }
    }
}

/// Byte-level grammars; every rule is ASCII-only, so non-ASCII input fails by construction.
enum FormatRules {
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    static func isAlpha(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
    static func isHex(_ byte: UInt8) -> Bool { isDigit(byte) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x66) }

    /// A fixed-width decimal field.
    static func number(_ bytes: [UInt8], _ start: Int, _ length: Int) -> Int? {
        guard start + length <= bytes.count else { return nil }
        var value = 0
        for index in start..<start + length {
            guard isDigit(bytes[index]) else { return nil }
            value = value * 10 + Int(bytes[index] - 0x30)
        }
        return value
    }

    // MARK: RFC 3339 date-time

    static func isDateTime(_ b: [UInt8]) -> Bool {
        // full-date "T" partial-time time-offset
        guard b.count >= 20, let year = number(b, 0, 4), b[4] == 0x2D, let month = number(b, 5, 2), b[7] == 0x2D,
            let day = number(b, 8, 2), b[10] | 0x20 == 0x74, let hour = number(b, 11, 2), b[13] == 0x3A,
            let minute = number(b, 14, 2), b[16] == 0x3A, let second = number(b, 17, 2)
        else { return false }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
            hour <= 23, minute <= 59, second <= 60
        else { return false }
        var index = 19
        if index < b.count, b[index] == 0x2E {
            index += 1
            let start = index
            while index < b.count, isDigit(b[index]) { index += 1 }
            if index == start { return false }
        }
        guard index < b.count else { return false }
        var offsetMinutes = 0
        if b[index] | 0x20 == 0x7A {
            index += 1
        } else if b[index] == 0x2B || b[index] == 0x2D {
            guard let offsetHour = number(b, index + 1, 2), index + 3 < b.count, b[index + 3] == 0x3A,
                let offsetMinute = number(b, index + 4, 2), offsetHour <= 23, offsetMinute <= 59
            else { return false }
            offsetMinutes = (offsetHour * 60 + offsetMinute) * (b[index] == 0x2D ? -1 : 1)
            index += 6
        } else {
            return false
        }
        guard index == b.count else { return false }
        if second == 60 {
            // A leap second is only 23:59:60 in UTC.
            let utc = ((hour * 60 + minute - offsetMinutes) % 1440 + 1440) % 1440
            return utc == 23 * 60 + 59
        }
        return true
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // MARK: RFC 5321 mailbox (dot-atom local part, hostname or address literal domain)

    static let atomSpecials = Set("!#$%&'*+-/=?^_`{|}~".utf8)

    static func isEmail(_ b: [UInt8]) -> Bool {
        guard let at = b.lastIndex(of: 0x40), at > 0, at < b.count - 1 else { return false }
        let local = b[..<at], domain = b[(at + 1)...]
        // dot-atom: atoms separated by single dots.
        var previousDot = true
        for byte in local {
            if byte == 0x2E {
                if previousDot { return false }
                previousDot = true
            } else if isAlpha(byte) || isDigit(byte) || atomSpecials.contains(byte) {
                previousDot = false
            } else {
                return false
            }
        }
        if previousDot { return false }
        if domain.first == 0x5B, domain.last == 0x5D {
            let literal = domain.dropFirst().dropLast()
            if literal.starts(with: "IPv6:".utf8) { return isIPv6(literal.dropFirst(5)) }
            return isIPv4(literal)
        }
        return isHostname(domain)
    }

    // MARK: RFC 1123 hostname

    static func isHostname(_ b: ArraySlice<UInt8>) -> Bool {
        guard !b.isEmpty, b.count <= 253 else { return false }
        var labelLength = 0
        var previous: UInt8 = 0x2E
        for byte in b {
            if byte == 0x2E {
                if labelLength == 0 || previous == 0x2D { return false }
                labelLength = 0
            } else if isAlpha(byte) || isDigit(byte) || byte == 0x2D {
                if labelLength == 0 && byte == 0x2D { return false }
                labelLength += 1
                if labelLength > 63 { return false }
            } else {
                return false
            }
            previous = byte
        }
        return labelLength > 0 && previous != 0x2D
    }

    // MARK: IP addresses

    static func isIPv4(_ b: ArraySlice<UInt8>) -> Bool {
        var parts = 0
        var index = b.startIndex
        while true {
            let start = index
            var value = 0
            while index < b.endIndex, isDigit(b[index]), index - start < 3 {
                value = value * 10 + Int(b[index] - 0x30)
                index += 1
            }
            let length = index - start
            guard length > 0, value <= 255, !(length > 1 && b[start] == 0x30) else { return false }
            parts += 1
            if parts == 4 { return index == b.endIndex }
            guard index < b.endIndex, b[index] == 0x2E else { return false }
            index += 1
        }
    }

    static func isIPv6(_ b: ArraySlice<UInt8>) -> Bool {
        guard !b.isEmpty else { return false }
        var groups = 0
        var sawDoubleColon = false
        var index = b.startIndex
        if b.starts(with: "::".utf8) {
            sawDoubleColon = true
            index += 2
            if index == b.endIndex { return true }
        } else if b.first == 0x3A {
            return false
        }
        while index < b.endIndex {
            // An embedded IPv4 address ends the address.
            let rest = b[index...]
            if let dot = rest.firstIndex(of: 0x2E), !rest[..<dot].contains(0x3A) {
                guard isIPv4(rest) else { return false }
                groups += 2
                index = b.endIndex
                break
            }
            let start = index
            while index < b.endIndex, isHex(b[index]) { index += 1 }
            let length = index - start
            guard length >= 1, length <= 4 else { return false }
            groups += 1
            if index == b.endIndex { break }
            guard b[index] == 0x3A else { return false }
            index += 1
            if index < b.endIndex, b[index] == 0x3A {
                if sawDoubleColon { return false }
                sawDoubleColon = true
                index += 1
                if index == b.endIndex { break }
            } else if index == b.endIndex {
                return false  // a trailing single colon
            }
        }
        return sawDoubleColon ? groups <= 7 : groups == 8
    }

    // MARK: RFC 3986 absolute URI

    static let unreserved = Set("-._~".utf8)
    static let subDelims = Set("!$&'()*+,;=".utf8)

    /// `pchar`-style characters plus `extra`, with valid percent-encodings.
    static func isEncoded(_ b: ArraySlice<UInt8>, extra: Set<UInt8>) -> Bool {
        var index = b.startIndex
        while index < b.endIndex {
            let byte = b[index]
            if byte == 0x25 {
                guard index + 2 < b.endIndex, isHex(b[index + 1]), isHex(b[index + 2]) else { return false }
                index += 3
                continue
            }
            guard isAlpha(byte) || isDigit(byte) || unreserved.contains(byte) || subDelims.contains(byte) || extra.contains(byte)
            else { return false }
            index += 1
        }
        return true
    }

    static func isURI(_ b: [UInt8]) -> Bool {
        guard let colon = b.firstIndex(of: 0x3A), colon > 0, isAlpha(b[0]) else { return false }
        for byte in b[1..<colon] where !(isAlpha(byte) || isDigit(byte) || byte == 0x2B || byte == 0x2D || byte == 0x2E) {
            return false
        }
        var rest = b[(colon + 1)...]
        var fragment: ArraySlice<UInt8> = []
        if let hash = rest.firstIndex(of: 0x23) {
            fragment = rest[(hash + 1)...]
            rest = rest[..<hash]
        }
        var query: ArraySlice<UInt8> = []
        if let mark = rest.firstIndex(of: 0x3F) {
            query = rest[(mark + 1)...]
            rest = rest[..<mark]
        }
        let pathExtra = Set(":@/".utf8)
        let queryExtra = Set(":@/?".utf8)
        guard isEncoded(fragment, extra: queryExtra), isEncoded(query, extra: queryExtra) else { return false }
        if rest.starts(with: "//".utf8) {
            let afterSlashes = rest.dropFirst(2)
            let authorityEnd = afterSlashes.firstIndex(of: 0x2F) ?? afterSlashes.endIndex
            guard isAuthority(afterSlashes[..<authorityEnd]) else { return false }
            return isEncoded(afterSlashes[authorityEnd...], extra: pathExtra)
        }
        return isEncoded(rest, extra: pathExtra)
    }

    static func isAuthority(_ b: ArraySlice<UInt8>) -> Bool {
        var hostPort = b
        if let at = b.lastIndex(of: 0x40) {
            guard isEncoded(b[..<at], extra: [0x3A]) else { return false }
            hostPort = b[(at + 1)...]
        }
        var host = hostPort
        if hostPort.first == 0x5B {
            guard let close = hostPort.firstIndex(of: 0x5D) else { return false }
            let literal = hostPort[(hostPort.startIndex + 1)..<close]
            guard isIPv6(literal) || literal.first.map({ $0 | 0x20 == 0x76 }) == true else { return false }
            host = hostPort[...close]
            let after = hostPort[(close + 1)...]
            if !after.isEmpty {
                guard after.first == 0x3A, after.dropFirst().allSatisfy(isDigit) else { return false }
            }
            return true
        }
        if let colon = hostPort.lastIndex(of: 0x3A) {
            guard hostPort[(colon + 1)...].allSatisfy(isDigit) else { return false }
            host = hostPort[..<colon]
        }
        return isEncoded(host, extra: [])
    }
}
