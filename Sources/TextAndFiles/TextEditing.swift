/// Trimming, the characters in each name: the one place the toolkit trims text.
extension StringProtocol {
    /// Without leading and trailing spaces and tabs (HTTP's optional white space; SigV4's
    /// header values; media types).
    public func trimmingSpacesAndTabs() -> String {
        trimming { $0 == 0x20 || $0 == 0x09 }
    }

    /// Without leading and trailing spaces, tabs and line feeds (JSONPath expressions in
    /// mapping templates).
    public func trimmingSpacesTabsAndLineFeeds() -> String {
        trimming { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A }
    }

    /// Without leading and trailing Unicode white space (`Character.isWhitespace`).
    public func trimmingUnicodeWhitespace() -> String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }

    /// Without the leading and trailing ASCII bytes `trimmed` names.
    private func trimming(_ trimmed: (UInt8) -> Bool) -> String {
        let bytes = Array(utf8)
        var start = 0
        var end = bytes.count
        while start < end && trimmed(bytes[start]) { start += 1 }
        while end > start && trimmed(bytes[end - 1]) { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}

extension String {
    /// `self` with every occurrence of `target` replaced, left to right, without Foundation
    /// (an empty `target` replaces nothing).
    public func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
