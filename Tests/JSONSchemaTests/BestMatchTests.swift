import JSONCore
import JSONSchema
import Testing

@Suite("anyOf/oneOf failures: the branch most likely meant")
struct BestMatchTests {
    func failure(_ schema: String, _ payload: String) throws -> ValidationError {
        let errors = try Fixtures.compile(schema).validate(try JSONParser.parse(payload))
        return try #require(errors.first)
    }

    @Test("the branch whose errors go deepest into the instance")
    func deepest() throws {
        let error = try failure(
            #"{"anyOf": [{"type": "string"}, {"type": "object", "required": ["name"], "properties": {"price": {"type": "number"}}}]}"#,
            #"{"price": "x"}"#)
        #expect(error.branches.map(\.index) == [0, 1])
        let best = try #require(error.bestBranch)
        #expect(best.index == 1)
        #expect(best.errors.contains { $0.instanceLocation == "/price" })
    }

    @Test("at equal depth, a branch whose type the instance has beats one that fails on type")
    func typeMatches() throws {
        let error = try failure(#"{"oneOf": [{"type": "string", "minLength": 5}, {"type": "integer", "minimum": 10}]}"#, "3")
        #expect(error.bestBranch?.index == 1)
        let other = try failure(#"{"oneOf": [{"type": "string", "minLength": 5}, {"type": "integer", "minimum": 10}]}"#, #""abc""#)
        #expect(other.bestBranch?.index == 0)
    }

    @Test("errors other than anyOf/oneOf have no branches")
    func none() throws {
        let error = try failure(#"{"type": "string"}"#, "1")
        #expect(error.branches.isEmpty)
        #expect(error.bestBranch == nil)
    }
}
