import JSONCore

/// Scalars → JSON values: YAML 1.2's core schema for plain scalars (null, booleans, integers
/// in decimal, `0o` octal and `0x` hexadecimal, floats), everything else a string; the core
/// tags (`!!str`, `!!int`, `!!float`, `!!bool`, `!!null`) checked against what they tag.
enum YAMLResolver {
    static func resolve(
        _ token: YAMLScanner.Token, tag: YAMLComposer.Tag?, options: YAMLReader.Options,
        error: (YAMLSyntaxError.Kind, String) -> YAMLSyntaxError
    ) throws(YAMLSyntaxError) -> JSONValue {
        let text = token.value
        switch tag {
        case nil:
            return token.style == .plain ? try plain(text, error: error) : .string(text)
        case .nonSpecific?, .cloudFormation?:
            return .string(text)
        case .other?:
            if options.unknownTags == .untagged { return token.style == .plain ? try plain(text, error: error) : .string(text) }
            return .string(text)  // refused when the node is finished (`applyTag`)
        case .core(let name)?:
            switch name {
            case "str": return .string(text)
            case "null":
                guard isNull(text) else { throw error(.tag, "!!null \(JSONWriter.quoted(text)): expected null, ~ or nothing") }
                return .null
            case "bool":
                guard let flag = boolean(text) else { throw error(.tag, "!!bool \(JSONWriter.quoted(text)): expected true or false") }
                return .bool(flag)
            case "int":
                guard let number = integer(text) else { throw error(.tag, "!!int \(JSONWriter.quoted(text)): expected an integer (decimal, 0o octal or 0x hexadecimal)") }
                return .number(number)
            case "float":
                if let number = integer(text) ?? float(text) { return .number(number) }
                if isSpecialFloat(text) { throw error(.notJSON, "\(text) (infinity or not-a-number) has no JSON value") }
                throw error(.tag, "!!float \(JSONWriter.quoted(text)): expected a number")
            case "binary", "timestamp", "merge", "value", "yaml":
                return .string(text)
            case "map", "seq", "omap", "pairs", "set":
                throw error(.tag, "!!\(name) tags a collection, not the scalar \(JSONWriter.quoted(text))")
            default:
                if options.unknownTags == .untagged { return .string(text) }
                throw error(.tag, "unknown tag !!\(name)")
            }
        }
    }

    /// A plain scalar as the core schema reads it.
    static func plain(_ text: String, error: (YAMLSyntaxError.Kind, String) -> YAMLSyntaxError) throws(YAMLSyntaxError) -> JSONValue {
        guard let first = text.utf8.first else { return .null }
        switch first {
        case UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "~"):
            if isNull(text) { return .null }
        case UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"):
            if let flag = boolean(text) { return .bool(flag) }
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."):
            if let number = integer(text) ?? float(text) { return .number(number) }
            if isSpecialFloat(text) { throw error(.notJSON, "\(text) (infinity or not-a-number) has no JSON value: quote it to keep it as text") }
        default:
            break
        }
        return .string(text)
    }

    static func isNull(_ text: String) -> Bool { text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL" }

    static func boolean(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    static func isSpecialFloat(_ text: String) -> Bool {
        var body = Substring(text)
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        return ["inf", "Inf", "INF"].contains(body.dropFirst()) && body.first == "." || [".nan", ".NaN", ".NAN"].contains(text)
    }

    /// `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`.
    static func integer(_ text: String) -> JSONNumber? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        if bytes.count > 2, bytes[0] == UInt8(ascii: "0"), bytes[1] == UInt8(ascii: "o") || bytes[1] == UInt8(ascii: "x") {
            let radix = bytes[1] == UInt8(ascii: "o") ? 8 : 16
            guard let value = UInt64(String(decoding: bytes[2...], as: UTF8.self), radix: radix) else { return nil }
            return JSONNumber(significand: String(value), exponent: 0)
        }
        var index = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            negative = bytes[0] == UInt8(ascii: "-")
            index = 1
        }
        guard index < bytes.count, bytes[index...].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        var digits = bytes[index...].drop { $0 == UInt8(ascii: "0") }
        if digits.isEmpty { digits = [UInt8(ascii: "0")][...] }
        return JSONNumber(text: (negative ? "-" : "") + String(decoding: digits, as: UTF8.self))
    }

    /// A decimal key text for a plain integer scalar (`0x10` → `16`), nil when it is not one.
    static func integerText(_ text: String) -> String? { integer(text)?.description }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, as JSON number text.
    static func float(_ text: String) -> JSONNumber? {
        var bytes = Array(text.utf8)
        var sign = ""
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            if first == UInt8(ascii: "-") { sign = "-" }
            bytes.removeFirst()
        }
        var index = 0
        func digits() -> [UInt8] {
            let start = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
            return Array(bytes[start..<index])
        }
        var whole = digits()
        var fraction: [UInt8] = []
        var sawDot = false
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            sawDot = true
            index += 1
            fraction = digits()
        }
        guard !whole.isEmpty || !fraction.isEmpty, !(whole.isEmpty && !sawDot) else { return nil }
        var exponent = ""
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            var exponentSign = ""
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                if bytes[index] == UInt8(ascii: "-") { exponentSign = "-" }
                index += 1
            }
            let exponentDigits = digits()
            guard !exponentDigits.isEmpty else { return nil }
            exponent = "e" + exponentSign + String(decoding: exponentDigits, as: UTF8.self)
        }
        guard index == bytes.count else { return nil }
        whole = Array(whole.drop { $0 == UInt8(ascii: "0") })
        if whole.isEmpty { whole = [UInt8(ascii: "0")] }
        let json = sign + String(decoding: whole, as: UTF8.self) + (fraction.isEmpty ? "" : "." + String(decoding: fraction, as: UTF8.self)) + exponent
        return JSONNumber(text: json)
    }
}
