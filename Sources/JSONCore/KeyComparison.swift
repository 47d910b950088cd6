/// Whether two keys have exactly the same UTF-8 bytes (JSON compares names by code points,
/// not by Unicode canonical equivalence as `String.==` does).
@inline(__always)
public func sameUTF8(_ a: String, _ b: String) -> Bool {
    if sameRepresentation(a, b) { return true }
    guard a.utf8.count == b.utf8.count, a == b else { return false }
    // Canonically equal texts of equal length differ only when both hold non-ASCII scalars.
    return isASCII(b) || a.utf8.elementsEqual(b.utf8)
}

/// `sameUTF8` for a key known to be ASCII: a text canonically equal to an ASCII text with as
/// many bytes is that text (every non-ASCII scalar that decomposes to ASCII is longer).
@inlinable @inline(__always)
public func sameUTF8(_ a: String, asciiKey b: String) -> Bool {
    sameRepresentation(a, b) || (a.utf8.count == b.utf8.count && a == b)
}

/// Whether two strings are stored identically, which makes them the same text (short strings
/// are stored inline, so equal short keys usually are); false says nothing. Two word
/// comparisons, where `String.==` and `utf8.count` go through the string's flags first.
@inlinable @inline(__always)
public func sameRepresentation(_ a: String, _ b: String) -> Bool {
    #if _pointerBitWidth(_64)
        let x = storedForm(of: a), y = storedForm(of: b)
        return x.0 == y.0 && x.1 == y.1
    #else
        return false
    #endif
}

#if _pointerBitWidth(_64)
    /// The two words `text` is stored in (64-bit platforms): strings stored alike are the same
    /// text (see `sameRepresentation`). For comparing with a key read in place from a
    /// document, without copying the key.
    @inlinable @inline(__always)
    public func storedForm(of text: String) -> (UInt64, UInt64) {
        unsafeBitCast(text, to: (UInt64, UInt64).self)
    }
#endif

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
