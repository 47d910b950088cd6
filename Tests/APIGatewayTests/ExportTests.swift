import APIModel
import ControlPlane
import Foundation
import HTTPCore
import JSONCore
import YAMLCore
import Testing

/// Runs openapi-spec-validator on `document`; nil when it accepts it, else its report.
func openAPIValidatorReport(_ document: JSONValue) throws -> String? {
    let file = NSTemporaryDirectory() + "export-\(UUID().uuidString).json"
    try Data(JSONWriter.pretty.bytes(document)).write(to: URL(fileURLWithPath: file))
    defer { try? FileManager.default.removeItem(atPath: file) }
    return try openAPIValidatorReport(file: file)
}

/// Runs openapi-spec-validator on a file; nil when it accepts it, else its report.
func openAPIValidatorReport(file: String) throws -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-m", "openapi_spec_validator", file]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return process.terminationStatus == 0 ? nil : text
}

/// A new empty directory under the temporary directory (the caller removes it).
func temporaryDirectory(_ prefix: String) throws -> String {
    let directory = NSTemporaryDirectory() + prefix + UUID().uuidString
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    return directory
}

/// Every `$ref` in `value`.
func references(in value: JSONValue) -> [String] {
    switch value {
    case .object(let object):
        return object.flatMap { member -> [String] in
            if member.key == "$ref", let text = member.value.stringValue { return [text] }
            return references(in: member.value)
        }
    case .array(let elements): return elements.flatMap(references)
    default: return []
    }
}

@Suite("Export (GetExport, gateway export)")
struct ExportTests {
    /// A pet store as users write them: models in files (one in a subdirectory, reached from
    /// another file), a model URL with the placeholder id, `$schema` in models, an OPTIONS
    /// method that does not declare its path parameter.
    static func petStore() throws -> String {
        let directory = try temporaryDirectory("export-")
        try FileManager.default.createDirectory(atPath: directory + "/models", withIntermediateDirectories: true)
        let mock = #""x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\"statusCode\": 200}"}, "responses": {"default": {"statusCode": "200"}}}"#
        let files = [
            "PetStore.json": """
                {"openapi": "3.0.1", "info": {"title": "PetStore", "version": "1"},
                 "x-amazon-apigateway-request-validators": {"body": {"validateRequestBody": true, "validateRequestParameters": false}},
                 "paths": {
                   "/pets": {
                     "get": {"parameters": [{"name": "type", "in": "query", "schema": {"type": "string", "enum": ["dog", "cat"]}}],
                       "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pets"}}}}}, \(mock)},
                     "post": {"x-amazon-apigateway-request-validator": "body",
                       "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewPet"}}}},
                       "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}}}, \(mock)}},
                   "/pets/{petId}": {
                     "get": {"parameters": [{"name": "petId", "in": "path", "required": true, "schema": {"type": "integer"}}],
                       "responses": {"200": {"description": "ok", "headers": {"X-Rate": {"schema": {"type": "integer"}}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}}}, \(mock)},
                     "options": {"responses": {"200": {"description": "CORS"}}, \(mock)}}},
                 "components": {
                   "securitySchemes": {"api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"}},
                   "schemas": {"Pet": {"$ref": "models/Pet.json"}, "NewPet": {"$ref": "models/NewPet.json"},
                     "Pets": {"type": "array", "items": {"$ref": "https://apigateway.amazonaws.com/restapis/YOUR_API_ID/models/Pet"}}}}}
                """,
            "models/Pet.json": #"{"$schema": "http://json-schema.org/draft-04/schema#", "id": "Pet", "type": "object", "properties": {"id": {"type": "integer"}, "tag": {"$ref": "Tag.json"}}}"#,
            "models/NewPet.json": #"{"$schema": "http://json-schema.org/draft-04/schema#", "type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}"#,
            "models/Tag.json": #"{"type": "string", "maxLength": 20}"#,
            "pets.deployment.json": #"{"apiId": "pets01", "region": "eu-west-1", "stages": {"live": {"definition": "PetStore.json"}}}"#,
        ]
        for (name, text) in files { try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8) }
        return directory
    }

    @Test("oas30 and swagger: self-contained, models inlined without $schema, path parameters declared, the stage's server")
    func selfContained() throws {
        let directory = try ExportTests.petStore()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let control = try ControlPlane.load(deploymentFile: directory + "/pets.deployment.json", stateDirectory: nil, handlers: [:])
        let oas = try control.apiGateway.export(stage: "live", format: .oas30, extensions: true)
        #expect(references(in: oas).allSatisfy { $0.hasPrefix("#/components/schemas/") }, "\(references(in: oas))")
        let schemas = oas["components"]?["schemas"]
        #expect(Set(schemas?.objectValue?.keys ?? []) == ["Pet", "NewPet", "Pets", "Tag"])
        #expect(schemas?["Pet"]?["$schema"] == nil && schemas?["Pet"]?["id"] == nil)
        #expect(schemas?["Pet"]?["properties"]?["tag"] == ["$ref": "#/components/schemas/Tag"])
        #expect(schemas?["Pets"]?["items"] == ["$ref": "#/components/schemas/Pet"])
        let optionsParameters = oas["paths"]?["/pets/{petId}"]?["options"]?["parameters"]
        #expect(optionsParameters?[0] == ["name": "petId", "in": "path", "required": true, "schema": ["type": "string"]])
        #expect(oas["servers"]?[0]?["url"] == "https://pets01.execute-api.eu-west-1.amazonaws.com/{basePath}")
        #expect(oas["servers"]?[0]?["variables"]?["basePath"]?["default"] == "live")
        #expect(oas["x-amazon-apigateway-request-validators"] != nil)
        #expect(oas["paths"]?["/pets"]?["get"]?["x-amazon-apigateway-integration"] != nil)
        let plain = try control.apiGateway.export(stage: "live", format: .oas30, extensions: false)
        #expect(!JSONWriter.compact.string(plain).contains("x-amazon-apigateway"))

        let swagger = try control.apiGateway.export(stage: "live", format: .swagger, extensions: true)
        #expect(swagger["swagger"] == "2.0")
        #expect(swagger["host"] == "pets01.execute-api.eu-west-1.amazonaws.com")
        #expect(swagger["basePath"] == "/live")
        #expect(references(in: swagger).allSatisfy { $0.hasPrefix("#/definitions/") }, "\(references(in: swagger))")
        let post = swagger["paths"]?["/pets"]?["post"]
        #expect(post?["consumes"] == ["application/json"])
        #expect(post?["parameters"]?[0] == ["in": "body", "name": "NewPet", "required": true, "schema": ["$ref": "#/definitions/NewPet"]])
        #expect(swagger["paths"]?["/pets"]?["get"]?["parameters"]?[0] == ["name": "type", "in": "query", "type": "string", "enum": ["dog", "cat"]])
        #expect(swagger["paths"]?["/pets/{petId}"]?["get"]?["responses"]?["200"]?["headers"]?["X-Rate"] == ["type": "integer"])
        #expect(swagger["securityDefinitions"]?["api_key"] == ["type": "apiKey", "name": "x-api-key", "in": "header"])
    }

    @Test(
        "every export (the pet store's and the lab's, each format, with and without extensions) passes openapi-spec-validator",
        .enabled(if: openAPIValidatorAvailable, "openapi-spec-validator is not installed (pip install openapi-spec-validator; .ci/run installs it)"))
    func exportsPassTheValidator() throws {
        let directory = try ExportTests.petStore()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let control = try ControlPlane.load(deploymentFile: directory + "/pets.deployment.json", stateDirectory: nil, handlers: [:])
        let oas = try control.apiGateway.export(stage: "live", format: .oas30, extensions: true)
        let plain = try control.apiGateway.export(stage: "live", format: .oas30, extensions: false)
        let swagger = try control.apiGateway.export(stage: "live", format: .swagger, extensions: true)
        for (name, document) in [("oas30", oas), ("oas30 without extensions", plain), ("swagger", swagger)] {
            let report = try openAPIValidatorReport(document)
            #expect(report == nil, "\(name): \(report ?? "")")
        }
        for stage in ["prod", "mock"] {
            let lab = try GatewayFixture().control
            for format in ExportFormat.allCases {
                let report = try openAPIValidatorReport(try lab.apiGateway.export(stage: stage, format: format, extensions: true))
                #expect(report == nil, "ItemsAPI \(stage) \(format): \(report ?? "")")
            }
        }
    }

    @Test("an exported definition serves as the original does")
    func exportServes() throws {
        let directory = try ExportTests.petStore()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let control = try ControlPlane.load(deploymentFile: directory + "/pets.deployment.json", stateDirectory: nil, handlers: [:])
        let exported = try control.apiGateway.export(stage: "live", format: .oas30, extensions: true)
        let again = try temporaryDirectory("export-again-")
        defer { try? FileManager.default.removeItem(atPath: again) }
        try Data(JSONWriter.pretty.bytes(exported)).write(to: URL(fileURLWithPath: again + "/Exported.json"))
        try #"{"apiId": "pets01", "stages": {"live": {"definition": "Exported.json"}}}"#.write(toFile: again + "/d.json", atomically: true, encoding: .utf8)
        let reloaded = try ControlPlane.load(deploymentFile: again + "/d.json", stateDirectory: nil, handlers: [:])
        for gateway in [control.gateway, reloaded.gateway] {
            let json: HTTPHeaders = ["Content-Type": "application/json"]
            #expect(gateway.respond(to: .init(method: "POST", target: "/live/pets", headers: json, body: Array(#"{"name": "Rex"}"#.utf8))).status == 200)
            #expect(gateway.respond(to: .init(method: "POST", target: "/live/pets", headers: json, body: Array(#"{"tag": 1}"#.utf8))).status == 400)
        }
    }

    @Test("GetExport over the AWS API: the body, its content type and file name; unknown types and stages refused")
    func getExport() throws {
        let api = try ControlFixture()
        let answer = try api.call("apigateway", "GET", "/restapis/itemsapi01/stages/prod/exports/swagger?extensions=apigateway", headers: [("Accept", "application/json")])
        #expect(answer.status == 200)
        #expect(answer.headers["Content-Type"] == "application/json")
        #expect(answer.headers["Content-Disposition"] == "attachment; filename=\"itemsapi01-prod-swagger-apigateway.json\"")
        #expect(answer.json["swagger"] == "2.0")
        #expect(answer.json["x-amazon-apigateway-api-key-source"] == "HEADER")
        let plain = try api.call("apigateway", "GET", "/restapis/itemsapi01/stages/prod/exports/oas30")
        #expect(plain.json["openapi"] == "3.0.1")
        #expect(plain.json["x-amazon-apigateway-api-key-source"] == nil)
        let unknown = try api.call("apigateway", "GET", "/restapis/itemsapi01/stages/prod/exports/postman")
        #expect(unknown.status == 400)
        #expect(unknown.headers["x-amzn-ErrorType"] == "BadRequestException")
        let missing = try api.call("apigateway", "GET", "/restapis/itemsapi01/stages/nope/exports/oas30")
        #expect(missing.status == 404)
    }
}

@Suite("Exports and definitions in YAML")
struct YAMLExportTests {
    @Test(
        "GetExport with Accept: application/yaml answers YAML that reads back to the JSON export's value and that openapi-spec-validator accepts",
        .enabled(if: openAPIValidatorAvailable, "openapi-spec-validator is not installed (pip install openapi-spec-validator)"))
    func yamlExport() throws {
        let api = try ControlFixture()
        for format in ["oas30", "swagger"] {
            let json = try api.call("apigateway", "GET", "/restapis/itemsapi01/stages/prod/exports/\(format)?extensions=apigateway", headers: [("Accept", "application/json")])
            let yaml = try api.call("apigateway", "GET", "/restapis/itemsapi01/stages/prod/exports/\(format)?extensions=apigateway", headers: [("Accept", "application/yaml")])
            #expect(yaml.headers["Content-Type"] == "application/yaml")
            #expect(yaml.headers["Content-Disposition"] == "attachment; filename=\"itemsapi01-prod-\(format)-apigateway.yaml\"")
            let text = String(decoding: yaml.body, as: UTF8.self)
            #expect(!text.hasPrefix("{"), "\(format): JSON text, not YAML")
            #expect(try YAMLReader().parse(yaml.body) == json.json, "\(format)")
            let file = NSTemporaryDirectory() + "export-\(UUID().uuidString).yaml"
            try Data(yaml.body).write(to: URL(fileURLWithPath: file))
            defer { try? FileManager.default.removeItem(atPath: file) }
            let report = try openAPIValidatorReport(file: file)
            #expect(report == nil, "\(format): \(report ?? "")")
        }
    }

    @Test("a deployment file and the definition it names in YAML serve as their JSON forms do; errors name YAML lines")
    func yamlDefinitions() throws {
        let directory = try temporaryDirectory("yaml-definition-")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let control = try GatewayFixture().control
        let exported = try control.apiGateway.export(stage: "mock", format: .oas30, extensions: true)
        try YAMLWriter.string(exported).write(toFile: directory + "/api.yaml", atomically: true, encoding: .utf8)
        try "stages:\n  mock:\n    definition: api.yaml\n".write(toFile: directory + "/d.yml", atomically: true, encoding: .utf8)
        let reloaded = try ControlPlane.load(deploymentFile: directory + "/d.yml", stateDirectory: nil, handlers: [:])
        let original = control.gateway.respond(to: .init(method: "GET", target: "/mock/items/2"))
        let fromYAML = reloaded.gateway.respond(to: .init(method: "GET", target: "/mock/items/2"))
        #expect(fromYAML.status == 200 && fromYAML.body == original.body)
        try "stages:\n  mock:\n    definition: api.yaml\n    cache:\n      enabled: maybe\n".write(toFile: directory + "/d.yml", atomically: true, encoding: .utf8)
        #expect {
            _ = try ControlPlane.load(deploymentFile: directory + "/d.yml", stateDirectory: nil, handlers: [:])
        } throws: { "\($0)".contains("d.yml:5:16: #/stages/mock/cache/enabled: expected true or false") }
    }
}
