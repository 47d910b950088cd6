import APIModel
import ClientGenerator
import Foundation
import JSONCore
import Testing

/// One reading of the files a definition is made of, for the generator, the gateway and the
/// export: relative references from the file that writes them, absolute paths as written,
/// API Gateway model URLs to `Name.json` beside the definition.
@Suite("DefinitionFiles")
struct DefinitionFilesTests {
    @Test("file(of:from:): relative to the referring file, absolute as written, dot segments removed; none for URLs and fragments")
    func names() {
        #expect(DefinitionFiles.file(of: "Item.json", from: "API.json") == "Item.json")
        #expect(DefinitionFiles.file(of: "Tag.json#/x", from: "models/Pet.json") == "models/Tag.json")
        #expect(DefinitionFiles.file(of: "../common/Error.yaml", from: "api/API.yaml") == "common/Error.yaml")
        #expect(DefinitionFiles.file(of: "../shared/E.json", from: "API.json") == "../shared/E.json")
        #expect(DefinitionFiles.file(of: "/srv/models/./Pet.json", from: "API.json") == "/srv/models/Pet.json")
        #expect(DefinitionFiles.file(of: "Tag.json", from: "/srv/models/Pet.json") == "/srv/models/Tag.json")
        #expect(DefinitionFiles.file(of: "../Tag.json", from: "/srv/models/Pet.json") == "/srv/Tag.json")
        #expect(DefinitionFiles.file(of: "#/components/schemas/A", from: "API.json") == nil)
        #expect(DefinitionFiles.file(of: "https://example.com/x.json", from: "API.json") == nil)
        #expect(DefinitionFiles.path(of: "/srv/Tag.json", definitionDirectory: "/d") == "/srv/Tag.json")
        #expect(DefinitionFiles.path(of: "models/Tag.json", definitionDirectory: "/d") == "/d/models/Tag.json")
    }

    @Test("load: absolute $refs, files reached through files, and a model URL's file beside the definition; a missing model URL file is no error")
    func load() throws {
        let directory = NSTemporaryDirectory() + "definition-files-" + UUID().uuidString
        let elsewhere = directory + "-shared"
        defer {
            try? FileManager.default.removeItem(atPath: directory)
            try? FileManager.default.removeItem(atPath: elsewhere)
        }
        try FileManager.default.createDirectory(atPath: directory + "/models", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        let files = [
            directory + "/API.json": """
                {"openapi": "3.0.1", "info": {"title": "T", "version": "1"}, "paths": {},
                 "components": {"schemas": {
                   "Pet": {"$ref": "models/Pet.json"},
                   "Error": {"$ref": "\(elsewhere)/Error.json"},
                   "Owner": {"$ref": "https://apigateway.amazonaws.com/restapis/abc/models/Owner"}}}}
                """,
            directory + "/models/Pet.json": #"{"type": "object", "properties": {"tag": {"$ref": "Tag.yaml"}}}"#,
            directory + "/models/Tag.yaml": "type: string\n",
            directory + "/Owner.json": #"{"type": "object"}"#,
            elsewhere + "/Error.json": #"{"type": "object", "properties": {"code": {"$ref": "Code.json"}}}"#,
            elsewhere + "/Code.json": #"{"type": "integer"}"#,
        ]
        for (path, text) in files { try text.write(toFile: path, atomically: true, encoding: .utf8) }
        let (apiFile, documents) = try DefinitionFiles.load(definitionPath: directory + "/API.json")
        #expect(apiFile == "API.json")
        #expect(
            Set(documents.keys) == ["API.json", "models/Pet.json", "models/Tag.yaml", "Owner.json", elsewhere + "/Error.json", elsewhere + "/Code.json"])
        #expect(documents["models/Tag.yaml"] == ["type": "string"])

        // The generator reads the same files: the absolute model and the model URL's file are types.
        let generated = try ClientGenerator.generate(documents: documents, apiFile: apiFile, clientName: "T", command: "test")
        let text = generated.map(\.contents).joined()
        #expect(text.contains("struct Error"), "the absolute $ref is generated")
        #expect(text.contains("struct Owner"), "the model URL's file is generated")

        // A model URL whose file does not exist is no load error (the model may be the API's own).
        try #"{"openapi": "3.0.1", "paths": {}, "components": {"schemas": {"A": {"$ref": "https://apigateway.amazonaws.com/restapis/abc/models/Nobody"}}}}"#
            .write(toFile: directory + "/Optional.json", atomically: true, encoding: .utf8)
        #expect(try DefinitionFiles.load(definitionPath: directory + "/Optional.json").documents.keys.sorted() == ["Optional.json"])

        // A missing file a $ref names is an error naming the $ref and the file.
        try #"{"openapi": "3.0.1", "info": {"title": "T", "version": "1"}, "paths": {}, "components": {"schemas": {"A": {"$ref": "/nowhere/A.json"}}}}"#
            .write(toFile: directory + "/Broken.json", atomically: true, encoding: .utf8)
        #expect(throws: DefinitionFiles.LoadError.self) { try DefinitionFiles.load(definitionPath: directory + "/Broken.json") }
        do {
            _ = try DefinitionFiles.load(definitionPath: directory + "/Broken.json")
        } catch {
            #expect("\(error)".contains(#"Broken.json: #/components/schemas/A/$ref "/nowhere/A.json": /nowhere/A.json: #: cannot read the file"#), "\(error)")
        }
    }

    @Test("the generator reads members strictly: a member of the wrong shape is an error at its pointer, never silently empty")
    func strictShapes() throws {
        let operation = #"{"get": {"responses": {"200": {"description": "ok"}}}}"#
        let cases: [(String, String)] = [
            (#""servers": {"url": "https://x"}, "paths": {}"#, "#/servers: expected an array, found object"),
            (#""servers": [{"url": "https://{v}", "variables": []}], "paths": {}"#, "#/servers/0/variables: expected an object, found array"),
            (#""paths": {}, "components": {"securitySchemes": []}"#, "#/components/securitySchemes: expected an object, found array"),
            (#""paths": {"/x": {"get": {"responses": {"200": {"description": "ok", "headers": ["X-A"]}}}}}"#,
             "#/paths/~1x/get/responses/200/headers: expected an object, found array"),
            (#""paths": {"/x": \#(operation)}, "components": {"schemas": {"A": {"type": "object", "properties": []}}}"#,
             "#/components/schemas/A/properties: expected an object, found array"),
            (#""paths": {"/x": \#(operation)}, "components": {"schemas": {"A": {"type": "object", "required": "id", "properties": {"id": {"type": "string"}}}}}"#,
             "#/components/schemas/A/required: expected an array, found string"),
        ]
        for (members, message) in cases {
            let text = #"{"openapi": "3.0.1", "info": {"title": "T", "version": "1"}, "# + members + "}"
            do {
                _ = try ClientGenerator.generate(documents: ["a.json": try JSONParser().parse(Array(text.utf8))], apiFile: "a.json", clientName: "T", command: "test")
                Issue.record("accepted \(members)")
            } catch {
                #expect("\(error)".hasSuffix(message), "\(error)")
            }
        }
    }
}
