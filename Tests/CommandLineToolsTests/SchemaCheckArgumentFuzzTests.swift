import CommandSupport
import Foundation
@testable import SchemaCheck
import Testing
import TestSupport

/// Random command lines, seeded: whatever the arguments, `schema-check` ends with a status it
/// documents and says something (it once crashed on a directory without payloads).
@Suite("schema-check: random command lines")
struct SchemaCheckArgumentFuzzTests {
    @Test("random argument lists: exit 0, 1 or 2; 2 always says why on standard error; 0 and 1 always print a report")
    func randomArguments() throws {
        let directory = try TemporaryDirectory()
        let root = directory.path
        for folder in ["/fx/a", "/fx/.hidden", "/empty/inner", "/bad"] {
            try FileManager.default.createDirectory(atPath: root + folder, withIntermediateDirectories: true)
        }
        directory.write("fx/a/list.json", #"[{"ID": 1, "name": "a", "price": 1}]"#)
        directory.write("fx/one.json", #"{"ID": "1"}"#)
        directory.write("bad/broken.json", "{")
        directory.write("fx/.hidden/x.json", "[]")
        directory.write("fx/notes.txt", "text")
        let schemas = SchemaCheckCommandTests.schemas
        // Command lines shaped like real ones (a model, options, payloads), with junk mixed in.
        let models = [["-s", "Items"], ["-s", "Item"], ["-sItems"], ["--schema=Item"], ["--map", root + "/fx/*.json=Item", "--map", "**=Items"],
                      ["-s", "Nope"], ["--map", "=", "-s", "Items"], []]
        let goodOptions = [["-d", schemas], ["--exclude", "**/one.json"], ["--format", "json"], ["--format", "github"], ["--format", "junit"],
                           ["--format", "sarif"], ["--format", "text"], ["--format=json"], ["--max-steps", "1000"], ["--max-bytes", "1K"],
                           ["--map-url", "http://x/=" + schemas], ["--no-format-assertions"]]
        let badOptions = [["-d", root + "/nowhere"], ["--exclude", ""], ["--format", "xml"], ["--max-steps", "0"], ["--max-steps", "1"],
                          ["--max-bytes", "2"], ["--max-bytes", "-1"], ["--bogus"], ["-h"], ["--version"], ["\u{1B}[31m"], ["--format"]]
        let goodOperands = ["-", root + "/fx", root + "/fx/", root + "/fx/**/*.json", root + "/fx/one.json", root + "/fx/a/list.json",
                            root + "/fx/**/.*/*", root + "/fx/*/list.json"]
        let badOperands = [root + "/empty", root + "/fx/[a-", root + "/bad", root + "/bad/broken.json", root + "/fx/notes.txt", "/dev/null",
                           root + "/fx/missing.json", ""]
        let seed = ProcessInfo.processInfo.environment["SCHEMA_CHECK_ARGUMENTS_SEED"].flatMap { UInt64($0) } ?? TestSeed.value()
        print("schema-check random command lines seed: \(seed) (TEST_SEED or SCHEMA_CHECK_ARGUMENTS_SEED replays it)")
        var generator = SeededGenerator(seed: seed)
        var statuses: [Int32: Int] = [:]
        for _ in 0..<400 {
            func pick<T>(_ list: [T]) -> T { list[Int.random(in: 0..<list.count, using: &generator)] }
            var arguments = ["-d", schemas] + pick(models)
            func chance(_ one: Int) -> Bool { Int.random(in: 0..<one, using: &generator) == 0 }
            for _ in 0..<Int.random(in: 0...2, using: &generator) { arguments += chance(4) ? pick(badOptions) : pick(goodOptions) }
            for _ in 0..<Int.random(in: 0...3, using: &generator) { arguments.append(chance(5) ? pick(badOperands) : pick(goodOperands)) }
            if Int.random(in: 0..<8, using: &generator) == 0 { arguments.shuffle(using: &generator) }
            let captured = CapturedIO(input: #"{"ID": 1, "name": "a", "price": 1}"#)
            let status = SchemaCheckCommand.run(arguments: arguments, io: captured.io)
            #expect([0, 1, 2].contains(status), "\(arguments)")
            statuses[status, default: 0] += 1
            if status == 2 {
                #expect(captured.stderr.hasPrefix("schema-check: ") || captured.stdout.contains("Usage:"), "\(arguments): \(captured.stderr)")
            } else if !arguments.contains("-h"), !arguments.contains("--help"), !arguments.contains("--version") {
                #expect(!captured.stdout.isEmpty, "\(arguments)")
            }
            // Hidden entries are found only when the pattern spells the dot.
            if captured.stdout.contains("/.hidden/") {
                #expect(arguments.contains(root + "/fx/**/.*/*"), "\(arguments)")
            }
        }
        print("schema-check random command lines: exit statuses \(statuses.sorted { $0.key < $1.key })")
        // Enough of the runs got past the argument checks to test the checking itself.
        #expect(statuses[0, default: 0] >= 5 && statuses[1, default: 0] >= 5 && statuses[2, default: 0] >= 5, "\(statuses)")
    }
}
