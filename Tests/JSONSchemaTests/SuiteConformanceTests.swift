#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import JSONCore
import JSONSchema
import Testing

/// Runs the official JSON Schema Test Suite (draft-04, with optional/ and optional/format/)
/// from `$JSON_SCHEMA_TEST_SUITE`, or `../shared/json-schema-test-suite` beside the package.
enum TestSuiteLocation {
    static let environmentVariable = "JSON_SCHEMA_TEST_SUITE"

    static let directory: String? = {
        let candidates = [
            ProcessInfo.processInfo.environment[environmentVariable],
            Fixtures.packageRoot + "/../shared/json-schema-test-suite",
        ].compactMap { $0 }
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/tests/draft4") }
    }()

    static let skipReason: Comment =
        "JSON-Schema-Test-Suite not found: set JSON_SCHEMA_TEST_SUITE or place it at ../shared/json-schema-test-suite"
}

/// One test of the suite, named `file :: case :: test`.
struct SuiteTest {
    let id: String
    let group: String
    let schemaURI: String
    let data: JSONValue
    let valid: Bool
}

@Suite("JSON Schema Test Suite, draft-04")
struct SuiteConformanceTests {
    /// Exact ids of tests we do not pass, with a reason each (`id | reason`), from KnownFailures.txt.
    static func knownFailures() throws -> [String: String] {
        let path = Fixtures.packageRoot + "/Tests/JSONSchemaTests/KnownFailures.txt"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let parts = line.split(separator: "|", maxSplits: 1)
            result[parts[0].trimmingCharacters(in: .whitespaces)] = parts.count > 1 ? String(parts[1]) : ""
        }
        return result
    }

    static func load(_ root: String) throws -> (SchemaRegistry, [SuiteTest]) {
        var registry = SchemaRegistry()
        registry.mapURL(prefix: "http://localhost:1234/", toDirectory: root + "/remotes")
        var tests: [SuiteTest] = []
        let base = root + "/tests/draft4"
        let files = FileManager.default.enumerator(atPath: base)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".json") }.sorted()
        for file in files {
            let document = try SchemaRegistry.readJSON(atPath: base + "/" + file)
            for (caseIndex, testCase) in (document.arrayValue ?? []).enumerated() {
                let uri = "file:///suite/\(file.replacingOccurrences(of: "/", with: "-"))-\(caseIndex).json"
                registry.add(testCase["schema"]!, uri: uri, source: "\(file) case \(caseIndex)")
                for test in testCase["tests"]?.arrayValue ?? [] {
                    let id = "\(file) :: \(testCase["description"]!.stringValue!) :: \(test["description"]!.stringValue!)"
                    tests.append(
                        SuiteTest(
                            id: id, group: file.hasPrefix("optional/") ? "optional" : "required", schemaURI: uri,
                            data: test["data"]!, valid: test["valid"]!.boolValue!))
                }
            }
        }
        return (registry, tests)
    }

    @Test(
        "every draft-04 test passes, or is listed in KnownFailures.txt with a reason",
        .enabled(if: TestSuiteLocation.directory != nil, TestSuiteLocation.skipReason))
    func conformance() throws {
        let root = try #require(TestSuiteLocation.directory)
        let (registry, tests) = try Self.load(root)
        let known = try Self.knownFailures()
        var compiled: [String: CompiledSchema] = [:]
        var passed: [String: Int] = ["required": 0, "optional": 0]
        var failedKnown = 0
        for test in tests {
            var outcome: Bool
            do {
                if compiled[test.schemaURI] == nil {
                    var compiler = SchemaCompiler(registry: registry)
                    compiled[test.schemaURI] = try compiler.compile(uri: test.schemaURI)
                }
                let schema = compiled[test.schemaURI]!
                let fast = try schema.isValid(test.data)
                let errors = try schema.validate(test.data)
                // The yes/no path and the all-errors path must agree.
                #expect(fast == errors.isEmpty, "\(test.id): isValid says \(fast) but validate found \(errors.count) errors")
                // And the tape path, on the same document as parsed straight onto a tape.
                let onTape = try schema.isValid(JSONTape.parse(test.data.description))
                #expect(onTape == fast, "\(test.id): isValid on a tape says \(onTape), on the value \(fast)")
                outcome = fast == test.valid
            } catch {
                outcome = false
            }
            if let reason = known[test.id] {
                #expect(!outcome, "\(test.id) now passes: remove it from KnownFailures.txt (\(reason))")
                failedKnown += 1
            } else {
                #expect(outcome, "\(test.id): expected \(test.valid ? "valid" : "invalid")")
                if outcome { passed[test.group, default: 0] += 1 }
            }
        }
        #expect(known.count == failedKnown, "KnownFailures.txt lists tests that do not exist in the suite")
        print("draft-04 conformance: \(passed["required"]!) required + \(passed["optional"]!) optional passed, \(failedKnown) known failures, \(tests.count) tests")
    }
}
