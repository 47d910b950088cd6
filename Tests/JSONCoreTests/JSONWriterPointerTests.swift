import Testing

@testable import JSONCore

@Suite("JSONWriter")
struct JSONWriterTests {
    @Test("compact and pretty output are deterministic")
    func output() throws {
        let value = try JSONParser.parse(#"{"name":"Pen \"x\"\n","list":[1,2.50,{}],"empty":[]}"#)
        #expect(JSONWriter.compact.string(value) == #"{"name":"Pen \"x\"\n","list":[1,2.50,{}],"empty":[]}"#)
        #expect(
            JSONWriter.pretty.string(value) == """
                {
                  "name": "Pen \\"x\\"\\n",
                  "list": [
                    1,
                    2.50,
                    {}
                  ],
                  "empty": []
                }
                """)
        #expect(JSONWriter(sortKeys: true).string(value) == #"{"empty":[],"list":[1,2.50,{}],"name":"Pen \"x\"\n"}"#)
    }

    @Test("control characters are escaped; text round-trips")
    func roundTrip() throws {
        let value: JSONValue = ["a\u{1}": "\u{1F}é🐲", "n": 1e-7, "big": .number(JSONNumber(text: "123456789012345678901234567890.5")!)]
        let text = JSONWriter.compact.string(value)
        #expect(text.contains("\\u0001"))
        #expect(try JSONParser.parse(text) == value)
    }

    @Test("every escape, at the start, between runs and at the end of a string")
    func escapes() {
        let cases: [(String, String)] = [
            ("", #""""#), ("plain", #""plain""#), ("\"", #""\"""#), ("a\\b", #""a\\b""#),
            ("\n\r\t\u{8}\u{C}", #""\n\r\t\b\f""#), ("x\u{0}y\u{1F}", #""x\u0000y\u001f""#),
            ("é\"🐲\"", #""é\"🐲\"""#), ("\u{7F}", "\"\u{7F}\""),
        ]
        for (text, expected) in cases {
            #expect(JSONWriter.quoted(text) == expected, "\(text.debugDescription)")
        }
    }
}

@Suite("JSONPointer")
struct JSONPointerTests {
    @Test("parse and format with ~0 and ~1")
    func escapes() throws {
        let pointer = try JSONPointer(parsing: "/a~1b/c~0d/0/")
        #expect(pointer.tokens == ["a/b", "c~d", "0", ""])
        #expect(pointer.description == "/a~1b/c~0d/0/")
        #expect(JSONPointer.root.description == "")
        #expect(throws: JSONPointer.SyntaxError.self) { try JSONPointer(parsing: "a/b") }
        #expect(throws: JSONPointer.SyntaxError.self) { try JSONPointer(parsing: "/a~2") }
    }

    @Test("URI fragments are percent-encoded and decoded")
    func fragments() throws {
        let pointer = JSONPointer(tokens: ["percent%field", "with space", "é"])
        #expect(pointer.uriFragment == "#/percent%25field/with%20space/%C3%A9")
        #expect(try JSONPointer(uriFragment: pointer.uriFragment) == pointer)
        #expect(throws: JSONPointer.SyntaxError.self) { try JSONPointer(uriFragment: "#/a%2") }
    }

    @Test("resolution into objects and arrays")
    func resolve() throws {
        let document = try JSONParser.parse(#"{"a":[{"b/c":1}],"":2}"#)
        #expect(try JSONPointer(parsing: "/a/0/b~1c").resolve(in: document) == 1)
        #expect(try JSONPointer(parsing: "/").resolve(in: document) == 2)
        #expect(try JSONPointer(parsing: "/a/01").resolve(in: document) == nil)
        #expect(try JSONPointer(parsing: "/a/1").resolve(in: document) == nil)
        #expect(JSONPointer.root.resolve(in: document) == document)
    }
}
