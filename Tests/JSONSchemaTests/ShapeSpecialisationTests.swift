import JSONCore
import JSONSchema
import TestSupport
import Testing

/// The one-pass check of simple object shapes against the general checks: the same schema
/// with `"minProperties": 0` added (which changes nothing but is not a shape) must always
/// give the same answers.
@Suite("specialised object shapes agree with the general checks")
struct ShapeSpecialisationTests {
    @Test("random shape schemas and payloads, single objects and long arrays (seeded)")
    func agree() throws {
        let seed = TestSeed.value()
        print("ShapeSpecialisationTests: seed \(seed)")
        var generator = SeededGenerator(seed: seed)
        // Short names are stored inline, long ones on the heap (the key comparison has a fast
        // path for keys stored alike); "e\u{301}" is canonically equal to "é" but another key.
        let names = ["ID", "name", "price", "é", "a/b", "tag", "a-rather-long-property-name", "prix-unitaire-en-€"]
        let payloadNames = names + ["e\u{301}", "a-rather-long-property-nam" + "e"]
        // Single types (each checked by one comparison of the value's case) and type lists.
        let types: [JSONValue] = ["number", "integer", "string", "boolean", "null", ["integer", "number"], ["string", "null"]]
        for _ in 0..<30 {
            var properties = JSONObject()
            let declared = names.shuffled(using: &generator).prefix(Int.random(in: 1...5, using: &generator))
            for name in declared { properties[name] = ["type": types.randomElement(using: &generator)!] }
            var schema = JSONObject()
            schema["type"] = "object"
            schema["properties"] = .object(properties)
            let required = declared.filter { _ in Bool.random(using: &generator) }
            if !required.isEmpty { schema["required"] = .array(required.map { .string($0) }) }
            if Bool.random(using: &generator) { schema["additionalProperties"] = false }
            var general = schema
            general["minProperties"] = 0
            let item = try Fixtures.compile(JSONValue.object(schema).description)
            let itemGeneral = try Fixtures.compile(JSONValue.object(general).description, uri: "urn:test:general")
            func list(_ items: JSONObject, _ uri: String) throws -> CompiledSchema {
                var listSchema = JSONObject()
                listSchema["type"] = "array"
                listSchema["items"] = .object(items)
                return try Fixtures.compile(JSONValue.object(listSchema).description, uri: uri)
            }
            let shapeList = try list(schema, "urn:test:list")
            let generalList = try list(general, "urn:test:general-list")
            var elements: [JSONValue] = []
            for _ in 0..<(Bool.random(using: &generator) ? 4200 : 20) {
                var object = JSONObject()
                let values: [JSONValue] = [1, 2.5, 1e2, "x", true, .null, [:], []]
                if Bool.random(using: &generator) {
                    // Payloads usually follow the schema's order (its in-order path): a prefix
                    // of the declared names in order, sometimes one more name after them.
                    for name in declared.prefix(Int.random(in: 0...declared.count, using: &generator)) {
                        object[name] = values.randomElement(using: &generator)!
                    }
                    if Int.random(in: 0..<4, using: &generator) == 0 {
                        object[payloadNames.randomElement(using: &generator)!] = values.randomElement(using: &generator)!
                    }
                } else {
                    for name in payloadNames.shuffled(using: &generator) where Int.random(in: 0..<3, using: &generator) > 0 {
                        object[name] = values.randomElement(using: &generator)!
                    }
                }
                // Half the objects as the parser builds them (keys from the payload's bytes).
                let element: JSONValue = Bool.random(using: &generator) ? .object(object) : try JSONParser.parse(JSONValue.object(object).description)
                elements.append(Int.random(in: 0..<20, using: &generator) == 0 ? "not an object" : element)
            }
            for element in elements.prefix(40) {
                let expected = try itemGeneral.isValid(element)
                #expect(try item.isValid(element) == expected, "seed \(seed): \(schema) on \(element)")
                #expect(try item.isValid(JSONTape.parse(element.description)) == expected, "seed \(seed), on a tape: \(schema) on \(element)")
            }
            // Mostly valid long arrays reach the element loop of the parallel yes/no path.
            let valid = try elements.filter { try itemGeneral.isValid($0) }
            for array in [JSONValue.array(elements), .array(valid), .array(valid + [elements[0]])] {
                let expected = try generalList.isValid(array)
                #expect(try shapeList.isValid(array) == expected, "seed \(seed): \(schema)")
                #expect(try shapeList.isValid(JSONTape.parse(array.description)) == expected, "seed \(seed), on a tape: \(schema)")
            }
        }
    }
}

