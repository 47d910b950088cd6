import Foundation
import JSONCore
import Testing
import YAMLCore

/// The YAML test suite's data (`../shared/yaml-test-suite`, or `YAML_TEST_SUITE`).
enum YAMLSuite {
    static let packageRoot: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    static let directory: String = ProcessInfo.processInfo.environment["YAML_TEST_SUITE"] ?? packageRoot + "/../shared/yaml-test-suite"

    static var available: Bool { FileManager.default.fileExists(atPath: directory) }

    struct Case {
        let name: String
        let path: String
        var input: [UInt8]
        var json: [UInt8]?
        var isError: Bool
    }

    /// Every case, sub-cases included, in name order.
    static func cases() -> [Case] {
        var result: [Case] = []
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: directory) else { return [] }
        for name in names.sorted() {
            let path = directory + "/" + name
            var candidates = [(name, path)]
            if !manager.fileExists(atPath: path + "/in.yaml"), let inner = try? manager.contentsOfDirectory(atPath: path) {
                candidates = inner.sorted().map { (name + "/" + $0, path + "/" + $0) }
            }
            for (caseName, casePath) in candidates {
                guard let input = manager.contents(atPath: casePath + "/in.yaml") else { continue }
                result.append(
                    Case(
                        name: caseName, path: casePath, input: Array(input), json: manager.contents(atPath: casePath + "/in.json").map { Array($0) },
                        isError: manager.fileExists(atPath: casePath + "/error")))
            }
        }
        return result
    }

    /// The JSON values of a text holding several, one after another.
    static func jsonValues(_ bytes: [UInt8]) throws -> [JSONValue] {
        var values: [JSONValue] = []
        var index = 0
        while index < bytes.count {
            while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
            guard index < bytes.count else { break }
            // One value's end: balanced brackets outside strings, or a scalar's end.
            var depth = 0
            var inString = false
            var end = index
            repeat {
                let byte = bytes[end]
                if inString {
                    if byte == UInt8(ascii: "\\") { end += 1 } else if byte == UInt8(ascii: "\"") { inString = false }
                } else if byte == UInt8(ascii: "\"") {
                    inString = true
                } else if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
                    depth += 1
                } else if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") {
                    depth -= 1
                } else if depth == 0, [0x20, 0x0A, 0x0D, 0x09].contains(byte) {
                    break
                }
                end += 1
            } while end < bytes.count && (depth > 0 || inString || ![0x20, 0x0A, 0x0D, 0x09].contains(bytes[end]) || false) && !(depth == 0 && !inString && end > index && (bytes[end - 1] == UInt8(ascii: "]") || bytes[end - 1] == UInt8(ascii: "}") || (bytes[index] == UInt8(ascii: "\"") && bytes[end - 1] == UInt8(ascii: "\"") && end - 1 > index)))
            values.append(try JSONParser().parse(Array(bytes[index..<end])))
            index = end
        }
        return values
    }
}

@Suite("YAML test suite", .enabled(if: YAMLSuite.available, "the YAML test suite's data is not at ../shared/yaml-test-suite (set YAML_TEST_SUITE)"))
struct YAMLSuiteTests {
    @Test("every case with in.json reads to those values; every error case is refused with a position")
    func conformance() throws {
        let reader = YAMLReader(options: YAMLReader.Options(unknownTags: .untagged))
        var passed = 0, failed: [String] = [], refusedByDesign: [String] = [], errorsPassed = 0, errorsMissed: [String] = []
        var withoutJSON = 0, withoutJSONRead = 0, withoutJSONRefused: [String] = []
        for sample in YAMLSuite.cases() {
            if sample.isError {
                do {
                    _ = try reader.documents(sample.input)
                    errorsMissed.append(sample.name)
                } catch {
                    #expect(error.line >= 1 && error.column >= 1)
                    errorsPassed += 1
                }
                continue
            }
            guard let json = sample.json else {
                // No JSON form (a complex or null key, …): read or refused, never a crash.
                withoutJSON += 1
                do {
                    _ = try reader.documents(sample.input)
                    withoutJSONRead += 1
                } catch {
                    withoutJSONRefused.append("\(sample.name): \(error)")
                }
                continue
            }
            let expected = try YAMLSuite.jsonValues(json)
            do {
                let documents = try reader.documents(sample.input)
                let values = documents.map(\.value)
                if values == expected || (expected.isEmpty && values.allSatisfy { $0 == .null }) {
                    passed += 1
                } else {
                    failed.append("\(sample.name): got \(values.map(\.description)) expected \(expected.map(\.description))")
                }
            } catch {
                if [.complexKey, .notJSON].contains(error.kind) {
                    refusedByDesign.append("\(sample.name): \(error)")
                } else {
                    failed.append("\(sample.name): refused: \(error)")
                }
            }
        }
        print("YAML suite: \(passed) in.json cases read exactly, \(failed.count) not; \(refusedByDesign.count) refused by design; \(errorsPassed) error cases refused, \(errorsMissed.count) accepted; \(withoutJSON) cases without a JSON form (\(withoutJSONRead) read, \(withoutJSONRefused.count) refused)")
        for line in withoutJSONRefused { print("  NO JSON FORM, REFUSED \(line)") }
        for line in failed { print("  FAIL \(line)") }
        for line in errorsMissed { print("  ACCEPTED \(line)") }
        #expect(failed.isEmpty)
        #expect(errorsMissed.isEmpty)
    }
}
