import HTTPServer
import ItemsService
import LocalGateway

/// The gateway on a port of its own, as `gateway serve` runs it — the state directory locked,
/// the server's address recorded for the `gateway` commands, files watched — for a test suite
/// or a tool. `stop()` ends it (requests in progress finish first).
func startGateway(stateDirectory: String) throws -> LocalGateway {
    try LocalGateway.start(
        LocalGateway.Options(
            deploymentFile: "Schemas/ItemsAPI.deployment.json", stateDirectory: stateDirectory,
            handlers: [ItemsFunction.handlerName: ItemsFunction()],
            server: ServerConfiguration(host: "127.0.0.1", port: 0)))  // 0: a free port
}
