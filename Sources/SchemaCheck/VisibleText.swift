extension SchemaCheckReport {
    /// `text` with every character a terminal or log viewer would act on instead of show —
    /// C0 controls (tab and newline included), DEL, C1 controls, and the bidirectional
    /// overrides and isolates that reorder what is shown — written as `\uXXXX` escapes, so a
    /// payload key, a file name or a schema cannot move the cursor, recolour the screen,
    /// retitle the window or disguise a line of the report.
    static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var output = ""
        output.unicodeScalars.reserveCapacity(text.unicodeScalars.count + 16)
        for scalar in text.unicodeScalars {
            if needsEscape(scalar) {
                output += "\\u" + hex4(scalar.value)
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x061C: return true
        default: return false
        }
    }

    private static func hex4(_ value: UInt32) -> String {
        let digits = Array("0123456789abcdef")
        var result = ""
        for shift in stride(from: 12, through: 0, by: -4) { result.append(digits[Int((value >> UInt32(shift)) & 0xF)]) }
        return result
    }
}
