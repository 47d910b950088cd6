/// Writes `JSONValue` as JSON text, deterministically: members in their stored order,
/// numbers in `JSONNumber`'s exact form, strings with the minimal RFC 8259 escapes.
public struct JSONWriter: Sendable {
    /// Indentation per level; `nil` writes compact text.
    public var indent: String?
    /// Sort object members by key (byte order) instead of keeping their order.
    public var sortKeys: Bool

    /// A writer.
    public init(indent: String? = nil, sortKeys: Bool = false) {
        self.indent = indent
        self.sortKeys = sortKeys
    }

    /// Compact text: `{"a":[1,2]}`.
    public static let compact = JSONWriter()
    /// Pretty text, two spaces per level: `"key": value`.
    public static let pretty = JSONWriter(indent: "  ")

    /// The text of `value`.
    public func string(_ value: JSONValue) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    /// The UTF-8 bytes of `value`.
    public func bytes(_ value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(64)
        write(value, into: &output, level: 0)
        return output
    }

    /// Appends the text of `value` to `output`.
    public func write(_ value: JSONValue, into output: inout [UInt8], level: Int = 0) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number): number.write(into: &output)
        case .string(let text): JSONWriter.writeString(text, into: &output)
        case .array(let elements):
            if elements.isEmpty { output.append(contentsOf: "[]".utf8); return }
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                newline(into: &output, level: level + 1)
                write(element, into: &output, level: level + 1)
            }
            newline(into: &output, level: level)
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            if object.isEmpty { output.append(contentsOf: "{}".utf8); return }
            output.append(UInt8(ascii: "{"))
            let members = sortKeys ? object.members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) } : object.members
            for (position, member) in members.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                newline(into: &output, level: level + 1)
                JSONWriter.writeString(member.key, into: &output)
                output.append(UInt8(ascii: ":"))
                if indent != nil { output.append(UInt8(ascii: " ")) }
                write(member.value, into: &output, level: level + 1)
            }
            newline(into: &output, level: level)
            output.append(UInt8(ascii: "}"))
        }
    }

    private func newline(into output: inout [UInt8], level: Int) {
        guard let indent else { return }
        output.append(0x0A)
        for _ in 0..<level { output.append(contentsOf: indent.utf8) }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Appends `text` as a quoted JSON string.
    public static func writeString(_ text: String, into output: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            output.append(UInt8(ascii: "\""))
            // Runs of bytes that need no escape are copied whole.
            var start = 0
            for position in 0..<bytes.count {
                let byte = bytes[position]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<position]))
                start = position + 1
                switch byte {
                case UInt8(ascii: "\""): output.append(0x5C); output.append(0x22)
                case UInt8(ascii: "\\"): output.append(0x5C); output.append(0x5C)
                case 0x0A: output.append(0x5C); output.append(UInt8(ascii: "n"))
                case 0x0D: output.append(0x5C); output.append(UInt8(ascii: "r"))
                case 0x09: output.append(0x5C); output.append(UInt8(ascii: "t"))
                case 0x08: output.append(0x5C); output.append(UInt8(ascii: "b"))
                case 0x0C: output.append(0x5C); output.append(UInt8(ascii: "f"))
                default:
                    output.append(contentsOf: "\\u00".utf8)
                    output.append(hexDigits[Int(byte >> 4)])
                    output.append(hexDigits[Int(byte & 0xF)])
                }
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<bytes.count]))
            output.append(UInt8(ascii: "\""))
        }
    }

    /// `text` as a quoted JSON string.
    public static func quoted(_ text: String) -> String {
        var output: [UInt8] = []
        writeString(text, into: &output)
        return String(decoding: output, as: UTF8.self)
    }
}
