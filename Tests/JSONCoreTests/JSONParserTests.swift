import TestSupport
import Testing

@testable import JSONCore

@Suite("JSONParser")
struct JSONParserTests {
    @Test("parses every kind of value and keeps member order")
    func values() throws {
        let value = try JSONParser.parse(#" {"b": [1, 2.5, -3e2, true, false, null], "a": "x\u00e9\n", "c": {}} "#)
        #expect(value["b"] == [1, 2.5, -300, true, false, nil])
        #expect(value["a"] == "xé\n")
        #expect(value.objectValue?.keys == ["b", "a", "c"])
    }

    @Test("objects compare regardless of member order")
    func objectEquality() throws {
        #expect(try JSONParser.parse(#"{"a":1,"b":[1.0]}"#) == JSONParser.parse(#"{"b":[1],"a":1}"#))
        #expect(try JSONParser.parse("true") != JSONParser.parse("1"))
    }

    @Test("escapes, including surrogate pairs")
    func escapes() throws {
        #expect(try JSONParser.parse(#""\ud83d\udc32 \" \\ \/ \b\f\n\r\t""#) == .string("🐲 \" \\ / \u{8}\u{c}\n\r\t"))
    }

    struct Malformed: CustomStringConvertible, Sendable {
        let text: [UInt8]
        let line: Int
        let column: Int
        let reason: JSONSyntaxError.Reason
        var description: String { String(decoding: text, as: UTF8.self) }
    }

    static let malformed: [Malformed] = [
        Malformed(text: Array("".utf8), line: 1, column: 1, reason: .emptyInput),
        Malformed(text: Array("[1,]".utf8), line: 1, column: 4, reason: .unexpectedCharacter(found: "']'", expected: "a JSON value")),
        Malformed(text: Array("{\"a\" 1}".utf8), line: 1, column: 6, reason: .unexpectedCharacter(found: "'1'", expected: "':'")),
        Malformed(text: Array("[1\n, 2\n, 01]".utf8), line: 3, column: 4, reason: .invalidNumber),
        Malformed(text: Array("[1] x".utf8), line: 1, column: 5, reason: .trailingContent),
        Malformed(text: Array("\"abc".utf8), line: 1, column: 5, reason: .unexpectedEnd(expected: "'\"' closing the string")),
        Malformed(text: Array("\"\\ud800\"".utf8), line: 1, column: 2, reason: .loneSurrogate),
        Malformed(text: Array("\"\\udc00\\ud800\"".utf8), line: 1, column: 2, reason: .loneSurrogate),
        Malformed(text: Array("\"\\x\"".utf8), line: 1, column: 2, reason: .invalidEscape),
        Malformed(text: Array("\"\\u12g4\"".utf8), line: 1, column: 6, reason: .invalidUnicodeEscape),
        Malformed(text: [0x22, 0x61, 0xFF, 0x22], line: 1, column: 3, reason: .invalidUTF8),
        Malformed(text: [0x22, 0xED, 0xA0, 0x80, 0x22], line: 1, column: 2, reason: .invalidUTF8),  // encoded surrogate
        Malformed(text: [0x22, 0xC0, 0xAF, 0x22], line: 1, column: 2, reason: .invalidUTF8),  // overlong
        Malformed(text: Array("\"a\tb\"".utf8), line: 1, column: 3, reason: .controlCharacterInString),
        Malformed(text: Array("tru".utf8), line: 1, column: 4, reason: .unexpectedEnd(expected: "'true'")),
        Malformed(text: Array("nul1".utf8), line: 1, column: 1, reason: .unexpectedCharacter(found: "'n'", expected: "a JSON value")),
        Malformed(text: Array("-".utf8), line: 1, column: 2, reason: .invalidNumber),
        Malformed(text: Array("1.e5".utf8), line: 1, column: 3, reason: .invalidNumber),
        Malformed(text: Array("NaN".utf8), line: 1, column: 1, reason: .unexpectedCharacter(found: "'N'", expected: "a JSON value")),
    ]

    @Test("malformed input: the rule broken, with line and column", arguments: malformed)
    func malformedInput(_ sample: Malformed) {
        #expect {
            _ = try JSONParser().parse(sample.text)
        } throws: { error in
            guard let error = error as? JSONSyntaxError else { return false }
            return error.reason == sample.reason && error.line == sample.line && error.column == sample.column
        }
    }

    @Test("nesting deeper than the limit is an error, not a crash")
    func depthLimit() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(deep) }
        let ok = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(throws: Never.self) { try JSONParser.parse(ok) }
        let limited = JSONParser(options: .init(maximumDepth: 3))
        #expect(throws: JSONSyntaxError.self) { try limited.parse("[[[[1]]]]") }
        #expect(throws: Never.self) { try limited.parse("[[[1]]]") }
    }

    @Test("duplicate keys: the last wins at the first position, or an error on request")
    func duplicates() throws {
        let value = try JSONParser.parse(#"{"a": 1, "b": 2, "a": 3}"#)
        #expect(value.objectValue?.keys == ["a", "b"])
        #expect(value["a"] == 3)
        let strict = JSONParser(options: .init(rejectDuplicateKeys: true))
        #expect {
            _ = try strict.parse(#"{"a": 1, "a": 2}"#)
        } throws: { ($0 as? JSONSyntaxError)?.reason == .duplicateKey("a") }
        // Large objects use a lookup table for the same rule.
        var text = "{"
        for index in 0..<40 { text += "\"k\(index)\": \(index), " }
        text += "\"k7\": \"last\"}"
        let large = try JSONParser.parse(text)
        #expect(large.objectValue?.count == 40)
        #expect(large["k7"] == "last")
    }

    @Test("huge numbers parse exactly; a byte-order mark is skipped")
    func hugeNumbers() throws {
        #expect(try JSONParser.parse("1e400") == .number(JSONNumber(text: "1e400")!))
        #expect(try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array("[1]".utf8)) == [1])
        let long = String(repeating: "9", count: 5000)
        #expect(try JSONParser.parse(long).numberValue?.description == long)
    }

    @Test("random and truncated input: parsed or refused, never a crash; what parses writes back to the same value")
    func fuzz() throws {
        let seed = TestSeed.value()
        var generator = SeededGenerator(seed: seed)
        let sample = Array(#"{"a":[1,2.5e3,-0.1,"x\u00e9\ud83d\udc32",true,null,{"b":{}}]}"#.utf8)
        func check(_ bytes: [UInt8]) throws {
            guard let value = try? JSONParser().parse(bytes) else { return }
            let reread = try JSONParser().parse(JSONWriter.compact.bytes(value))
            #expect(reread == value, "seed \(seed) (TEST_SEED=\(seed) replays it): \(String(decoding: bytes, as: UTF8.self))")
        }
        for length in 0...sample.count { try check(Array(sample[0..<length])) }
        #expect((try? JSONParser().parse(sample)) != nil)
        for _ in 0..<3000 {
            let bytes = (0..<Int.random(in: 0...40, using: &generator)).map { _ in
                Bool.random(using: &generator) ? sample.randomElement(using: &generator)! : UInt8.random(in: 0...255, using: &generator)
            }
            try check(bytes)
        }
    }
}

@Suite("JSONParser.forEachElement")
struct StreamingParserTests {
    @Test("hands over each element of a top-level array, in order")
    func elements() throws {
        var seen: [(Int, JSONValue)] = []
        let streamed = try JSONParser().forEachElement(in: Array(#"  [1, {"a": [2]}, "x"] "#.utf8)) { seen.append(($0, $1)) }
        #expect(streamed)
        #expect(seen.map(\.0) == [0, 1, 2])
        #expect(seen.map(\.1) == [1, ["a": [2]], "x"])
        var none = 0
        #expect(try JSONParser().forEachElement(in: Array("[]".utf8)) { _, _ in none += 1 })
        #expect(none == 0)
    }

    @Test("returns false for other top-level values, without calling back")
    func notAnArray() throws {
        var called = false
        #expect(try !JSONParser().forEachElement(in: Array(#"{"a": 1}"#.utf8)) { _, _ in called = true })
        #expect(!called)
    }

    @Test("syntax errors anywhere are still reported, with line and column")
    func errors() {
        #expect {
            _ = try JSONParser().forEachElement(in: Array("[1,\n2,]".utf8)) { _, _ in }
        } throws: { ($0 as? JSONSyntaxError)?.line == 2 && ($0 as? JSONSyntaxError)?.column == 3 }
        #expect(throws: JSONSyntaxError.self) { try JSONParser().forEachElement(in: Array("[1] 2".utf8)) { _, _ in } }
        #expect(throws: JSONSyntaxError.self) { try JSONParser().forEachElement(in: Array("[1".utf8)) { _, _ in } }
    }
}

@Suite("Parallel parsing of large arrays")
struct ParallelParsingTests {
    static let sequential = JSONParser(options: .init(parallelThreshold: .max))
    static let parallel = JSONParser(options: .init(parallelThreshold: 0))

    static func largeArray(_ element: (Int) -> String, count: Int = 20_000) -> [UInt8] {
        Array(("[\n" + (0..<count).map(element).joined(separator: ",\n") + "\n]\n").utf8)
    }

    @Test("the same value as a sequential parse")
    func sameValue() throws {
        let bytes = Self.largeArray { #"{"ID": \#($0), "name": "Item \#($0)", "price": \#($0 % 97).5, "tags": [\#($0), {"a": null}]}"# }
        let value = try Self.parallel.parse(bytes)
        #expect(value == (try Self.sequential.parse(bytes)))
        #expect(value.arrayValue?.count == 20_000)
        #expect(value[12_345]?["name"] == "Item 12345")
    }

    @Test("split guesses inside strings are caught and fall back to a correct parse")
    func misleadingStrings() throws {
        // Every element holds `}, {` inside a string, so guessed split points may land in a string.
        let bytes = Self.largeArray { #"{"text": "}, {\"x\": \#($0)}, {", "n": \#($0)}"# }
        #expect(try Self.parallel.parse(bytes) == (try Self.sequential.parse(bytes)))
        let nested = Self.largeArray { _ in #"[{"a": "]" }, {"b": "], ["}]"# }
        #expect(try Self.parallel.parse(nested) == (try Self.sequential.parse(nested)))
    }

    @Test("errors are exactly a sequential parse's, with line and column")
    func sameErrors() throws {
        let bytes = Self.largeArray { $0 == 15_000 ? #"{"ID": 15000,}"# : #"{"ID": \#($0)}"# }
        var sequentialError: JSONSyntaxError?
        var parallelError: JSONSyntaxError?
        do { _ = try Self.sequential.parse(bytes) } catch { sequentialError = error }
        do { _ = try Self.parallel.parse(bytes) } catch { parallelError = error }
        #expect(sequentialError != nil)
        #expect(parallelError == sequentialError)
        #expect(parallelError?.line == 15_002)
    }

    @Test("trailing content after a large array is still an error")
    func trailing() {
        let bytes = Self.largeArray { "\($0)" } + Array("x".utf8)
        #expect(throws: JSONSyntaxError.self) { try Self.parallel.parse(bytes) }
    }
}
