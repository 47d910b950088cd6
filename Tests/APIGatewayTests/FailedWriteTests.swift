import APIGateway
import ControlPlane
import Foundation
import JSONCore
import LambdaRuntime
import Testing

/// Every change, of either service, is drafted, written, then published: when the state cannot
/// be written, the call fails and nothing it would have changed is visible — not to the
/// control plane's readers, not to invocations, not after a restart.
@Suite("a change whose state cannot be written changes nothing")
struct FailedWriteTests {
    /// Makes saving fail: a directory where the state's temporary file goes (refused even as root).
    func refuseWrites(_ fixture: GatewayFixture) throws {
        try FileManager.default.createDirectory(atPath: fixture.stateDirectory + "/state.json.tmp", withIntermediateDirectories: true)
    }

    func allowWrites(_ fixture: GatewayFixture) throws {
        try FileManager.default.removeItem(atPath: fixture.stateDirectory + "/state.json.tmp")
    }

    @Test("Lambda: configuration, concurrency, versions and aliases stay as they were; invocations see the old ones")
    func lambdaChanges() throws {
        let fixture = try GatewayFixture()
        let control = fixture.control
        try control.lambda.publishVersion("ItemsFunction")
        try control.lambda.createAlias("live", of: "ItemsFunction", version: "1")
        let before = try control.lambda.function("ItemsFunction")
        let aliases = try control.lambda.aliases("ItemsFunction").map(\.name)
        let versions = try control.lambda.versions("ItemsFunction").map(\.version)
        #expect(aliases.contains("live"))
        let stateBefore = try String(contentsOfFile: fixture.stateDirectory + "/state.json", encoding: .utf8)
        try refuseWrites(fixture)

        #expect(throws: ControlError.self) { try control.lambda.updateFunction("ItemsFunction", environment: ["MODE": "changed"], timeout: 9) }
        #expect(throws: ControlError.self) { try control.lambda.putFunctionConcurrency("ItemsFunction", 0) }
        #expect(throws: ControlError.self) { try control.lambda.updateFunction("ItemsFunction", description: "new") }
        #expect(throws: ControlError.self) { try control.lambda.publishVersion("ItemsFunction", description: "a changed description makes a new version") }
        #expect(throws: ControlError.self) { try control.lambda.createAlias("beta", of: "ItemsFunction", version: "1") }
        #expect(throws: ControlError.self) { try control.lambda.updateAlias("live", of: "ItemsFunction", version: "$LATEST") }
        #expect(throws: ControlError.self) { try control.lambda.deleteAlias("live", of: "ItemsFunction") }

        let after = try control.lambda.function("ItemsFunction")
        #expect(after.configuration == before.configuration)
        #expect(try control.lambda.functionConcurrency("ItemsFunction") == nil, "a reserved concurrency of 0 would throttle every call")
        #expect(try control.lambda.versions("ItemsFunction").map(\.version) == versions)
        #expect(try control.lambda.aliases("ItemsFunction").map(\.name) == aliases)
        #expect(try control.lambda.alias("live", of: "ItemsFunction").target.version == "1")
        let invoked = try control.lambda.invoke("ItemsFunction", payload: Array(#"{"httpMethod": "GET", "path": "/items"}"#.utf8))
        #expect(invoked.status == 200 && invoked.functionError == nil, "not throttled by the refused concurrency")
        #expect(try String(contentsOfFile: fixture.stateDirectory + "/state.json", encoding: .utf8) == stateBefore)

        // Once writes work again, the same change goes through, and a restart finds it.
        try allowWrites(fixture)
        try control.lambda.createAlias("beta", of: "ItemsFunction", version: "1")
        #expect(try fixture.restarted().lambda.aliases("ItemsFunction").map(\.name) == (aliases + ["beta"]).sorted())
    }

    @Test("API Gateway: a key and a stage setting stay as they were")
    func apiGatewayChanges() throws {
        let fixture = try GatewayFixture()
        let control = fixture.control
        let keys = control.apiGateway.apiKeys.map(\.name)
        let stage = try control.apiGateway.stage("prod")
        try refuseWrites(fixture)
        #expect(throws: ControlError.self) { try control.apiGateway.createAPIKey(name: "Refused", enabled: true) }
        #expect(throws: ControlError.self) {
            try control.apiGateway.updateStage("prod", operations: [PatchOperation(op: "replace", path: "/description", value: "refused")])
        }
        #expect(control.apiGateway.apiKeys.map(\.name) == keys)
        #expect(try control.apiGateway.stage("prod").description == stage.description)
    }
}
