import TextAndFiles

/// What a resource policy's conditions can ask of a request here (the global condition keys
/// that have a local value): `aws:SourceIp`, `aws:CurrentTime`, `aws:EpochTime`,
/// `aws:UserAgent`, `aws:Referer`, `aws:SecureTransport` (false: plain HTTP) and
/// `aws:PrincipalAccount` (for a signed caller). `aws:SourceVpc` and `aws:SourceVpce` are known
/// and absent: no local request comes through a VPC.
struct ConditionFacts: Sendable {
    var sourceIp: String
    /// Seconds since 1970.
    var now: Double
    var userAgent: String?
    var referer: String?
    var principalAccount: String?

    /// The keys a condition may name here, lower-cased (condition keys ignore case).
    static let knownKeys: Set<String> = [
        "aws:sourceip", "aws:currenttime", "aws:epochtime", "aws:useragent", "aws:referer", "aws:securetransport", "aws:principalaccount",
        "aws:sourcevpc", "aws:sourcevpce",
    ]

    /// The key's value; nil when the request has none.
    func value(_ key: String) -> String? {
        switch key.lowercased() {
        case "aws:sourceip": return sourceIp
        case "aws:currenttime": return UTCCalendar.iso8601(now)
        case "aws:epochtime": return String(Int(now))
        case "aws:useragent": return userAgent
        case "aws:referer": return referer
        case "aws:securetransport": return "false"
        case "aws:principalaccount": return principalAccount
        default: return nil
        }
    }
}

/// One condition of a policy statement: an operator (`IpAddress`, `StringLike`,
/// `DateLessThan`, … with `IfExists`), a key and the values any of which may match.
struct PolicyCondition: Sendable, Equatable {
    enum Operator: String, Sendable, CaseIterable {
        case stringEquals = "StringEquals", stringNotEquals = "StringNotEquals"
        case stringEqualsIgnoreCase = "StringEqualsIgnoreCase", stringNotEqualsIgnoreCase = "StringNotEqualsIgnoreCase"
        case stringLike = "StringLike", stringNotLike = "StringNotLike"
        case ipAddress = "IpAddress", notIpAddress = "NotIpAddress"
        case dateEquals = "DateEquals", dateNotEquals = "DateNotEquals"
        case dateLessThan = "DateLessThan", dateLessThanEquals = "DateLessThanEquals"
        case dateGreaterThan = "DateGreaterThan", dateGreaterThanEquals = "DateGreaterThanEquals"
        case bool = "Bool"

        /// Negated operators hold when the key is absent.
        var isNegated: Bool {
            switch self {
            case .stringNotEquals, .stringNotEqualsIgnoreCase, .stringNotLike, .notIpAddress, .dateNotEquals: return true
            default: return false
            }
        }
    }

    let op: Operator
    let ifExists: Bool
    let key: String
    let values: [String]

    /// Whether the condition holds for `facts`; nil when it cannot be told here (a key with no
    /// local meaning, or no facts at all — a Lambda authorizer's policy).
    func holds(_ facts: ConditionFacts?) -> Bool? {
        guard let facts, ConditionFacts.knownKeys.contains(key.lowercased()) else { return nil }
        guard let actual = facts.value(key) else { return ifExists || op.isNegated }
        let any: Bool
        switch op {
        case .stringEquals, .stringNotEquals: any = values.contains(actual)
        case .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase: any = values.contains { $0.lowercased() == actual.lowercased() }
        case .stringLike, .stringNotLike: any = values.contains { Wildcard($0).matches(Array(actual.utf8)) }
        case .ipAddress, .notIpAddress:
            guard let address = IPAddress(actual) else { return nil }
            any = values.contains { IPAddress.Range($0)?.contains(address) ?? false }
        case .dateEquals, .dateNotEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan, .dateGreaterThanEquals:
            guard let now = PolicyCondition.seconds(actual) else { return nil }
            any = values.contains { text in
                guard let limit = PolicyCondition.seconds(text) else { return false }
                switch op {
                case .dateEquals, .dateNotEquals: return now == limit
                case .dateLessThan: return now < limit
                case .dateLessThanEquals: return now <= limit
                case .dateGreaterThan: return now > limit
                default: return now >= limit
                }
            }
        case .bool: any = values.contains { $0.lowercased() == actual.lowercased() }
        }
        return op.isNegated ? !any : any
    }

    /// `2026-12-31T00:00:00Z` (fraction allowed), or seconds since 1970.
    static func seconds(_ text: String) -> Double? {
        if let epoch = Double(text) { return epoch }
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes[10] == UInt8(ascii: "T"), bytes.last == UInt8(ascii: "Z"),
            let day = UTCCalendar.day(String(decoding: bytes[0..<10], as: UTF8.self)),
            let hour = Int(String(decoding: bytes[11..<13], as: UTF8.self)), let minute = Int(String(decoding: bytes[14..<16], as: UTF8.self)),
            let second = Double(String(decoding: bytes[17..<(bytes.count - 1)], as: UTF8.self))
        else { return nil }
        return Double(day * 86400 + hour * 3600 + minute * 60) + second
    }

    /// Reads a statement's `Condition` block: every operator's keys and values; an operator
    /// or qualifier not evaluated here (`ForAnyValue:`, `Numeric…`, `Arn…`) is kept as a key
    /// without a local meaning (never true for an Allow, always for a Deny).
    static func read(_ block: [(op: String, key: String, values: [String])]) -> [PolicyCondition] {
        block.map { entry in
            var name = entry.op
            let ifExists = name.hasSuffix("IfExists")
            if ifExists { name.removeLast("IfExists".count) }
            guard let op = Operator(rawValue: name) else {
                return PolicyCondition(op: .stringEquals, ifExists: false, key: "unsupported:" + entry.op + ":" + entry.key, values: entry.values)
            }
            return PolicyCondition(op: op, ifExists: ifExists, key: entry.key, values: entry.values)
        }
    }
}

/// An IPv4 or IPv6 address as 16 bytes (IPv4 as `::ffff:a.b.c.d`, so that either form of a
/// client's address matches either form of a range).
struct IPAddress: Sendable, Equatable {
    let bytes: [UInt8]

    init?(_ text: String) {
        if let v4 = IPAddress.v4(Substring(text)) {
            bytes = Array(repeating: 0, count: 10) + [0xFF, 0xFF] + v4
            return
        }
        guard let v6 = IPAddress.v6(text) else { return nil }
        bytes = v6
    }

    static func v4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var result: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let value = UInt8(part) else { return nil }
            result.append(value)
        }
        return result
    }

    static func v6(_ text: String) -> [UInt8]? {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt8]? {
            guard !part.isEmpty else { return [] }
            var result: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains("."), let v4 = v4(piece) {
                    result += v4
                    continue
                }
                guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
                result += [UInt8(value >> 8), UInt8(value & 0xFF)]
            }
            return result
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count <= 14 else { return nil }
        return head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
    }

    /// A CIDR range (`10.0.0.0/8`, `2001:db8::/32`) or one address.
    struct Range: Sendable, Equatable {
        let base: IPAddress
        /// Leading bits that must match (of the 128).
        let bits: Int

        init?(_ text: String) {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count <= 2, let base = IPAddress(String(parts[0])) else { return nil }
            let isV4 = IPAddress.v4(parts[0]) != nil
            if parts.count == 2 {
                guard let length = Int(parts[1]), length >= 0, length <= (isV4 ? 32 : 128) else { return nil }
                bits = isV4 ? length + 96 : length
            } else {
                bits = 128
            }
            self.base = base
        }

        func contains(_ address: IPAddress) -> Bool {
            var remaining = bits
            for index in 0..<16 where remaining > 0 {
                let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
                if address.bytes[index] & mask != base.bytes[index] & mask { return false }
                remaining -= 8
            }
            return true
        }
    }
}
