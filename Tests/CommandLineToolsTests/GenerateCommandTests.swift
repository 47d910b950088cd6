import CommandLineTools
import Foundation
import TestSupport
import Testing

@Suite("generate-client")
struct GenerateCommandTests {
    let root = SchemaCheckCommandTests.packageRoot

    @Test("--check passes on the committed ItemsClient, fails with a diff when a file is stale, and writing makes it current")
    func check() throws {
        let captured = CapturedIO()
        #expect(GenerateCommand.run(arguments: ["--check", "--api", root + "/Schemas/ItemsAPI.json", "--output", root + "/Generated/ItemsClient"], io: captured.io) == 0)

        let output = try TemporaryDirectory()
        let stale = CapturedIO()
        #expect(GenerateCommand.run(arguments: ["--check", "--api", root + "/Schemas/ItemsAPI.json", "--output", output.path], io: stale.io) == 1)
        #expect(stale.stderr.contains("missing: \(output.path)/Client.swift"))

        let written = CapturedIO()
        #expect(GenerateCommand.run(arguments: ["--api", root + "/Schemas/ItemsAPI.json", "--output", output.path], io: written.io) == 0)
        #expect(written.stdout.contains("2 of 2 files written"))
        let types = output.path + "/Types.swift"
        var text = try String(contentsOfFile: types, encoding: .utf8)
        text = text.replacingOccurrences(of: "public var price: Double?", with: "public var price: Int?")
        try text.write(toFile: types, atomically: true, encoding: .utf8)
        let diff = CapturedIO()
        #expect(GenerateCommand.run(arguments: ["--check", "--api", root + "/Schemas/ItemsAPI.json", "--output", output.path], io: diff.io) == 1)
        #expect(diff.stderr.contains("stale: \(types)"))
        #expect(diff.stderr.contains("-    public var price: Int?\n+    public var price: Double?"))
        #expect(diff.stderr.contains("regenerate with: swift run generate-client --output \(output.path)"))
    }

    @Test("--output into directories that do not exist yet creates them; one that cannot be made is exit 2 with the reason")
    func outputDirectoriesAreCreated() throws {
        let directory = try TemporaryDirectory()
        let nested = directory.path + "/Sources/My/Client"
        let written = CapturedIO()
        #expect(GenerateCommand.run(arguments: ["--api", root + "/Schemas/ItemsAPI.json", "--output", nested, "--name", "MyClient"], io: written.io) == 0)
        #expect(FileManager.default.fileExists(atPath: nested + "/Client.swift"))
        try "a file".write(toFile: directory.path + "/blocker", atomically: true, encoding: .utf8)
        let refused = CapturedIO()
        #expect(GenerateCommand.run(arguments: ["--api", root + "/Schemas/ItemsAPI.json", "--output", directory.path + "/blocker/out"], io: refused.io) == 2)
        #expect(refused.stderr.contains("cannot create the output directory \(directory.path)/blocker/out: \(directory.path)/blocker/out: Not a directory"), "\(refused.stderr)")
    }

    @Test("what the client cannot express is a warning with the file and pointer on standard error; the code is still written")
    func warnings() throws {
        let directory = try TemporaryDirectory()
        directory.write("API.json", #"""
            {"openapi": "3.0.1", "info": {"title": "OddAPI", "version": "1"},
             "paths": {"/upload": {"post": {"operationId": "upload",
                "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object"}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Open"}}}}}}}},
             "components": {"schemas": {
               "Open": {"type": "object", "properties": {"id": {"type": "integer"}}, "additionalProperties": {"type": "string"}},
               "Pair": {"type": "array", "items": [{"type": "string"}, {"type": "integer"}]},
               "Either": {"oneOf": [{"type": "object", "properties": {"a": {"type": "string"}}}, {"type": "object", "properties": {"b": {"type": "string"}}}]}}}}
            """#)
        let captured = CapturedIO()
        #expect(GenerateCommand.run(arguments: ["--api", directory.path + "/API.json", "--output", directory.path + "/out"], io: captured.io) == 0)
        #expect(captured.stderr.contains("generate-client: warning: API.json:6:12: #/components/schemas/Open: additionalProperties beside properties"), "\(captured.stderr)")
        #expect(captured.stderr.contains("warning: API.json:7:12: #/components/schemas/Pair: tuple items"), "\(captured.stderr)")
        #expect(captured.stderr.contains("warning: API.json:3:20: #/paths/~1upload/post/requestBody: the body is multipart/form-data, which is not generated"), "\(captured.stderr)")
        #expect(captured.stderr.contains("warning: API.json:8:14: #/components/schemas/Either: oneOf whose alternatives a decoder cannot tell apart"), "\(captured.stderr)")
        directory.write("Styles.json", #"""
            {"openapi": "3.0.1", "info": {"title": "StylesAPI", "version": "1"}, "paths": {"/f": {"get": {"operationId": "filter", "parameters": [
              {"name": "f", "in": "query", "style": "deepObject", "schema": {"type": "object", "properties": {"min": {"type": "integer"}}}},
              {"name": "p", "in": "query", "style": "matrix", "schema": {"type": "array", "items": {"type": "string"}}}],
              "responses": {"204": {"description": "none"}}}}}}
            """#)
        let styles = CapturedIO()
        #expect(GenerateCommand.run(arguments: ["--api", directory.path + "/Styles.json", "--output", directory.path + "/styles"], io: styles.io) == 0)
        #expect(styles.stderr.contains("#/paths/~1f/get/parameters/0/style: style deepObject is not generated: f goes out as JSON text"), "\(styles.stderr)")
        #expect(styles.stderr.contains("#/paths/~1f/get/parameters/1/style: style matrix is not generated: p goes out as JSON text"), "\(styles.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory.path + "/out/Client.swift"))
        // --no-warnings (the build plugin's `"warnings": false`): the same code, no warning printed.
        let quiet = CapturedIO()
        #expect(GenerateCommand.run(arguments: ["--api", directory.path + "/API.json", "--output", directory.path + "/quiet", "--no-warnings"], io: quiet.io) == 0)
        #expect(!quiet.stderr.contains("warning"), "\(quiet.stderr)")
        // The same types (the first line names the command, whose --output differs).
        let body = { (path: String) throws -> [Substring] in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst().map { $0 } }
        #expect(try body(directory.path + "/quiet/Types.swift") == body(directory.path + "/out/Types.swift"))
    }

    @Test("--name that cannot name a Swift type is exit 2 with a name that can; an unusual valid name compiles")
    func clientNames() throws {
        let directory = try TemporaryDirectory()
        for (name, suggestion) in [
            ("my client", "try MyClient"), ("Foo-Bar", "try FooBar"), ("123Client", "try API123Client"), ("class", "Swift keyword"),
            ("ClientError", "already uses"), ("", "needs a Swift type name"), ("Item", "the API has a model of that name"),
        ] {
            let captured = CapturedIO()
            let status = GenerateCommand.run(arguments: ["--api", root + "/Schemas/ItemsAPI.json", "--output", directory.path + "/out", "--name", name], io: captured.io)
            #expect(status == 2, "\(name)")
            #expect(captured.stderr.contains(suggestion), "\(name): \(captured.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/out/Client.swift"))
        let modules = root + "/.build/debug/Modules"
        try #require(FileManager.default.fileExists(atPath: modules + "/ClientRuntime.swiftmodule"), "no debug build of ClientRuntime to compile against")
        let written = CapturedIO()
        #expect(GenerateCommand.run(arguments: ["--api", root + "/Schemas/ItemsAPI.json", "--output", directory.path + "/ok", "--name", "_my_Client2"], io: written.io) == 0)
        let typecheck = try runCommand([
            "swiftc", "-typecheck", "-swift-version", "6", "-module-name", "Named", "-I", modules, directory.path + "/ok/Client.swift", directory.path + "/ok/Types.swift",
        ])
        #expect(typecheck.status == 0, "\(typecheck.error)")
    }

    @Test("a YAML definition and YAML model files generate as their JSON forms do; YAML errors name their line")
    func yamlDefinition() throws {
        let directory = try TemporaryDirectory()
        directory.write(
            "openapi.yaml",
            """
            openapi: 3.0.1
            info: {title: Notes, version: '1'}
            paths:
              /notes/{id}:
                get:
                  operationId: getNote
                  parameters:
                    - {name: id, in: path, required: true, schema: {type: integer}}
                  responses:
                    '200':
                      description: ok
                      content:
                        application/json:
                          schema: {$ref: 'Note.yml'}
            """)
        directory.write("Note.yml", "type: object\nproperties:\n  text: {type: string}\n  done: {type: boolean}\n")
        let captured = CapturedIO()
        #expect(GenerateCommand.run(arguments: ["--api", directory.path + "/openapi.yaml", "--output", directory.path + "/out"], io: captured.io) == 0, "\(captured.stderr)")
        let client = try String(contentsOfFile: directory.path + "/out/Client.swift", encoding: .utf8)
        let types = try String(contentsOfFile: directory.path + "/out/Types.swift", encoding: .utf8)
        #expect(client.contains("public func getNote(id: Int)"))
        #expect(types.contains("public var done: Bool?") && types.contains("public var text: String?"), "\(types)")
        directory.write("openapi.yaml", "openapi: 3.0.1\npaths:\n  /x: [\n")
        let broken = CapturedIO()
        #expect(GenerateCommand.run(arguments: ["--api", directory.path + "/openapi.yaml", "--output", directory.path + "/out"], io: broken.io) == 2)
        #expect(broken.stderr.contains("openapi.yaml:4:1:"), "\(broken.stderr)")
    }

    @Test("a bad definition exits 2 naming the file")
    func badDefinition() throws {
        let directory = try TemporaryDirectory()
        try #"{"openapi": "3.0.1", "paths": {}, "components": {"schemas": {"A": {"$ref": "Gone.json"}}}}"#.write(
            toFile: directory.path + "/API.json", atomically: true, encoding: .utf8)
        let captured = CapturedIO()
        #expect(GenerateCommand.run(arguments: ["--api", directory.path + "/API.json", "--output", directory.path + "/out"], io: captured.io) == 2)
        #expect(captured.stderr.contains("Gone.json: cannot read the file"))
        let usage = CapturedIO()
        #expect(GenerateCommand.run(arguments: ["--bogus"], io: usage.io) == 2)
    }
}
