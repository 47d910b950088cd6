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
    StoredForm(of: a).isAlike(StoredForm(of: b))
}

/// How a string is stored: the two words of a `String` on 64-bit platforms. Strings stored
/// alike are the same text; strings stored differently may still be equal (compare their
/// bytes then). On other platforms no two forms are alike. For comparing a document's keys
/// with known names in place, without copying the keys.
public struct StoredForm: Sendable {
    #if _pointerBitWidth(_64)
        @usableFromInline let words: (UInt64, UInt64)
    #endif

    /// The stored form of `text`.
    @inlinable @inline(__always)
    public init(of text: String) {
        #if _pointerBitWidth(_64)
            words = unsafeBitCast(text, to: (UInt64, UInt64).self)
        #endif
    }

    /// The stored form of the key of the member at `member`, read in place.
    @inlinable @inline(__always)
    public init(keyAt member: UnsafePointer<JSONObject.Member>) {
        #if _pointerBitWidth(_64)
            let offset = MemoryLayout<JSONObject.Member>.offset(of: \JSONObject.Member.key)!
            words = (UnsafeRawPointer(member) + offset).load(as: (UInt64, UInt64).self)
        #endif
    }

    /// Whether both are stored alike (then they are the same text).
    @inlinable @inline(__always)
    public func isAlike(_ other: StoredForm) -> Bool {
        #if _pointerBitWidth(_64)
            return words.0 == other.words.0 && words.1 == other.words.1
        #else
            return false
        #endif
    }
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
