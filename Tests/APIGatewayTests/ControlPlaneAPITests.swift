import TextAndFiles
import APIGateway
import AWSSignature
import ControlPlane
import Foundation
import HTTPCore
import ItemsService
import JSONCore
import MappingTemplates
import Testing

/// The AWS APIs as the SDKs speak them: SigV4-signed REST-JSON requests to a `FrontDoor` in
/// process (the same object `gateway serve` puts on its port).
final class ControlFixture {
    let fixture: GatewayFixture
    let door: FrontDoor
    let client: ControlClient

    init(requireSignature: StateDirectory.Credentials? = nil) throws {
        fixture = try GatewayFixture()
        door = FrontDoor(control: fixture.control, requireSignature: requireSignature)
        client = ControlClient(
            transport: .inProcess(door), credentials: requireSignature ?? StateDirectory.Credentials(accessKeyId: "test", secretAccessKey: "test"))
    }

    var control: ControlPlane { fixture.control }

    func call(_ service: String, _ method: String, _ target: String, body: JSONValue? = nil, headers: [(String, String)] = [])
        throws -> ControlClient.Answer
    {
        try client.send(service, method, target, body: body, headers: headers, now: fixture.clock.now())
    }

    func lambda(_ method: String, _ target: String, body: JSONValue? = nil, headers: [(String, String)] = []) throws -> ControlClient.Answer {
        try call("lambda", method, "/2015-03-31/functions" + target, body: body, headers: headers)
    }

    func apigateway(_ method: String, _ target: String, body: JSONValue? = nil) throws -> ControlClient.Answer {
        try call("apigateway", method, target, body: body)
    }
}

@Suite("Lambda API (2015-03-31)")
struct LambdaAPITests {
    @Test("ListFunctions, GetFunction and GetFunctionConfiguration describe $LATEST, versions and aliases")
    func reads() throws {
        let api = try ControlFixture()
        let list = try api.lambda("GET", "")
        #expect(list.status == 200)
        #expect(list.json["Functions"]?[0]?["FunctionName"] == "ItemsFunction")
        #expect(list.json["Functions"]?[0]?["Version"] == "$LATEST")
        let function = try api.lambda("GET", "/ItemsFunction")
        #expect(function.json["Configuration"]?["FunctionArn"] == "arn:aws:lambda:us-east-1:123456789012:function:ItemsFunction")
        #expect(function.json["Code"]?["RepositoryType"] == "S3")
        let prod = try api.lambda("GET", "/ItemsFunction/configuration?Qualifier=prod")
        #expect(prod.json["Version"] == "1")
        #expect(prod.json["FunctionArn"] == "arn:aws:lambda:us-east-1:123456789012:function:ItemsFunction:1")
        #expect(prod.json["Timeout"] == 3)
        #expect(prod.json["MemorySize"] == 128)
        #expect(prod.json["Environment"]?["Variables"]?["TABLE"] == "items")
        // A full ARN names the function too.
        #expect(try api.lambda("GET", "/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3AItemsFunction/configuration").status == 200)
        let missing = try api.lambda("GET", "/Nope")
        #expect(missing.status == 404)
        #expect(missing.headers["x-amzn-ErrorType"] == "ResourceNotFoundException")
        #expect(missing.json["Message"] == "Function not found: arn:aws:lambda:us-east-1:123456789012:function:Nope")
        #expect(missing.json["Type"] == "User")
    }

    @Test("UpdateFunctionConfiguration, PublishVersion and ListVersionsByFunction; versions are immutable")
    func versions() throws {
        let api = try ControlFixture()
        let updated = try api.lambda(
            "PUT", "/ItemsFunction/configuration", body: ["Environment": ["Variables": ["NOTE": "v2"]], "MemorySize": 256, "Timeout": 5, "Description": "second"])
        #expect(updated.status == 200)
        #expect(updated.json["Environment"]?["Variables"] == ["NOTE": "v2"])
        #expect(updated.json["MemorySize"] == 256)
        let published = try api.lambda("POST", "/ItemsFunction/versions", body: [:])
        #expect(published.status == 201)
        #expect(published.json["Version"] == "2")
        #expect(published.json["Description"] == "second")
        // Unchanged $LATEST: the same version again.
        #expect(try api.lambda("POST", "/ItemsFunction/versions", body: [:]).json["Version"] == "2")
        let versions = try api.lambda("GET", "/ItemsFunction/versions").json["Versions"]?.arrayValue?.compactMap { $0["Version"]?.stringValue }
        #expect(versions == ["$LATEST", "1", "2"])
        // Version 1 kept its configuration.
        #expect(try api.lambda("GET", "/ItemsFunction/configuration?Qualifier=1").json["MemorySize"] == 128)
        let invalid = try api.lambda("PUT", "/ItemsFunction/configuration", body: ["MemorySize": 64])
        #expect(invalid.status == 400)
        #expect(invalid.headers["x-amzn-ErrorType"] == "ValidationException")
    }

    @Test("CreateAlias, GetAlias, UpdateAlias with RoutingConfig, ListAliases and DeleteAlias")
    func aliases() throws {
        let api = try ControlFixture()
        _ = try api.lambda("PUT", "/ItemsFunction/configuration", body: ["Description": "v2"])
        _ = try api.lambda("POST", "/ItemsFunction/versions", body: [:])
        let created = try api.lambda("POST", "/ItemsFunction/aliases", body: ["Name": "beta", "FunctionVersion": "1", "Description": "testers"])
        #expect(created.status == 201)
        #expect(created.json["AliasArn"] == "arn:aws:lambda:us-east-1:123456789012:function:ItemsFunction:beta")
        let duplicate = try api.lambda("POST", "/ItemsFunction/aliases", body: ["Name": "beta", "FunctionVersion": "1"])
        #expect(duplicate.status == 409)
        #expect(duplicate.headers["x-amzn-ErrorType"] == "ResourceConflictException")
        let moved = try api.lambda(
            "PUT", "/ItemsFunction/aliases/beta", body: ["FunctionVersion": "2", "RoutingConfig": ["AdditionalVersionWeights": ["1": 0.1]]])
        #expect(moved.json["FunctionVersion"] == "2")
        #expect(moved.json["RoutingConfig"]?["AdditionalVersionWeights"]?["1"] == 0.1)
        #expect(moved.json["Description"] == "testers")
        let weighted = try api.lambda("PUT", "/ItemsFunction/aliases/beta", body: ["RoutingConfig": ["AdditionalVersionWeights": ["1": 2]]])
        #expect(weighted.status == 400)
        #expect(weighted.headers["x-amzn-ErrorType"] == "ValidationException")
        let names = try api.lambda("GET", "/ItemsFunction/aliases").json["Aliases"]?.arrayValue?.compactMap { $0["Name"]?.stringValue }
        #expect(names == ["beta", "dev", "prod"])
        #expect(try api.lambda("GET", "/ItemsFunction/aliases?FunctionVersion=2").json["Aliases"]?.arrayValue?.count == 1)
        #expect(try api.lambda("GET", "/ItemsFunction/aliases/beta").json["FunctionVersion"] == "2")
        #expect(try api.lambda("DELETE", "/ItemsFunction/aliases/beta").status == 204)
        let gone = try api.lambda("GET", "/ItemsFunction/aliases/beta")
        #expect(gone.status == 404)
        #expect(gone.json["Message"] == "Cannot find alias arn: arn:aws:lambda:us-east-1:123456789012:function:ItemsFunction:beta")
    }

    @Test("Invoke: RequestResponse with Tail logs, Unhandled errors, Event, DryRun, qualifiers, bad payloads")
    func invoke() throws {
        let api = try ControlFixture()
        let answer = try api.lambda("POST", "/ItemsFunction/invocations?Qualifier=prod", body: ["ID": 3], headers: [("X-Amz-Log-Type", "Tail")])
        #expect(answer.status == 200)
        #expect(answer.json == ["ID": 3, "name": "Highlighter", "price": 3.0])
        #expect(answer.headers["X-Amz-Executed-Version"] == "1")
        let log = String(decoding: Base64.decode(answer.headers["X-Amz-Log-Result"] ?? "") ?? [], as: UTF8.self)
        #expect(log.hasPrefix("START RequestId: "))
        #expect(log.contains("Version: 1\n"))
        #expect(log.contains("REPORT RequestId: "))
        let failed = try api.lambda("POST", "/ItemsFunction/invocations", body: ["ID": 9])
        #expect(failed.status == 200)
        #expect(failed.headers["X-Amz-Function-Error"] == "Unhandled")
        #expect(failed.json["errorMessage"] == "NotFoundError")
        #expect(try api.lambda("POST", "/ItemsFunction/invocations", body: [:], headers: [("X-Amz-Invocation-Type", "Event")]).status == 202)
        let dry = try api.lambda("POST", "/ItemsFunction/invocations", body: [:], headers: [("X-Amz-Invocation-Type", "DryRun")])
        #expect(dry.status == 204)
        #expect(dry.body.isEmpty)
        #expect(try api.lambda("POST", "/ItemsFunction:prod/invocations", body: ["ID": 1]).headers["X-Amz-Executed-Version"] == "1")
        #expect(try api.lambda("POST", "/ItemsFunction/invocations?Qualifier=7", body: [:]).status == 404)
        let garbage = try api.client.send("lambda", "POST", "/2015-03-31/functions/ItemsFunction/invocations", body: nil, now: api.fixture.clock.now())
        #expect(garbage.status == 200)  // an empty payload is {}
    }

    @Test("known operations that are not implemented are named; unknown paths are 404")
    func unsupported() throws {
        let api = try ControlFixture()
        let url = try api.call("lambda", "GET", "/2021-10-31/functions/ItemsFunction/url")
        #expect(url.status == 501)
        #expect(url.json["Message"]?.stringValue?.hasPrefix("GetFunctionUrlConfig is not supported") == true)
        // Operations that share a method and path are told apart by the query botocore sends.
        for (target, name) in [
            ("/restapis?mode=import", "ImportRestApi"), ("/restapis", "CreateRestApi"), ("/apikeys?mode=import&format=csv", "ImportApiKeys"),
        ] {
            let answer = try api.call("apigateway", "POST", target, body: [:])
            #expect(answer.status == 501 && answer.json["message"]?.stringValue?.hasPrefix("\(name) is not supported") == true, "\(target): \(answer.json)")
        }
        // Reserved concurrency is supported: set, read, removed.
        let put = try api.call("lambda", "PUT", "/2017-10-31/functions/ItemsFunction/concurrency", body: ["ReservedConcurrentExecutions": 5])
        #expect(put.json == ["ReservedConcurrentExecutions": 5])
        #expect(try api.call("lambda", "GET", "/2019-09-30/functions/ItemsFunction/concurrency").json == ["ReservedConcurrentExecutions": 5])
        #expect(try api.call("lambda", "DELETE", "/2017-10-31/functions/ItemsFunction/concurrency").status == 204)
        #expect(try api.call("lambda", "GET", "/2019-09-30/functions/ItemsFunction/concurrency").json == [:])
        let unknown = try api.call("lambda", "GET", "/nothing/here")
        #expect(unknown.status == 404)
        #expect(unknown.headers["x-amzn-ErrorType"] == "UnknownOperationException")
    }
}

@Suite("API Gateway API (2015-07-09)")
struct APIGatewayAPITests {
    @Test("GetRestApis, GetRestApi and GetResources")
    func restAPI() throws {
        let api = try ControlFixture()
        let apis = try api.apigateway("GET", "/restapis")
        #expect(apis.json["item"]?[0]?["id"] == "itemsapi01")
        #expect(apis.json["item"]?[0]?["name"] == "ItemsAPI")
        #expect(try api.apigateway("GET", "/restapis/itemsapi01").json["apiKeySource"] == "HEADER")
        let missing = try api.apigateway("GET", "/restapis/nope")
        #expect(missing.status == 404)
        #expect(missing.headers["x-amzn-ErrorType"] == "NotFoundException")
        let resources = try api.apigateway("GET", "/restapis/itemsapi01/resources").json["item"]?.arrayValue ?? []
        #expect(resources.compactMap { $0["path"]?.stringValue } == ["/", "/items", "/items/{ID}"])
        #expect(resources[2]["resourceMethods"]?["GET"] != nil)
        #expect(resources[2]["parentId"] == resources[1]["id"])
    }

    @Test("GetStages, GetStage, UpdateStage (variables, method settings, cache) and FlushStageCache")
    func stages() throws {
        let api = try ControlFixture()
        let key = api.fixture.labKey
        let names = try api.apigateway("GET", "/restapis/itemsapi01/stages").json["item"]?.arrayValue?.compactMap { $0["stageName"]?.stringValue }
        #expect(Set(names ?? []) == ["mock", "dev", "prod"])
        let prod = try api.apigateway("GET", "/restapis/itemsapi01/stages/prod").json
        #expect(prod["variables"]?["lambdaAlias"] == "prod")
        #expect(prod["cacheClusterEnabled"] == true)
        #expect(prod["methodSettings"]?["items/GET"]?["cacheTtlInSeconds"] == 60)
        // Point dev at version 1 through its stage variable: the next request follows.
        _ = try api.lambda("PUT", "/ItemsFunction/configuration", body: ["Handler": "items.handler", "Description": "changed"])
        let updated = try api.apigateway(
            "PATCH", "/restapis/itemsapi01/stages/dev",
            body: ["patchOperations": [
                ["op": "replace", "path": "/variables/lambdaAlias", "value": "prod"],
                ["op": "replace", "path": "/~1items~1{ID}/GET/throttling/rateLimit", "value": "1"],
                ["op": "replace", "path": "/~1items~1{ID}/GET/throttling/burstLimit", "value": "1"],
            ]])
        #expect(updated.status == 200)
        #expect(updated.json["variables"]?["lambdaAlias"] == "prod")
        #expect(updated.json["methodSettings"]?["items/{ID}/GET"]?["throttlingBurstLimit"] == 1)
        #expect(api.fixture.get("/dev/items/3", key: key).status == 200)
        #expect(api.fixture.get("/dev/items/3", key: key).status == 429)  // the new method throttle, at once
        let bad = try api.apigateway("PATCH", "/restapis/itemsapi01/stages/dev", body: ["patchOperations": [["op": "replace", "path": "/nope", "value": "x"]]])
        #expect(bad.status == 400)
        #expect(bad.headers["x-amzn-ErrorType"] == "BadRequestException")
        // patchOperations of the wrong shape is refused, never read as no change.
        let notAList = try api.apigateway("PATCH", "/restapis/itemsapi01/stages/dev", body: ["patchOperations": ["op": "replace", "path": "/description", "value": "x"]])
        #expect(notAList.status == 400)
        #expect(notAList.json["message"]?.stringValue?.contains("patchOperations must be a list, found object") == true)
        // The cache: a hit, then a flush makes the next request miss.
        _ = api.fixture.get("/prod/items/2", key: key)
        _ = api.fixture.get("/prod/items/2", key: key)
        #expect(api.fixture.gateway.cacheStatistics(stage: "prod")?.entries == 1)
        #expect(try api.apigateway("DELETE", "/restapis/itemsapi01/stages/prod/cache/data").status == 202)
        #expect(api.fixture.gateway.cacheStatistics(stage: "prod")?.entries == 0)
        #expect(try api.apigateway("GET", "/restapis/itemsapi01/stages/nope").status == 404)
    }

    @Test("CreateDeployment serves the definition as it is now; GetDeployments lists them")
    func deployments() throws {
        let api = try ControlFixture()
        let before = try api.apigateway("GET", "/restapis/itemsapi01/deployments").json["item"]?.arrayValue?.count ?? 0
        let made = try api.apigateway("POST", "/restapis/itemsapi01/deployments", body: ["stageName": "dev", "description": "second"])
        #expect(made.status == 201)
        #expect(made.json["description"] == "second")
        let id = made.json["id"]?.stringValue
        #expect(id?.count == 6)
        #expect(try api.apigateway("GET", "/restapis/itemsapi01/stages/dev").json["deploymentId"]?.stringValue == id)
        let after = try api.apigateway("GET", "/restapis/itemsapi01/deployments").json["item"]?.arrayValue ?? []
        #expect(after.count == before + 1)
        #expect(after.first?["id"]?.stringValue == id)  // newest first
        #expect(try api.apigateway("POST", "/restapis/itemsapi01/deployments", body: ["stageName": "nope"]).status == 404)
    }

    @Test("API keys: GetApiKeys (values only when asked), GetApiKey, CreateApiKey, UpdateApiKey, DeleteApiKey")
    func keys() throws {
        let api = try ControlFixture()
        let listed = try api.apigateway("GET", "/apikeys").json["item"]?.arrayValue ?? []
        #expect(listed.count == 1)
        #expect(listed[0]["name"] == "LabKey")
        #expect(listed[0]["value"] == nil)
        #expect(try api.apigateway("GET", "/apikeys?includeValues=true").json["item"]?[0]?["value"]?.stringValue == api.fixture.labKey)
        let id = listed[0]["id"]?.stringValue ?? ""
        #expect(try api.apigateway("GET", "/apikeys/\(id)").json["value"] == nil)
        #expect(try api.apigateway("GET", "/apikeys/\(id)?includeValue=true").json["value"]?.stringValue == api.fixture.labKey)
        #expect(try api.apigateway("GET", "/apikeys?name=Lab").json["item"]?.arrayValue?.count == 1)
        #expect(try api.apigateway("GET", "/apikeys?name=lab").json["item"]?.arrayValue?.count == 0)  // case-sensitive prefix
        // Disabled: refused at once; enabled again: served.
        let disabled = try api.apigateway("PATCH", "/apikeys/\(id)", body: ["patchOperations": [["op": "replace", "path": "/enabled", "value": "false"]]])
        #expect(disabled.json["enabled"] == false)
        #expect(api.fixture.get("/prod/items", key: api.fixture.labKey).status == 403)
        _ = try api.apigateway("PATCH", "/apikeys/\(id)", body: ["patchOperations": [["op": "replace", "path": "/enabled", "value": "true"]]])
        #expect(api.fixture.get("/prod/items", key: api.fixture.labKey).status == 200)
        let badPath = try api.apigateway("PATCH", "/apikeys/\(id)", body: ["patchOperations": [["op": "replace", "path": "/id", "value": "x"]]])
        #expect(badPath.status == 400)
        #expect(badPath.json["message"]?.stringValue?.contains("Must be one of: [/description, /enabled, /name, /customerId]") == true)
        // Created keys are disabled unless asked; values are 20–128 characters and unique.
        let made = try api.apigateway("POST", "/apikeys", body: ["name": "Partner"])
        #expect(made.status == 201)
        #expect(made.json["enabled"] == false)
        #expect(made.json["value"]?.stringValue?.count == 40)
        #expect(try api.apigateway("POST", "/apikeys", body: ["name": "Short", "value": "tooshort"]).json["message"] == "API Key value should be at least 20 characters")
        let value = made.json["value"]?.stringValue ?? ""
        #expect(try api.apigateway("POST", "/apikeys", body: ["name": "Copy", "value": .string(value)]).status == 409)
        let madeId = made.json["id"]?.stringValue ?? ""
        #expect(try api.apigateway("DELETE", "/apikeys/\(madeId)").status == 202)
        let gone = try api.apigateway("GET", "/apikeys/\(madeId)")
        #expect(gone.status == 404)
        #expect(gone.json["message"] == "Invalid API Key identifier specified")
    }

    @Test("usage plans: GetUsagePlans, CreateUsagePlanKey (the key works at once), GetUsage by day")
    func usagePlans() throws {
        let api = try ControlFixture()
        let plans = try api.apigateway("GET", "/usageplans").json["item"]?.arrayValue ?? []
        #expect(plans.count == 1)
        #expect(plans[0]["name"] == "CloudAcademyPlan")
        #expect(plans[0]["quota"]?["limit"] == 1000)
        #expect(plans[0]["throttle"]?["burstLimit"] == 20)
        let planId = plans[0]["id"]?.stringValue ?? ""
        let key = try api.apigateway("POST", "/apikeys", body: ["name": "Partner", "enabled": true]).json
        let keyId = key["id"]?.stringValue ?? ""
        let value = key["value"]?.stringValue ?? ""
        #expect(api.fixture.get("/prod/items", key: value).status == 403)  // in no plan yet
        let added = try api.apigateway("POST", "/usageplans/\(planId)/keys", body: ["keyId": .string(keyId), "keyType": "API_KEY"])
        #expect(added.status == 201)
        #expect(added.json["type"] == "API_KEY")
        #expect(try api.apigateway("POST", "/usageplans/\(planId)/keys", body: ["keyId": .string(keyId), "keyType": "API_KEY"]).status == 409)
        for _ in 0..<3 {
            api.fixture.clock.advance(by: 0.2)
            #expect(api.fixture.get("/dev/items/1", key: value).status == 200)
        }
        let day = UTCDate.text(api.fixture.clock.now())
        let usage = try api.apigateway("GET", "/usageplans/\(planId)/usage?startDate=\(day)&endDate=\(day)&keyId=\(keyId)").json
        #expect(usage["values"]?[keyId] == [[3, 997]])
        #expect(usage["usagePlanId"]?.stringValue == planId)
        #expect(try api.apigateway("GET", "/usageplans/nope/usage?startDate=\(day)&endDate=\(day)").status == 404)
        #expect(try api.apigateway("GET", "/usageplans/\(planId)/keys").json["item"]?.arrayValue?.count == 2)
    }

    @Test("TestInvokeMethod runs a request through the working copy with the execution log")
    func testInvoke() throws {
        let api = try ControlFixture()
        let resources = try api.apigateway("GET", "/restapis/itemsapi01/resources").json["item"]?.arrayValue ?? []
        let id = resources.first { $0["path"] == "/items/{ID}" }?["id"]?.stringValue ?? ""
        let result = try api.apigateway(
            "POST", "/restapis/itemsapi01/resources/\(id)/methods/GET", body: ["pathWithQueryString": "/items/3", "stageVariables": ["lambdaAlias": "dev"]])
        #expect(result.status == 200)
        #expect(result.json["status"] == 200)
        #expect(result.json["body"] == #"{"ID":3,"name":"Highlighter","price":3.0}"#)
        #expect(result.json["log"]?.stringValue?.contains("Starting execution for request") == true)
        #expect(try api.apigateway("POST", "/restapis/itemsapi01/resources/\(id)/methods/DELETE", body: [:]).status == 404)
    }
}

@Suite("The front door")
struct FrontDoorTests {
    @Test("requests without a SigV4 authorization are invoke-URL requests, whatever their path")
    func invokeRequests() throws {
        let api = try ControlFixture()
        #expect(api.door.respond(to: HTTPRequest(method: "GET", target: "/2015-03-31/functions")).status == 403)  // no such stage
        let key = api.fixture.labKey
        #expect(api.door.respond(to: HTTPRequest(method: "GET", target: "/prod/items/3", headers: ["x-api-key": .init(key)])).status == 200)
        // An execute-api signature is IAM on an invoke URL: still the gateway's.
        let signed = SigV4.authorize(
            SigV4.Request(method: "GET", target: "/mock/items", headers: [("Host", "h"), ("X-Amz-Date", "20261202T000000Z")], body: []),
            accessKeyId: "a", secret: "b", region: "us-east-1", service: "execute-api", amzDate: "20261202T000000Z")
        #expect(api.door.respond(to: HTTPRequest(method: "GET", target: "/mock/items", headers: ["Authorization": .init(signed)])).status == 200)
    }

    @Test("a malformed SigV4 header is refused, never served as an invoke request", arguments: [
        "AWS4-HMAC-SHA256 Credential=test/20261202/us-east-1/lambda, SignedHeaders=host, Signature=abc",
        "AWS4-HMAC-SHA256 garbage", "AWS4-HMAC-SHA256 Credential=t/2026/us-east-1/apigateway/aws4_request, SignedHeaders=host, Signature=" + String(repeating: "0", count: 64),
    ])
    func malformed(_ header: String) throws {
        let api = try ControlFixture()
        let response = api.door.respond(to: HTTPRequest(method: "GET", target: "/mock/items", headers: ["Authorization": .init(header)]))
        #expect(response.status == 400)
        #expect(response.headers["x-amzn-ErrorType"] == "IncompleteSignatureException")
    }

    @Test("with --require-signature: the right signature passes; a wrong key, secret, body or an old date do not")
    func verification() throws {
        let credentials = StateDirectory.Credentials(accessKeyId: "AKIDLOCAL", secretAccessKey: "secret-of-the-state-directory")
        let api = try ControlFixture(requireSignature: credentials)
        #expect(try api.lambda("GET", "").status == 200)
        let wrongKey = ControlClient(transport: .inProcess(api.door), credentials: StateDirectory.Credentials(accessKeyId: "OTHER", secretAccessKey: "secret-of-the-state-directory"))
        let refused = try wrongKey.send("lambda", "GET", "/2015-03-31/functions", now: api.fixture.clock.now())
        #expect(refused.status == 403)
        #expect(refused.headers["x-amzn-ErrorType"] == "UnrecognizedClientException")
        let wrongSecret = ControlClient(transport: .inProcess(api.door), credentials: StateDirectory.Credentials(accessKeyId: "AKIDLOCAL", secretAccessKey: "guess"))
        let mismatch = try wrongSecret.send("apigateway", "GET", "/apikeys", now: api.fixture.clock.now())
        #expect(mismatch.status == 403)
        #expect(mismatch.headers["x-amzn-ErrorType"] == "InvalidSignatureException")
        #expect(mismatch.json["message"]?.stringValue?.hasPrefix("The request signature we calculated does not match") == true)
        let old = try api.client.send("lambda", "GET", "/2015-03-31/functions", now: api.fixture.clock.now() - 3600)
        #expect(old.status == 403)
        #expect(old.json["Message"]?.stringValue?.hasPrefix("Signature expired") == true)
        // A body changed after signing.
        var request = HTTPRequest(method: "PUT", target: "/2015-03-31/functions/ItemsFunction/configuration")
        let date = FrontDoor.amzDate(api.fixture.clock.now())
        let fields = [("Host", "localhost"), ("X-Amz-Date", date), ("Content-Type", "application/json")]
        let header = SigV4.authorize(
            SigV4.Request(method: "PUT", target: request.target, headers: fields, body: Array(#"{"MemorySize":256}"#.utf8)), accessKeyId: "AKIDLOCAL",
            secret: credentials.secretAccessKey, region: "us-east-1", service: "lambda", amzDate: date)
        request.headers = HTTPHeaders(fields + [("Authorization", header)])
        request.body = Array(#"{"MemorySize":1024}"#.utf8)
        #expect(api.door.respond(to: request).status == 403)
        #expect(try api.lambda("GET", "/ItemsFunction/configuration").json["MemorySize"] == 128)
    }
}

/// `2026-12-02` for a time.
enum UTCDate {
    static func text(_ seconds: Double) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }
}
