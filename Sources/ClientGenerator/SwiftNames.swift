/// Swift identifiers from JSON names: camel case, keywords back-quoted, invalid characters dropped.
enum SwiftNames {
    /// Words that must be back-quoted as identifiers.
    static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout", "internal", "let", "open",
        "operator", "private", "precedencegroup", "protocol", "public", "rethrows", "static", "struct", "subscript", "typealias", "var",
        "break", "case", "catch", "continue", "default", "defer", "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return",
        "throw", "switch", "where", "while", "as", "Any", "false", "is", "nil", "self", "Self", "super", "throws", "true", "try", "await",
        "async", "consume", "copy", "discard", "each", "borrowing", "consuming", "some", "any", "Type", "Protocol",
    ]

    /// Splits `first-name`, `firstName`, `FIRST_NAME`, `ID` into words. Only ASCII letters and
    /// digits make words (ASCII is tested without the Unicode tables, which made large APIs slow).
    static func words(_ text: String) -> [String] {
        func isUpper(_ scalar: Unicode.Scalar) -> Bool { scalar.isASCII ? ("A"..."Z").contains(scalar) : scalar.properties.isUppercase }
        func isLower(_ scalar: Unicode.Scalar) -> Bool { scalar.isASCII ? ("a"..."z").contains(scalar) : scalar.properties.isLowercase }
        func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }
        var words: [String] = []
        var current = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            guard scalar.isASCII, isUpper(scalar) || isLower(scalar) || isDigit(scalar) else {
                if !current.isEmpty { words.append(String(current)) }
                current = String.UnicodeScalarView()
                continue
            }
            if isUpper(scalar), let last = current.last {
                let previousLower = isLower(last) || isDigit(last)
                let nextLower = index + 1 < scalars.count && isLower(scalars[index + 1])
                if previousLower || (isUpper(last) && nextLower) {
                    words.append(String(current))
                    current = String.UnicodeScalarView()
                }
            }
            current.append(scalar)
        }
        if !current.isEmpty { words.append(String(current)) }
        return words
    }

    /// `first-name` → `firstName`; `ID` → `id`; `2fa` → `_2fa`; `default` → `` `default` ``.
    static func property(_ text: String) -> String {
        let parts = words(text)
        guard !parts.isEmpty else { return "_" }
        var name = parts[0].lowercased() + parts.dropFirst().map(capitalized).joined()
        if let first = name.unicodeScalars.first, ("0"..."9").contains(first) { name = "_" + name }
        // `self` would shadow the instance inside initializers, even back-quoted.
        if name == "self" || name == "Self" { return name + "_" }
        return keywords.contains(name) ? "`\(name)`" : name
    }

    /// `line item` → `LineItem`; `item` → `Item`; keywords such as `Type` get a trailing `_`.
    static func type(_ text: String) -> String {
        let parts = words(text)
        guard !parts.isEmpty else { return "Value" }
        var name = parts.map { word in
            // Keep acronyms and mixed case in type names (`Items`, `APIKey`), capitalise the first letter.
            word.prefix(1).uppercased() + word.dropFirst()
        }.joined()
        if let first = name.unicodeScalars.first, ("0"..."9").contains(first) { name = "_" + name }
        return keywords.contains(name) || ["String", "Int", "Double", "Bool", "Decimal", "AnyJSON", "Data"].contains(name) ? name + "_" : name
    }

    /// An enum case from a raw value: `in-stock` → `inStock`, `` → `empty`.
    static func enumCase(_ text: String) -> String {
        text.isEmpty ? "empty" : property(text)
    }

    static func capitalized(_ word: String) -> String { word.prefix(1).uppercased() + word.dropFirst().lowercased() }

    /// `name`, then `name2`, `name3`… until it is not in `used`.
    static func unique(_ name: String, _ used: inout Set<String>) -> String {
        unique(name, avoiding: [], &used)
    }

    /// `name`, or `name2`, `name3`… — the first that is neither in `reserved` nor in `used`,
    /// which it joins (`reserved` is shared and large: it is read, never copied).
    static func unique(_ name: String, avoiding reserved: Set<String>, _ used: inout Set<String>) -> String {
        var candidate = name
        var counter = 2
        while used.contains(candidate) || reserved.contains(candidate) {
            let bare = name.hasPrefix("`") ? String(name.dropFirst().dropLast()) : name
            candidate = "\(bare)\(counter)"
            counter += 1
        }
        used.insert(candidate)
        return candidate
    }
}
