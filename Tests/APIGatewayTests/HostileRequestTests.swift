import APIGateway
import ControlPlane
import Foundation
import HTTPCore
import JSONCore
import Testing

/// An ordinary API an attacker sends hostile requests to (issue #11): a model with
/// `multipleOf`, a model with a pattern only backtracking can run, a request template with a
/// range from the body.
final class HostileFixture {
    let directory: String
    let gateway: Gateway

    static let definition = #"""
        {
          "openapi": "3.0.1",
          "info": {"title": "HostileAPI", "version": "1"},
          "x-amazon-apigateway-request-validators": {"body": {"validateRequestBody": true, "validateRequestParameters": false}},
          "paths": {
            "/prices": {"post": {
              "x-amazon-apigateway-request-validator": "body",
              "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Price"}}}},
              "x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\"statusCode\": 200}"},
                "responses": {"default": {"statusCode": "200", "responseTemplates": {"application/json": "{\"ok\": true}"}}}}}},
            "/names": {"post": {
              "x-amazon-apigateway-request-validator": "body",
              "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Name"}}}},
              "x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\"statusCode\": 200}"},
                "responses": {"default": {"statusCode": "200", "responseTemplates": {"application/json": "{\"ok\": true}"}}}}}},
            "/loop": {"post": {
              "x-amazon-apigateway-integration": {"type": "mock",
                "requestTemplates": {"application/json": "#foreach($i in [1..$input.path('$.n')])#end{\"statusCode\": 200}"},
                "responses": {"default": {"statusCode": "200", "responseTemplates": {"application/json": "{\"ok\": true}"}}}}}}
          },
          "components": {"schemas": {
            "Price": {"type": "object", "properties": {"price": {"type": "number", "multipleOf": 0.01}}},
            "Name": {"type": "object", "properties": {"name": {"type": "string", "pattern": "^(a|a)*\\1b$"}}}
          }}
        }
        """#

    init() throws {
        directory = NSTemporaryDirectory() + "gateway-hostile-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try HostileFixture.definition.write(toFile: directory + "/HostileAPI.json", atomically: true, encoding: .utf8)
        try #"{"apiId": "hostile", "stages": {"test": {"definition": "HostileAPI.json"}}}"#
            .write(toFile: directory + "/HostileAPI.deployment.json", atomically: true, encoding: .utf8)
        gateway = try ControlPlane.load(deploymentFile: directory + "/HostileAPI.deployment.json", stateDirectory: nil, handlers: [:]).gateway
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    func post(_ path: String, _ body: String) -> HTTPResponse {
        gateway.respond(
            to: HTTPRequest(method: "POST", target: "/test" + path, headers: ["Content-Type": "application/json"], body: Array(body.utf8)))
    }
}

@Suite("Hostile requests")
struct HostileRequestTests {
    @Test("numbers with exponents in the billions are judged at once, and the gateway keeps answering")
    func hugeExponents() throws {
        let fixture = try HostileFixture()
        for body in [#"{"price": 1e-100000000000}"#, #"{"price": 1e-2147483647}"#, #"{"price": 3e-999999999999999}"#] {
            let response = fixture.post("/prices", body)
            #expect(response.status == 400, "\(body)")
            #expect(response.bodyText == #"{"message":"Invalid request body"}"#)
        }
        #expect(fixture.post("/prices", #"{"price": 1e100000000000}"#).status == 200)
        #expect(fixture.post("/prices", #"{"price": 1e2147483647}"#).status == 200)
        #expect(fixture.post("/prices", #"{"price": 4.25}"#).status == 200)
    }

    @Test("a body the validator cannot decide within its limits is refused as an invalid body")
    func undecidableBody() throws {
        let fixture = try HostileFixture()
        let response = fixture.post("/names", #"{"name": "\#(String(repeating: "a", count: 80))"}"#)
        #expect(response.status == 400)
        #expect(response.bodyText == #"{"message":"Invalid request body"}"#)
        #expect(fixture.post("/names", #"{"name": "aab"}"#).status == 200)
    }

    @Test("a template that runs out of its budget is a 500, and the next request is answered")
    func runawayTemplate() throws {
        let fixture = try HostileFixture()
        for n in ["-9223372036854775807", "-9223372036854775808", "9223372036854775807", "100000000"] {
            let response = fixture.post("/loop", #"{"n": \#(n)}"#)
            #expect(response.status == 500, "n = \(n)")
            #expect(response.bodyText == #"{"message":"Internal server error"}"#)
        }
        #expect(fixture.post("/loop", #"{"n": 3}"#).status == 200)
    }
}

@Suite("State directory")
struct StateDirectoryTests {
    @Test("a save interrupted by a crash leaves nothing behind once the gateway loads again")
    func leftoversRemoved() throws {
        let fixture = try GatewayFixture()
        let directory = fixture.stateDirectory
        // What interrupted saves leave: the fixed temporary name, and older random names.
        for name in ["state.json.tmp", ".state.json.tmp-1234", ".state.json.AbCd12"] {
            try "{\"partial".write(toFile: directory + "/" + name, atomically: false, encoding: .utf8)
        }
        _ = try fixture.restarted()
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(names == ["state.json", "usage.ledger"])
        let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/state.json")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }
}
