import Foundation
import LambdaEnvironments
import LambdaRuntime
import Testing

@Suite("Published code")
struct PublishedCodeTests {
    @Test("a relative state directory still records published code by an absolute path (a later start in another directory runs it)")
    func relativeSnapshotDirectory() throws {
        let root = NSTemporaryDirectory() + "published-code-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root + "/code", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try "def h(e, c):\n    return 1\n".write(toFile: root + "/code/m.py", atomically: true, encoding: .utf8)
        // `.gateway/code`, as `gateway serve --state .gateway` gives it, relative to the current directory.
        let relative = "published-code-tests-" + UUID().uuidString + "/code"
        let runner = LocalCodeRunner(snapshotDirectory: relative, runtimeDirectory: root + "/runtime")
        defer {
            runner.shutdown()
            try? FileManager.default.removeItem(atPath: FileManager.default.currentDirectoryPath + "/" + String(relative.split(separator: "/")[0]))
        }
        #expect(runner.snapshotDirectory == FileManager.default.currentDirectoryPath + "/" + relative)
        let published = try runner.publish(
            function: "F", version: 1, configuration: FunctionConfiguration(handler: "m.h", runtime: "python3.13", code: root + "/code"))
        #expect(published.code?.hasPrefix("/") == true)
        #expect(FileManager.default.fileExists(atPath: published.code! + "/m.py"))
    }
}
