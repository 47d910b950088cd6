import Foundation
import Synchronization
import JSONCore
import Testing

@testable import JSONSchema

/// Schemas and payloads an attacker would send (issue #11): each ends in bounded time with the
/// right answer or a typed error naming the limit and the place; none crashes.
@Suite("Hostile schemas and payloads")
struct HostileInputTests {
    func errors(_ schema: String, _ instance: String) throws -> [ValidationError] {
        try Fixtures.compile(schema).validate(try JSONParser.parse(instance))
    }

    @Test("multipleOf, maximum and enum on numbers with exponents in the billions", arguments: [
        (##"{"properties": {"price": {"multipleOf": 0.01}}}"##, ##"{"price": 1e-100000000000}"##, ["/price"]),
        (##"{"multipleOf": 7}"##, "1e-100000000000", [""]),
        (##"{"multipleOf": 1e99999999999}"##, "0.5", [""]),
        (##"{"multipleOf": 3}"##, "1e2147483647", [""]),
        (##"{"multipleOf": 3}"##, "3e2147483647", []),
        (##"{"multipleOf": 0.01}"##, "1e-2147483647", [""]),
        (##"{"maximum": 1e100000000000}"##, "1e99999999999", []),
        (##"{"minimum": 1e-100000000000}"##, "-1e-100000000000", [""]),
        (##"{"enum": [1e100000000000, 2]}"##, "10e99999999999", []),
        (##"{"uniqueItems": true}"##, "[1e20, 100000000000000000000]", [""]),
        (##"{"uniqueItems": true}"##, "[1e100000000000, 10e99999999999]", [""]),
    ])
    func hugeExponents(_ sample: (String, String, [String])) throws {
        let found = try errors(sample.0, sample.1)
        #expect(found.map(\.instanceLocation.description) == sample.2)
        #expect(try Fixtures.compile(sample.0).isValid(try JSONParser.parse(sample.1)) == sample.2.isEmpty)
    }

    @Test("a schema that applies itself to the same value is refused when it compiles, with the pointer", arguments: [
        (##"{"allOf": [{"$ref": "#"}]}"##, "", "allOf/0 → $ref"),
        (##"{"not": {"$ref": "#"}}"##, "", "not → $ref"),
        (##"{"anyOf": [{"type": "string"}, {"$ref": "#"}]}"##, "", "anyOf/1 → $ref"),
        (##"{"oneOf": [{"$ref": "#"}]}"##, "", "oneOf/0 → $ref"),
        (##"{"dependencies": {"a": {"$ref": "#"}}}"##, "", "dependencies/a → $ref"),
        (##"{"definitions": {"a": {"allOf": [{"$ref": "#/definitions/b"}]}, "b": {"anyOf": [{"$ref": "#/definitions/a"}]}}, "$ref": "#/definitions/a"}"##,
         "/definitions/a", "allOf/0 → $ref → anyOf/0 → $ref"),
    ])
    func applicatorCycles(_ sample: (String, String, String)) throws {
        do {
            _ = try Fixtures.compile(sample.0)
            Issue.record("compiled a schema that never finishes")
        } catch let error as SchemaLoadError {
            #expect(error.pointer.description == sample.1)
            #expect(error.message.contains(sample.2), "\(error.message)")
            #expect(error.message.contains("never end"))
        }
    }

    @Test("recursion that reads into the instance is fine")
    func consumingRecursion() throws {
        let tree = try Fixtures.compile(
            ##"{"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#"}}}, "anyOf": [{"required": ["name"]}, {"not": {"required": ["children"]}}]}"##)
        #expect(try tree.isValid(try JSONParser.parse(##"{"name": "a", "children": [{"name": "b"}, {"children": []}]}"##)) == false)
        #expect(try tree.isValid(try JSONParser.parse(##"{"name": "a", "children": [{"name": "b"}, {}]}"##)))
    }

    @Test("a long $ref chain is refused at compile time, not a stack overflow")
    func longReferenceChain() throws {
        var definitions: [String] = []
        for index in 0..<3_000 { definitions.append(##""d\##(index)": {"$ref": "#/definitions/d\##(index + 1)"}"##) }
        definitions.append(##""d3000": {"type": "integer"}"##)
        let schema = ##"{"$ref": "#/definitions/d0", "definitions": {"## + definitions.joined(separator: ", ") + "}}"
        #expect(throws: SchemaLoadError.self) { _ = try Fixtures.compile(schema) }
        // A chain that fits compiles and validates.
        var short: [String] = []
        for index in 0..<200 { short.append(##""d\##(index)": {"allOf": [{"$ref": "#/definitions/d\##(index + 1)"}]}"##) }
        short.append(##""d200": {"type": "integer"}"##)
        let fits = try Fixtures.compile(##"{"$ref": "#/definitions/d0", "definitions": {"## + short.joined(separator: ", ") + "}}")
        #expect(try fits.isValid(1))
        #expect(try fits.validate("x").count == 1)
    }

    @Test("a pattern that defeats backtracking gives the right verdict on every string of a payload")
    func catastrophicPatternVerdicts() throws {
        let schema = try Fixtures.compile(##"{"type": "array", "items": {"type": "string", "pattern": "^(a+)+$"}}"##)
        // (The issue's figure is 100 strings of 100,000; this debug-built test uses 20,000 to
        // stay quick. Backtracking alone would take longer than the age of the universe on either.)
        let bad = "\"" + String(repeating: "a", count: 20_000) + "!\""
        let good = "\"" + String(repeating: "a", count: 20_000) + "\""
        let payload = try JSONParser.parse("[" + Array(repeating: bad, count: 100).joined(separator: ",") + "," + good + "]")
        // Within 64 steps per byte of the payload: enough for a linear matcher.
        let limits = ValidationLimits.forPayload(bytes: 101 * 20_003)
        #expect(try schema.isValid(payload, limits: limits) == false)
        let found = try schema.validate(payload, limits: limits)
        #expect(found.count == 100)
        #expect(found.allSatisfy { $0.kind.keyword == "pattern" })
        #expect(found.last?.instanceLocation.description == "/99")
        #expect(try schema.isValid(try JSONParser.parse("[" + good + "]")))
    }

    @Test("a thousand patternProperties keys share one budget and are decided")
    func manyPatternKeys() throws {
        let schema = try Fixtures.compile(##"{"patternProperties": {"^(x+x+)+y$": {"type": "integer"}}, "additionalProperties": {"type": "string"}}"##)
        var members: [String] = []
        for index in 0..<1_000 { members.append("\"" + String(repeating: "x", count: 200) + "\(index)\": \"v\"") }
        members.append("\"xxxxy\": \"not an integer\"")
        let text = "{" + members.joined(separator: ",") + "}"
        let found = try schema.validate(try JSONParser.parse(text), limits: .forPayload(bytes: text.utf8.count))
        #expect(found.map(\.instanceLocation.description) == ["/xxxxy"])
    }

    @Test("a budget that runs out is a typed error naming the limit and the place, never a verdict")
    func budgetIsAnError() throws {
        // A backreference keeps the pattern on the backtracking machine.
        let schema = try Fixtures.compile(##"{"properties": {"list": {"items": {"properties": {"name": {"pattern": "^(a|a)*\\1b$"}}}}}}"##)
        let payload = try JSONParser.parse(##"{"list": [{"name": "aab"}, {"name": "aaab"}, {"name": "aaaab"}, {"name": "\##(String(repeating: "a", count: 60))"}]}"##)
        let limits = ValidationLimits(steps: 2_000_000)
        for attempt in 0..<2 {
            do {
                if attempt == 0 { _ = try schema.isValid(payload, limits: limits) } else { _ = try schema.validate(payload, limits: limits) }
                Issue.record("answered instead of reporting the limit")
            } catch {
                #expect(error.limit == .steps(2_000_000))
                #expect(error.instanceLocation.description == "/list/3/name")
                #expect(error.description.contains("neither valid nor invalid"))
            }
        }
    }

    @Test("anyOf branches multiplied through $refs run into the step limit instead of running for hours")
    func exponentialCombinators() throws {
        var definitions: [String] = []
        for index in 0..<40 {
            definitions.append(##""d\##(index)": {"anyOf": [{"$ref": "#/definitions/d\##(index + 1)"}, {"$ref": "#/definitions/d\##(index + 1)"}]}"##)
        }
        definitions.append(##""d40": {"type": "string"}"##)
        let schema = try Fixtures.compile(##"{"$ref": "#/definitions/d0", "definitions": {"## + definitions.joined(separator: ", ") + "}}")
        #expect(try schema.isValid("x"))
        let limits = ValidationLimits(steps: 1_000_000)
        #expect(throws: ValidationLimitExceeded.self) { _ = try schema.isValid(1, limits: limits) }
        #expect(throws: ValidationLimitExceeded.self) { _ = try schema.validate(1, limits: limits) }
    }

    @Test("long numbers against long divisors take steps from the same budget")
    func longNumberArithmetic() throws {
        let schema = try Fixtures.compile(##"{"multipleOf": 1\##(String(repeating: "7", count: 3_000))}"##)
        let number = try JSONParser.parse("1" + String(repeating: "3", count: 200_000))
        #expect(throws: ValidationLimitExceeded.self) { _ = try schema.isValid(number, limits: ValidationLimits(steps: 1_000_000)) }
        #expect(try schema.isValid(try JSONParser.parse("1" + String(repeating: "7", count: 3_000))))
    }

    @Test("payloads nested as deep as the parser allows get answers on any thread")
    func deepPayloadOnSmallStack() throws {
        let schema = try Fixtures.compile(##"{"anyOf": [{"type": "integer"}, {"type": "array", "items": {"$ref": "#"}}]}"##)
        let bad = try JSONParser.parse(String(repeating: "[", count: 510) + "\"x\"" + String(repeating: "]", count: 510))
        // A thread with a 256 KB stack: too small for the all-errors walk, which moves to a
        // thread with room instead of crashing.
        let result = Mutex<Result<[ValidationError], ValidationLimitExceeded>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            result.withLock { $0 = Result { () throws(ValidationLimitExceeded) in try schema.validate(bad) } }
            done.signal()
        }
        thread.stackSize = 256 * 1024
        thread.start()
        done.wait()
        let errors = try #require(try result.withLock { $0 }?.get())
        #expect(errors.count == 1)
        #expect(errors.first?.kind.keyword == "anyOf")
    }
}
