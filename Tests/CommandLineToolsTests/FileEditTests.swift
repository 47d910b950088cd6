import GenerateClientCLI
import APIModel
import CommandLineTools
import ControlPlane
import Foundation
import HTTPCore
import JSONCore
import Synchronization
import TestSupport
import Testing

/// A small API of our own in a temporary directory: a deployment file, a definition whose POST
/// body is checked against a model file beside it, and a MOCK answer that says which edit it is.
final class EditableProject: @unchecked Sendable {
    let directory = TemporaryDirectory.make()
    var path: String { directory.path }
    var deployment: String { path + "/notes.deployment.json" }

    init(answer: String = "one", stages: [String] = ["dev"]) {
        writeDefinition(answer: answer)
        writeModel(required: ["text"])
        writeDeployment(stages: stages)
    }

    func writeDefinition(answer: String) {
        directory.write(
            "notes.json",
            """
            {"openapi": "3.0.1", "info": {"title": "Notes", "version": "1"},
             "x-amazon-apigateway-request-validators": {"body": {"validateRequestBody": true, "validateRequestParameters": false}},
             "paths": {"/notes": {"post": {
               "x-amazon-apigateway-request-validator": "body",
               "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Note"}}}},
               "responses": {"200": {"description": "ok"}},
               "x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\\"statusCode\\": 200}"},
                 "responses": {"default": {"statusCode": "200", "responseTemplates": {"application/json": "{\\"answer\\": \\"\(answer)\\"}"}}}}}}},
             "components": {"schemas": {"Note": {"$ref": "models/Note.json"}}}}
            """)
    }

    func writeModel(required: [String]) {
        try? FileManager.default.createDirectory(atPath: path + "/models", withIntermediateDirectories: true)
        let names = required.map { "\"\($0)\"" }.joined(separator: ", ")
        directory.write("models/Note.json", #"{"type": "object", "required": [\#(names)]}"#)
    }

    func writeDeployment(stages: [String], variables: String = "{}") {
        let members = stages.map { #""\#($0)": {"definition": "notes.json", "variables": \#(variables)}"# }.joined(separator: ", ")
        directory.write("notes.deployment.json", #"{"apiId": "notes00001", "stages": {\#(members)}}"#)
    }
}

extension TemporaryDirectory {
    static func make() -> TemporaryDirectory {
        // swiftlint:disable:next force_try
        try! TemporaryDirectory()
    }
}

/// POST /STAGE/notes with `body` through the control plane's gateway: (status, body).
private func post(_ control: ControlPlane, _ stage: String, _ body: String) -> (Int, String) {
    var headers = HTTPHeaders()
    headers.add("Content-Type", "application/json")
    let response = control.gateway.respond(to: HTTPRequest(method: "POST", target: "/\(stage)/notes", headers: headers, body: Array(body.utf8)))
    return (response.status, String(decoding: response.body, as: UTF8.self))
}

@Suite("What a restart and an edit do: the files win for what they declare")
struct RestartRuleTests {
    func load(_ project: EditableProject) throws -> ControlPlane {
        try ControlPlane.load(deploymentFile: project.deployment, stateDirectory: project.path + "/.gateway", handlers: [:])
    }

    @Test("a restart serves the edited definition and model as a new deployment, and says so")
    func restartAppliesEdits() throws {
        let project = EditableProject()
        let first = try load(project)
        #expect(post(first, "dev", #"{"text": "x"}"#).1.contains("\"one\""))
        let deploymentId = try first.apiGateway.stage("dev").deploymentId
        project.writeDefinition(answer: "two")
        project.writeModel(required: ["text", "title"])
        let second = try load(project)
        #expect(post(second, "dev", #"{"text": "x"}"#).0 == 400)
        #expect(post(second, "dev", #"{"text": "x", "title": "y"}"#).1.contains("\"two\""))
        #expect(try second.apiGateway.stage("dev").deploymentId != deploymentId)
        #expect(second.startupReport.contains("notes.json changed: redeployed to dev"))
        // Nothing changed since: the same deployment, nothing reported as applied.
        let third = try load(project)
        #expect(try third.apiGateway.stage("dev").deploymentId == second.apiGateway.stage("dev").deploymentId)
        #expect(!third.startupReport.contains("applied"))
    }

    @Test("a broken definition is a start error naming the file, line and column, not the old API served silently")
    func brokenDefinitionStops() throws {
        let project = EditableProject()
        _ = try load(project)
        project.directory.write("notes.json", "{\"openapi\": \"3.0.1\",\n  \"paths\": {\n")
        #expect {
            _ = try load(project)
        } throws: { error in
            "\(error)".contains("notes.json:3:1")
        }
    }

    @Test("changes made through the APIs survive a restart until the file changes what they changed")
    func apiChangesPersistOnTop() throws {
        let project = EditableProject()
        let first = try load(project)
        _ = try first.apiGateway.updateStage("dev", operations: [PatchOperation(op: "replace", path: "/variables/who", value: "api")])
        let second = try load(project)
        #expect(try second.apiGateway.stage("dev").variables.contains { $0 == ("who", "api") })
        // The file now declares the stage's variables: its declaration wins.
        project.writeDeployment(stages: ["dev"], variables: #"{"who": "file"}"#)
        let third = try load(project)
        #expect(try third.apiGateway.stage("dev").variables.map { "\($0.0)=\($0.1)" } == ["who=file"])
        #expect(third.startupReport.contains("stage dev: its settings in the deployment file changed"))
    }
}

@Suite("gateway serve reloads edited files", .serialized)
struct HotReloadTests {
    /// Polls `condition` every 50 ms for up to `seconds`.
    func eventually(_ seconds: Double = 5, _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        return try await condition()
    }

    @Test("definition, model and deployment edits apply within a second or two; a broken edit keeps the running version and is logged")
    func editsUnderARunningServer() async throws {
        let project = EditableProject()
        let served = try ServedGateway(deployment: project.deployment)
        defer { #expect(served.shutdown() == 0) }
        let body = #"{"text": "x"}"#
        #expect(try await served.request("/dev/notes", method: "POST", headers: ["Content-Type": "application/json"], body: body).2.contains("one"))

        // The definition.
        project.writeDefinition(answer: "two")
        #expect(
            try await eventually {
                try await served.request("/dev/notes", method: "POST", headers: ["Content-Type": "application/json"], body: body).2.contains("two")
            })
        #expect(served.captured.stderr.contains("reloaded the edited files: notes.json changed: redeployed to dev"))

        // A model file the definition references.
        project.writeModel(required: ["text", "title"])
        #expect(
            try await eventually {
                try await served.request("/dev/notes", method: "POST", headers: ["Content-Type": "application/json"], body: body).0 == 400
            })

        // A broken edit: the running version stays, the log says where the file is broken.
        project.directory.write("notes.json", "{\"openapi\": \"3.0.1\",\n  \"paths\": [\n")
        #expect(await eventually { served.captured.stderr.contains("kept the running version") })
        #expect(served.captured.stderr.contains("notes.json:3:1"))
        let still = try await served.request("/dev/notes", method: "POST", headers: ["Content-Type": "application/json"], body: #"{"text": "x", "title": "y"}"#)
        #expect(still.0 == 200 && still.2.contains("two"))

        // The deployment file: a new stage (and the definition repaired).
        project.writeDefinition(answer: "three")
        project.writeDeployment(stages: ["dev", "beta"])
        #expect(
            try await eventually {
                try await served.request("/beta/notes", method: "POST", headers: ["Content-Type": "application/json"], body: #"{"text": "x", "title": "y"}"#)
                    .2.contains("three")
            })
    }
}

/// Whether `python3` runs here (the function-code edit needs it).
let python3Available: Bool = (try? runCommand(["python3", "-c", "pass"]).status) == 0

@Suite("gateway serve follows edited function code", .serialized, .enabled(if: python3Available, "python3 is not on PATH: the function-code edit is not tried"))
struct FunctionCodeEditTests {
    @Test("an edit of $LATEST's code answers the next request; a published version keeps its code")
    func codeEdit() async throws {
        let project = EditableProject()
        project.directory.write(
            "notes.json",
            """
            {"openapi": "3.0.1", "info": {"title": "Notes", "version": "1"},
             "paths": {"/latest": {"get": {"responses": {"200": {"description": "ok"}},
                 "x-amazon-apigateway-integration": {"type": "aws_proxy", "httpMethod": "POST",
                   "uri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:Notes/invocations"}}},
               "/v1": {"get": {"responses": {"200": {"description": "ok"}},
                 "x-amazon-apigateway-integration": {"type": "aws_proxy", "httpMethod": "POST",
                   "uri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:Notes:1/invocations"}}}}}
            """)
        try FileManager.default.createDirectory(atPath: project.path + "/code", withIntermediateDirectories: true)
        func code(_ word: String) { project.directory.write("code/app.py", "def handler(event, context):\n    return {'statusCode': 200, 'body': '\(word)'}\n") }
        code("one")
        project.directory.write(
            "notes.deployment.json",
            #"{"stages": {"dev": {"definition": "notes.json"}}, "functions": {"Notes": {"runtime": "python3.13", "handler": "app.handler", "code": "code", "versions": [{"version": 1}]}}}"#)
        let served = try ServedGateway(deployment: project.deployment)
        defer { #expect(served.shutdown() == 0) }
        #expect(try await served.request("/dev/latest").2 == "one")
        code("two")
        let deadline = Date().addingTimeInterval(5)
        var answer = ""
        while Date() < deadline {
            answer = try await served.request("/dev/latest").2
            if answer == "two" { break }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        #expect(answer == "two")
        #expect(try await served.request("/dev/v1").2 == "one")
    }
}

@Suite("Deployment files are read strictly; the log says why a request failed")
struct StrictDeploymentTests {
    func loadError(_ project: EditableProject) -> String {
        do {
            _ = try ControlPlane.load(deploymentFile: project.deployment, stateDirectory: nil, handlers: [:])
            return ""
        } catch {
            return error.description
        }
    }

    @Test("a misspelt member is an error with a did-you-mean, at its line and column")
    func unknownMember() {
        let project = EditableProject()
        project.directory.write("notes.deployment.json", "{\n  \"stagse\": {\"dev\": {\"definition\": \"notes.json\"}}\n}\n")
        #expect(loadError(project).hasSuffix("notes.deployment.json:2:13: #/stagse: unknown member \"stagse\" (did you mean \"stages\"?)"))
        project.directory.write("notes.deployment.json", #"{"stages": {"dev": {"definition": "notes.json", "varaibles": {}}}}"#)
        #expect(loadError(project).contains("#/stages/dev/varaibles: unknown member \"varaibles\" (did you mean \"variables\"?)"))
        project.directory.write("notes.deployment.json", #"{"stages": {}, "colour": 1}"#)
        #expect(loadError(project).contains("#/colour: unknown member \"colour\" (known members: "))
    }

    @Test("a value of the wrong type is an error at its pointer, never a default")
    func wrongType() {
        let project = EditableProject()
        project.directory.write(
            "notes.deployment.json",
            #"{"stages": {"dev": {"definition": "notes.json"}}, "functions": {"F": {"handler": "items.handler", "timeout": "30"}}}"#)
        #expect(loadError(project).contains("notes.deployment.json:1:110: #/functions/F/timeout: expected a number, found the string \"30\""))
        project.directory.write("notes.deployment.json", #"{"stages": {"dev": {"definition": "notes.json", "cache": {"enabled": "yes"}}}}"#)
        #expect(loadError(project).contains("#/stages/dev/cache/enabled: expected true or false, found the string \"yes\""))
        project.directory.write("notes.deployment.json", #"{"stages": {"dev": {"definition": "notes.json", "throttle": {"rateLimit": 5, "burstLimit": 2.5}}}}"#)
        #expect(loadError(project).contains("#/stages/dev/throttle/burstLimit: expected a whole number, found the number 2.5"))
        // Lambda's rules for environment variables hold in the file as in the API.
        project.directory.write(
            "notes.deployment.json",
            #"{"stages": {"dev": {"definition": "notes.json"}}, "functions": {"F": {"handler": "items.handler", "environment": {"AWS_REGION": "x"}}}}"#)
        #expect(loadError(project).contains("#/functions/F/environment: Lambda was unable to configure your environment variables"))
    }

    @Test("an integration naming an undeclared function: a warning at start with a did-you-mean, and the reason in each request's log line")
    func undeclaredFunction() throws {
        let project = EditableProject()
        let uri = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:NotesFunctoin/invocations"
        project.directory.write(
            "notes.json",
            """
            {"openapi": "3.0.1", "info": {"title": "Notes", "version": "1"},
             "paths": {"/notes": {"post": {"responses": {"200": {"description": "ok"}},
               "x-amazon-apigateway-integration": {"type": "aws_proxy", "httpMethod": "POST", "uri": "\(uri)"}}}}}
            """)
        project.directory.write(
            "notes.deployment.json", #"{"stages": {"dev": {"definition": "notes.json"}}, "functions": {"NotesFunction": {"handler": "items.handler"}}}"#)
        let lines = Mutex<[String]>([])
        let control = try ControlPlane.load(
            deploymentFile: project.deployment, stateDirectory: nil, handlers: [:], logSink: { event in lines.withLock { $0.append(event.text) } })
        #expect(
            lines.withLock { $0 }.contains {
                $0.hasPrefix("warning: notes.json: #/paths/~1notes/post/x-amazon-apigateway-integration/uri: POST /notes calls NotesFunctoin")
                    && $0.contains("(did you mean \"NotesFunction\"?); its requests answer 500")
            })
        #expect(post(control, "dev", "{}").0 == 500)
        #expect(lines.withLock { $0 }.contains { $0.contains("POST /dev/notes 500") && $0.contains(": Execution failed due to configuration error:") && $0.contains("NotesFunctoin") })
    }

    @Test("a body that breaks its model: the access log line says why (text and JSON)")
    func validationReasonLogged() throws {
        let project = EditableProject()
        let lines = Mutex<[String]>([])
        let control = try ControlPlane.load(
            deploymentFile: project.deployment, stateDirectory: nil, handlers: [:], logSink: { event in lines.withLock { $0.append(event.text + "\n" + event.json) } })
        #expect(post(control, "dev", #"{"title": "x"}"#).0 == 400)
        let logged = lines.withLock { $0 }.joined(separator: "\n")
        #expect(logged.contains("POST /dev/notes 400") && logged.contains(#": Request body does not match model schema for content type application/json: ["/: missing required property "text""]"#))
        #expect(logged.contains(#","reason":"Request body does not match model schema for content type application/json: "#))
    }

    @Test("$context.error.validationErrorString hands the same detail to the caller through a BAD_REQUEST_BODY gateway response")
    func validationErrorString() throws {
        let project = EditableProject()
        let definition = try String(contentsOfFile: project.path + "/notes.json", encoding: .utf8)
        let responses = #""x-amazon-apigateway-gateway-responses": {"BAD_REQUEST_BODY": {"statusCode": 400, "#
            + #""responseTemplates": {"application/json": "{\"why\": $context.error.validationErrorString}"}}},"#
        project.directory.write("notes.json", definition.replacingOccurrences(of: #""paths": {"#, with: responses + #" "paths": {"#))
        let control = try ControlPlane.load(deploymentFile: project.deployment, stateDirectory: nil, handlers: [:])
        let (status, body) = post(control, "dev", #"{"title": "x"}"#)
        #expect(status == 400, "\(body)")
        #expect(body == #"{"why": ["/: missing required property "text""]}"#)
    }
}

@Suite("Errors in a Swagger 2.0 definition point into the user's own file")
struct SwaggerErrorPlacesTests {
    static let swagger = """
        {
          "swagger": "2.0",
          "info": {"title": "Notes", "version": "1"},
          "paths": {
            "/notes": {
              "post": {
                "parameters": [
                  {"name": "X-Trace", "in": "header", "type": "string"},
                  {"name": "body", "in": "body", "schema": {"$ref": "#/definitions/NewNot"}}
                ],
                "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Note"}}},
                "x-amazon-apigateway-request-validator": "all",
                "x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\\"statusCode\\": 200}"},
                  "responses": {"default": {"statusCode": "200"}}}
              }
            }
          },
          "x-amazon-apigateway-request-validators": {"all": {"validateRequestBody": true, "validateRequestParameters": true}},
          "definitions": {"Note": {"type": "object"}, "NewNote": {"type": "object"}}
        }
        """

    @Test("the gateway names the body parameter's $ref, with its line and column")
    func gatewayError() throws {
        let directory = try TemporaryDirectory()
        directory.write("notes.json", Self.swagger)
        directory.write("d.json", #"{"stages": {"dev": {"definition": "notes.json"}}}"#)
        #expect {
            _ = try ControlPlane.load(deploymentFile: directory.path + "/d.json", stateDirectory: nil, handlers: [:])
        } throws: { error in
            let text = "\(error)"
            return text.contains("notes.json:9:61: #/paths/~1notes/post/parameters/1/schema/$ref") && !text.contains("requestBody")
        }
    }

    @Test("the source map sends converted places back: bodies, plain parameters, responses, definitions")
    func sourcePointers() throws {
        let original = try JSONParser.parse(Self.swagger)
        func source(_ pointer: String) throws -> String { APIDocument.sourcePointer(try JSONPointer(uriFragment: pointer), in: original).uriFragment }
        #expect(try source("#/paths/~1notes/post/requestBody/content/application~1json/schema/$ref") == "#/paths/~1notes/post/parameters/1/schema/$ref")
        #expect(try source("#/paths/~1notes/post/parameters/0/schema/type") == "#/paths/~1notes/post/parameters/0/type")
        #expect(try source("#/paths/~1notes/post/responses/200/content/application~1json/schema/$ref") == "#/paths/~1notes/post/responses/200/schema/$ref")
        #expect(try source("#/components/schemas/Note/type") == "#/definitions/Note/type")
        // OpenAPI 3 documents are their own source.
        let openAPI = try JSONParser.parse(#"{"openapi": "3.0.1", "paths": {}}"#)
        #expect(APIDocument.sourcePointer(try JSONPointer(uriFragment: "#/components/schemas/X"), in: openAPI).uriFragment == "#/components/schemas/X")
    }

    @Test("generate-client names the same place, with line and column")
    func generatorError() throws {
        let directory = try TemporaryDirectory()
        directory.write("notes.json", Self.swagger)
        let captured = CapturedIO()
        let status = GenerateCommand.run(arguments: ["--api", directory.path + "/notes.json", "--output", directory.path + "/out"], io: captured.io)
        #expect(status == 2)
        #expect(captured.stderr.contains("notes.json:9:61: #/paths/~1notes/post/parameters/1/schema/$ref"), "\(captured.stderr)")
    }
}
