import APIModel
import ClientGenerator
import ControlPlane
import Foundation
import HTTPCore
import JSONCore
import Testing
import YAMLCore

/// One API written three ways: OpenAPI 3.0, OpenAPI 3.1 and Swagger 2.0.
enum PetStoreDialects {
    static let integration = #"""
        "x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\"statusCode\": 200}"},
          "responses": {"default": {"statusCode": "200", "responseTemplates": {"application/json": "{\"id\": $input.params('petId')1, \"name\": \"Rex\"}"}}}}
        """#

    static let openAPI30 = """
        {"openapi": "3.0.1", "info": {"title": "PetStoreAPI", "version": "1"}, "servers": [{"url": "https://example.execute-api.us-east-1.amazonaws.com/live"}],
         "x-amazon-apigateway-request-validators": {"all": {"validateRequestBody": true, "validateRequestParameters": true}},
         "paths": {
           "/pets": {
             "get": {"operationId": "listPets", "x-amazon-apigateway-request-validator": "all",
               "parameters": [{"name": "limit", "in": "query", "required": true, "schema": {"type": "integer"}}],
               "responses": {"200": {"description": "the pets", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pets"}}}}},
               \(integration)},
             "post": {"operationId": "addPet", "security": [{"api_key": []}], "x-amazon-apigateway-request-validator": "all",
               "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewPet"}}}},
               "responses": {"200": {"description": "the pet", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}}},
               \(integration)}},
           "/pets/{petId}": {
             "get": {"operationId": "getPet",
               "parameters": [{"name": "petId", "in": "path", "required": true, "schema": {"type": "integer"}},
                              {"name": "X-Trace", "in": "header", "required": false, "schema": {"type": "string"}}],
               "responses": {"200": {"description": "the pet", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}},
                             "404": {"description": "no such pet", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
               \(integration)}}},
         "components": {
           "securitySchemes": {"api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"}},
           "schemas": {
             "Pet": {"type": "object", "required": ["id", "name"], "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "tag": {"type": "string"}}},
             "NewPet": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string", "minLength": 1}, "tag": {"type": "string"}}},
             "Pets": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}},
             "Error": {"type": "object", "properties": {"message": {"type": "string"}}}}}}
        """

    static var openAPI31: String { openAPI30.replacingOccurrences(of: #""openapi": "3.0.1""#, with: #""openapi": "3.1.0""#) }

    static let swagger20 = """
        {"swagger": "2.0", "info": {"title": "PetStoreAPI", "version": "1"},
         "host": "example.execute-api.us-east-1.amazonaws.com", "basePath": "/live", "schemes": ["https"],
         "consumes": ["application/json"], "produces": ["application/json"],
         "x-amazon-apigateway-request-validators": {"all": {"validateRequestBody": true, "validateRequestParameters": true}},
         "paths": {
           "/pets": {
             "get": {"operationId": "listPets", "x-amazon-apigateway-request-validator": "all",
               "parameters": [{"name": "limit", "in": "query", "required": true, "type": "integer"}],
               "responses": {"200": {"description": "the pets", "schema": {"$ref": "#/definitions/Pets"}}},
               \(integration)},
             "post": {"operationId": "addPet", "security": [{"api_key": []}], "x-amazon-apigateway-request-validator": "all",
               "parameters": [{"in": "body", "name": "NewPet", "required": true, "schema": {"$ref": "#/definitions/NewPet"}}],
               "responses": {"200": {"description": "the pet", "schema": {"$ref": "#/definitions/Pet"}}},
               \(integration)}},
           "/pets/{petId}": {
             "get": {"operationId": "getPet",
               "parameters": [{"name": "petId", "in": "path", "required": true, "type": "integer"},
                              {"name": "X-Trace", "in": "header", "required": false, "type": "string"}],
               "responses": {"200": {"description": "the pet", "schema": {"$ref": "#/definitions/Pet"}},
                             "404": {"description": "no such pet", "schema": {"$ref": "#/definitions/Error"}}},
               \(integration)}}},
         "securityDefinitions": {"api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"}},
         "definitions": {
           "Pet": {"type": "object", "required": ["id", "name"], "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "tag": {"type": "string"}}},
           "NewPet": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string", "minLength": 1}, "tag": {"type": "string"}}},
           "Pets": {"type": "array", "items": {"$ref": "#/definitions/Pet"}},
           "Error": {"type": "object", "properties": {"message": {"type": "string"}}}}}
        """

    static let all = [("OpenAPI 3.0", openAPI30), ("OpenAPI 3.1", openAPI31), ("Swagger 2.0", swagger20)]
}

@Suite("One reader for three dialects (OpenAPI 3.0, 3.1, Swagger 2.0)")
struct DialectTests {
    /// What the importer made of a definition, as comparable text.
    static func summary(_ api: RestAPI) -> [String] {
        var lines = ["title \(api.title)", "models \(api.modelNames.sorted())"]
        for resource in api.resources.sorted(by: { $0.path < $1.path }) {
            for (verb, method) in resource.methods.sorted(by: { $0.key < $1.key }) {
                lines.append(
                    "\(verb) \(resource.path) op=\(method.operationId ?? "-") key=\(method.apiKeyRequired) params=\(method.requestParameters.map { "\($0.0)=\($0.1)" }.sorted()) "
                        + "body=\(method.requestModels.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }) validator=\(method.requestValidator ?? "-") "
                        + "responses=\(method.responseModels.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value.sorted { $0.key < $1.key })" }) integration=\(method.integration.kind)")
            }
        }
        return lines
    }

    @Test("the same model, the same answers and byte-identical generated code from each dialect")
    func sameEverywhere() throws {
        var summaries: [String: [String]] = [:]
        var answers: [String: [String]] = [:]
        var generated: [String: [GeneratedFile]] = [:]
        for (dialect, text) in PetStoreDialects.all {
            let document = try JSONParser().parse(Array(text.utf8))
            summaries[dialect] = DialectTests.summary(try OpenAPIImporter.importAPI(document, file: "PetStore.json", uri: "file:///pets/PetStore.json"))
            generated[dialect] = try ClientGenerator.generate(documents: ["PetStore.json": document], apiFile: "PetStore.json", command: "generate-client")

            let directory = try temporaryDirectory("dialect-")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try text.write(toFile: directory + "/PetStore.json", atomically: true, encoding: .utf8)
            try #"{"apiId": "pets01", "stages": {"live": {"definition": "PetStore.json"}}, "apiKeys": {"K": {"enabled": true, "value": "0123456789abcdefghij0123456789", "usagePlans": ["P"]}}, "usagePlans": {"P": {"stages": ["live"]}}}"#
                .write(toFile: directory + "/d.json", atomically: true, encoding: .utf8)
            let gateway = try ControlPlane.load(deploymentFile: directory + "/d.json", stateDirectory: nil, handlers: [:]).gateway
            let json: HTTPHeaders = ["Content-Type": "application/json"]
            var keyed = json
            keyed.add("x-api-key", "0123456789abcdefghij0123456789")
            let requests: [HTTPRequest] = [
                HTTPRequest(method: "GET", target: "/live/pets?limit=2"),
                HTTPRequest(method: "GET", target: "/live/pets"),  // a required query parameter missing: 400
                HTTPRequest(method: "GET", target: "/live/pets/7"),
                HTTPRequest(method: "POST", target: "/live/pets", headers: keyed, body: Array(#"{"name": "Rex"}"#.utf8)),
                HTTPRequest(method: "POST", target: "/live/pets", headers: keyed, body: Array(#"{"name": ""}"#.utf8)),  // invalid body: 400
                HTTPRequest(method: "POST", target: "/live/pets", headers: json, body: Array(#"{"name": "Rex"}"#.utf8)),  // no key: 403
            ]
            answers[dialect] = requests.map { request in
                let response = gateway.respond(to: request)
                return "\(request.method) \(request.target) \(response.status) \(String(decoding: response.body, as: UTF8.self))"
            }
        }
        let reference = "OpenAPI 3.0"
        #expect(answers[reference]?.map { $0.split(separator: " ")[2] } == ["200", "400", "200", "200", "400", "403"], "\(answers[reference] ?? [])")
        for (dialect, _) in PetStoreDialects.all where dialect != reference {
            #expect(summaries[dialect] == summaries[reference], "\(dialect): \(summaries[dialect] ?? []) vs \(summaries[reference] ?? [])")
            #expect(answers[dialect] == answers[reference], "\(dialect)")
            for (mine, theirs) in zip(generated[dialect] ?? [], generated[reference] ?? []) {
                #expect(mine.name == theirs.name)
                #expect(mine.contents == theirs.contents, "\(dialect): \(mine.name) differs")
            }
        }
    }

    @Test("the gateway and the generator apply one key rule: operation-level security naming an x-api-key header scheme")
    func oneKeyRule() throws {
        let text = #"""
            {"openapi": "3.0.1", "info": {"title": "KeysAPI", "version": "1"}, "security": [{"header": []}],
             "paths": {
               "/root-only": {"get": {"operationId": "rootOnly", "responses": {"200": {"description": "ok"}}, "x-amazon-apigateway-integration": {"type": "mock"}}},
               "/own": {"get": {"operationId": "own", "security": [{"header": []}], "responses": {"200": {"description": "ok"}}, "x-amazon-apigateway-integration": {"type": "mock"}}},
               "/query": {"get": {"operationId": "query", "security": [{"query": []}], "responses": {"200": {"description": "ok"}}, "x-amazon-apigateway-integration": {"type": "mock"}}}},
             "components": {"securitySchemes": {
               "header": {"type": "apiKey", "name": "x-api-key", "in": "header"}, "query": {"type": "apiKey", "name": "x-api-key", "in": "query"}}}}
            """#
        let document = try JSONParser().parse(Array(text.utf8))
        let api = try OpenAPIImporter.importAPI(document, file: "Keys.json", uri: "file:///Keys.json")
        var gateway: [String: Bool] = [:]
        for resource in api.resources { gateway[resource.path] = resource.methods["GET"]?.apiKeyRequired }
        let model = try ClientGenerator.translate(documents: ["Keys.json": document], apiFile: "Keys.json")
        var generator: [String: Bool] = [:]
        for operation in model.operations { generator[operation.path] = operation.requiresAPIKey }
        #expect(gateway == ["/root-only": false, "/own": true, "/query": false])
        #expect(generator == gateway)
    }

    @Test("the gateway and the generator read one API: $ref'd and overridden parameters, model URLs naming the API's own models")
    func oneReading() throws {
        let mock = #""x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\"statusCode\": 200}"}, "responses": {"default": {"statusCode": "200"}}}"#
        let text = """
            {"openapi": "3.0.1", "info": {"title": "ShelterAPI", "version": "1"},
             "x-amazon-apigateway-request-validators": {"all": {"validateRequestBody": true, "validateRequestParameters": true}},
             "paths": {"/pets": {
               "parameters": [{"name": "limit", "in": "query", "required": false, "schema": {"type": "string"}}],
               "get": {"operationId": "listPets", "x-amazon-apigateway-request-validator": "all", "parameters": [{"$ref": "#/components/parameters/Limit"}],
                 "responses": {"200": {"$ref": "#/components/responses/PetList"}}, \(mock)},
               "post": {"operationId": "addPets", "x-amazon-apigateway-request-validator": "all",
                 "requestBody": {"$ref": "#/components/requestBodies/NewPets"}, "responses": {"200": {"description": "ok"}}, \(mock)}}},
             "components": {
               "parameters": {"Limit": {"name": "limit", "in": "query", "required": true, "schema": {"type": "integer"}}},
               "responses": {"PetList": {"description": "pets", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pets"}}}}},
               "requestBodies": {"NewPets": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pets"}}}}},
               "schemas": {
                 "Pet": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}},
                 "Pets": {"type": "array", "items": {"$ref": "https://apigateway.amazonaws.com/restapis/shelter01/models/Pet"}}}}}
            """
        let document = try JSONParser().parse(Array(text.utf8))
        // One reading: the operation-level $ref'd parameter replaces the path-level one of the same name.
        let interface = try OpenAPIImporter.interface(document, file: "Shelter.json")
        let list = try #require(interface.operations.first { $0.operationId == "listPets" })
        #expect(list.parameters.map { "\($0.location.rawValue) \($0.name) \($0.isRequired) \($0.pointer)" } == ["query limit true /components/parameters/Limit"])
        #expect(list.responses.first?.body.schema(for: "application/json")?.pointer.description == "/components/responses/PetList/content/application~1json/schema")

        let model = try ClientGenerator.translate(documents: ["Shelter.json": document], apiFile: "Shelter.json")
        let listPets = try #require(model.operations.first { $0.name == "listPets" })
        #expect(listPets.parameters.map { "\($0.wireName) \($0.type.spelling) \($0.isRequired)" } == ["limit Int true"])
        let types = try ClientGenerator.generate(documents: ["Shelter.json": document], apiFile: "Shelter.json", command: "generate-client")
            .first { $0.name == "Types.swift" }?.contents ?? ""
        #expect(types.contains("typealias Pets = [Pet]"), "\(types)")

        // The gateway: the $ref'd required parameter is checked, and the model URL resolves to the inline Pet.
        let directory = try temporaryDirectory("one-reading-")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try text.write(toFile: directory + "/Shelter.json", atomically: true, encoding: .utf8)
        try #"{"apiId": "shelter01", "stages": {"live": {"definition": "Shelter.json"}}}"#.write(toFile: directory + "/d.json", atomically: true, encoding: .utf8)
        let gateway = try ControlPlane.load(deploymentFile: directory + "/d.json", stateDirectory: nil, handlers: [:]).gateway
        let json: HTTPHeaders = ["Content-Type": "application/json"]
        let statuses = [
            HTTPRequest(method: "GET", target: "/live/pets?limit=3"),
            HTTPRequest(method: "GET", target: "/live/pets"),
            HTTPRequest(method: "POST", target: "/live/pets", headers: json, body: Array(#"[{"id": 1}]"#.utf8)),
            HTTPRequest(method: "POST", target: "/live/pets", headers: json, body: Array(#"[{"id": "one"}]"#.utf8)),
        ].map { gateway.respond(to: $0).status }
        #expect(statuses == [200, 400, 200, 400])
    }

    @Test("members OpenAPI tools accept written empty (parameters: with no value) read as absent; other shapes stay errors")
    func emptyMembers() throws {
        let yaml = """
            openapi: "3.0.3"
            info: {title: Greeter, version: "1"}
            paths:
              /greet:
                parameters:
                get:
                  operationId: getGreeting
                  parameters:
                    - {name: name, in: query, schema: {type: string}}
                  responses:
                    "200":
                      description: ok
                      headers:
                      content: {application/json: {schema: {type: object}}}
              /ping:
                get:
                  operationId: ping
                  parameters:
                  responses: {"204": {description: no content}}
            """
        let document = try YAMLReader().parse(Array(yaml.utf8))
        let interface = try OpenAPIImporter.interface(document, file: "greeter.yaml")
        let parameters = interface.operations.map { "\($0.parameters.map(\.name))" }.sorted()
        #expect(parameters == ["[\"name\"]", "[]"])
        let wrong = try YAMLReader().parse(Array(yaml.replacingOccurrences(of: "    parameters:\n    get:", with: "    parameters: 3\n    get:").utf8))
        do {
            _ = try OpenAPIImporter.interface(wrong, file: "greeter.yaml")
            Issue.record("parameters: 3 was accepted")
        } catch {
            #expect("\(error)".contains("#/paths/~1greet/parameters: expected an array, found"), "\(error)")
        }
    }

    /// Writes `files` (text by path relative to `directory`), making their directories.
    static func write(_ files: [String: String], into directory: String) throws {
        for (name, text) in files {
            try FileManager.default.createDirectory(atPath: directory + "/" + name.split(separator: "/").dropLast().joined(separator: "/"), withIntermediateDirectories: true)
            try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
        }
    }

    /// One API split across files as OpenAPI tools split them: parameters, a response and a
    /// request body in `shared/`, whose own `$ref`s (`../models/Pet.json`) are relative to them.
    static let splitFiles: [String: String] = [
        "shared/parameters.json": #"""
            {"limit": {"name": "limit", "in": "query", "required": true, "schema": {"type": "integer"}},
             "limitV2": {"name": "limit", "in": "query", "required": true, "type": "integer"},
             "petV2": {"name": "pet", "in": "body", "required": true, "schema": {"$ref": "../models/Pet.json"}}}
            """#,
        "shared/responses.json": #"""
            {"PetList": {"description": "pets", "content": {"application/json": {"schema": {"$ref": "../models/Pets.json"}}}},
             "PetListV2": {"description": "pets", "schema": {"$ref": "../models/Pets.json"}}}
            """#,
        "shared/bodies.json": ##"{"NewPet": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/Pet"}}}}, "Pet": {"$ref": "../models/Pet.json"}}"##,
        "models/Pet.json": #"{"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}"#,
        "models/Pets.json": #"{"type": "array", "items": {"$ref": "Pet.json"}}"#,
    ]

    @Test("parameters, responses and request bodies in other files are read by the gateway and the generator, their own $refs relative to them")
    func componentsInOtherFiles() throws {
        let mock = #""x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\"statusCode\": 200}"}, "responses": {"default": {"statusCode": "200"}}}"#
        let validator = #""x-amazon-apigateway-request-validators": {"all": {"validateRequestBody": true, "validateRequestParameters": true}}, "x-amazon-apigateway-request-validator": "all""#
        let definitions = [
            "OpenAPI 3.0": """
                {"openapi": "3.0.1", "info": {"title": "SplitAPI", "version": "1"}, \(validator), "paths": {"/pets": {
                  "get": {"operationId": "listPets", "parameters": [{"$ref": "shared/parameters.json#/limit"}],
                          "responses": {"200": {"$ref": "shared/responses.json#/PetList"}}, \(mock)},
                  "post": {"operationId": "addPet", "requestBody": {"$ref": "shared/bodies.json#/NewPet"},
                           "responses": {"200": {"description": "ok"}}, \(mock)}}}}
                """,
            "Swagger 2.0": """
                {"swagger": "2.0", "info": {"title": "SplitAPI", "version": "1"}, "consumes": ["application/json"], "produces": ["application/json"], \(validator),
                 "paths": {"/pets": {
                  "get": {"operationId": "listPets", "parameters": [{"$ref": "shared/parameters.json#/limitV2"}],
                          "responses": {"200": {"$ref": "shared/responses.json#/PetListV2"}}, \(mock)},
                  "post": {"operationId": "addPet", "parameters": [{"$ref": "shared/parameters.json#/petV2"}],
                           "responses": {"200": {"description": "ok"}}, \(mock)}}}}
                """,
        ]
        for (dialect, text) in definitions {
            var documents: [String: JSONValue] = ["split.json": try JSONParser().parse(Array(text.utf8))]
            for (name, file) in DialectTests.splitFiles { documents[name] = try JSONParser().parse(Array(file.utf8)) }
            // The generator: the typed parameter, the response model and the body model from the other files.
            let model = try ClientGenerator.translate(documents: documents, apiFile: "split.json")
            let list = try #require(model.operations.first { $0.name == "listPets" }, "\(dialect)")
            #expect(list.parameters.map { "\($0.wireName) \($0.type.spelling) \($0.isRequired)" } == ["limit Int true"], "\(dialect)")
            let client = try ClientGenerator.generate(documents: documents, apiFile: "split.json", command: "generate-client")
                .first { $0.name == "Client.swift" }?.contents ?? ""
            #expect(client.contains("func listPets(limit: Int) async throws(ClientError) -> Pets"), "\(dialect): \(client)")
            #expect(client.contains("func addPet(body: Pet) async throws(ClientError)"), "\(dialect): \(client)")

            // The gateway: the required parameter from the other file is checked, and the body
            // against the model two files away.
            let directory = try temporaryDirectory("split-files-")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try DialectTests.write(DialectTests.splitFiles.merging(["split.json": text], uniquingKeysWith: { $1 }), into: directory)
            try #"{"apiId": "split01", "stages": {"live": {"definition": "split.json"}}}"#.write(toFile: directory + "/d.json", atomically: true, encoding: .utf8)
            let control = try ControlPlane.load(deploymentFile: directory + "/d.json", stateDirectory: nil, handlers: [:])
            let gateway = control.gateway
            // The export is one self-contained document, as AWS's import needs.
            let exported = try control.apiGateway.export(stage: "live", format: .oas30, extensions: false)
            #expect(references(in: exported).allSatisfy { $0.hasPrefix("#/components/") }, "\(dialect): \(references(in: exported))")
            #expect(exported["paths"]?["/pets"]?["get"]?["parameters"]?[0]?["name"] == .string("limit"), "\(dialect)")
            let json: HTTPHeaders = ["Content-Type": "application/json"]
            let statuses = [
                HTTPRequest(method: "GET", target: "/live/pets?limit=3"),
                HTTPRequest(method: "GET", target: "/live/pets"),
                HTTPRequest(method: "POST", target: "/live/pets", headers: json, body: Array(#"{"id": 1}"#.utf8)),
                HTTPRequest(method: "POST", target: "/live/pets", headers: json, body: Array(#"{"id": "one"}"#.utf8)),
            ].map { gateway.respond(to: $0).status }
            #expect(statuses == [200, 400, 200, 400], "\(dialect)")
        }
        // Read alone (no files at hand), the reference is refused at its pointer, saying where such references are read.
        let alone = #"{"openapi": "3.0.1", "info": {"title": "S", "version": "1"}, "paths": {"/pets": {"get": {"parameters": [{"$ref": "parameters.json#/limit"}], "responses": {"200": {"description": "ok"}}}}}}"#
        #expect(throws: APIDefinitionError.self) { try OpenAPIImporter.interface(try JSONParser().parse(Array(alone.utf8)), file: "s.json") }
        // A file that is not there, or has nothing at the fragment, is an error at the $ref.
        let document = try JSONParser().parse(Array(alone.utf8))
        do {
            _ = try ExternalReferences.inlined(document, file: "s.json", documents: ["parameters.json": .object(JSONObject())])
            Issue.record("a missing fragment was accepted")
        } catch {
            #expect(error.description == "s.json: #/paths/~1pets/get/parameters/0/$ref: parameters.json#/limit: parameters.json has nothing at #/limit")
        }
        do {
            _ = try ExternalReferences.inlined(document, file: "s.json", documents: [:])
            Issue.record("a missing file was accepted")
        } catch {
            #expect(error.description == "s.json: #/paths/~1pets/get/parameters/0/$ref: parameters.json#/limit: the file parameters.json was not read")
        }
    }

    @Test("a path item, and an operation, in other files (as DigitalOcean's description keeps them): read with the $refs inside them relative to their files")
    func pathItemsInOtherFiles() throws {
        let mock = #""x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\"statusCode\": 200}"}, "responses": {"default": {"statusCode": "200"}}}"#
        let files = [
            "api.json": #"{"openapi": "3.0.1", "info": {"title": "SplitPaths", "version": "1"}, "x-amazon-apigateway-request-validators": {"all": {"validateRequestParameters": true}}, "paths": {"/pets": {"get": {"$ref": "resources/pets/list.json"}}, "/pets/{id}": {"$ref": "resources/pets/item.json"}}}"#,
            "resources/pets/list.json": #"{"operationId": "listPets", "x-amazon-apigateway-request-validator": "all", "parameters": [{"$ref": "parameters.json#/limit"}], "responses": {"200": {"description": "ok"}}, \#(mock)}"#,
            "resources/pets/item.json": #"{"get": {"operationId": "getPet", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}], "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "../../models/Pet.json"}}}}}, \#(mock)}}"#,
            "resources/pets/parameters.json": #"{"limit": {"name": "limit", "in": "query", "required": true, "schema": {"type": "integer"}}}"#,
            "models/Pet.json": #"{"type": "object", "properties": {"id": {"type": "integer"}}}"#,
        ]
        var documents: [String: JSONValue] = [:]
        for (name, text) in files { documents[name] = try JSONParser().parse(Array(text.utf8)) }
        let client = try ClientGenerator.generate(documents: documents, apiFile: "api.json", command: "generate-client").first { $0.name == "Client.swift" }?.contents ?? ""
        #expect(client.contains("func listPets(limit: Int) async throws(ClientError)"), "\(client)")
        #expect(client.contains("func getPet(id: Int) async throws(ClientError) -> Pet"), "\(client)")
        let directory = try temporaryDirectory("split-paths-")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try DialectTests.write(files, into: directory)
        try #"{"apiId": "paths01", "stages": {"live": {"definition": "api.json"}}}"#.write(toFile: directory + "/d.json", atomically: true, encoding: .utf8)
        let gateway = try ControlPlane.load(deploymentFile: directory + "/d.json", stateDirectory: nil, handlers: [:]).gateway
        let statuses = ["/live/pets?limit=1", "/live/pets", "/live/pets/3"].map { gateway.respond(to: HTTPRequest(method: "GET", target: $0)).status }
        #expect(statuses == [200, 400, 200])
    }

    @Test("Swagger's collectionFormat reads as OpenAPI 3's style and explode (csv when absent)")
    func collectionFormats() throws {
        let text = """
            {"swagger": "2.0", "info": {"title": "S", "version": "1"}, "paths": {"/p/{ids}": {"get": {"parameters": [
              {"name": "ids", "in": "path", "required": true, "type": "array", "items": {"type": "integer"}},
              {"name": "a", "in": "query", "type": "array", "items": {"type": "string"}},
              {"name": "b", "in": "query", "type": "array", "collectionFormat": "multi", "items": {"type": "string"}},
              {"name": "c", "in": "query", "type": "array", "collectionFormat": "ssv", "items": {"type": "string"}},
              {"name": "d", "in": "query", "type": "array", "collectionFormat": "pipes", "items": {"type": "string"}},
              {"name": "e", "in": "query", "type": "string"}],
              "responses": {"200": {"description": "ok"}}}}}}
            """
        let interface = try OpenAPIImporter.interface(try JSONParser().parse(Array(text.utf8)), file: "s.json")
        let styles = try #require(interface.operations.first).parameters.map { "\($0.name) \($0.style ?? "-") \($0.explode.map(String.init) ?? "-")" }
        #expect(styles == ["ids simple false", "a form false", "b form true", "c spaceDelimited false", "d pipeDelimited false", "e - -"])
    }

    @Test("a deployment member of the wrong shape is an error at its pointer, never silently empty")
    func deploymentShapes() {
        for (text, pointer) in [
            (#"{"stages": {}, "apiKeys": [{"name": "K"}]}"#, "#/apiKeys"), (#"{"stages": {}, "usagePlans": []}"#, "#/usagePlans"),
            (#"{"stages": {}, "functions": {"F": {"handler": "h", "environment": ["A=1"]}}}"#, "#/functions/F/environment"),
        ] {
            do {
                _ = try DeploymentConfiguration.parse(try JSONParser().parse(Array(text.utf8)), file: "d.json")
                Issue.record("accepted \(text)")
            } catch {
                #expect("\(error)".hasPrefix("d.json: \(pointer): expected an object, found array"), "\(error)")
            }
        }
    }

    @Test("a deployment's lists of names are strings: a usage plan's stages, a key's plans, a cache's authorized keys (the file's shape check says so first)")
    func deploymentNameLists() {
        let plan = #""usagePlans": {"Gold": {"stages": ["prod"]}}"#
        for (text, expected) in [
            (#"{"stages": {"prod": {}}, "usagePlans": {"Gold": {"stages": "prod"}}}"#, "d.json: #/usagePlans/Gold/stages: expected an array, found the string \"prod\""),
            (#"{"stages": {"prod": {}}, \#(plan), "apiKeys": {"K": {"usagePlans": ["Gold", 7]}}}"#,
             "d.json: #/apiKeys/K/usagePlans/1: expected a string, found the number 7"),
            (#"{"stages": {"prod": {"cache": {"authorizedKeys": [true]}}}}"#, "d.json: #/stages/prod/cache/authorizedKeys/0: expected a string, found true"),
        ] {
            do {
                _ = try DeploymentConfiguration.parse(try JSONParser().parse(Array(text.utf8)), file: "d.json")
                Issue.record("accepted \(text)")
            } catch {
                #expect("\(error)".hasPrefix(expected), "\(error)")
            }
        }
    }

    @Test("a definition member of the wrong shape is an error at its pointer, never silently empty")
    func definitionShapes() {
        let integration = #""x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\"statusCode\": 200}"}, "responses": {"default": {"statusCode": "200"}}}"#
        func api(_ root: String, _ operation: String = integration) -> String {
            #"{"openapi": "3.0.1", "info": {"title": "T", "version": "1"}, \#(root) "paths": {"/x": {"get": {"responses": {"200": {"description": "ok"}}, \#(operation)}}}}"#
        }
        let cases: [(String, String, String)] = [
            (api(#""x-amazon-apigateway-request-validators": "all","#), "#/x-amazon-apigateway-request-validators", "expected an object, found string"),
            (api(#""x-amazon-apigateway-gateway-responses": {"DEFAULT_4XX": {"responseTemplates": ["x"]}},"#),
             "#/x-amazon-apigateway-gateway-responses/DEFAULT_4XX/responseTemplates", "expected an object, found array"),
            (api("", #""x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": 1}}"#),
             "#/paths/~1x/get/x-amazon-apigateway-integration/requestTemplates/application~1json", "expected a string, found integer"),
            (api("", #""x-amazon-apigateway-integration": {"type": "mock", "cacheKeyParameters": "method.request.path.id"}"#),
             "#/paths/~1x/get/x-amazon-apigateway-integration/cacheKeyParameters", "expected an array, found string"),
            (api("", #""x-amazon-apigateway-integration": {"type": "mock", "responses": [{"statusCode": "200"}]}"#),
             "#/paths/~1x/get/x-amazon-apigateway-integration/responses", "expected an object, found array"),
            (#"{"swagger": "2.0", "info": {"title": "T", "version": "1"}, "paths": {"/x": {"parameters": {"name": "a"}}}}"#,
             "#/paths/~1x/parameters", "expected an array, found object"),
            (#"{"swagger": "2.0", "info": {"title": "T", "version": "1"}, "consumes": "application/json", "paths": {}}"#,
             "#/consumes", "expected an array, found string"),
            (#"{"swagger": "2.0", "info": {"title": "T", "version": "1"}, "produces": ["application/json", 1], "paths": {}}"#,
             "#/produces/1", "expected a string, found integer"),
            (#"{"swagger": "2.0", "info": {"title": "T", "version": "1"}, "paths": {"/x": {"get": {"parameters": "a", "responses": {}}}}}"#,
             "#/paths/~1x/get/parameters", "expected an array, found string"),
        ]
        for (text, pointer, message) in cases {
            do {
                _ = try OpenAPIImporter.importAPI(try JSONParser().parse(Array(text.utf8)), file: "a.json", uri: "file:///a.json")
                Issue.record("accepted \(text)")
            } catch {
                #expect("\(error)" == "a.json: \(pointer): \(message)", "\(error)")
            }
        }
    }

    @Test("a function error at load names the deployment file and the JSON Pointer")
    func functionErrorsHavePointers() throws {
        let directory = try temporaryDirectory("fn-errors-")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try PetStoreDialects.openAPI30.write(toFile: directory + "/PetStore.json", atomically: true, encoding: .utf8)
        try #"{"stages": {"live": {"definition": "PetStore.json"}}, "functions": {"F": {"handler": "h", "versions": [{"version": 1}], "aliases": {"prod": {"version": "2"}}}}}"#
            .write(toFile: directory + "/d.json", atomically: true, encoding: .utf8)
        do {
            _ = try ControlPlane.load(deploymentFile: directory + "/d.json", stateDirectory: nil, handlers: [:])
            Issue.record("an alias to a missing version loaded")
        } catch {
            #expect("\(error)".hasPrefix(directory + "/d.json: #/functions/F/aliases/prod/version: "), "\(error)")
        }
    }

    @Test("an unknown dialect or version is refused with the pointer of its version member")
    func versions() throws {
        #expect(throws: APIDefinitionError.self) { _ = try APIDocument.normalized(["swagger": "1.2"], file: "a.json") }
        do {
            _ = try APIDocument.normalized(["openapi": "4.0.0"], file: "a.json")
            Issue.record("4.0.0 was accepted")
        } catch {
            #expect(error.description == "a.json: #/openapi: only OpenAPI 3.0.x, 3.1.x and Swagger 2.0 are supported (found 4.0.0)")
        }
        #expect(throws: APIDefinitionError.self) { _ = try APIDocument.normalized(["info": ["title": "x"]], file: "a.json") }
    }
}
