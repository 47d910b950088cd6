import JSONCore
import Testing

@Suite("key comparison and in-place object access")
struct KeyComparisonTests {
    @Test("sameUTF8 compares bytes: stored alike or not, short or long, composed or not")
    func bytes() throws {
        let long = "a-rather-long-property-name"
        let built = String(long.dropLast()) + "e"  // the same text in another heap buffer
        let parsed = try #require(JSONParser.parse(Array("{\"\(long)\": 1}".utf8)).objectValue?.keys.first)
        #expect(sameUTF8(long, built) && sameUTF8(built, parsed) && sameUTF8(parsed, asciiKey: long))
        #expect(sameUTF8("price", String("xprice".dropFirst())))
        #expect(sameRepresentation("price", "price"))
        // Canonically equal (String.== says so), different bytes: different JSON keys.
        #expect("é" == "e\u{301}")
        #expect(!sameUTF8("é", "e\u{301}") && !sameUTF8("e\u{301}", "é"))
        #expect(!sameRepresentation("é", "e\u{301}"))
        #expect(!sameUTF8("price", "prices") && !sameUTF8("price", asciiKey: "pricf") && !sameUTF8("", "a"))
        #expect(sameUTF8("", ""))
    }

    @Test("objectMembers reads an object's members in place, nil for other values")
    func members() throws {
        let document = try JSONParser.parse(Array("[{\"a\": 1, \"b\": [true]}, 3, {}]".utf8))
        guard case .array(let elements) = document else { Issue.record("not an array"); return }
        elements.withUnsafeBufferPointer { buffer in
            let first = buffer.baseAddress!.objectMembers
            #expect(first?.map(\.key) == ["a", "b"])
            #expect(first?[1].value == [true])
            #expect((buffer.baseAddress! + 1).objectMembers == nil)
            #expect((buffer.baseAddress! + 2).objectMembers?.count == 0)
        }
    }
}
