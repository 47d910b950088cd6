import ControlPlane
import HTTPCore
import ItemsService

/// The whole gateway and its control plane in process: a request, then a change made as the
/// CLI and the AWS APIs make it (durable in `stateDirectory` before it returns).
func publishAndCall(stateDirectory: String) throws -> (status: Int, version: String) {
    let control = try ControlPlane.load(
        deploymentFile: "Schemas/ItemsAPI.deployment.json", stateDirectory: stateDirectory,
        handlers: [ItemsFunction.handlerName: ItemsFunction()])
    let key = control.apiGateway.apiKeys.first { $0.name == "LabKey" }!.value
    let response = control.gateway.respond(
        to: HTTPRequest(method: "GET", target: "/prod/items/3", headers: ["x-api-key": key]))
    try control.lambda.updateFunction("ItemsFunction", environment: ["TABLE": "items", "NOTE": "v2"])  // $LATEST changes
    let version = try control.lambda.publishVersion("ItemsFunction").version  // "2"
    _ = FrontDoor(control: control)          // invoke URLs and the AWS APIs on one HTTPResponder
    return (response.status, version)
}
