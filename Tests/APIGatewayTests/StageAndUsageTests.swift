import APIGateway
import ControlPlane
import Foundation
import HTTPCore
import ItemsService
import JSONCore
import LambdaRuntime
import Testing

/// A changed version of the items code: every price doubled.
struct DoubledPrices: LambdaHandler {
    func handle(_ event: JSONValue, context: LambdaContext) throws(LambdaFunctionError) -> JSONValue {
        let original = try ItemsFunction().handle(event, context: context)
        func double(_ item: JSONValue) -> JSONValue {
            var object = item.objectValue ?? JSONObject()
            if let price = item["price"]?.numberValue { object["price"] = .number(JSONNumber(price.doubleValue * 2)!) }
            return .object(object)
        }
        if case .array(let items) = original { return .array(items.map(double)) }
        return double(original)
    }
}

@Suite("Stages, versions and aliases")
struct VersionTests {
    @Test("dev runs $LATEST and prod runs version 1; publishing and moving the alias changes prod")
    func aliases() throws {
        let fixture = try GatewayFixture(handlers: ["items.doubled": DoubledPrices()])
        let key = fixture.labKey
        func price(_ stage: String) -> JSONValue? { fixture.json(fixture.get("/\(stage)/items/1", key: key))?["price"] }
        #expect(price("dev") == 2.5)
        #expect(price("prod") == 2.5)
        // Change $LATEST: dev sees it, prod (version 1) does not.
        try fixture.control.lambda.updateFunction("ItemsFunction", handler: "items.doubled")
        #expect(price("dev") == 5.0)
        #expect(price("prod") == 2.5)
        // Publish version 2 and move the prod alias: prod changes.
        let version = try fixture.control.lambda.publishVersion("ItemsFunction").version
        #expect(version == "2")
        #expect(try fixture.control.lambda.publishVersion("ItemsFunction").version == "2")  // unchanged $LATEST: same version
        try fixture.control.lambda.setAlias("prod", of: "ItemsFunction", version: "2", routing: nil)
        try fixture.control.apiGateway.flushStageCache("prod")
        #expect(price("prod") == 5.0)
        // The version that ran is reported.
        let result = try fixture.control.lambda.invoke("ItemsFunction:prod", payload: Array(#"{"ID": 1}"#.utf8))
        #expect(result.executedVersion == "2")
        #expect(try fixture.control.lambda.invoke("ItemsFunction:1", payload: []).executedVersion == "1")
        #expect(try fixture.control.lambda.invoke("ItemsFunction", payload: []).executedVersion == "$LATEST")
    }

    @Test("published versions and aliases survive a restart")
    func persistence() throws {
        let fixture = try GatewayFixture(handlers: ["items.doubled": DoubledPrices()])
        try fixture.control.lambda.updateFunction("ItemsFunction", handler: "items.doubled")
        try fixture.control.lambda.publishVersion("ItemsFunction")
        try fixture.control.lambda.setAlias("prod", of: "ItemsFunction", version: "2", routing: nil)
        let restarted = try fixture.restarted(handlers: ["items.doubled": DoubledPrices()])
        #expect(try restarted.lambda.invoke("ItemsFunction:prod", payload: []).executedVersion == "2")
        #expect(restarted.apiGateway.apiKeys.first { $0.name == "LabKey" }?.value == fixture.labKey)
    }

    @Test("a deployment is a snapshot: editing the definition changes a stage only when redeployed")
    func snapshots() throws {
        let directory = NSTemporaryDirectory() + "gateway-deploy-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for name in ["Item.json", "Items.json", "ItemsAPI.json", "ItemsAPI.mock.json", "ItemsAPI.deployment.json"] {
            try FileManager.default.copyItem(atPath: GatewayFixture.packageRoot + "/Schemas/" + name, toPath: directory + "/" + name)
        }
        let control = try ControlPlane.load(
            deploymentFile: directory + "/ItemsAPI.deployment.json", stateDirectory: directory + "/.gateway",
            handlers: [ItemsFunction.handlerName: ItemsFunction()], clock: ManualClock())
        let get = { control.gateway.respond(to: HTTPRequest(method: "GET", target: "/mock/items/2")) }
        #expect(get().bodyText.contains(#""name" : "foo2""#))
        // Edit the mock definition: the name prefix becomes "bar".
        let file = directory + "/ItemsAPI.mock.json"
        let edited = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "foo$ID", with: "bar$ID")
        try edited.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(get().bodyText.contains(#""name" : "foo2""#))
        try control.apiGateway.createDeployment(stage: "mock")
        #expect(get().bodyText.contains(#""name" : "bar2""#))
    }
}

@Suite("CORS, quotas, throttling and the cache")
struct UsageTests {
    @Test("an OPTIONS preflight returns the CORS headers without a key")
    func preflight() throws {
        let fixture = try GatewayFixture()
        let response = fixture.gateway.respond(
            to: HTTPRequest(method: "OPTIONS", target: "/prod/items/3", headers: ["Origin": "http://localhost:3000", "Access-Control-Request-Method": "GET"]))
        #expect(response.status == 200)
        #expect(response.headers["Access-Control-Allow-Origin"] == "*")
        #expect(response.headers["Access-Control-Allow-Methods"] == "GET,OPTIONS")
        #expect(response.headers["Access-Control-Allow-Headers"] == "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token")
        #expect(response.body.isEmpty)
    }

    @Test("HEAD is not implied by GET; unknown paths, methods and stages answer as AWS does")
    func routing() throws {
        let fixture = try GatewayFixture()
        let head = fixture.gateway.respond(to: HTTPRequest(method: "HEAD", target: "/prod/items", headers: ["x-api-key": .init(fixture.labKey)]))
        #expect(head.status == 403)
        #expect(head.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException")
        let unknown = fixture.get("/prod/nothing")
        #expect(unknown.status == 403)
        #expect(unknown.bodyText == #"{"message":"Missing Authentication Token"}"#)
        // The API's DEFAULT_4XX gateway response adds CORS headers to errors.
        #expect(unknown.headers["Access-Control-Allow-Origin"] == "*")
        let post = fixture.gateway.respond(to: HTTPRequest(method: "POST", target: "/prod/items"))
        #expect(post.status == 403)
        #expect(post.bodyText == #"{"message":"Missing Authentication Token"}"#)
        let stage = fixture.get("/staging/items")
        #expect(stage.status == 403)
        #expect(stage.bodyText == #"{"message":"Forbidden"}"#)
        #expect(fixture.get("/prod/items/", key: fixture.labKey).status == 200)  // trailing slash ignored
    }

    @Test("the 1001st request of a day is 429 Limit Exceeded; the quota resets the next day")
    func quota() throws {
        let fixture = try GatewayFixture()
        let key = fixture.labKey
        for _ in 0..<1000 {
            fixture.clock.advance(by: 0.2)  // stay under the plan's 10 requests/s
            #expect(fixture.get("/dev/items/1", key: key).status == 200)
        }
        fixture.clock.advance(by: 0.2)
        let over = fixture.get("/prod/items/1", key: key)  // the quota spans the plan's stages
        #expect(over.status == 429)
        #expect(over.bodyText == #"{"message":"Limit Exceeded"}"#)
        #expect(over.headers["x-amzn-ErrorType"] == "LimitExceededException")
        #expect(fixture.control.apiGateway.currentUsage(plan: "CloudAcademyPlan").first?.used == 1000)
        #expect(fixture.control.apiGateway.currentUsage(plan: "CloudAcademyPlan").first?.remaining == 0)
        fixture.clock.advance(by: 86400)
        #expect(fixture.get("/prod/items/1", key: key).status == 200)
    }

    @Test("quota use survives a restart")
    func quotaPersists() throws {
        let fixture = try GatewayFixture()
        for _ in 0..<5 {
            fixture.clock.advance(by: 0.2)
            _ = fixture.get("/dev/items/1", key: fixture.labKey)
        }
        // No save: each count was stored as it was made.
        let restarted = try fixture.restarted()
        #expect(restarted.apiGateway.currentUsage(plan: "CloudAcademyPlan").first?.used == 5)
    }

    @Test("a burst beyond the plan's throttle is 429 Too Many Requests, and tokens refill")
    func throttle() throws {
        let fixture = try GatewayFixture()
        let statuses = (0..<25).map { _ in fixture.get("/dev/items/2", key: fixture.labKey).status }
        #expect(statuses.prefix(20).allSatisfy { $0 == 200 })  // burst 20
        let throttled = fixture.get("/dev/items/2", key: fixture.labKey)
        #expect(throttled.status == 429)
        #expect(throttled.bodyText == #"{"message":"Too Many Requests"}"#)
        #expect(throttled.headers["x-amzn-ErrorType"] == "TooManyRequestsException")
        fixture.clock.advance(by: 0.5)  // 10 requests/s refill 5 tokens
        #expect(fixture.get("/dev/items/2", key: fixture.labKey).status == 200)
        #expect(fixture.control.apiGateway.currentUsage(plan: "CloudAcademyPlan").first?.used == 21)  // throttled requests use no quota
    }

    @Test("a disabled key is refused at once")
    func disabledKey() throws {
        let fixture = try GatewayFixture()
        try fixture.setKeyEnabled("LabKey", false)
        #expect(fixture.get("/prod/items", key: fixture.labKey).status == 403)
        try fixture.setKeyEnabled("LabKey", true)
        #expect(fixture.get("/prod/items", key: fixture.labKey).status == 200)
    }

    @Test("a cached GET does not reach the Lambda again within the TTL; max-age=0 follows the strategy")
    func cache() throws {
        let fixture = try GatewayFixture()
        let key = fixture.labKey
        func invocations() -> Int { fixture.control.lambda.metrics("ItemsFunction")?.invocations ?? 0 }
        #expect(fixture.get("/prod/items/3", key: key).status == 200)
        #expect(invocations() == 1)
        fixture.clock.advance(by: 1)
        let cached = fixture.get("/prod/items/3", key: key)
        #expect(fixture.json(cached)?["name"] == "Highlighter")
        #expect(invocations() == 1)
        #expect(fixture.gateway.cacheStatistics(stage: "prod")?.hits == 1)
        // The cache key includes the declared path parameter.
        _ = fixture.get("/prod/items/2", key: key)
        #expect(invocations() == 2)
        // An unauthorized max-age=0 is ignored (SUCCEED_WITH_RESPONSE_HEADER).
        let other = try fixture.control.apiGateway.createAPIKey(name: "OtherKey", enabled: true)
        try fixture.control.apiGateway.addKey(id: other.id, toPlan: "CloudAcademyPlan")
        fixture.clock.advance(by: 1)
        _ = fixture.get("/prod/items/3", key: other.value, headers: [("Cache-Control", "max-age=0")])
        #expect(invocations() == 2)
        // LabKey may invalidate: the request reaches the Lambda and refreshes the entry.
        fixture.clock.advance(by: 1)
        _ = fixture.get("/prod/items/3", key: key, headers: [("Cache-Control", "max-age=0")])
        #expect(invocations() == 3)
        // After the TTL (300 s) the entry is gone; dev has no cache.
        fixture.clock.advance(by: 301)
        _ = fixture.get("/prod/items/3", key: key)
        #expect(invocations() == 4)
        _ = fixture.get("/dev/items/3", key: key)
        _ = fixture.get("/dev/items/3", key: key)
        #expect(invocations() == 6)
    }

    @Test("test-invoke runs without a key and returns the execution log")
    func testInvoke() throws {
        let fixture = try GatewayFixture()
        let result = fixture.gateway.testInvoke(stage: "prod", method: "GET", path: "/items/1")
        #expect(result.response.status == 200)
        #expect(result.log.contains { $0.hasPrefix("Endpoint request body after transformations: {\"ID\": 1}") })
        #expect(result.log.contains { $0.hasPrefix("START RequestId: ") && $0.hasSuffix("Version: 1") })
        #expect(result.log.contains { $0.hasPrefix("REPORT RequestId: ") && $0.contains("\tBilled Duration: ") && $0.hasSuffix("\t") })
        #expect(result.log.contains { $0.contains("Selected integration response: default") })
        let missing = fixture.gateway.testInvoke(stage: "prod", method: "GET", path: "/items/9")
        #expect(missing.response.status == 404)
        #expect(missing.log.contains { $0.contains("pattern \"NotFoundError\"") })
    }
}

@Suite("Cache invalidation strategies")
struct CacheStrategyTests {
    @Test("FAIL_WITH_403 refuses an unauthorized Cache-Control: max-age=0; an authorized one still invalidates")
    func failWith403() throws {
        let directory = NSTemporaryDirectory() + "gateway-cache-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for name in ["Item.json", "Items.json", "ItemsAPI.json"] {
            try FileManager.default.copyItem(atPath: GatewayFixture.packageRoot + "/Schemas/" + name, toPath: directory + "/" + name)
        }
        try """
            {"stages": {"prod": {"definition": "ItemsAPI.json", "variables": {"lambdaAlias": "prod"},
                                 "cache": {"enabled": true, "unauthorizedCacheControlHeaderStrategy": "FAIL_WITH_403", "authorizedKeys": ["Admin"]}}},
             "functions": {"ItemsFunction": {"handler": "items.handler", "aliases": {"prod": {"version": "$LATEST"}}}},
             "usagePlans": {"P": {"stages": ["prod"]}},
             "apiKeys": {"User": {"value": "cache-user-key-0123456789", "enabled": true, "usagePlans": ["P"]},
                         "Admin": {"value": "cache-admin-key-0123456789", "enabled": true, "usagePlans": ["P"]}}}
            """.write(toFile: directory + "/d.json", atomically: true, encoding: .utf8)
        let control = try ControlPlane.load(
            deploymentFile: directory + "/d.json", stateDirectory: nil, handlers: [ItemsFunction.handlerName: ItemsFunction()], clock: ManualClock())
        let gateway = control.gateway
        func get(_ key: String, invalidate: Bool) -> HTTPResponse {
            var headers: HTTPHeaders = ["x-api-key": .init(key)]
            if invalidate { headers.add("Cache-Control", "max-age=0") }
            return gateway.respond(to: HTTPRequest(method: "GET", target: "/prod/items/1", headers: headers))
        }
        #expect(get("cache-user-key-0123456789", invalidate: false).status == 200)
        let refused = get("cache-user-key-0123456789", invalidate: true)
        #expect(refused.status == 403)
        #expect(refused.bodyText == #"{"message":"Unauthorized"}"#)
        let invocations = control.lambda.metrics("ItemsFunction")?.invocations ?? 0
        #expect(get("cache-admin-key-0123456789", invalidate: true).status == 200)
        #expect(control.lambda.metrics("ItemsFunction")?.invocations == invocations + 1)
    }
}
