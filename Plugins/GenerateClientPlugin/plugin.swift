import Foundation
import PackagePlugin

/// Generates a typed client at build time from an API definition in the target's directory.
///
/// Put `generate-client.json` beside the target's sources:
///
///     {"api": "PetStoreAPI.json", "name": "PetStoreClient", "decimal": false, "nestedTypes": false, "warnings": true}
///
/// `api` is the definition (OpenAPI 3.0/3.1 or Swagger 2.0, JSON or YAML), relative to the target's
/// directory; model files it references are read beside it. `name` is the client type
/// (default: from the title). `"warnings": false` keeps the generator's warnings (what the
/// client cannot express) out of the build log. The generated `Client.swift` and the models
/// (`Types.swift`, `Types2.swift`, …: four files, more for a large API, so that it compiles on
/// several cores), are compiled into the target (which depends on `ClientRuntime`) and regenerated
/// when any JSON or YAML file in the target's directory changes. Exclude the JSON files from
/// the target (`exclude:`) so that SwiftPM does not ask what they are.
@main
struct GenerateClientPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) async throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let directory = target.directoryURL
        let configURL = directory.appendingPathComponent("generate-client.json")
        guard let data = FileManager.default.contents(atPath: configURL.path) else {
            throw PluginFailure("\(target.name): no generate-client.json in \(directory.path) (it names the API: {\"api\": \"API.json\"})")
        }
        let config: Configuration
        do {
            config = try JSONDecoder().decode(Configuration.self, from: data)
        } catch {
            throw PluginFailure("\(configURL.path): \(error)")
        }
        let api = config.api.hasPrefix("/") ? URL(fileURLWithPath: config.api) : directory.appendingPathComponent(config.api)
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("GeneratedClient")
        var arguments = ["--api", api.path, "--output", output.path]
        if let name = config.name { arguments += ["--name", name] }
        if config.decimal == true { arguments.append("--decimal") }
        if config.nestedTypes == true { arguments.append("--nested-types") }
        if config.warnings == false { arguments.append("--no-warnings") }
        // Every JSON and YAML file in the target's directory, at any depth (a definition split
        // across `spec/` and `common/`): a change to any of them regenerates the client.
        let inputs = (FileManager.default.subpaths(atPath: directory.path) ?? []).sorted()
            .filter { $0.hasSuffix(".json") || $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            .map { directory.appendingPathComponent($0) }
        let definitionBytes = inputs.reduce(0) { total, url in
            total + ((try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0)
        }
        let typeFiles = Self.typeFiles(definitionBytes: definitionBytes)
        arguments += ["--type-files", String(typeFiles)]
        return [
            .buildCommand(
                displayName: "Generating the client for \(target.name) from \(config.api)",
                executable: try context.tool(named: "generate-client").url,
                arguments: arguments,
                inputFiles: inputs + [configURL],
                outputFiles: [output.appendingPathComponent("Client.swift"), output.appendingPathComponent("Types.swift")]
                    + (2...typeFiles).map { output.appendingPathComponent("Types\($0).swift") })
        ]
    }

    /// How many files the models go into: four for most APIs; one per 24 KB of definition for
    /// a large one (up to 128), because the compiler driver batches a module's files 25 to a
    /// job and runs as many jobs at once as there are cores — OpenAI's 2.9 MB description in four
    /// files makes two jobs that often run one after the other (about 110 s to compile on two
    /// cores), in 120 files five jobs that keep both cores busy (about 55 s).
    static func typeFiles(definitionBytes: Int) -> Int {
        min(128, max(4, definitionBytes / 24_000))
    }

    struct Configuration: Decodable {
        let api: String
        let name: String?
        let decimal: Bool?
        let nestedTypes: Bool?
        let warnings: Bool?
    }
}

struct PluginFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
