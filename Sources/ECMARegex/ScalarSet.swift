/// A set of Unicode scalars: ranges, Unicode properties and nested sets, optionally inverted.
struct ScalarSet: Sendable {
    var ranges: [ClosedRange<UInt32>] = []
    var properties: [UnicodeProperty] = []
    var subsets: [ScalarSet] = []
    var isInverted = false

    static let digits = ScalarSet(ranges: [0x30...0x39])
    static let word = ScalarSet(ranges: [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A])
    /// ECMA-262 WhiteSpace and LineTerminator.
    static let space = ScalarSet(ranges: [
        0x09...0x0D, 0x20...0x20, 0xA0...0xA0, 0x1680...0x1680, 0x2000...0x200A,
        0x2028...0x2029, 0x202F...0x202F, 0x205F...0x205F, 0x3000...0x3000, 0xFEFF...0xFEFF,
    ])
    /// What `.` does not match: the line terminators.
    static let lineTerminators = ScalarSet(ranges: [0x0A...0x0A, 0x0D...0x0D, 0x2028...0x2029])

    init() {}
    init(ranges: [ClosedRange<UInt32>]) { self.ranges = ranges }
    init(property: UnicodeProperty) { self.properties = [property] }

    mutating func insert(_ range: ClosedRange<UInt32>) { ranges.append(range) }

    mutating func formUnion(_ other: ScalarSet) {
        if other.isInverted || !other.subsets.isEmpty {
            subsets.append(other)
        } else {
            ranges += other.ranges
            properties += other.properties
        }
    }

    func inverted() -> ScalarSet {
        var copy = self
        copy.isInverted.toggle()
        return copy
    }

    func contains(_ scalar: UInt32) -> Bool {
        var found = false
        for range in ranges where range.contains(scalar) { found = true; break }
        if !found { found = properties.contains { $0.contains(scalar) } }
        if !found { found = subsets.contains { $0.contains(scalar) } }
        return found != isInverted
    }

    /// Whether no scalar is in both sets (decided on the ASCII range and, when either set has
    /// non-ASCII members, conservatively `false`).
    func isDisjoint(from other: ScalarSet) -> Bool {
        guard let mine = asciiOnlyMembers, let theirs = other.asciiOnlyMembers else {
            // Fall back to a full scan of the BMP for sets small enough to matter.
            return false
        }
        return mine.0 & theirs.0 == 0 && mine.1 & theirs.1 == 0
    }

    /// The ASCII bitmap when the set contains nothing outside ASCII.
    var asciiOnlyMembers: (UInt64, UInt64)? {
        guard !isInverted, properties.isEmpty, subsets.isEmpty, ranges.allSatisfy({ $0.upperBound < 128 }) else { return nil }
        return asciiBitmap
    }

    /// Membership of 0..<128 as two 64-bit words.
    var asciiBitmap: (UInt64, UInt64) {
        var low: UInt64 = 0, high: UInt64 = 0
        for scalar in UInt32(0)..<128 where contains(scalar) {
            if scalar < 64 { low |= 1 << UInt64(scalar) } else { high |= 1 << UInt64(scalar - 64) }
        }
        return (low, high)
    }
}

/// A compiled set: an ASCII bitmap for the common case, the full set for the rest.
struct CompiledSet: Sendable {
    let low: UInt64
    let high: UInt64
    let set: ScalarSet
    let asciiOnly: Bool

    init(_ set: ScalarSet) {
        (low, high) = set.asciiBitmap
        self.set = set
        self.asciiOnly = set.asciiOnlyMembers != nil
    }

    @inline(__always)
    func contains(_ scalar: UInt32) -> Bool {
        if scalar < 64 { return low & (1 << UInt64(scalar)) != 0 }
        if scalar < 128 { return high & (1 << UInt64(scalar - 64)) != 0 }
        if asciiOnly { return false }
        return set.contains(scalar)
    }
}

/// A Unicode property usable in `\p{…}`: general categories (long and short names, with or
/// without `General_Category=`/`gc=`) and common binary properties.
enum UnicodeProperty: Sendable {
    case categories(UInt32)  // bit mask over `UnicodeProperty.categoryOrder`
    case alphabetic, whiteSpace, uppercase, lowercase, ascii, any, assigned, hexDigit, asciiHexDigit
    case emoji, ideographic, math

    static let categoryOrder: [Unicode.GeneralCategory] = [
        .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
        .nonspacingMark, .spacingMark, .enclosingMark,
        .decimalNumber, .letterNumber, .otherNumber,
        .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
        .initialPunctuation, .finalPunctuation, .otherPunctuation,
        .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol,
        .spaceSeparator, .lineSeparator, .paragraphSeparator,
        .control, .format, .surrogate, .privateUse, .unassigned,
    ]

    private static func mask(_ range: Range<Int>) -> UInt32 {
        range.reduce(0) { $0 | 1 << UInt32($1) }
    }

    private static let categoryNames: [String: UInt32] = {
        var table: [String: UInt32] = [
            "L": mask(0..<5), "Letter": mask(0..<5), "LC": mask(0..<3), "Cased_Letter": mask(0..<3),
            "M": mask(5..<8), "Mark": mask(5..<8), "Combining_Mark": mask(5..<8),
            "N": mask(8..<11), "Number": mask(8..<11),
            "P": mask(11..<18), "Punctuation": mask(11..<18), "punct": mask(11..<18),
            "S": mask(18..<22), "Symbol": mask(18..<22),
            "Z": mask(22..<25), "Separator": mask(22..<25),
            "C": mask(25..<30), "Other": mask(25..<30),
        ]
        let singles: [(String, String, [String])] = [
            ("Lu", "Uppercase_Letter", []), ("Ll", "Lowercase_Letter", []), ("Lt", "Titlecase_Letter", []),
            ("Lm", "Modifier_Letter", []), ("Lo", "Other_Letter", []),
            ("Mn", "Nonspacing_Mark", []), ("Mc", "Spacing_Mark", []), ("Me", "Enclosing_Mark", []),
            ("Nd", "Decimal_Number", ["digit"]), ("Nl", "Letter_Number", []), ("No", "Other_Number", []),
            ("Pc", "Connector_Punctuation", []), ("Pd", "Dash_Punctuation", []), ("Ps", "Open_Punctuation", []),
            ("Pe", "Close_Punctuation", []), ("Pi", "Initial_Punctuation", []), ("Pf", "Final_Punctuation", []),
            ("Po", "Other_Punctuation", []),
            ("Sm", "Math_Symbol", []), ("Sc", "Currency_Symbol", []), ("Sk", "Modifier_Symbol", []), ("So", "Other_Symbol", []),
            ("Zs", "Space_Separator", []), ("Zl", "Line_Separator", []), ("Zp", "Paragraph_Separator", []),
            ("Cc", "Control", ["cntrl"]), ("Cf", "Format", []), ("Cs", "Surrogate", []), ("Co", "Private_Use", []),
            ("Cn", "Unassigned", []),
        ]
        for (position, entry) in singles.enumerated() {
            let bit: UInt32 = 1 << UInt32(position)
            table[entry.0] = bit
            table[entry.1] = bit
            for alias in entry.2 { table[alias] = bit }
        }
        return table
    }()

    init?(name: String) {
        var name = name
        for prefix in ["General_Category=", "gc="] where name.hasPrefix(prefix) { name.removeFirst(prefix.count) }
        if let mask = UnicodeProperty.categoryNames[name] { self = .categories(mask); return }
        switch name {
        case "Alphabetic", "Alpha": self = .alphabetic
        case "White_Space", "space": self = .whiteSpace
        case "Uppercase", "Upper": self = .uppercase
        case "Lowercase", "Lower": self = .lowercase
        case "ASCII": self = .ascii
        case "Any": self = .any
        case "Assigned": self = .assigned
        case "Hex_Digit", "Hex": self = .hexDigit
        case "ASCII_Hex_Digit", "AHex": self = .asciiHexDigit
        case "Emoji": self = .emoji
        case "Ideographic", "Ideo": self = .ideographic
        case "Math": self = .math
        default: return nil
        }
    }

    func contains(_ value: UInt32) -> Bool {
        guard let scalar = Unicode.Scalar(value) else {
            // Surrogate code points never occur in well-formed input.
            if case .categories(let mask) = self { return mask & (1 << 27) != 0 }
            return self.isAny
        }
        let properties = scalar.properties
        switch self {
        case .categories(let mask):
            guard let position = UnicodeProperty.categoryOrder.firstIndex(of: properties.generalCategory) else { return false }
            return mask & (1 << UInt32(position)) != 0
        case .alphabetic: return properties.isAlphabetic
        case .whiteSpace: return properties.isWhitespace
        case .uppercase: return properties.isUppercase
        case .lowercase: return properties.isLowercase
        case .ascii: return value < 128
        case .any: return true
        case .assigned: return properties.generalCategory != .unassigned
        case .hexDigit: return properties.isHexDigit
        case .asciiHexDigit: return properties.isASCIIHexDigit
        case .emoji: return properties.isEmoji
        case .ideographic: return properties.isIdeographic
        case .math: return properties.isMath
        }
    }

    private var isAny: Bool { if case .any = self { return true } else { return false } }
}
