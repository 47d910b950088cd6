/// Percent-encoding (RFC 3986 `%XX`, upper-case hex) with the characters each use keeps, by
/// name — the one place the toolkit encodes and decodes it: URL path segments and query
/// components, SigV4's canonical request, Java's `URLEncoder` (`$util.urlEncode`), URI fragments
/// (JSON Pointers in `$ref`s) and file URIs.
public enum PercentEncoding {
    /// The bytes an encoding keeps as they are (every other byte becomes `%XX`).
    public struct Kept: Sendable {
        private let kept: [Bool]

        /// ASCII letters and digits, and the characters of `others`.
        init(_ others: String) {
            var kept = [Bool](repeating: false, count: 256)
            for byte in UInt8(ascii: "a")...UInt8(ascii: "z") { kept[Int(byte)] = true }
            for byte in UInt8(ascii: "A")...UInt8(ascii: "Z") { kept[Int(byte)] = true }
            for byte in UInt8(ascii: "0")...UInt8(ascii: "9") { kept[Int(byte)] = true }
            for byte in others.utf8 { kept[Int(byte)] = true }
            self.kept = kept
        }

        /// Every byte but those of `encoded`.
        init(allBut encoded: String) {
            var kept = [Bool](repeating: true, count: 256)
            for byte in encoded.utf8 { kept[Int(byte)] = false }
            self.kept = kept
        }

        func contains(_ byte: UInt8) -> Bool { kept[Int(byte)] }

        /// RFC 3986's unreserved characters (`A–Z a–z 0–9 - . _ ~`): a path segment, a query
        /// name or value, SigV4's canonical query.
        public static let unreserved = Kept("-._~")
        /// Unreserved and `/`: a whole path (SigV4's canonical URI), a file URI's path.
        public static let unreservedAndSlash = Kept("-._~/")
        /// Java's `URLEncoder.encode(s, "UTF-8")`: letters, digits and `. - * _` (use with
        /// `spaceAsPlus`), as API Gateway's `$util.urlEncode`.
        public static let javaURLEncoder = Kept(".-*_")
        /// What a URI fragment may hold as it is (RFC 3986 `fragment`): a JSON Pointer in a `$ref`.
        public static let fragment = Kept("-._~!$&'()*+,;=:@/?")
        /// A file URI's path as schema ids and `$ref`s name files: everything but a space and
        /// the three characters that would end or escape the path (`%`, `#`, `?`).
        public static let fileURIPath = Kept(allBut: " %#?")
    }

    /// `text` with every byte `keeping` does not keep as `%XX`; a space as `+` when `spaceAsPlus`
    /// (`application/x-www-form-urlencoded`, Java's `URLEncoder`).
    public static func encode(_ text: String, keeping: Kept, spaceAsPlus: Bool = false) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if keeping.contains(byte) {
                output.append(byte)
            } else if spaceAsPlus && byte == UInt8(ascii: " ") {
                output.append(UInt8(ascii: "+"))
            } else {
                output.append(contentsOf: [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes `%XX` sequences; nil when one is malformed or the result is not UTF-8 (URI
    /// fragments, which must be exact).
    public static func decode(_ text: String) -> String? {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text }
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Decodes `%XX` sequences as servers do: a malformed escape stays as written, invalid
    /// UTF-8 becomes U+FFFD; `+` is a space when `plusIsSpace` (query strings).
    public static func decodeLeniently(_ text: String, plusIsSpace: Bool) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) else { return text }
        var bytes: [UInt8] = []
        let source = Array(text.utf8)
        var index = 0
        while index < source.count {
            let byte = source[index]
            if byte == UInt8(ascii: "%"), index + 2 < source.count, let high = hexValue(source[index + 1]), let low = hexValue(source[index + 2]) {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(plusIsSpace && byte == UInt8(ascii: "+") ? 0x20 : byte)
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The value of one hex digit.
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - 48
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - 87
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - 55
        default: return nil
        }
    }

    /// Encodes every byte not allowed in a URI fragment (RFC 3986 `fragment`), including `%`.
    public static func encodeFragment(_ text: String) -> String {
        encode(text, keeping: .fragment)
    }
}
