import Foundation
import Testing

/// `schema-check` is often run once per file: its start-up is part of every figure. It is
/// built on FoundationEssentials only; one `import Foundation` anywhere in its modules makes
/// the loader map full Foundation and ICU at each start (35-50% more time for a small file).
@Suite("schema-check linkage")
struct SchemaCheckLinkageTests {
    static let binary = SchemaCheckCommandTests.packageRoot + "/.build/debug/schema-check"

    @Test(
        "schema-check loads neither Foundation nor ICU",
        .enabled(if: FileManager.default.isExecutableFile(atPath: binary), "the schema-check executable is not built (swift build --product schema-check)"),
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ldd"), "/usr/bin/ldd is not installed"))
    func noFullFoundation() throws {
        let binary = Self.binary
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
