import APIGateway
import ControlPlane
import Foundation
import HTTPCore
import JSONCore
import LambdaRuntime
import Synchronization
import Testing

/// Returns what the test sets, and records the event it received.
final class ScriptedFunction: LambdaHandler, @unchecked Sendable {
    let output = Mutex<Result<JSONValue, LambdaFunctionError>>(.success(["statusCode": 200]))
    let lastEvent = Mutex<JSONValue>(.null)

    func handle(_ event: JSONValue, context: LambdaContext) throws(LambdaFunctionError) -> JSONValue {
        lastEvent.withLock { $0 = event }
        return try output.withLock { $0 }.get()
    }
}

/// An API exercising proxy integrations, validation, passthrough and gateway responses.
final class ProxyFixture {
    let directory: String
    let gateway: Gateway
    let function = ScriptedFunction()
    let clock = ManualClock()

    static let definition = #"""
        {
          "openapi": "3.0.1",
          "info": {"title": "ProxyAPI", "version": "1"},
          "x-amazon-apigateway-request-validators": {"all": {"validateRequestBody": true, "validateRequestParameters": true}},
          "x-amazon-apigateway-gateway-responses": {
            "DEFAULT_4XX": {"statusCode": "418", "responseParameters": {"gatewayresponse.header.X-Custom": "'teapot'", "gatewayresponse.header.X-Echo": "method.request.header.X-Trace"},
                            "responseTemplates": {"application/json": "{\"error\": $context.error.messageString, \"type\": \"$context.error.responseType\", \"stage\": \"$context.stage\"}"}},
            "MISSING_AUTHENTICATION_TOKEN": {"statusCode": "404"}
          },
          "paths": {
            "/proxy/{proxy+}": {"x-amazon-apigateway-any-method": {"x-amazon-apigateway-integration": {"type": "aws_proxy", "httpMethod": "POST",
              "uri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:Scripted/invocations"}}},
            "/proxy/static": {"get": {"x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\"statusCode\": 200}"},
              "responses": {"default": {"statusCode": "200", "responseTemplates": {"application/json": "static"}}}}}},
            "/orders": {"post": {
              "x-amazon-apigateway-request-validator": "all",
              "parameters": [{"name": "X-Client", "in": "header", "required": true}, {"name": "dry", "in": "query", "required": true}],
              "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Order"}}}},
              "x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\"statusCode\": 201}"}, "passthroughBehavior": "never",
                "responses": {"2\\d{2}": {"statusCode": "201", "responseTemplates": {"application/json": "{\"created\": $input.json('$')}"}}}}}},
            "/teapot": {"get": {"x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\"statusCode\": 500}"},
              "responses": {"2\\d{2}": {"statusCode": "200"}}}}},
            "/override": {"get": {"x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\"statusCode\": 200}"},
              "responses": {"default": {"statusCode": "200", "responseTemplates": {"application/json": "#set($context.responseOverride.status = 202)#set($context.responseOverride.header.X-Over = \"yes\")accepted"}}}}}}
          },
          "components": {"schemas": {"Order": {"type": "object", "required": ["item"], "properties": {"item": {"$ref": "Item.json"}, "quantity": {"type": "integer", "minimum": 1}}}}}
        }
        """#

    static let deployment = #"""
        {"apiId": "proxyapi", "stages": {"test": {"definition": "ProxyAPI.json", "variables": {"color": "blue"}}},
         "functions": {"Scripted": {"handler": "scripted"}}}
        """#

    init() throws {
        directory = NSTemporaryDirectory() + "gateway-proxy-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: GatewayFixture.packageRoot + "/Schemas/Item.json", toPath: directory + "/Item.json")
        try ProxyFixture.definition.write(toFile: directory + "/ProxyAPI.json", atomically: true, encoding: .utf8)
        try ProxyFixture.deployment.write(toFile: directory + "/ProxyAPI.deployment.json", atomically: true, encoding: .utf8)
        gateway = try ControlPlane.load(deploymentFile: directory + "/ProxyAPI.deployment.json", stateDirectory: nil, handlers: ["scripted": function], clock: clock).gateway
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    func send(_ method: String, _ target: String, headers: [(String, String)] = [], body: String = "") -> HTTPResponse {
        gateway.respond(to: HTTPRequest(method: method, target: target, headers: HTTPHeaders(headers), body: Array(body.utf8)))
    }
}

@Suite("Lambda proxy integration")
struct ProxyTests {
    @Test("the payload format 1.0 event: every key, nulls where AWS sends null")
    func event() throws {
        let fixture = try ProxyFixture()
        _ = fixture.send("GET", "/test/proxy/a/b/?q=x+y&q=2&plus=%2B", headers: [("tEsT-HEADeR", "v")])
        let event = fixture.function.lastEvent.withLock { $0 }
        #expect(event["resource"] == "/proxy/{proxy+}")
        #expect(event["path"] == "/proxy/a/b/")
        #expect(event["httpMethod"] == "GET")
        #expect(event["pathParameters"] == ["proxy": "a/b"])
        #expect(event["queryStringParameters"] == ["q": "2", "plus": "+"])
        #expect(event["multiValueQueryStringParameters"] == ["q": ["x y", "2"], "plus": ["+"]])
        #expect(event["headers"] == ["tEsT-HEADeR": "v"])
        #expect(event["stageVariables"] == ["color": "blue"])
        #expect(event["body"] == .null)
        #expect(event["isBase64Encoded"] == false)
        #expect(event["requestContext"]?["path"] == "/test/proxy/a/b/")
        #expect(event["requestContext"]?["stage"] == "test")
        #expect(event["requestContext"]?["resourcePath"] == "/proxy/{proxy+}")
        #expect(event["requestContext"]?["identity"]?["sourceIp"] == "127.0.0.1")
        #expect(event["requestContext"]?["identity"]?["user"] == .null)
        #expect(event["requestContext"]?["requestId"]?.stringValue?.count == 36)
        _ = fixture.send("POST", "/test/proxy/x", body: "hello")
        let second = fixture.function.lastEvent.withLock { $0 }
        #expect(second["body"] == "hello")
        #expect(second["queryStringParameters"] == .null)
        #expect(second["headers"] == .null)
    }

    @Test("a static resource beats the greedy sibling")
    func precedence() throws {
        let fixture = try ProxyFixture()
        #expect(fixture.send("GET", "/test/proxy/static").bodyText == "static")
        // The resource is chosen before the method: no POST on /proxy/static, no fallback to the greedy ANY.
        #expect(fixture.send("POST", "/test/proxy/static").status == 404)
    }

    struct OutputCase: CustomStringConvertible, Sendable {
        let output: String
        let status: Int
        let headers: [(String, String)]
        let body: String
        var description: String { output }
    }

    static let outputs: [OutputCase] = [
        OutputCase(output: #"{"statusCode": 200}"#, status: 200, headers: [("Content-Type", "application/json")], body: ""),
        OutputCase(output: #"{"headers": {"test-header": "value"}}"#, status: 200, headers: [("test-header", "value")], body: ""),
        OutputCase(output: "{}", status: 200, headers: [], body: ""),
        OutputCase(output: #"{"statusCode": "201", "body": "made"}"#, status: 201, headers: [], body: "made"),
        OutputCase(output: #"{"statusCode": 200, "headers": {"test-header": "value", "header-bool": true}}"#, status: 200,
            headers: [("test-header", "value"), ("header-bool", "true")], body: ""),
        OutputCase(output: #"{"statusCode": 200, "headers": null}"#, status: 200, headers: [], body: ""),
        OutputCase(output: #"{"statusCode": 200, "multiValueHeaders": {"test-multi": ["value1", "value2"]}}"#, status: 200,
            headers: [("test-multi", "value1, value2")], body: ""),
        OutputCase(output: #"{"multiValueHeaders": {"tesT-Multi": ["value-multi"]}, "headers": {"test-multi": "value-solo"}}"#, status: 200,
            headers: [("tesT-Multi", "value-multi, value-solo")], body: ""),
        OutputCase(output: #"{"statusCode": 200, "body": "dGVzdC1kYXRh", "isBase64Encoded": true}"#, status: 200, headers: [], body: "dGVzdC1kYXRh"),
        OutputCase(output: #"{"statusCode": 200, "wrongValue": "value"}"#, status: 502, headers: [], body: #"{"message":"Internal server error"}"#),
        OutputCase(output: #"{"statusCode": "test"}"#, status: 502, headers: [], body: #"{"message":"Internal server error"}"#),
        OutputCase(output: #"{"statusCode": 200, "multiValueHeaders": {"x": "value1"}}"#, status: 502, headers: [], body: #"{"message":"Internal server error"}"#),
        OutputCase(output: #""justAString""#, status: 502, headers: [], body: #"{"message":"Internal server error"}"#),
    ]

    @Test("the proxy output contract", arguments: outputs)
    func output(_ sample: OutputCase) throws {
        let fixture = try ProxyFixture()
        fixture.function.output.withLock { $0 = .success(try! JSONParser.parse(sample.output)) }
        let response = fixture.send("GET", "/test/proxy/anything")
        #expect(response.status == sample.status)
        #expect(response.bodyText == sample.body)
        for (name, value) in sample.headers { #expect(response.headers[name] == value) }
        #expect(response.headers["x-amzn-RequestId"] != nil)
    }

    @Test("an exception in a proxy function is 502 Internal server error")
    func exception() throws {
        let fixture = try ProxyFixture()
        fixture.function.output.withLock { $0 = .failure(LambdaFunctionError("boom")) }
        let response = fixture.send("GET", "/test/proxy/x")
        #expect(response.status == 502)
        #expect(response.bodyText == #"{"message":"Internal server error"}"#)
    }
}

@Suite("Request validation, passthrough and gateway responses")
struct ValidationAndResponseTests {
    @Test("missing required parameters: 400 with AWS's message, in header, path, query order")
    func parameters() throws {
        let fixture = try ProxyFixture()
        let response = fixture.send("POST", "/test/orders", body: #"{"item": {"ID": 1}}"#)
        #expect(response.status == 418)  // DEFAULT_4XX customised to 418
        #expect(fixture.send("POST", "/test/orders?dry=1", body: #"{"item": {}}"#).bodyText.contains("X-Client"))
        #expect(response.bodyText.contains("Missing required request parameters: [X-Client, dry]"))
    }

    @Test("a body that breaks the model: 400 Invalid request body; a valid one reaches the integration")
    func body() throws {
        let fixture = try ProxyFixture()
        let headers = [("X-Client", "tests"), ("Content-Type", "application/json")]
        let bad = fixture.send("POST", "/test/orders?dry=1", headers: headers, body: #"{"item": {"ID": "one"}, "quantity": 0}"#)
        #expect(bad.bodyText.contains(#""error": "Invalid request body""#))
        #expect(bad.bodyText.contains(#""type": "BAD_REQUEST_BODY""#))
        let empty = fixture.send("POST", "/test/orders?dry=1", headers: headers)  // validated as {}: "item" is required
        #expect(empty.bodyText.contains("Invalid request body"))
        let good = fixture.send("POST", "/test/orders?dry=1", headers: headers, body: #"{"item": {"ID": 1, "name": "Pen"}, "quantity": 2}"#)
        #expect(good.status == 201)
        #expect(good.bodyText == #"{"created": {}}"#)  // a MOCK integration has no body for its response template
    }

    @Test("NEVER passthrough: a Content-Type without a template is 415")
    func unsupportedMediaType() throws {
        let fixture = try ProxyFixture()
        let response = fixture.send("POST", "/test/orders?dry=1", headers: [("X-Client", "t"), ("Content-Type", "application/xml")], body: "<x/>")
        #expect(response.bodyText.contains("Unsupported Media Type"))
        #expect(response.headers["x-amzn-ErrorType"] == "BadRequestException")
    }

    @Test("gateway responses: a customised type keeps its own settings; others inherit DEFAULT_4XX")
    func customised() throws {
        let fixture = try ProxyFixture()
        let own = fixture.send("GET", "/test/nowhere", headers: [("X-Trace", "abc")])
        #expect(own.status == 404)  // MISSING_AUTHENTICATION_TOKEN's own status
        #expect(own.headers["X-Custom"] == nil)
        #expect(own.bodyText == #"{"message":"Missing Authentication Token"}"#)
        let inherited = fixture.send("POST", "/test/orders", headers: [("X-Trace", "abc")])
        #expect(inherited.status == 418)  // BAD_REQUEST_PARAMETERS inherits DEFAULT_4XX
        #expect(inherited.headers["X-Custom"] == "teapot")
        #expect(inherited.headers["X-Echo"] == "abc")
        #expect(inherited.bodyText == #"{"error": "Missing required request parameters: [X-Client, dry]", "type": "BAD_REQUEST_PARAMETERS", "stage": "test"}"#)
    }

    @Test("no matching integration response and no default: 500 Internal server error")
    func noMatch() throws {
        let fixture = try ProxyFixture()
        let response = fixture.send("GET", "/test/teapot")
        #expect(response.status == 500)
        #expect(response.bodyText == #"{"message":"Internal server error"}"#)
    }

    @Test("$context.responseOverride sets the status and headers")
    func override() throws {
        let fixture = try ProxyFixture()
        let response = fixture.send("GET", "/test/override")
        #expect(response.status == 202)
        #expect(response.headers["X-Over"] == "yes")
        #expect(response.bodyText == "accepted")
    }

    @Test("definition errors name the file, the line and column, and the JSON Pointer")
    func definitionErrors() throws {
        let directory = NSTemporaryDirectory() + "gateway-bad-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let broken = ProxyFixture.definition.replacingOccurrences(of: #""type": "mock", "requestTemplates": {"application/json": "{\"statusCode\": 500}"}"#,
            with: #""type": "carrier-pigeon""#)
        try broken.write(toFile: directory + "/ProxyAPI.json", atomically: true, encoding: .utf8)
        try ProxyFixture.deployment.write(toFile: directory + "/d.json", atomically: true, encoding: .utf8)
        #expect {
            _ = try ControlPlane.load(deploymentFile: directory + "/d.json", stateDirectory: nil, handlers: [:]).gateway
        } throws: { error in
            let text = (error as? GatewayLoadError)?.description ?? ""
            return text.contains("ProxyAPI.json:21:69: #/paths/~1teapot/get/x-amazon-apigateway-integration/type: type must be one of")
        }
        try #"{"stages": {"s": {"definition": "ProxyAPI.json", "cache": {"enabled": true, "ttlInSeconds": 7200}}}}"#
            .write(toFile: directory + "/d.json", atomically: true, encoding: .utf8)
        #expect {
            _ = try ControlPlane.load(deploymentFile: directory + "/d.json", stateDirectory: nil, handlers: [:]).gateway
        } throws: { ($0 as? GatewayLoadError)?.description.contains("d.json:1:93: #/stages/s/cache/ttlInSeconds: ttlInSeconds is from 0 to 3600") ?? false }
    }
}

@Suite("Response validation (beyond AWS)")
struct ResponseValidationTests {
    struct BrokenItems: LambdaHandler {
        func handle(_ event: JSONValue, context: LambdaContext) throws(LambdaFunctionError) -> JSONValue { ["ID": "not-a-number"] }
    }

    func gateway(mode: String, log: @escaping @Sendable (String) -> Void) throws -> (Gateway, String) {
        let directory = NSTemporaryDirectory() + "gateway-rv-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for name in ["Item.json", "Items.json", "ItemsAPI.json"] {
            try FileManager.default.copyItem(atPath: GatewayFixture.packageRoot + "/Schemas/" + name, toPath: directory + "/" + name)
        }
        let deployment = """
            {"stages": {"dev": {"definition": "ItemsAPI.json", "variables": {"lambdaAlias": "dev"}, "responseValidation": "\(mode)"}},
             "functions": {"ItemsFunction": {"handler": "broken", "aliases": {"dev": {"version": "$LATEST"}}}},
             "usagePlans": {"P": {"stages": ["dev"]}},
             "apiKeys": {"K": {"value": "response-validation-key-0001", "enabled": true, "usagePlans": ["P"]}}}
            """
        try deployment.write(toFile: directory + "/d.json", atomically: true, encoding: .utf8)
        return (try ControlPlane.load(deploymentFile: directory + "/d.json", stateDirectory: nil, handlers: ["broken": BrokenItems()], logSink: { log($0.text) }).gateway, directory)
    }

    @Test("log mode reports a response that breaks its model; enforce mode answers 502; off says nothing")
    func modes() throws {
        let lines = Mutex<[String]>([])
        let request = HTTPRequest(method: "GET", target: "/dev/items/1", headers: ["x-api-key": "response-validation-key-0001"])
        let (logging, first) = try gateway(mode: "log") { line in lines.withLock { $0.append(line) } }
        defer { try? FileManager.default.removeItem(atPath: first) }
        #expect(logging.respond(to: request).status == 200)
        #expect(lines.withLock { $0 }.contains { $0.contains("does not match its model: /ID: expected number, found string") })
        let (enforcing, second) = try gateway(mode: "enforce") { _ in }
        defer { try? FileManager.default.removeItem(atPath: second) }
        #expect(enforcing.respond(to: request).status == 502)
        lines.withLock { $0.removeAll() }
        let (off, third) = try gateway(mode: "off") { line in lines.withLock { $0.append(line) } }
        defer { try? FileManager.default.removeItem(atPath: third) }
        #expect(off.respond(to: request).status == 200)
        #expect(!lines.withLock { $0 }.contains { $0.contains("Response validation") })
    }
}
