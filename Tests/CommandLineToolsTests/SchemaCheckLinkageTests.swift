import Foundation
import Testing

/// `schema-check` is often run once per file: its start-up is part of every figure. It is
/// built on FoundationEssentials only; one `import Foundation` anywhere in its modules makes
/// the loader map full Foundation and ICU at each start (35-50% more time for a small file).
@Suite("schema-check linkage")
struct SchemaCheckLinkageTests {
    @Test("schema-check loads neither Foundation nor ICU")
    func noFullFoundation() throws {
        let binary = SchemaCheckCommandTests.packageRoot + "/.build/debug/schema-check"
        guard FileManager.default.isExecutableFile(atPath: binary), FileManager.default.isExecutableFile(atPath: "/usr/bin/ldd") else {
            print("skipped: needs .build/debug/schema-check (swift build) and /usr/bin/ldd")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ldd")
        process.arguments = [binary]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(text.contains("libFoundationEssentials"), "ldd printed: \(text)")
        for library in ["libFoundation.so", "libFoundationInternationalization.so", "lib_FoundationICU.so"] {
            #expect(!text.contains(library), "schema-check links \(library)")
        }
    }
}
