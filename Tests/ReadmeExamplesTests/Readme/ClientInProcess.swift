import ControlPlane
import GatewayTesting
import ItemsClient
import ItemsService

/// The same client against the gateway in process (no socket), checking every answer
/// against the API's models.
func itemThreeInProcess() async throws -> Item {
    let gateway = try ControlPlane.load(
        deploymentFile: "Schemas/ItemsAPI.deployment.json", stateDirectory: nil,
        handlers: [ItemsFunction.handlerName: ItemsFunction()]
    ).gateway
    let key = gateway.apiKeys.first { $0.name == "LabKey" }!.value
    let client = ItemsClient(
        transport: InProcessTransport(gateway),
        configuration: ClientConfiguration(
            stage: "prod", apiKey: key,
            responseValidator: try ModelResponseValidator(schemasDirectory: "Schemas", models: ["Item", "Items"])))
    return try await client.getItem(id: 3)                           // Item(id: 3, name: "Highlighter", price: 3.0)
}
