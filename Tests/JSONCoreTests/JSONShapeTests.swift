import JSONCore
import Testing

@Suite("JSONShape: the one strict-read rule for a definition's optional members")
struct JSONShapeTests {
    @Test("absent or null is empty; the right shape is read as it is")
    func emptyAndPresent() throws {
        #expect(try JSONShape.members(nil).isEmpty)
        #expect(try JSONShape.members(.null).isEmpty)
        #expect(try JSONShape.elements(nil).isEmpty)
        #expect(try JSONShape.strings(.null).isEmpty)
        let object = try JSONParser().parse(#"{"a": 1, "b": [2]}"#)
        #expect(try JSONShape.members(object).count == 2)
        #expect(try JSONShape.strings(JSONParser().parse(#"["x", "y"]"#)) == ["x", "y"])
        #expect(try JSONShape.strings(JSONParser().parse(#"[443, true, "a"]"#), scalars: true) == ["443", "true", "a"])
    }

    @Test("another shape is an error saying what was expected and found, at the element when an element is wrong")
    func mismatches() throws {
        #expect(throws: JSONShape.Mismatch(message: "expected an object, found array", index: nil)) {
            try JSONShape.members(JSONParser().parse("[]"))
        }
        #expect(throws: JSONShape.Mismatch(message: "expected an array, found string", index: nil)) {
            try JSONShape.elements(.string("a"))
        }
        #expect(throws: JSONShape.Mismatch(message: "expected a string, found integer", index: 1)) {
            try JSONShape.strings(JSONParser().parse(#"["a", 2]"#))
        }
        #expect(throws: JSONShape.Mismatch(message: "expected a string, found object", index: 0)) {
            try JSONShape.strings(JSONParser().parse(#"[{}]"#), scalars: true)
        }
    }
}
