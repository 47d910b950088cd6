import TextAndFiles
import JSONCore
import Velocity

/// `$util`: exactly the six functions API Gateway documents. Any other name is null (it
/// renders empty and logs nothing, as on AWS).
final class UtilVariable: VelocityObject {
    func property(_ name: String) -> VelocityValue? { nil }

    func call(_ name: String, _ arguments: [VelocityValue], budget: inout RenderBudget) throws(VelocityRuntimeError) -> VelocityValue? {
        guard arguments.count == 1 else { return nil }
        let argument = arguments[0]
        func textOf(_ value: VelocityValue) throws(VelocityRuntimeError) -> String {
            if value.isNull { return "" }  // the text a Java method receives: null becomes ""
            return try budget.text(of: value)
        }
        switch name {
        case "escapeJavaScript":
            if argument.isNull { return .null }
            let text = try textOf(argument)
            try budget.build(bytes: 6 * text.utf8.count)  // at most six bytes per unit (\\uXXXX)
            return .string(TextEscaping.escapeJavaScript(text))
        case "parseJson":
            let text = try textOf(argument)
            let parsed: JSONValue
            do {
                parsed = try JSONParser().parse(text)
            } catch {
                throw VelocityRuntimeError(.methodFailed(method: "parseJson", message: "invalid JSON at \(error.line):\(error.column): \(error.message)"))
            }
            return try budget.value(fromJSON: parsed)
        case "urlEncode":
            let text = try textOf(argument)
            try budget.build(bytes: 3 * text.utf8.count)
            return .string(TextEscaping.urlEncode(text))
        case "urlDecode":
            guard let decoded = TextEscaping.urlDecode(try textOf(argument)) else {
                throw VelocityRuntimeError(.methodFailed(method: "urlDecode", message: "IllegalArgumentException: malformed escape"))
            }
            return .string(decoded)
        case "base64Encode":
            let text = try textOf(argument)
            try budget.build(bytes: 2 * text.utf8.count + 4)
            return .string(Base64.encode(Array(text.utf8)))
        case "base64Decode":
            guard let bytes = Base64.decode(try textOf(argument)) else {
                throw VelocityRuntimeError(.methodFailed(method: "base64Decode", message: "IllegalArgumentException: not Base64"))
            }
            return .string(String(decoding: bytes, as: UTF8.self))
        default:
            return nil
        }
    }
}

/// JavaScript, URL and Base64 text transforms with the Java library semantics AWS uses.
public enum TextEscaping {
    /// commons-lang `escapeJavaScript`: quotes, backslash and `/` escaped; control characters
    /// as `\b \f \n \r \t` or `\u00XX`; non-ASCII as `\uXXXX` (UTF-16 units, upper-case hex).
    public static func escapeJavaScript(_ text: String) -> String {
        var result = ""
        let hex = Array("0123456789ABCDEF")
        func unicode(_ unit: UInt16) {
            result += "\\u"
            for shift in stride(from: 12, through: 0, by: -4) { result.append(hex[Int(unit >> UInt16(shift)) & 0xF]) }
        }
        for unit in text.utf16 {
            switch unit {
            case 0x27: result += "\\'"
            case 0x22: result += "\\\""
            case 0x5C: result += "\\\\"
            case 0x2F: result += "\\/"
            case 0x08: result += "\\b"
            case 0x0C: result += "\\f"
            case 0x0A: result += "\\n"
            case 0x0D: result += "\\r"
            case 0x09: result += "\\t"
            case ..<0x20, 0x7F...: unicode(unit)
            default: result.unicodeScalars.append(Unicode.Scalar(unit)!)
            }
        }
        return result
    }

    /// `URLEncoder.encode(s, "UTF-8")`: letters, digits and `.-*_` stay; space becomes `+`.
    public static func urlEncode(_ text: String) -> String {
        PercentEncoding.encode(text, keeping: .javaURLEncoder, spaceAsPlus: true)
    }

    /// `URLDecoder.decode(s, "UTF-8")`: `+` is a space, `%XX` a byte; nil when malformed.
    public static func urlDecode(_ text: String) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        func hexValue(_ byte: UInt8?) -> UInt8? {
            guard let byte else { return nil }
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - 48
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - 87
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - 55
            default: return nil
            }
        }
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(0x20)
            case UInt8(ascii: "%"):
                guard let high = hexValue(iterator.next()), let low = hexValue(iterator.next()) else { return nil }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
