import APIGateway
import ControlPlane
import Foundation
import HTTPCore
import JSONCore
import JSONWebTokens
import TestSupport
import Testing
import TextAndFiles

/// One signing key for the suite's pools, put where the local issuer keeps it: a test-only key
/// made once with Python's cryptography package (generating one here takes a debug build tens
/// of seconds of CPU; `RSATests` and `CognitoCommandTests` test generation).
let cognitoTestKey: (keyId: String, key: RSAPrivateKey) = {
    let modulus = "vlYf9FhSLkd4pp1XDRQt_6Q1HoBZ9q-LKQjVq1XA51m871V9DUWxLQjN7IOZiV5CI1YFZoa89xd6GQ5RmoxzoG25DQ7bClnElXVXQiubmaKF6rd5FkNRnOVK3Y3fmiVn2C-_Z3kk22cAakFMPnAp2MrdC8HJJajux6_ddGI3xB1PS5EsYo1WfRUYlBygz5IT59cGe5jtt0W1QDmtZnBVoQ7WGWw59H5skxuUjQv_te6CyBPBMTXSV-R7XZN6rK3QsDLr3WA_WB5f_0NS2lMAElovN4bomdRYsedmAOEdLvjZPAR48s4Pj3Y7pIzHjgKviiQuy8Ymg6jziYRiPNt9zQ"
    let privateExponent = "NJWiumT0P2jrgkyR0kEy_B-ntUeMk0SoU6vnLDDC3KfENPMPW21Xp7N5ANDSyErMRurrDwpGhpVr3CRCk0oeX8Iwj9T82v01_HywoM1fbbCjAtexkl8C2y_V4SPjFLkk2WtHnBSyBBOO38wufkmKpiRVsXvWUJs9bNm_evnvojRkZC-ikIiRmeDA7cfuMnIIT1dvFKz5lKkxBCPas-NuXgOOOt1bniD8BrisfCKAmH3wzj1mGjIBt714JJFAYOfyEyCkfwy-bPFwk8BWYT-koNvSERN28ybDDCzRIhSEOvRVX_EYt1AxIiWpKufbNkD6kPu46FqZ9Kq-VdiAAEyt2Q"
    return ("testkey", RSAPrivateKey(modulus: Base64.decodeURL(modulus)!, exponent: [0x01, 0x00, 0x01], privateExponent: Base64.decodeURL(privateExponent)!)!)
}()

/// An API with Cognito methods: one wanting an ID token (its claims in a mapping template),
/// one wanting an access token with a scope, and a proxy method (claims in the event).
final class CognitoFixture {
    static let pool = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Local1"
    static let otherPool = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Other"
    let directory: String
    let stateDirectory: String
    let control: ControlPlane
    let function = ScriptedFunction()
    let clock = ManualClock(start: 1_764_028_800)

    init(jwks: [String: String] = [:], writeLocalKey: Bool = true) throws {
        directory = NSTemporaryDirectory() + "gateway-cognito-" + UUID().uuidString
        stateDirectory = directory + "/state"
        try FileManager.default.createDirectory(atPath: stateDirectory + "/cognito", withIntermediateDirectories: true)
        if writeLocalKey {
            let file = SigningKeyFile.json(keyId: cognitoTestKey.keyId, key: cognitoTestKey.key)
            for pool in ["us-east-1_Local1", "us-east-1_Other"] {
                try JSONWriter.pretty.string(file).write(toFile: stateDirectory + "/cognito/\(pool).json", atomically: false, encoding: .utf8)
            }
        }
        let uri = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:Scripted/invocations"
        let mock = #""x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\"statusCode\": 200}"}, "responses": {"default": {"statusCode": "200", "responseTemplates": {"application/json": "$context.authorizer.claims.email $context.authorizer.claims['cognito:username'] $context.authorizer.claims['cognito:groups']"}}}}"#
        let definition = #"""
            {"openapi": "3.0.1", "info": {"title": "PoolAPI", "version": "1"},
             "components": {"securitySchemes": {"pool": {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "cognito_user_pools",
               "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools", "providerARNs": ["\#(CognitoFixture.pool)"]}}}},
             "paths": {
               "/me": {"get": {"security": [{"pool": []}], \#(mock)}},
               "/orders": {"get": {"security": [{"pool": ["orders/read"]}], \#(mock)}},
               "/proxy": {"get": {"security": [{"pool": []}], "x-amazon-apigateway-integration": {"type": "aws_proxy", "httpMethod": "POST", "uri": "\#(uri)"}}}
             }}
            """#
        try definition.write(toFile: directory + "/PoolAPI.json", atomically: false, encoding: .utf8)
        try #"{"apiId": "poolapi", "stages": {"prod": {"definition": "PoolAPI.json"}}, "functions": {"Scripted": {"handler": "scripted"}}}"#
            .write(toFile: directory + "/d.json", atomically: false, encoding: .utf8)
        control = try ControlPlane.load(
            deploymentFile: directory + "/d.json", stateDirectory: stateDirectory, handlers: ["scripted": function], clock: clock, jwks: jwks)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    func get(_ target: String, token: String?) -> HTTPResponse {
        var fields = HTTPHeaders()
        if let token { fields.add("Authorization", token) }
        return control.gateway.respond(to: HTTPRequest(method: "GET", target: target, headers: fields))
    }

    /// A token of the local issuer at the fixture's time.
    func token(_ configure: (inout CognitoIssuer.Request) -> Void = { _ in }) throws -> String {
        var request = CognitoIssuer.Request(poolARN: CognitoFixture.pool, username: "ada")
        request.extraClaims = [("email", "ada@example.com")]
        request.groups = ["admins", "staff"]
        configure(&request)
        return try CognitoIssuer.token(request, stateDirectory: StateDirectory(stateDirectory), now: clock.now())
    }
}

@Suite("Cognito user pool authorizers")
struct CognitoAuthorizerTests {
    func body(_ response: HTTPResponse) -> String { String(decoding: response.body, as: UTF8.self) }

    @Test("an ID token of the pool reaches a method without scopes; its claims in $context.authorizer.claims and the proxy event's requestContext.authorizer.claims")
    func idToken() throws {
        let fixture = try CognitoFixture()
        let token = try fixture.token()
        let response = fixture.get("/prod/me", token: token)
        #expect(response.status == 200)
        #expect(body(response) == "ada@example.com ada admins,staff")
        // `Bearer ` before the token is taken too.
        #expect(fixture.get("/prod/me", token: "Bearer " + token).status == 200)
        #expect(fixture.get("/prod/proxy", token: token).status == 200)
        let claims = fixture.function.lastEvent.withLock { $0 }["requestContext"]?["authorizer"]?["claims"]
        #expect(claims?["cognito:username"] == "ada")
        #expect(claims?["token_use"] == "id")
        #expect(claims?["aud"] == "localclient")
        #expect(claims?["iss"] == "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Local1")
        #expect(claims?["exp"] == "Tue Nov 25 01:00:00 UTC 2025")
        #expect(claims?["auth_time"] == "1764028800")
    }

    @Test("scopes: an access token holding one reaches the method; an ID token, an access token without the scope, or an access token on a method without scopes gets 401")
    func scopes() throws {
        let fixture = try CognitoFixture()
        let access = try fixture.token { $0.access = true; $0.scopes = ["profile", "orders/read"] }
        #expect(fixture.get("/prod/orders", token: access).status == 200)
        #expect(fixture.get("/prod/orders", token: try fixture.token()).status == 401)
        #expect(fixture.get("/prod/orders", token: try fixture.token { $0.access = true; $0.scopes = ["orders/write"] }).status == 401)
        #expect(fixture.get("/prod/me", token: access).status == 401)
    }

    @Test("refused with 401: no token, an expired one (AWS's text), another pool's, a tampered payload, alg none, garbage")
    func refusals() throws {
        let fixture = try CognitoFixture()
        let missing = fixture.get("/prod/me", token: nil)
        #expect(missing.status == 401)
        #expect(body(missing) == #"{"message":"Unauthorized"}"#)
        let expired = fixture.get("/prod/me", token: try fixture.token { $0.expiresIn = 0 })
        #expect(expired.status == 401)
        #expect(body(expired) == #"{"message":"The incoming token has expired"}"#)
        // A token that was valid becomes expired as time passes.
        let token = try fixture.token()
        fixture.clock.advance(by: 3601)
        #expect(body(fixture.get("/prod/me", token: token)) == #"{"message":"The incoming token has expired"}"#)
        let fresh = try fixture.token()
        // Signed by the same key but issued for a pool the authorizer does not name.
        let other = try fixture.token { $0.poolARN = CognitoFixture.otherPool }
        #expect(fixture.get("/prod/me", token: other).status == 401)
        let parts = fresh.split(separator: ".").map(String.init)
        var claims = try JSONParser().parse(Base64.decodeURL(parts[1])!).objectValue!
        claims["cognito:username"] = "mallory"
        let tampered = parts[0] + "." + Base64.encodeURL(JSONWriter.compact.bytes(.object(claims))) + "." + parts[2]
        #expect(fixture.get("/prod/me", token: tampered).status == 401)
        let none = Base64.encodeURL(Array(#"{"alg":"none","kid":"testkey"}"#.utf8)) + "." + parts[1] + "."
        #expect(fixture.get("/prod/me", token: none).status == 401)
        for garbage in ["x", "a.b.c", fresh + "x", String(repeating: "A", count: 20_000)] {
            #expect(fixture.get("/prod/me", token: garbage).status == 401)
        }
        #expect(fixture.get("/prod/me", token: fresh).status == 200)
    }

    @Test("a real pool's tokens (made by PyJWT) are checked against its published keys given with --jwks; without them they are refused", .enabled(if: pyJWTInstalled, "PyJWT and cryptography are not installed (pip install PyJWT cryptography)"))
    func publishedKeys() throws {
        let directory = NSTemporaryDirectory() + "gateway-cognito-pyjwt-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let script = """
            import base64, json, sys, jwt
            from cryptography.hazmat.primitives.asymmetric import rsa
            private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            numbers = private.public_key().public_numbers()
            b64 = lambda n: base64.urlsafe_b64encode(n.to_bytes((n.bit_length() + 7) // 8, "big")).rstrip(b"=").decode()
            json.dump({"keys": [{"kty": "RSA", "kid": "real1", "alg": "RS256", "use": "sig", "n": b64(numbers.n), "e": b64(numbers.e)}]}, open(sys.argv[1], "w"))
            now = int(sys.argv[2])
            claims = {"sub": "u-1", "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Local1", "token_use": "id", "aud": "app",
                      "cognito:username": "grace", "email": "grace@example.com", "exp": now + 600, "iat": now, "auth_time": now}
            print(jwt.encode(claims, private, algorithm="RS256", headers={"kid": "real1"}))
            claims["exp"] = now - 1
            print(jwt.encode(claims, private, algorithm="RS256", headers={"kid": "real1"}))
            """
        let (status, output, errors) = try runCommand(["python3", "-c", script, directory + "/jwks.json", "1764028800"])
        try #require(status == 0, "\(errors)")
        let tokens = output.split(separator: "\n").map(String.init)
        let withKeys = try CognitoFixture(jwks: [CognitoFixture.pool: directory + "/jwks.json"], writeLocalKey: false)
        let accepted = withKeys.get("/prod/me", token: tokens[0])
        #expect(accepted.status == 200)
        #expect(body(accepted) == "grace@example.com grace ")
        #expect(body(withKeys.get("/prod/me", token: tokens[1])) == #"{"message":"The incoming token has expired"}"#)
        let withoutKeys = try CognitoFixture(writeLocalKey: false)
        #expect(withoutKeys.get("/prod/me", token: tokens[0]).status == 401)
    }

    @Test("the pool's JWKS is served at /_gateway/cognito/POOL/.well-known/jwks.json; a key set that does not read stops the start naming its file")
    func keySetURL() throws {
        let fixture = try CognitoFixture()
        let door = FrontDoor(control: fixture.control)
        let response = door.respond(to: HTTPRequest(method: "GET", target: "/_gateway/cognito/us-east-1_Local1/.well-known/jwks.json", headers: HTTPHeaders()))
        #expect(response.status == 200)
        let set = try JSONWebKeySet(json: JSONParser().parse(response.body))
        #expect(set.keys == ["testkey": cognitoTestKey.key.publicKey])
        let bad = fixture.directory + "/bad-jwks.json"
        try #"{"keys": [{"kty": "RSA", "kid": "x", "n": "AQAB", "e": "AQAB"}]}"#.write(toFile: bad, atomically: false, encoding: .utf8)
        #expect {
            _ = try ControlPlane.load(deploymentFile: fixture.directory + "/d.json", stateDirectory: nil, handlers: [:], jwks: ["us-east-1_Local1": bad])
        } throws: { error in
            "\(error)".contains("bad-jwks.json")
        }
    }
}

/// PyJWT with cryptography installed.
let pyJWTInstalled = (try? runCommand(["python3", "-c", "import jwt, cryptography"]))?.status == 0
