import JSONCore
import TestSupport
import Testing

/// The parser remembers keys by place and takes a key whose bytes match the remembered one
/// without decoding it: the same keys spelled differently (escapes), keys that are prefixes of
/// one another, long, empty, non-ASCII and canonically-equal-but-different keys, at many
/// nesting levels, must still parse to exactly what was written.
@Suite("remembered keys")
struct KeyCacheTests {
    static let pool = [
        "ID", "name", "price", "nam", "names", "n", "", "tag", "é", "e\u{301}", "prix-€",
        "a-rather-long-key-name-that-is-over-32-bytes-long", "a-rather-long-key-name-that-is-over-32-bytes-lonG",
        "quote\"d", "slash/", "bag", "JD",
        // Remembered up to 32 bytes: two keys of exactly 32 that differ only in the last byte.
        String(repeating: "k", count: 31) + "a", String(repeating: "k", count: 31) + "b",
    ]

    /// `key` as JSON text: plain (escaping only what must be), or with its first ASCII
    /// character, or every ASCII character, written as `\u00XX`.
    static func spell(_ key: String, _ style: Int) -> String {
        var text = "\""
        for (offset, scalar) in key.unicodeScalars.enumerated() {
            let escapeThis = scalar.value < 0x80 && (style == 2 || (style == 1 && offset == 0))
            if escapeThis || scalar == "\"" || scalar == "\\" {
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }

    struct Writer {
        var generator: SeededGenerator
        var previousOrder: [String] = []

        mutating func object(depth: Int) -> (JSONValue, String) {
            var keys = Array(KeyCacheTests.pool.shuffled(using: &generator).prefix(Int.random(in: 1...6, using: &generator)))
            if !previousOrder.isEmpty, Int.random(in: 0..<3, using: &generator) > 0 { keys = previousOrder }  // records repeat
            previousOrder = keys
            var members: [JSONObject.Member] = []
            var parts: [String] = []
            for key in keys {
                let (value, text) = self.value(depth: depth + 1)
                members.append(JSONObject.Member(key: key, value: value))
                parts.append(KeyCacheTests.spell(key, Int.random(in: 0..<6, using: &generator) < 4 ? 0 : Int.random(in: 1...2, using: &generator)) + ":" + text)
            }
            return (.object(JSONObject(members)), "{" + parts.joined(separator: ",") + "}")
        }

        mutating func value(depth: Int) -> (JSONValue, String) {
            // Nesting reaches seven levels (the parser remembers keys for four, then reuses
            // the places), but rarely, so documents stay small.
            switch Int.random(in: 0..<(depth < 7 ? 10 : 3), using: &generator) {
            case 0:
                let number = Int.random(in: -1000...1000, using: &generator)
                return (.number(JSONNumber(number)), String(number))
            case 1: return (.null, "null")
            case 2:
                let key = KeyCacheTests.pool.randomElement(using: &generator)!
                return (.string(key), KeyCacheTests.spell(key, 0))
            case 3...5:
                let saved = previousOrder
                previousOrder = []
                defer { previousOrder = saved }
                return object(depth: depth)
            case 6:
                var elements: [JSONValue] = []
                var parts: [String] = []
                for _ in 0..<Int.random(in: 0...3, using: &generator) {
                    let (element, text) = object(depth: depth)
                    elements.append(element)
                    parts.append(text)
                }
                return (.array(elements), "[" + parts.joined(separator: ",") + "]")
            default:
                let number = Int.random(in: 0...9, using: &generator)
                return (.number(JSONNumber(number)), String(number))
            }
        }
    }

    /// Keys in order, all the way down (`==` on objects ignores order).
    static func keysInOrder(_ value: JSONValue) -> [String] {
        switch value {
        case .object(let object): return object.members.flatMap { ["{" + $0.key] + keysInOrder($0.value) } + ["}"]
        case .array(let elements): return elements.flatMap(keysInOrder)
        default: return []
        }
    }

    @Test("random documents of repeating records parse to exactly what was written (seeded)")
    func exact() throws {
        let seed = TestSeed.value()
        print("KeyCacheTests: seed \(seed)")
        var writer = Writer(generator: SeededGenerator(seed: seed))
        for round in 0..<60 {
            var elements: [JSONValue] = []
            var parts: [String] = []
            for _ in 0..<Int.random(in: 1...80, using: &writer.generator) {
                let (element, text) = writer.object(depth: 1)
                elements.append(element)
                parts.append(text)
            }
            let text = "[" + parts.joined(separator: ",\n") + "]"
            let parsed = try JSONParser.parse(Array(text.utf8))
            let expected = JSONValue.array(elements)
            // Short reports: the documents are long.
            if parsed != expected { Issue.record("seed \(seed), round \(round): the parsed value differs from the written one") }
            let got = Self.keysInOrder(parsed), written = Self.keysInOrder(expected)
            if got != written {
                let first = (0..<min(got.count, written.count)).first { got[$0] != written[$0] } ?? min(got.count, written.count)
                Issue.record(
                    "seed \(seed), round \(round): key \(first) parsed as \(first < got.count ? got[first] : "nothing"), written \(first < written.count ? written[first] : "nothing")")
            }
        }
    }

    @Test("a remembered key followed by more bytes, or an escape, is not taken for it")
    func nearMisses() throws {
        let records = String(repeating: #"{"name": 1, "price": 2},"#, count: 6)
        let text = "[" + records + #"{"names": 3, "pric": 4}, {"n\u0061me": 5, "price\"": 6}, {"nam": 7}, {"lame": 8, "pricE": 9}]"#
        let parsed = try JSONParser.parse(Array(text.utf8))
        #expect(parsed[6]?.objectValue?.keys == ["names", "pric"])
        #expect(parsed[7]?.objectValue?.keys == ["name", "price\""])
        #expect(parsed[8]?.objectValue?.keys == ["nam"])
        #expect(parsed[9]?.objectValue?.keys == ["lame", "pricE"])  // differ in the first and last byte
    }
}
