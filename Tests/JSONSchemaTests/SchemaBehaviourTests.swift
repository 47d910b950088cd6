import JSONCore
import Testing

@testable import JSONSchema

@Suite("The lab's models")
struct LabModelTests {
    @Test("the lab's list of items is valid against Items")
    func validList() throws {
        var compiler = try Fixtures.labCompiler()
        let items = try compiler.compile(model: "Items")
        let payload = try JSONParser.parse(
            #"[{"ID":1,"name":"Pen","price":2.5},{"ID":2,"name":"Pencil","price":1.5},{"ID":3,"name":"Highlighter","price":3.0},{"ID":4,"name":"Ruler","price":5.0}]"#
        )
        #expect(try items.isValid(payload))
        #expect(try items.validate(payload).isEmpty)
    }

    @Test("a string price: the pointer, the keyword location through $ref, and the message")
    func stringPrice() throws {
        var compiler = try Fixtures.labCompiler()
        let items = try compiler.compile(model: "Items")
        let errors = try items.validate(try JSONParser.parse(#"[{"ID":1,"name":"Pen","price":2.5},{"ID":2,"name":"Pencil","price":"3"}]"#))
        #expect(errors.count == 1)
        let error = try #require(errors.first)
        #expect(error.instanceLocation.description == "/1/price")
        #expect(error.keywordLocation.description == "/items/$ref/properties/price/type")
        #expect(error.absoluteKeywordLocation.hasSuffix("/Schemas/Item.json#/properties/price/type"))
        #expect(error.absoluteKeywordLocation.hasPrefix("file:///"))
        #expect(error.message == #"expected number, found string "3""#)
    }

    @Test("the API Gateway model URL resolves with any API id")
    func apiGatewayURL() throws {
        for apiID in ["YOUR_API_ID", "a1b2c3d4e5", "xyz"] {
            let schema = try Fixtures.compile(
                #"{"type":"array","items":{"$ref":"https://apigateway.amazonaws.com/restapis/\#(apiID)/models/Item"}}"#)
            #expect(try schema.isValid(try JSONParser.parse(#"[{"ID":1}]"#)))
            #expect(try !schema.isValid(try JSONParser.parse(#"[{"ID":"1"}]"#)))
        }
        #expect(SchemaRegistry.apiGatewayModelName(in: "https://apigateway.amazonaws.com/restapis/abc/models/Item") == "Item")
        #expect(SchemaRegistry.apiGatewayModelName(in: "https://apigateway.amazonaws.com/restapis/abc/other/Item") == nil)
    }

    @Test("models are registered by name, file URL and id")
    func registration() throws {
        let compiler = try Fixtures.labCompiler()
        #expect(compiler.registry.models["Item"] != nil)
        #expect(compiler.registry.models["Items"] != nil)
        let itemsURI = try #require(compiler.registry.models["Items"])
        #expect(itemsURI.hasPrefix("file:///") && itemsURI.hasSuffix("/Schemas/Items.json"))
    }
}

@Suite("Schema loading errors")
struct SchemaLoadingErrorTests {
    @Test("an unresolvable $ref names the schema file and the pointer of the $ref")
    func unresolvable() throws {
        #expect {
            _ = try Fixtures.compile(#"{"properties":{"a":{"$ref":"http://example.invalid/nothing.json"}}}"#)
        } throws: { error in
            guard let error = error as? SchemaLoadError, case .unresolvableReference = error.kind else { return false }
            return error.source == "test-schema.json" && error.pointer.description == "/properties/a/$ref"
        }
    }

    @Test("a schema invalid against the draft-04 meta-schema is rejected with the failing pointer", arguments: [
        (#"{"type": 5}"#, "/type"), (#"{"minLength": -1}"#, "/minLength"), (#"{"properties": {"a": {"type": "strin"}}}"#, "/properties/a/type"),
        (#"{"required": []}"#, "/required"), (#"{"items": [1]}"#, "/items/0"),
    ])
    func metaSchema(_ sample: (String, String)) {
        #expect {
            _ = try Fixtures.compile(sample.0)
        } throws: { error in
            guard let error = error as? SchemaLoadError, error.kind == .invalidSchema else { return false }
            return error.pointer.description == sample.1
        }
    }

    @Test("an invalid regular expression is rejected at its pointer")
    func badPattern() {
        #expect {
            _ = try Fixtures.compile(#"{"patternProperties": {"(": {}}}"#)
        } throws: { ($0 as? SchemaLoadError)?.pointer.description == "/patternProperties/(" }
    }

    @Test("a $ref cycle that never reaches a schema is an error, not a hang")
    func cycle() {
        #expect(throws: SchemaLoadError.self) { try Fixtures.compile(##"{"$ref": "#"}"##) }
        #expect(throws: SchemaLoadError.self) {
            try Fixtures.compile(##"{"definitions":{"a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/a"}},"$ref":"#/definitions/a"}"##)
        }
    }
}

@Suite("Validation")
struct ValidationTests {
    struct Sample: CustomStringConvertible, Sendable {
        let schema: String
        let instance: String
        let instanceLocation: String
        let keywordLocation: String
        let message: String
        var description: String { schema }
    }

    static let samples: [Sample] = [
        Sample(schema: #"{"type":["integer","string"]}"#, instance: "1.5", instanceLocation: "", keywordLocation: "/type",
            message: "expected integer or string, found number 1.5"),
        Sample(schema: #"{"enum":["a","b"]}"#, instance: #""c""#, instanceLocation: "", keywordLocation: "/enum",
            message: #"string "c" is not one of the values allowed by enum"#),
        Sample(schema: #"{"multipleOf":0.01}"#, instance: "0.005", instanceLocation: "", keywordLocation: "/multipleOf",
            message: "0.005 is not a multiple of 0.01"),
        Sample(schema: #"{"maximum":10,"exclusiveMaximum":true}"#, instance: "10", instanceLocation: "", keywordLocation: "/maximum",
            message: "10 is not less than the exclusive maximum 10"),
        Sample(schema: #"{"minimum":0.01}"#, instance: "0", instanceLocation: "", keywordLocation: "/minimum",
            message: "0 is less than the minimum 0.01"),
        Sample(schema: #"{"maxLength":2}"#, instance: #""🐲🐲🐲""#, instanceLocation: "", keywordLocation: "/maxLength",
            message: "string of 3 characters is longer than the maximum length 2"),
        Sample(schema: #"{"pattern":"^[a-z]+$"}"#, instance: #""A1""#, instanceLocation: "", keywordLocation: "/pattern",
            message: #""A1" does not match the pattern "^[a-z]+$""#),
        Sample(schema: #"{"format":"date-time"}"#, instance: #""yesterday""#, instanceLocation: "", keywordLocation: "/format",
            message: #""yesterday" is not a valid date-time"#),
        Sample(schema: #"{"items":[{}],"additionalItems":false}"#, instance: "[1,2]", instanceLocation: "", keywordLocation: "/additionalItems",
            message: "array has 2 items, but additionalItems allows only the 1 described by items"),
        Sample(schema: #"{"uniqueItems":true}"#, instance: "[1,true,1.0]", instanceLocation: "", keywordLocation: "/uniqueItems",
            message: "items 0 and 2 are equal, but uniqueItems requires distinct items"),
        Sample(schema: #"{"required":["ID"]}"#, instance: "{}", instanceLocation: "", keywordLocation: "/required",
            message: #"missing required property "ID""#),
        Sample(schema: #"{"properties":{"a":{}},"additionalProperties":false}"#, instance: #"{"a":1,"b":2}"#, instanceLocation: "/b",
            keywordLocation: "/additionalProperties", message: #"property "b" is not allowed (additionalProperties)"#),
        Sample(schema: #"{"dependencies":{"a":["b"]}}"#, instance: #"{"a":1}"#, instanceLocation: "", keywordLocation: "/dependencies",
            message: #"property "a" requires property "b""#),
        Sample(schema: #"{"oneOf":[{"type":"integer"},{"minimum":0}]}"#, instance: "1", instanceLocation: "", keywordLocation: "/oneOf",
            message: "value matches 2 schemas in oneOf (0, 1), exactly one is required"),
        Sample(schema: #"{"not":{"type":"string"}}"#, instance: #""x""#, instanceLocation: "", keywordLocation: "/not",
            message: "value must not match the schema in not"),
        Sample(schema: #"{"properties":{"a":{"patternProperties":{"^x":{"type":"null"}}}}}"#, instance: #"{"a":{"xy":0}}"#,
            instanceLocation: "/a/xy", keywordLocation: "/properties/a/patternProperties/^x/type", message: "expected null, found integer 0"),
        Sample(schema: ##"{"allOf":[{"definitions":{"n":{"type":"number"}},"items":{"$ref":"#/allOf/0/definitions/n"}}]}"##, instance: #"[1,"x"]"#,
            instanceLocation: "/1", keywordLocation: "/allOf/0/items/$ref/type", message: #"expected number, found string "x""#),
    ]

    @Test("each keyword's error: pointers and message", arguments: samples)
    func errors(_ sample: Sample) throws {
        let schema = try Fixtures.compile(sample.schema)
        let errors = try schema.validate(try JSONParser.parse(sample.instance))
        #expect(try !schema.isValid(try JSONParser.parse(sample.instance)))
        let error = try #require(errors.first)
        #expect(errors.count == 1)
        #expect(error.instanceLocation.description == sample.instanceLocation)
        #expect(error.keywordLocation.description == sample.keywordLocation)
        #expect(error.message == sample.message)
    }

    @Test("anyOf keeps the errors of each alternative")
    func anyOfCauses() throws {
        let schema = try Fixtures.compile(#"{"anyOf":[{"type":"string"},{"minimum":2}]}"#)
        let error = try #require(try schema.validate(1).first)
        #expect(error.message == "value does not match any of the 2 schemas in anyOf")
        #expect(error.causes.map(\.keywordLocation.description) == ["/anyOf/0/type", "/anyOf/1/minimum"])
    }

    @Test("format assertions can be switched off")
    func formatsOff() throws {
        let schema = try Fixtures.compile(#"{"format":"ipv4"}"#, formats: false)
        #expect(try schema.isValid("not an address"))
        #expect(try Fixtures.compile(#"{"format":"ipv4"}"#).isValid("not an address") == false)
    }

    @Test("every error of a payload is reported, in order")
    func allErrors() throws {
        let schema = try Fixtures.compile(#"{"items":{"properties":{"p":{"type":"number","minimum":1}}}}"#)
        let errors = try schema.validate(try JSONParser.parse(#"[{"p":"a"},{"p":0},{"p":5}]"#))
        #expect(errors.map(\.instanceLocation.description) == ["/0/p", "/1/p"])
        #expect(errors.map(\.keywordLocation.description) == ["/items/properties/p/type", "/items/properties/p/minimum"])
    }

    @Test("deeply nested instances against recursive schemas do not crash")
    func deepInstances() throws {
        let schema = try Fixtures.compile(##"{"anyOf":[{"type":"integer"},{"type":"array","items":{"$ref":"#"}}]}"##)
        let depth = 500
        let text = String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth)
        #expect(try schema.isValid(try JSONParser.parse(text)))
        let bad = String(repeating: "[", count: depth) + "\"x\"" + String(repeating: "]", count: depth)
        #expect(try !schema.isValid(try JSONParser.parse(bad)))
        #expect(try !schema.validate(try JSONParser.parse(bad)).isEmpty)
    }

    @Test("large objects and enums use their lookup tables with the same results")
    func largeTables() throws {
        var properties: [String] = []
        for index in 0..<30 { properties.append("\"p\(index)\": {\"type\": \"integer\"}") }
        let schema = try Fixtures.compile(
            "{\"properties\": {\(properties.joined(separator: ","))}, \"additionalProperties\": false, \"enum\": null}"
                .replacingOccurrences(of: ", \"enum\": null", with: ""))
        #expect(try schema.isValid(try JSONParser.parse(#"{"p3": 1, "p29": 2}"#)))
        #expect(try !schema.isValid(try JSONParser.parse(#"{"p3": 1, "q": 2}"#)))
        #expect(try !schema.isValid(try JSONParser.parse(#"{"p17": "x"}"#)))
        let values = (0..<20).map(String.init).joined(separator: ",")
        let enumeration = try Fixtures.compile("{\"enum\": [\(values), \"x\", {\"a\": [1]}]}")
        #expect(try enumeration.isValid(try JSONParser.parse("13.0")))
        #expect(try enumeration.isValid(try JSONParser.parse(#"{"a": [1.0]}"#)))
        #expect(try !enumeration.isValid(try JSONParser.parse("20")))
    }
}

@Suite("Element-by-element validation")
struct ElementwiseTests {
    @Test("available for array schemas with only type, items, minItems and maxItems")
    func availability() throws {
        var compiler = try Fixtures.labCompiler()
        #expect(try compiler.compile(model: "Items").elementwise != nil)
        #expect(try compiler.compile(model: "Item").elementwise == nil)  // an array is a type error, reported whole
        #expect(try Fixtures.compile(#"{"type": "array", "uniqueItems": true}"#).elementwise == nil)
        #expect(try Fixtures.compile(#"{"items": [{}]}"#).elementwise == nil)
        #expect(try Fixtures.compile(#"{"type": "string"}"#).elementwise == nil)
        #expect(try Fixtures.compile(#"{"anyOf": [{"type": "array"}]}"#).elementwise == nil)
    }

    @Test("gives exactly the errors of whole-document validation", arguments: [
        #"[{"ID":1},{"ID":"2","price":"x"},{"name":3}]"#, "[]", #"[1, {"ID": 1}]"#, #"[{"ID":1},{"ID":2},{"ID":3},{"ID":4}]"#,
    ])
    func sameErrors(_ text: String) throws {
        let schema = try Fixtures.compile(
            #"{"type": "array", "minItems": 1, "maxItems": 3, "items": {"$ref": "https://apigateway.amazonaws.com/restapis/x/models/Item"}}"#)
        let elementwise = try #require(schema.elementwise)
        var streamed: [ValidationError] = []
        var count = 0
        var budget = ValidationBudget()
        #expect(try JSONParser().forEachElement(in: Array(text.utf8)) { index, element in
            streamed += try! elementwise.errors(element: element, at: index, budget: &budget)
            count = index + 1
        })
        streamed += elementwise.errors(count: count)
        let whole = try schema.validate(try JSONParser.parse(text))
        let streamedText: [String] = streamed.map { "\($0.description) [\($0.keywordLocation)]" }.sorted()
        let wholeText: [String] = whole.map { "\($0.description) [\($0.keywordLocation)]" }.sorted()
        #expect(streamedText == wholeText)
    }
}

@Suite("Parallel validation of large arrays")
struct ParallelValidationTests {
    @Test("large arrays get the same answer on all cores as element by element", arguments: [-1, 0, 4_999, 9_999])
    func sameAnswer(_ badIndex: Int) throws {
        var compiler = try Fixtures.labCompiler()
        let items = try compiler.compile(model: "Items")
        let elements: [JSONValue] = (0..<10_000).map { index in
            index == badIndex ? ["ID": "not a number"] : ["ID": .number(JSONNumber(index)), "name": "Pen", "price": 2.5]
        }
        let expected = badIndex < 0
        #expect(try items.isValid(.array(elements)) == expected)
        #expect(try items.validate(.array(elements)).isEmpty == expected)
        if badIndex >= 0 {
            #expect(try items.validate(.array(elements)).first?.instanceLocation.description == "/\(badIndex)/ID")
        }
    }

    @Test("minItems and maxItems still apply to large arrays")
    func counts() throws {
        let schema = try Fixtures.compile(#"{"type": "array", "maxItems": 5000, "items": {"type": "integer"}}"#)
        #expect(try !schema.isValid(.array((0..<6000).map { .number(JSONNumber($0)) })))
        #expect(try schema.isValid(.array((0..<5000).map { .number(JSONNumber($0)) })))
    }
}
