#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import JSONCore
import SchemaTesting
import Testing

@Suite("SchemaTesting helpers")
struct SchemaTestingTests {
    struct Item: Encodable {
        let ID: Int
        let name: String
        let price: Double
    }

    let validator: ModelValidator

    init() throws { validator = try ModelValidator(schemasDirectory: Fixtures.schemasDirectory) }

    @Test("valid payloads in every form pass")
    func valid() throws {
        #expect(expectValid(encoding: [Item(ID: 1, name: "Pen", price: 2.5)], against: "Items", in: validator))
        #expect(expectValid(Array(#"{"ID": 3, "name": "Highlighter"}"#.utf8), against: "Item", in: validator))
        #expect(expectValid(Data(#"[]"#.utf8), against: "Items", in: validator))
        #expect(expectValid(["ID": 4, "price": 5.0], against: "Item", in: validator))
    }

    @Test("YAML text: valid passes; invalid lists each error at its line and column; YAML JSON cannot hold is a failure")
    func yaml() throws {
        #expect(expectValid(yaml: "- ID: 1\n  name: Pen\n  price: 2.5\n", against: "Items", in: validator))
        withKnownIssue("the helper records one issue for the invalid payload") {
            expectValid(yaml: "- ID: 1\n  name: Pen\n  price: \"x\"\n", against: "Items", in: validator)
        } matching: { issue in
            issue.comments.map(\.rawValue).joined().contains("\n  3:10: /0/price: expected number, found string \"x\"")
        }
        withKnownIssue("the helper records one issue for YAML that JSON cannot hold") {
            expectValid(yaml: "price: .inf\n", against: "Item", in: validator)
        } matching: { issue in issue.comments.map(\.rawValue).joined().contains("1:8: .inf (infinity or not-a-number) has no JSON value") }
    }

    @Test("an invalid payload fails the test with every pointer and message")
    func invalid() throws {
        withKnownIssue("the helper records one issue for the invalid payload") {
            expectValid(Array(#"[{"ID":"1","price":"x"}]"#.utf8), against: "Items", in: validator)
        } matching: { issue in
            let text = issue.comments.map(\.rawValue).joined()
            return text.contains("  1:8: /0/ID: expected number") && text.contains("  1:20: /0/price: expected number")
                && text.contains("[items/$ref/properties/ID/type]")
        }
        // JSON text given as Data: each line starts with the failing value's line and column.
        withKnownIssue("the helper records one issue for the invalid payload") {
            expectValid(Data("[\n  {\"ID\": 1, \"name\": \"Pen\", \"price\": \"x\"}\n]".utf8), against: "Items", in: validator)
        } matching: { issue in
            issue.comments.map(\.rawValue).joined().contains("\n  2:37: /0/price: expected number, found string \"x\"")
        }
        // A parsed payload has no text: no positions.
        let parsed = try JSONParser().parse(#"[{"ID":"1"}]"#)
        withKnownIssue("the helper records one issue for the invalid payload") {
            expectValid(parsed, against: "Items", in: validator)
        } matching: { issue in issue.comments.map(\.rawValue).joined().contains("\n  /0/ID: expected number") }
        // The documented sample failure, exactly as docs/schema-check.md shows it (the block after "A failure reads").
        let sample = Array(#"[{"ID": 1, "name": "Pen", "price": "x"}]"#.utf8)
        let expected = """
            payload is not valid against Items (1 error):
              1:36: /0/price: expected number, found string "x"  [items/$ref/properties/price/type]
            """
        #expect(ModelValidator.report(try validator.errors(in: sample, against: "Items"), model: "Items", in: sample) == expected)
        let readme = try String(contentsOfFile: Fixtures.packageRoot + "/docs/schema-check.md", encoding: .utf8)
        let afterIntro = try #require(readme.range(of: "A failure reads")).upperBound
        let fence = try #require(readme.range(of: "```\n", range: afterIntro..<readme.endIndex))
        let end = try #require(readme.range(of: "\n```", range: fence.upperBound..<readme.endIndex))
        #expect(String(readme[fence.upperBound..<end.lowerBound]) == expected)
        let errors = try validator.errors(in: Array(#"[{"ID":"1"}]"#.utf8), against: "Items")
        #expect(ModelValidator.report(errors, model: "Items")?.hasPrefix("payload is not valid against Items (1 error):") == true)
    }

    @Test("an unknown model is a failure, not a pass")
    func unknownModel() {
        withKnownIssue("unknown model") {
            expectValid(JSONValue.null, against: "Nope", in: validator)
        } matching: { $0.comments.map(\.rawValue).joined().contains("cannot validate against Nope") }
    }
}
