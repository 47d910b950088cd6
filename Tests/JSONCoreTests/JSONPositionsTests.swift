import JSONCore
import TestSupport
import Testing

@Suite("JSONPositions: the line and column of the value a pointer designates")
struct JSONPositionsTests {
    func positions(_ text: String, _ pointers: [JSONPointer]) -> [String: String] {
        var result: [String: String] = [:]
        for (pointer, position) in JSONPositions.locate(pointers, in: Array(text.utf8)) { result[pointer.description] = position.description }
        return result
    }

    @Test("values in a pretty-printed document; columns in Unicode scalars; a pointer to nothing is left out")
    func basics() {
        let text = "[\n  {\"ID\": 1, \"name\": \"Pen\", \"price\": 2.5},\n  {\"ID\": 2, \"näme\": \"Stift ✏️\", \"price\": \"1.5\"}\n]\n"
        let found = positions(text, ["", "/0", "/1/price", "/1/näme", "/0/ID", "/2", "/1/missing"])
        #expect(found == ["": "1:1", "/0": "2:3", "/0/ID": "2:10", "/1/näme": "3:21", "/1/price": "3:42"])
    }

    @Test("escaped keys, ~ and / in tokens, CRLF and lone CR line ends, a byte-order mark")
    func edges() {
        let text = "\u{FEFF}{\r\n\"a/b\": {\"c~d\": [true,\r  null]},\n\"\\u0041\\n\": 5}"
        let found = positions(text, [JSONPointer(tokens: ["a/b", "c~d", "1"]), JSONPointer(tokens: ["A\n"]), JSONPointer(tokens: ["a/b"])])
        #expect(found == ["/a~1b/c~0d/1": "3:3", "/A\n": "4:13", "/a~1b": "2:8"])
    }

    @Test("random documents: every value's position points at its text (seeded)")
    func randomDocuments() throws {
        let seed = TestSeed.value()
        print("JSONPositions random documents: seed \(seed)")
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<200 {
            let value = JSONPositionsTests.randomValue(depth: 0, &generator)
            let writer = Bool.random(using: &generator) ? JSONWriter.pretty : JSONWriter.compact
            let bytes = writer.bytes(value)
            var pointers: [(JSONPointer, JSONValue)] = []
            JSONPositionsTests.collect(value, at: .root, into: &pointers)
            let found = JSONPositions.locate(pointers.map(\.0), in: bytes)
            for (pointer, expected) in pointers {
                let position = try #require(found[pointer], "seed \(seed): \(pointer) not found")
                let offset = JSONPositions.offset(of: position, in: bytes)
                // The text at the position is the value's own writing (scalars), or its bracket.
                let written = writer.bytes(expected)
                switch expected {
                case .object, .array:
                    #expect(bytes[offset] == written[0], "seed \(seed): \(pointer)")
                default:
                    #expect(Array(bytes[offset..<min(bytes.count, offset + written.count)]) == written, "seed \(seed): \(pointer)")
                }
            }
        }
    }

    static func collect(_ value: JSONValue, at pointer: JSONPointer, into list: inout [(JSONPointer, JSONValue)]) {
        list.append((pointer, value))
        switch value {
        case .object(let object): for member in object { collect(member.value, at: pointer.appending(member.key), into: &list) }
        case .array(let elements): for (index, element) in elements.enumerated() { collect(element, at: pointer.appending(index: index), into: &list) }
        default: break
        }
    }

    static func randomValue(depth: Int, _ generator: inout SeededGenerator) -> JSONValue {
        let keys = ["a", "b/c", "d~e", "é", "✏️", "", "0", "12", "x\"y", "line\nbreak"]
        switch Int.random(in: 0..<(depth > 3 ? 4 : 6), using: &generator) {
        case 0: return .number(JSONNumber(Int.random(in: -1000...1000, using: &generator)))
        case 1: return .string(keys.randomElement(using: &generator)! + "✓")
        case 2: return .bool(Bool.random(using: &generator))
        case 3: return .null
        case 4:
            var object = JSONObject()
            for key in keys.shuffled(using: &generator).prefix(Int.random(in: 0...4, using: &generator)) {
                object[key] = randomValue(depth: depth + 1, &generator)
            }
            return .object(object)
        default:
            return .array((0..<Int.random(in: 0...5, using: &generator)).map { _ in randomValue(depth: depth + 1, &generator) })
        }
    }
}
