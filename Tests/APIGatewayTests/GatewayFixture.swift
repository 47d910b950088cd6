import APIGateway
import ControlPlane
import Foundation
import HTTPCore
import ItemsService
import JSONCore
import LambdaRuntime

/// A gateway over the repository's Schemas/ItemsAPI.deployment.json, with a manual clock and
/// a temporary state directory removed at the end.
final class GatewayFixture {
    static let packageRoot: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()
    static let deploymentFile = packageRoot + "/Schemas/ItemsAPI.deployment.json"

    let clock = ManualClock()
    let stateDirectory: String
    let control: ControlPlane
    var gateway: Gateway { control.gateway }

    init(deploymentFile: String = GatewayFixture.deploymentFile, handlers: [String: any LambdaHandler] = [:]) throws {
        stateDirectory = NSTemporaryDirectory() + "gateway-tests-" + UUID().uuidString
        var all: [String: any LambdaHandler] = [ItemsFunction.handlerName: ItemsFunction()]
        for (name, handler) in handlers { all[name] = handler }
        control = try ControlPlane.load(deploymentFile: deploymentFile, stateDirectory: stateDirectory, handlers: all, clock: clock)
    }

    deinit { try? FileManager.default.removeItem(atPath: stateDirectory) }

    /// Loads a second gateway over the same state directory (a restart).
    func restarted(handlers: [String: any LambdaHandler] = [:]) throws -> ControlPlane {
        var all: [String: any LambdaHandler] = [ItemsFunction.handlerName: ItemsFunction()]
        for (name, handler) in handlers { all[name] = handler }
        return try ControlPlane.load(deploymentFile: GatewayFixture.deploymentFile, stateDirectory: stateDirectory, handlers: all, clock: clock)
    }

    /// Enables or disables a key by name (UpdateApiKey).
    func setKeyEnabled(_ name: String, _ enabled: Bool) throws {
        let id = control.apiGateway.apiKeys.first { $0.name == name }!.id
        try control.apiGateway.updateAPIKey(id: id, operations: [PatchOperation(op: "replace", path: "/enabled", value: enabled ? "true" : "false")])
    }

    var labKey: String { gateway.apiKeys.first { $0.name == "LabKey" }!.value }

    func get(_ target: String, key: String? = nil, headers: [(String, String)] = []) -> HTTPResponse {
        var fields = HTTPHeaders(headers)
        if let key { fields.add("x-api-key", key) }
        return gateway.respond(to: HTTPRequest(method: "GET", target: target, headers: fields))
    }

    func json(_ response: HTTPResponse) -> JSONValue? { try? JSONParser().parse(response.body) }
}
