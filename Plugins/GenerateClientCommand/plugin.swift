import Foundation
import PackagePlugin

/// `swift package generate-client [generate-client options]`: runs the generator on the
/// package's directory, as `swift run generate-client` does in this repository:
///
///     swift package --allow-writing-to-package-directory generate-client \
///         --api Sources/MyClient/API.json --output Sources/MyClient --name MyClient
///
/// Every argument is passed on (`--check` included: exit status 1 when the files are stale).
@main
struct GenerateClientCommand: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        let tool = try context.tool(named: "generate-client")
        let process = Process()
        process.executableURL = tool.url
        process.arguments = arguments
        process.currentDirectoryURL = context.package.directoryURL
        try process.run()
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            Diagnostics.error("generate-client exited with status \(process.terminationStatus)")
        }
    }
}
