import JSONCore

/// JSON values written as block-style YAML 1.2 that reads back (here, with PyYAML and with
/// ruamel.yaml) to the same value: strings that another reading would take for a number, a
/// boolean, null or a date are quoted, multi-line strings are literal blocks, keys stay strings.
public enum YAMLWriter {
    /// The YAML text of `value`, ending with a line break.
    public static func string(_ value: JSONValue) -> String {
        var output = ""
        switch value {
        case .array(let elements) where !elements.isEmpty:
            writeSequence(elements, indent: 0, into: &output)
        case .object(let object) where !object.isEmpty:
            writeMapping(object, indent: 0, into: &output)
        default:
            output += scalar(value, indent: 0)
            output += "\n"
        }
        return output
    }

    /// The UTF-8 bytes of `string(value)`.
    public static func bytes(_ value: JSONValue) -> [UInt8] { Array(string(value).utf8) }

    static func spaces(_ count: Int) -> String { String(repeating: " ", count: count) }

    static func writeMapping(_ object: JSONObject, indent: Int, into output: inout String, firstLineWritten: Bool = false) {
        var first = firstLineWritten
        for member in object {
            if !first { output += spaces(indent) }
            first = false
            let written = key(member.key)
            if written.utf8.count > 1000 {
                // An implicit key is at most 1024 characters: a longer one is written explicitly.
                output += "? " + written + "\n" + spaces(indent) + ":"
            } else {
                output += written
                output += ":"
            }
            writeValue(member.value, indent: indent, into: &output)
        }
    }

    static func writeSequence(_ elements: [JSONValue], indent: Int, into output: inout String, firstLineWritten: Bool = false) {
        var first = firstLineWritten
        for element in elements {
            if !first { output += spaces(indent) }
            first = false
            output += "-"
            switch element {
            case .object(let object) where !object.isEmpty:
                output += " "
                writeMapping(object, indent: indent + 2, into: &output, firstLineWritten: true)
            case .array(let inner) where !inner.isEmpty:
                output += " "
                writeSequence(inner, indent: indent + 2, into: &output, firstLineWritten: true)
            default:
                output += " " + scalar(element, indent: indent + 2) + "\n"
            }
        }
    }

    /// After `key:`: a scalar on the same line, a collection on the lines below.
    static func writeValue(_ value: JSONValue, indent: Int, into output: inout String) {
        switch value {
        case .object(let object) where !object.isEmpty:
            output += "\n"
            writeMapping(object, indent: indent + 2, into: &output)
        case .array(let elements) where !elements.isEmpty:
            output += "\n"
            writeSequence(elements, indent: indent + 2, into: &output)
        default:
            output += " " + scalar(value, indent: indent + 2) + "\n"
        }
    }

    static func scalar(_ value: JSONValue, indent: Int) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return number.description
        case .string(let text): return string(text, indent: indent)
        case .array: return "[]"
        case .object: return "{}"
        }
    }

    static func key(_ text: String) -> String {
        isPlainSafe(text) && !text.contains("\n") ? text : quoted(text)
    }

    static func string(_ text: String, indent: Int) -> String {
        if isPlainSafe(text) { return text }
        if let literal = literalBlock(text, indent: indent) { return literal }
        return quoted(text)
    }

    /// A double-quoted scalar with every character YAML may not hold raw (controls, DEL, C1,
    /// line and paragraph separators, the byte-order mark, U+FFFE and U+FFFF) escaped.
    static func quoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\t": output += "\\t"
            case "\r": output += "\\r"
            default:
                let value = scalar.value
                if value < 0x20 || value == 0x7F || (0x80...0x9F).contains(value) || value == 0xFEFF || value == 0x2028 || value == 0x2029
                    || value == 0xFFFE || value == 0xFFFF
                {
                    let hex = String(value, radix: 16, uppercase: true)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output + "\""
    }

    /// `|`, `|-` or `|+` with the lines indented, when the text can be one (no carriage
    /// returns or other control characters, no leading space on the first line).
    static func literalBlock(_ text: String, indent: Int) -> String? {
        guard text.contains("\n") else { return nil }
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if (value < 0x20 && value != 0x0A && value != 0x09) || value == 0x7F || (0x80...0x9F).contains(value) || value == 0xFEFF
                || value == 0x2028 || value == 0x2029 || value == 0xFFFE || value == 0xFFFF
            {
                return nil
            }
        }
        var body = Substring(text)
        var trailing = 0
        while body.hasSuffix("\n") {
            body = body.dropLast()
            trailing += 1
        }
        guard !body.isEmpty else { return nil }
        // A first line with content that starts with a space needs the indentation said (2:
        // the lines are two spaces in from their parent, or one in at the top).
        let firstContent = body.split(separator: "\n", omittingEmptySubsequences: true).first ?? ""
        // (Scalars, not characters: a space followed by a combining mark is one character.)
        let leading = firstContent.unicodeScalars.first
        let indicator = leading == " " || leading == "\t" ? "2" : ""
        let header = "|" + indicator + (trailing == 0 ? "-" : trailing == 1 ? "" : "+")
        let pad = spaces(max(indent, 1))
        var lines = body.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : pad + $0 }
        if trailing > 1 { lines += Array(repeating: "", count: trailing - 1) }
        return header + "\n" + lines.joined(separator: "\n")
    }

    /// Whether `text` can be written plain and read back as this same string by YAML 1.2's
    /// core schema and by YAML 1.1 readers (no `yes`, `on`, dates, `0755`, `1_000` unquoted).
    static func isPlainSafe(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return false }
        if first == " " || last == " " || first == "\t" || last == "\t" { return false }
        if "-?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains(first) { return false }
        var previous: Unicode.Scalar = " "
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x20 || value == 0x7F || (0x80...0x9F).contains(value) || value == 0xFEFF || value == 0x2028 || value == 0x2029
                || value == 0xFFFE || value == 0xFFFF
            {
                return false
            }
            if scalar == ":" || scalar == "#" {
                if scalar == "#" && (previous == " " || previous == "\t") { return false }
            }
            if previous == ":" && (scalar == " " || scalar == "\t") { return false }
            previous = scalar
        }
        if last == ":" { return false }
        // Anything another reading takes for something else stays quoted.
        let lower = text.lowercased()
        if ["null", "~", "true", "false", "yes", "no", "on", "off", "y", "n"].contains(lower) { return false }
        if let firstByte = text.utf8.first, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(firstByte) || firstByte == UInt8(ascii: "+")
            || firstByte == UInt8(ascii: ".")
        {
            // Numbers in any base or with underscores, dates, times, sexagesimals: quote.
            return false
        }
        if text.hasPrefix("-") || lower == ".inf" || lower == ".nan" { return false }
        return true
    }
}
