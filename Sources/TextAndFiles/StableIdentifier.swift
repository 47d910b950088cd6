/// Identifiers like API Gateway's (lower-case letters and digits) derived from a name: the same
/// name always gives the same id, so ids made this way stay the same across restarts.
public enum StableIdentifier {
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")

    /// A `length`-character id for `name` (FNV-1a, then base 36).
    public static func make(_ name: String, length: Int = 6) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        var result = ""
        for _ in 0..<length {
            result.append(alphabet[Int(hash % 36)])
            hash /= 36
            if hash == 0 { hash = 0x9E37_79B9_7F4A_7C15 }
        }
        return result
    }
}
