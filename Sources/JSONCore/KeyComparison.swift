/// Whether two keys have exactly the same UTF-8 bytes (JSON compares names by code points,
/// not by Unicode canonical equivalence as `String.==` does).
@inline(__always)
public func sameUTF8(_ a: String, _ b: String) -> Bool {
    guard a.utf8.count == b.utf8.count, a == b else { return false }
    // Canonically equal texts of equal length differ only when both hold non-ASCII scalars.
    return isASCII(b) || a.utf8.elementsEqual(b.utf8)
}

/// `sameUTF8` for a key known to be ASCII: a text canonically equal to an ASCII text with as
/// many bytes is that text (every non-ASCII scalar that decomposes to ASCII is longer).
@inlinable @inline(__always)
public func sameUTF8(_ a: String, asciiKey b: String) -> Bool {
    a.utf8.count == b.utf8.count && a == b
}

/// Whether every byte of `text` is ASCII.
@inline(__always)
public func isASCII(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { bytes in
        var index = 0
        while index < bytes.count {
            if bytes[index] >= 0x80 { return false }
            index += 1
        }
        return true
    }
}
