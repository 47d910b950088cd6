import JSONCore
import TestSupport
import Testing

/// A tape must hold exactly what `JSONParser` gives (values, member order, number forms,
/// repeated keys) and fail exactly where and how it fails.
@Suite("JSONTape")
struct JSONTapeTests {
    static let sequential = JSONParser.Options(parallelThreshold: Int.max)

    /// Random JSON text with the awkward parts: long and short numbers in every form, escapes,
    /// non-ASCII and canonically-equal-but-different keys, repeated keys, deep nesting.
    struct Writer {
        var generator: SeededGenerator
        static let keys = ["ID", "name", "price", "é", "e\u{301}", "", "a\\\"b", "\\u0041", "k" + String(repeating: "x", count: 40)]
        static let numbers = [
            "0", "-0", "1", "-1", "1.0", "1.50", "2.5e3", "1E2", "-7e-3", "0.0000001", "140737488355327", "140737488355328",
            "-140737488355328", "-140737488355329", "9223372036854775807", "9223372036854775808", "123456789012345678901234567890",
            "1e127", "1e128", "1e-128", "1e-129", "1e400", "-1.5e-400", "12345678901234567890.5",
        ]
        static let strings = [#""""#, #""x""#, #""caf\u00e9""#, #""tab\there""#, #""😀""#, #""\ud83d\ude00""#, #""a/b\/c""#, #""long string over fifteen bytes""#]

        mutating func value(_ depth: Int) -> String {
            switch Int.random(in: 0..<(depth < 6 ? 10 : 6), using: &generator) {
            case 0: return ["null", "true", "false"].randomElement(using: &generator)!
            case 1, 2: return Self.numbers.randomElement(using: &generator)!
            case 3: return Self.strings.randomElement(using: &generator)!
            case 4: return String(Int.random(in: -100_000...100_000, using: &generator))
            case 5: return "[]"
            case 6, 7:
                let parts = (0..<Int.random(in: 0...4, using: &generator)).map { _ in value(depth + 1) }
                return "[ " + parts.joined(separator: " ,\n") + "]"
            default:
                let parts = (0..<Int.random(in: 0...5, using: &generator)).map { _ in
                    "\"" + Self.keys.randomElement(using: &generator)! + "\" : " + value(depth + 1)
                }
                return "{" + parts.joined(separator: ",") + " }"
            }
        }
    }

    static func outcome(_ body: () throws(JSONSyntaxError) -> JSONValue) -> Result<String, JSONSyntaxError> {
        do throws(JSONSyntaxError) { return .success(try body().description) } catch { return .failure(error) }
    }

    @Test("random documents and broken versions of them: the same value or the same error as JSONParser (seeded)")
    func agreesWithParser() throws {
        let seed = TestSeed.value()
        print("JSONTapeTests: seed \(seed)")
        var writer = Writer(generator: SeededGenerator(seed: seed))
        let breakers: [UInt8] = Array("{}[]\",: \\x0-e.tn".utf8)
        var broken = 0
        for round in 0..<400 {
            let text = Array((round % 3 == 0 ? "[" + (0..<20).map { _ in writer.value(1) }.joined(separator: ",") + "]" : writer.value(0)).utf8)
            var variants = [text]
            for _ in 0..<3 where !text.isEmpty {
                var mutated = text
                let at = Int.random(in: 0..<mutated.count, using: &writer.generator)
                switch Int.random(in: 0..<3, using: &writer.generator) {
                case 0: mutated.remove(at: at)
                case 1: mutated.insert(breakers.randomElement(using: &writer.generator)!, at: at)
                default: mutated.removeSubrange(at...)
                }
                variants.append(mutated)
            }
            for bytes in variants {
                for options in [Self.sequential, JSONParser.Options(maximumDepth: 4, rejectDuplicateKeys: true, parallelThreshold: Int.max)] {
                    let expected = Self.outcome { () throws(JSONSyntaxError) in try JSONParser(options: options).parse(bytes) }
                    let got = Self.outcome { () throws(JSONSyntaxError) in try JSONTape.parse(bytes, options: options).value() }
                    if case .failure = expected { broken += 1 }
                    #expect(got == expected, "seed \(seed), round \(round): \(String(decoding: bytes, as: UTF8.self).prefix(300))")
                }
            }
        }
        #expect(broken > 100, "the mutations should break many documents (\(broken) did)")
    }

    @Test("walking a tape: kinds, counts, the next value, key numbers, integers")
    func walking() throws {
        let tape = try JSONTape.parse(#"[{"a": 1, "b": [true, null], "a": 2.5}, "x", 1.0, 1e2, 123456789012345678901234567890, {}]"#)
        #expect(tape.kind(at: JSONTape.root) == .array)
        #expect(tape.count(at: JSONTape.root) == 6)
        let object = tape.firstChild(at: JSONTape.root)
        #expect(tape.kind(at: object) == .object)
        #expect(tape.count(at: object) == 3)
        #expect(tape.repeatsKeys(at: object))
        let firstKey = tape.firstChild(at: object)
        #expect(tape.keyID(at: firstKey) == tape.keyID(of: "a"))
        #expect(tape.key(tape.keyID(at: firstKey)) == "a")
        #expect(tape.keyID(of: "c") == nil)
        #expect(tape.isInteger(at: firstKey + 1))
        let secondKey = tape.next(after: firstKey + 1)
        #expect(tape.keyID(at: secondKey) == tape.keyID(of: "b"))
        #expect(tape.value(at: secondKey + 1) == [true, nil])
        // The repeated key keeps its last value, at the first one's place.
        #expect(tape.value(at: object).description == #"{"a":2.5,"b":[true,null]}"#)
        var position = tape.next(after: object)
        #expect(tape.kind(at: position) == .string)
        position = tape.next(after: position)
        #expect(tape.kind(at: position) == .number && !tape.isInteger(at: position))  // 1.0
        position = tape.next(after: position)
        #expect(tape.isInteger(at: position))  // 1e2
        position = tape.next(after: position)
        #expect(tape.isInteger(at: position) && tape.value(at: position).description == "123456789012345678901234567890")
        position = tape.next(after: position)
        #expect(tape.kind(at: position) == .object && tape.count(at: position) == 0)
        #expect(tape.next(after: position) == tape.next(after: JSONTape.root))
        #expect(!tape.repeatsKeys(at: position))
    }

    @Test("element positions, from the top-level array's remembered ones and by hopping")
    func elementPositions() throws {
        // Elements of different widths: objects, long numbers (two words), short ones.
        let elements = (0..<3000).map { index in index % 3 == 0 ? #"{"a": [\#(index)]}"# : index % 3 == 1 ? "1e300" : String(index) }
        let text = "[" + elements.joined(separator: ",") + "]"
        let tape = try JSONTape.parse(text)
        let nested = try JSONTape.parse("[" + text + "]")
        var position = tape.firstChild(at: JSONTape.root)
        var inner = nested.firstChild(at: nested.firstChild(at: JSONTape.root))
        for index in 0..<3000 {
            #expect(tape.position(ofElement: index, inArrayAt: JSONTape.root) == position, "element \(index)")
            if index % 97 == 0 {
                #expect(nested.position(ofElement: index, inArrayAt: nested.firstChild(at: JSONTape.root)) == inner, "nested element \(index)")
                #expect(tape.value(at: position).description == (try JSONParser.parse(elements[index])).description)
            }
            position = tape.next(after: position)
            inner = nested.next(after: inner)
        }
    }

    @Test("canonically equal but different keys are different keys")
    func keyBytes() throws {
        let tape = try JSONTape.parse(#"{"é": 1, "e\u0301": 2}"#)
        #expect(!tape.repeatsKeys(at: JSONTape.root))
        #expect(tape.keyID(of: "é") != tape.keyID(of: "e\u{301}"))
        #expect(tape.value().objectValue?.count == 2)
    }
}
