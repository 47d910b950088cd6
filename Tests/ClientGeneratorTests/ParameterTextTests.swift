import ClientRuntime
import Foundation
import Testing

@Suite("ParameterText.deepObject: OpenAPI's deepObject query style")
struct ParameterTextTests {
    struct Filter: Encodable {
        var name: String
        var size: Int
        var ratio: Double
        var open: Bool
        var tags: [String]
        var owner: Owner?
        var missing: String?
        struct Owner: Encodable { var id: Int }
    }

    @Test("one item per member, integers as integers, nested objects bracketed, arrays repeated, nulls left out")
    func members() {
        let items = ParameterText.deepObject("filter", Filter(name: "a b", size: 5, ratio: 1.5, open: true, tags: ["x", "y"], owner: Filter.Owner(id: 7)))
        #expect(items.map { "\($0.name)=\($0.value)" } == [
            "filter[name]=a b", "filter[open]=true", "filter[owner][id]=7", "filter[ratio]=1.5", "filter[size]=5", "filter[tags]=x", "filter[tags]=y",
        ])
    }

    @Test("a value that is not an object is one item, its text")
    func scalar() {
        #expect(ParameterText.deepObject("q", "text").map { "\($0.name)=\($0.value)" } == ["q=text"])
        #expect(ParameterText.deepObject("n", 3).map { "\($0.name)=\($0.value)" } == ["n=3"])
    }
}
