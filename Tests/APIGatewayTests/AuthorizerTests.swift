import APIGateway
import AWSSignature
import ControlPlane
import Foundation
import HTTPCore
import JSONCore
import LambdaRuntime
import Synchronization
import TestSupport
import Testing

/// A Lambda authorizer whose answer depends on the token (`Bearer <case>`), counting its calls
/// and keeping the last event.
final class ScriptedAuthorizer: LambdaHandler, @unchecked Sendable {
    let calls = Mutex(0)
    let lastEvent = Mutex<JSONValue>(.null)

    static func allow(_ resource: JSONValue, deny: JSONValue? = nil) -> JSONValue {
        var statements: [JSONValue] = [["Action": "execute-api:Invoke", "Effect": "Allow", "Resource": resource]]
        if let deny { statements.append(["Action": ["execute-api:Invoke"], "Effect": "Deny", "Resource": deny]) }
        return ["Version": "2012-10-17", "Statement": .array(statements)]
    }

    func handle(_ event: JSONValue, context: LambdaContext) throws(LambdaFunctionError) -> JSONValue {
        calls.withLock { $0 += 1 }
        lastEvent.withLock { $0 = event }
        let token = event["authorizationToken"]?.stringValue ?? event["headers"]?["X-User"]?.stringValue ?? ""
        let arn = event["methodArn"] ?? .null
        switch token.split(separator: " ").last.map(String.init) ?? "" {
        case "all":
            return ["principalId": "ada", "policyDocument": ScriptedAuthorizer.allow("*"), "context": ["n": 1, "ok": true, "s": "text"]]
        case "exact":
            return ["principalId": "ada", "policyDocument": ScriptedAuthorizer.allow(arn)]
        case "deny":
            return ["principalId": "ada", "policyDocument": ScriptedAuthorizer.allow("*", deny: "arn:aws:execute-api:*:*:*/*/GET/pets/secret")]
        case "elsewhere":
            return ["principalId": "ada", "policyDocument": ScriptedAuthorizer.allow("arn:aws:execute-api:us-east-1:123456789012:other/*")]
        case "unauthorized":
            throw LambdaFunctionError("Unauthorized")
        case "boom":
            throw LambdaFunctionError("database down")
        case "nested":
            return ["principalId": "ada", "policyDocument": ScriptedAuthorizer.allow("*"), "context": ["user": ["id": 1]]]
        case "nopolicy":
            return ["principalId": "ada"]
        case "badeffect":
            return ["principalId": "ada", "policyDocument": ["Statement": [["Action": "*", "Effect": "allow", "Resource": "*"]]]]
        case "key":
            return ["principalId": "ada", "policyDocument": ScriptedAuthorizer.allow("*"), "usageIdentifierKey": "authorizer-issued-key-0123456789"]
        default:
            return ["principalId": "ada", "policyDocument": ScriptedAuthorizer.allow("*")]
        }
    }
}

/// An API with TOKEN and REQUEST authorizers, a Cognito and an IAM method, and an open one.
final class AuthorizerFixture {
    let directory: String
    let control: ControlPlane
    var gateway: Gateway { control.gateway }
    let authorizer = ScriptedAuthorizer()
    let function = ScriptedFunction()
    let clock: ManualClock
    let stateDirectory: String?

    static let functionURI = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:"
    static var definition: String {
        #"""
        {
          "openapi": "3.0.1",
          "info": {"title": "AuthAPI", "version": "1"},
          "components": {"securitySchemes": {
            "tokenAuth": {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "custom",
              "x-amazon-apigateway-authorizer": {"type": "token", "authorizerUri": "\#(functionURI)Auth/invocations",
                "identityValidationExpression": "Bearer [a-z]+", "authorizerResultTtlInSeconds": 300}},
            "requestAuth": {"type": "apiKey", "name": "Unused", "in": "header",
              "x-amazon-apigateway-authorizer": {"type": "request", "authorizerUri": "\#(functionURI)Auth/invocations",
                "identitySource": "method.request.header.X-User, method.request.querystring.tenant", "authorizerResultTtlInSeconds": 0}},
            "pool": {"type": "apiKey", "name": "Authorization", "in": "header",
              "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools", "providerARNs": ["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc"]}},
            "sigv4": {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "awsSigv4"},
            "api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"}
          }},
          "x-amazon-apigateway-api-key-source": "AUTHORIZER",
          "paths": {
            "/pets": {"get": {"security": [{"tokenAuth": []}], "x-amazon-apigateway-integration": {"type": "aws_proxy", "httpMethod": "POST", "uri": "\#(functionURI)Scripted/invocations"}}},
            "/pets/{id}": {"get": {"security": [{"tokenAuth": []}], "x-amazon-apigateway-integration": {"type": "aws_proxy", "httpMethod": "POST", "uri": "\#(functionURI)Scripted/invocations"}}},
            "/pets/secret": {"get": {"security": [{"tokenAuth": []}], "x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\"statusCode\": 200}"}, "responses": {"default": {"statusCode": "200"}}}}},
            "/who": {"get": {"security": [{"tokenAuth": []}], "x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\"statusCode\": 200}"},
              "responses": {"default": {"statusCode": "200", "responseTemplates": {"application/json": "$context.authorizer.principalId $context.authorizer.n $context.authorizer.ok $context.authorizer.s"}}}}}},
            "/req/{id}": {"get": {"security": [{"requestAuth": []}], "x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\"statusCode\": 200}"}, "responses": {"default": {"statusCode": "200"}}}}},
            "/keyed": {"get": {"security": [{"tokenAuth": []}, {"api_key": []}], "x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\"statusCode\": 200}"}, "responses": {"default": {"statusCode": "200"}}}}},
            "/cognito": {"get": {"security": [{"pool": []}], "x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\"statusCode\": 200}"}, "responses": {"default": {"statusCode": "200"}}}}},
            "/iam": {"get": {"security": [{"sigv4": []}], "x-amazon-apigateway-integration": {"type": "aws_proxy", "httpMethod": "POST", "uri": "\#(functionURI)Scripted/invocations"}}},
            "/open": {"get": {"x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\"statusCode\": 200}"}, "responses": {"default": {"statusCode": "200"}}}}}
          }
        }
        """#
    }

    /// With `keepsState`, a state directory (and so the credentials AWS_IAM methods check
    /// signatures against); the clock starts at `start`.
    init(gatewayResponses: String = "", keepsState: Bool = false, start: Double = 1_764_028_800, explicitDenyMessage: String? = nil) throws {
        clock = ManualClock(start: start)
        directory = NSTemporaryDirectory() + "gateway-auth-" + UUID().uuidString
        stateDirectory = keepsState ? directory + "/state" : nil
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var definition = AuthorizerFixture.definition
        if !gatewayResponses.isEmpty {
            definition = definition.replacingOccurrences(of: #""paths": {"#, with: #""x-amazon-apigateway-gateway-responses": \#(gatewayResponses), "paths": {"#)
        }
        try definition.write(toFile: directory + "/AuthAPI.json", atomically: true, encoding: .utf8)
        var deployment = #"""
            {"apiId": "authapi", "stages": {"prod": {"definition": "AuthAPI.json"}},
             "functions": {"Auth": {"handler": "auth"}, "Scripted": {"handler": "scripted"}},
             "apiKeys": {"Issued": {"value": "authorizer-issued-key-0123456789", "enabled": true, "usagePlans": ["Basic"]}},
             "usagePlans": {"Basic": {"stages": ["prod"]}}}
            """#
        if let explicitDenyMessage { deployment = deployment.replacingOccurrences(of: #"{"apiId""#, with: #"{"explicitDenyMessage": "\#(explicitDenyMessage)", "apiId""#) }
        try deployment.write(toFile: directory + "/d.json", atomically: true, encoding: .utf8)
        control = try ControlPlane.load(
            deploymentFile: directory + "/d.json", stateDirectory: stateDirectory, handlers: ["auth": authorizer, "scripted": function], clock: clock)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    func get(_ target: String, token: String? = nil, headers: [(String, String)] = []) -> HTTPResponse {
        var fields = HTTPHeaders(headers)
        if let token { fields.add("Authorization", token) }
        return gateway.respond(to: HTTPRequest(method: "GET", target: target, headers: fields))
    }

    var calls: Int { authorizer.calls.withLock { $0 } }
}

@Suite("Lambda authorizers")
struct AuthorizerTests {
    func body(_ response: HTTPResponse) -> String { String(decoding: response.body, as: UTF8.self) }

    @Test("a TOKEN authorizer: 401 without a call for a missing or non-matching token, the event as AWS sends it, an allowed call reaches the integration")
    func token() throws {
        let fixture = try AuthorizerFixture()
        for token in [nil, "", "Basic abc", "Bearer 123"] {
            let response = fixture.get("/prod/pets", token: token)
            #expect(response.status == 401)
            #expect(body(response) == #"{"message":"Unauthorized"}"#)
            #expect(response.headers["x-amzn-ErrorType"] == "UnauthorizedException")
        }
        #expect(fixture.calls == 0)
        let allowed = fixture.get("/prod/pets/7", token: "Bearer all")
        #expect(allowed.status == 200)
        #expect(fixture.calls == 1)
        let event = fixture.authorizer.lastEvent.withLock { $0 }
        #expect(event == ["type": "TOKEN", "authorizationToken": "Bearer all", "methodArn": "arn:aws:execute-api:us-east-1:123456789012:authapi/prod/GET/pets/7"])
        // The integration sees the principal and the context as strings.
        let proxied = fixture.function.lastEvent.withLock { $0 }
        #expect(proxied["requestContext"]?["authorizer"] == ["principalId": "ada", "n": "1", "ok": "true", "s": "text", "integrationLatency": 0])
        // Open methods ask nobody.
        #expect(fixture.get("/prod/open").status == 200)
        #expect(fixture.calls == 1)
    }

    @Test("the answer is kept for the TTL per token and evaluated against each method ARN (the cached-policy pitfall), then asked again")
    func caching() throws {
        let fixture = try AuthorizerFixture()
        #expect(fixture.get("/prod/pets/1", token: "Bearer exact").status == 200)
        #expect(fixture.get("/prod/pets/1", token: "Bearer exact").status == 200)
        #expect(fixture.calls == 1)
        // The kept policy allows only the first ARN: another path is denied without a call.
        let other = fixture.get("/prod/pets/2", token: "Bearer exact")
        #expect(other.status == 403)
        #expect(body(other) == #"{"Message":"User is not authorized to access this resource"}"#)
        #expect(other.headers["x-amzn-ErrorType"] == "AccessDeniedException")
        #expect(fixture.calls == 1)
        // Another token is another entry.
        #expect(fixture.get("/prod/pets/2", token: "Bearer all").status == 200)
        #expect(fixture.calls == 2)
        // After the TTL the function is asked again.
        fixture.clock.advance(by: 301)
        #expect(fixture.get("/prod/pets/2", token: "Bearer exact").status == 200)
        #expect(fixture.calls == 3)
        // FlushStageAuthorizersCache forgets the stage's answers.
        try fixture.control.apiGateway.flushAuthorizersCache("prod")
        #expect(fixture.get("/prod/pets/2", token: "Bearer exact").status == 200)
        #expect(fixture.calls == 4)
    }

    @Test("an explicit Deny wins over an Allow; no matching Allow is an implicit deny; both 403 with a capital-M Message")
    func policies() throws {
        let fixture = try AuthorizerFixture()
        #expect(fixture.get("/prod/pets/3", token: "Bearer deny").status == 200)
        let denied = fixture.get("/prod/pets/secret", token: "Bearer deny")
        #expect(denied.status == 403)
        #expect(body(denied) == #"{"Message":"User is not authorized to access this resource with an explicit deny"}"#)
        let reworded = try AuthorizerFixture(explicitDenyMessage: "User is not authorized to access this resource with an explicit deny in an identity-based policy")
        #expect(body(reworded.get("/prod/pets/secret", token: "Bearer deny")) == #"{"Message":"User is not authorized to access this resource with an explicit deny in an identity-based policy"}"#)
        let elsewhere = fixture.get("/prod/pets", token: "Bearer elsewhere")
        #expect(elsewhere.status == 403)
        #expect(body(elsewhere) == #"{"Message":"User is not authorized to access this resource"}"#)
    }

    @Test("Unauthorized from the function is 401; other errors and malformed answers are 500 {\"message\":null} and never kept")
    func failures() throws {
        let fixture = try AuthorizerFixture()
        #expect(fixture.get("/prod/pets", token: "Bearer unauthorized").status == 401)
        for token in ["Bearer boom", "Bearer nested", "Bearer nopolicy", "Bearer badeffect"] {
            let before = fixture.calls
            for _ in 0..<2 {
                let response = fixture.get("/prod/pets", token: token)
                #expect(response.status == 500, "\(token)")
                #expect(body(response) == #"{"message":null}"#, "\(token)")
                #expect(response.headers["x-amzn-ErrorType"] == "AuthorizerConfigurationException")
            }
            #expect(fixture.calls == before + 2, "\(token) was kept")
        }
    }

    @Test("$context.authorizer.* in a mapping template, stringified")
    func templates() throws {
        let fixture = try AuthorizerFixture()
        let response = fixture.get("/prod/who", token: "Bearer all")
        #expect(response.status == 200)
        #expect(body(response) == "ada 1 true text")
    }

    @Test("a REQUEST authorizer: every identity source present or 401 without a call; the REQUEST event; TTL 0 asks every time")
    func request() throws {
        let fixture = try AuthorizerFixture()
        #expect(fixture.get("/prod/req/9", headers: [("X-User", "Bearer all")]).status == 401)
        #expect(fixture.get("/prod/req/9?tenant=", headers: [("X-User", "Bearer all")]).status == 401)
        #expect(fixture.get("/prod/req/9?tenant=acme").status == 401)
        #expect(fixture.calls == 0)
        #expect(fixture.get("/prod/req/9?tenant=acme", headers: [("X-User", "Bearer all")]).status == 200)
        #expect(fixture.get("/prod/req/9?tenant=acme", headers: [("X-User", "Bearer all")]).status == 200)
        #expect(fixture.calls == 2)
        let event = fixture.authorizer.lastEvent.withLock { $0 }
        #expect(event["type"] == "REQUEST")
        #expect(event["methodArn"] == "arn:aws:execute-api:us-east-1:123456789012:authapi/prod/GET/req/9")
        #expect(event["resource"] == "/req/{id}")
        #expect(event["path"] == "/req/9")
        #expect(event["pathParameters"] == ["id": "9"])
        #expect(event["queryStringParameters"] == ["tenant": "acme"])
        #expect(event["headers"]?["X-User"] == "Bearer all")
        #expect(event["requestContext"]?["stage"] == "prod")
        #expect(event["requestContext"]?["resourcePath"] == "/req/{id}")
        #expect(event["body"] == nil)
    }

    @Test("the usage-plan key an authorizer names, with the API's key source AUTHORIZER")
    func usageIdentifierKey() throws {
        let fixture = try AuthorizerFixture()
        // The x-api-key header does not count: the key comes from the authorizer.
        let header = fixture.get("/prod/keyed", token: "Bearer all", headers: [("x-api-key", "authorizer-issued-key-0123456789")])
        #expect(header.status == 403)
        #expect(fixture.get("/prod/keyed", token: "Bearer key").status == 200)
    }

    @Test("a Cognito method with a token no trusted pool signed: 401, never open (CognitoAuthorizerTests has the rest)")
    func untrustedCognitoToken() throws {
        let fixture = try AuthorizerFixture()
        #expect(fixture.get("/prod/cognito", token: "eyJhbGciOiJSUzI1NiJ9.e30.sig").status == 401)
    }

    /// A request to `/prod/iam` signed for `service` with the given key and secret at the fixture's time.
    func signed(_ fixture: AuthorizerFixture, accessKeyId: String, secret: String, service: String = "execute-api", at time: Double? = nil) -> HTTPRequest {
        let amzDate = FrontDoor.amzDate(time ?? fixture.clock.now())
        let fields: [(String, String)] = [("Host", "authapi.execute-api.localhost"), ("X-Amz-Date", amzDate)]
        let authorization = SigV4.authorize(
            SigV4.Request(method: "GET", target: "/prod/iam", headers: fields, body: []), accessKeyId: accessKeyId, secret: secret, region: "us-east-1",
            service: service, amzDate: amzDate)
        return HTTPRequest(method: "GET", target: "/prod/iam", headers: HTTPHeaders(fields + [("Authorization", authorization)]))
    }

    @Test("AWS_IAM: unsigned 403 Missing Authentication Token, a bearer token 403 IncompleteSignature, a good signature by the state's credentials reaches the integration with the identity and without the signature; wrong secret, unknown key, another service, expired: 403")
    func iam() throws {
        let fixture = try AuthorizerFixture(keepsState: true)
        let credentials = try StateDirectory(fixture.stateDirectory!).credentials()
        let unsigned = fixture.get("/prod/iam")
        #expect(unsigned.status == 403)
        #expect(body(unsigned) == #"{"message":"Missing Authentication Token"}"#)
        let bearer = fixture.get("/prod/iam", token: "Bearer abc")
        #expect(bearer.status == 403)
        #expect(bearer.headers["x-amzn-ErrorType"] == "IncompleteSignatureException")
        #expect(body(bearer) == #"{"message":"'abc' not a valid key=value pair (missing equal-sign) in Authorization header: 'Bearer abc'."}"#)

        let good = fixture.gateway.respond(to: signed(fixture, accessKeyId: credentials.accessKeyId, secret: credentials.secretAccessKey))
        #expect(good.status == 200, "\(body(good))")
        let event = fixture.function.lastEvent.withLock { $0 }
        #expect(event["requestContext"]?["identity"]?["accessKey"] == .string(credentials.accessKeyId))
        #expect(event["requestContext"]?["identity"]?["userArn"] == "arn:aws:iam::123456789012:root")
        #expect(event["headers"]?["Authorization"] == nil)
        #expect(event["headers"]?["X-Amz-Date"] != nil)

        let wrongSecret = fixture.gateway.respond(to: signed(fixture, accessKeyId: credentials.accessKeyId, secret: "not-the-secret"))
        #expect(wrongSecret.status == 403)
        #expect(wrongSecret.headers["x-amzn-ErrorType"] == "InvalidSignatureException")
        #expect(body(wrongSecret).contains("The request signature we calculated does not match"))
        let unknown = fixture.gateway.respond(to: signed(fixture, accessKeyId: "AKIAUNKNOWN000000000", secret: credentials.secretAccessKey))
        #expect(unknown.status == 403)
        #expect(body(unknown) == #"{"message":"The security token included in the request is invalid."}"#)
        let otherService = fixture.gateway.respond(to: signed(fixture, accessKeyId: credentials.accessKeyId, secret: credentials.secretAccessKey, service: "lambda"))
        #expect(otherService.status == 403)
        let old = fixture.gateway.respond(to: signed(fixture, accessKeyId: credentials.accessKeyId, secret: credentials.secretAccessKey, at: fixture.clock.now() - 16 * 60))
        #expect(old.status == 403)
        #expect(body(old).contains("Signature expired"))
    }

    @Test(
        "AWS_IAM: a request signed by botocore (AWS's own signer) with the state's credentials is let in",
        .enabled(if: PythonModules.available("botocore"), "python3 with botocore is needed (pip install boto3; .ci/run installs it)"))
    func iamSignedByBotocore() throws {
        let fixture = try AuthorizerFixture(keepsState: true, start: Date().timeIntervalSince1970)
        let credentials = try StateDirectory(fixture.stateDirectory!).credentials()
        let script = """
            import json, sys
            from botocore.auth import SigV4Auth
            from botocore.awsrequest import AWSRequest
            from botocore.credentials import Credentials
            request = AWSRequest(method="GET", url="http://authapi.execute-api.localhost/prod/iam?b=2&a=1")
            SigV4Auth(Credentials(sys.argv[1], sys.argv[2]), "execute-api", "us-east-1").add_auth(request)
            print(json.dumps(dict(request.headers.items())))
            """
        let result = try runCommand(["python3", "-c", script, credentials.accessKeyId, credentials.secretAccessKey])
        #expect(result.status == 0, Comment(rawValue: result.error))
        let headers = try JSONParser().parse(Array(result.output.utf8))
        var fields: [(String, String)] = [("Host", "authapi.execute-api.localhost")]
        for member in headers.objectValue ?? JSONObject() { fields.append((member.key, member.value.stringValue ?? "")) }
        let response = fixture.gateway.respond(to: HTTPRequest(method: "GET", target: "/prod/iam?b=2&a=1", headers: HTTPHeaders(fields)))
        #expect(response.status == 200, "\(body(response))")
    }

    @Test("gateway responses restyle the authorizer's refusals")
    func gatewayResponses() throws {
        let fixture = try AuthorizerFixture(
            gatewayResponses: #"{"UNAUTHORIZED": {"statusCode": "401", "responseParameters": {"gatewayresponse.header.WWW-Authenticate": "'Bearer'"}, "responseTemplates": {"application/json": "{\"error\": \"login first\"}"}}, "ACCESS_DENIED": {"responseTemplates": {"application/json": "{\"denied\": $context.error.messageString}"}}}"#)
        let unauthorized = fixture.get("/prod/pets")
        #expect(unauthorized.status == 401)
        #expect(unauthorized.headers["WWW-Authenticate"] == "Bearer")
        #expect(body(unauthorized) == #"{"error": "login first"}"#)
        let denied = fixture.get("/prod/pets", token: "Bearer elsewhere")
        #expect(denied.status == 403)
        #expect(body(denied) == #"{"denied": "User is not authorized to access this resource"}"#)
    }

    @Test("a malformed security or authorizer is a load error at its place, never a method served open")
    func malformed() throws {
        let directory = NSTemporaryDirectory() + "gateway-auth-bad-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try #"{"apiId": "bad", "stages": {"prod": {"definition": "api.json"}}}"#.write(toFile: directory + "/d.json", atomically: true, encoding: .utf8)
        let mock = #"{"type": "mock", "requestTemplates": {"application/json": "{\"statusCode\": 200}"}}"#
        let scheme = #"{"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authorizer": AUTHORIZER}"#
        let cases: [(security: String, authorizer: String, expected: String)] = [
            (#"{"tokenAuth": []}"#, #"{"type": "token", "authorizerUri": "\#(AuthorizerFixture.functionURI)Auth/invocations"}"#, "#/paths/~1x/get/security: expected an array"),
            (#"["tokenAuth"]"#, #"{"type": "token", "authorizerUri": "\#(AuthorizerFixture.functionURI)Auth/invocations"}"#, "#/paths/~1x/get/security/0: a security requirement is an object"),
            (#"[{"tokenAuth": []}]"#, #"{"type": "token", "authorizerUri": "https://example.com/auth"}"#, "authorizerUri: authorizerUri must name a Lambda function"),
            (#"[{"tokenAuth": []}]"#, #"{"type": "jwt", "authorizerUri": "\#(AuthorizerFixture.functionURI)Auth/invocations"}"#, "type must be one of token, request, cognito_user_pools"),
            (#"[{"tokenAuth": []}]"#, #"{"type": "token", "authorizerResultTtlInSeconds": 7200, "authorizerUri": "\#(AuthorizerFixture.functionURI)Auth/invocations"}"#, "from 0 to 3600"),
            (#"[{"tokenAuth": []}]"#, #"{"type": "request", "identitySource": "method.request.path.id", "authorizerUri": "\#(AuthorizerFixture.functionURI)Auth/invocations"}"#, "path parameters cannot be identity sources"),
            (#"[{"tokenAuth": []}]"#, #"{"type": "token", "identityValidationExpression": "([a-z]", "authorizerUri": "\#(AuthorizerFixture.functionURI)Auth/invocations"}"#, "identityValidationExpression"),
        ]
        for (security, authorizer, expected) in cases {
            let definition = #"{"openapi": "3.0.1", "info": {"title": "Bad", "version": "1"}, "components": {"securitySchemes": {"tokenAuth": SCHEME}}, "paths": {"/x": {"get": {"security": SECURITY, "x-amazon-apigateway-integration": MOCK}}}}"#
                .replacingOccurrences(of: "SCHEME", with: scheme.replacingOccurrences(of: "AUTHORIZER", with: authorizer))
                .replacingOccurrences(of: "SECURITY", with: security).replacingOccurrences(of: "MOCK", with: mock)
            try definition.write(toFile: directory + "/api.json", atomically: true, encoding: .utf8)
            do {
                _ = try ControlPlane.load(deploymentFile: directory + "/d.json", stateDirectory: nil, handlers: [:])
                Issue.record("\(security) \(authorizer) was accepted")
            } catch {
                #expect(error.description.contains(expected), "\(error.description)")
            }
        }
    }

    @Test("test invoke skips the authorizer and says so in its log")
    func testInvoke() throws {
        let fixture = try AuthorizerFixture()
        let result = fixture.control.apiGateway.testInvoke(stage: "prod", method: "GET", path: "/pets/secret")
        #expect(result.response.status == 200)
        #expect(result.log.contains { $0.contains("authorization (CUSTOM) and the resource policy are not applied") })
        #expect(fixture.calls == 0)
    }
}
