import JSONCore

/// `multipleOf`, `maximum`, `minimum`: exact decimal arithmetic, never through `Double`.
enum NumberRules {
    @inline(__always)
    static func isValid(_ keyword: Keyword, _ number: JSONNumber) -> Bool {
        switch keyword {
        case .multipleOf(let divisor): return number.isMultiple(of: divisor)
        case .maximum(let limit, let exclusive): return exclusive ? number < limit : !(limit < number)
        case .minimum(let limit, let exclusive): return exclusive ? limit < number : !(number < limit)
        default: return true
        }
    }

    static func errorKind(_ keyword: Keyword, _ number: JSONNumber) -> ValidationErrorKind {
        let text = number.description
        switch keyword {
        case .multipleOf(let divisor): return .multipleOf(value: text, divisor: divisor)
        case .maximum(let limit, let exclusive): return .maximum(value: text, limit: limit, exclusive: exclusive)
        case .minimum(let limit, let exclusive): return .minimum(value: text, limit: limit, exclusive: exclusive)
        default: preconditionFailure("not a number keyword")
        }
    }
}

/// `maxLength`, `minLength` (in Unicode code points), `pattern`, `format`.
enum StringRules {
    /// The length in code points, cheaply for ASCII.
    @inline(__always)
    static func length(_ text: String) -> Int {
        text.unicodeScalars.count
    }

    @inline(__always)
    static func isValid(_ keyword: Keyword, _ text: String) -> Bool {
        switch keyword {
        case .maxLength(let limit):
            // UTF-8 length bounds the code-point count from above.
            return text.utf8.count <= limit || length(text) <= limit
        case .minLength(let limit):
            // Every code point takes one to four UTF-8 bytes.
            let bytes = text.utf8.count
            return bytes >= limit && (bytes >= 4 * limit || length(text) >= limit)
        case .pattern(let expression): return expression.search(text) == .match  // the caller's budget applies instead
        case .format(let format): return format.isValid(text)
        default: return true
        }
    }

    /// The error for a failed string keyword (the caller decided it failed: patterns are
    /// searched within the call's budget).
    static func errorKind(_ keyword: Keyword, _ text: String) -> ValidationErrorKind? {
        let preview = ValuePreview.text(.string(text))
        switch keyword {
        case .maxLength(let limit): return .maxLength(length: length(text), limit: limit)
        case .minLength(let limit): return .minLength(length: length(text), limit: limit)
        case .pattern(let expression): return .pattern(value: preview, pattern: expression.pattern)
        case .format(let format): return .format(value: preview, format: format.rawValue)
        default: return nil
        }
    }
}

/// `uniqueItems`: deep equality with numeric comparison (`1 == 1.0`, `1 != true`).
enum ArrayRules {
    static func firstDuplicate(_ elements: [JSONValue]) -> (Int, Int)? {
        if elements.count <= 16 {
            for i in elements.indices {
                for j in (i + 1)..<elements.count where elements[i] == elements[j] { return (i, j) }
            }
            return nil
        }
        var seen: [JSONValue: Int] = [:]
        seen.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            if let first = seen[element] { return (first, index) }
            seen[element] = index
        }
        return nil
    }
}
