// Runs the README's examples from a package that depends on the toolkit by its products
// alone (CI: `swift run --package-path Examples/OutsidePackage outside-demo`, from the
// repository's root, where `Schemas/` is).
import ControlPlane
import Foundation
import GatewayTesting
import ItemsService
import PetStoreClient

func check(_ condition: Bool, _ what: String) {
    print((condition ? "ok    " : "FAILED ") + what)
    if !condition { exit(1) }
}

check(try renderIDTemplate() == #"{"ID": 7, "stage": "prod"}"#, "the mapping template renders")
check(try problems(in: Array(#"[{"ID": 1, "name": "Pen", "price": 2.5}]"#.utf8)).isEmpty, "a valid payload has no problems")
check(try problems(in: Array(#"[{"ID": 1, "price": "4.25"}]"#.utf8)).count == 1, "an invalid payload has one")
check(try checkRecording(Array(#"[{"ID": 1, "name": "Pen", "price": 2.5}]"#.utf8)).valid, "a valid recording on a tape")
check(try !checkRecording(Array(#"[{"ID": 1, "price": "4.25"}]"#.utf8)).valid, "an invalid recording on a tape")
check(try await itemThreeInProcess().name == "Highlighter", "the client in process")
let state = NSTemporaryDirectory() + "outside-demo-\(getpid())"
defer { try? FileManager.default.removeItem(atPath: state) }
let (status, version) = try publishAndCall(stateDirectory: state)
check(status == 200 && version == "2", "the control plane in process")
let gateway = try ControlPlane.load(
    deploymentFile: "Schemas/ItemsAPI.deployment.json", stateDirectory: nil, handlers: [ItemsFunction.handlerName: ItemsFunction()]
).gateway
let live = try LiveGateway(gateway)
let key = gateway.apiKeys.first { $0.name == "LabKey" }!.value
let (items, missing) = try await walkThroughTheLab(invokeURL: URL(string: live.baseURL + "/prod")!, apiKey: key)
live.stop()
check(items.count == 4 && missing == "NotFoundError", "the client over HTTP")

// The client the build-tool plugin generated from PetStoreAPI.json (Swagger 2.0).
struct CannedTransport: ClientTransport {
    func send(_ request: ClientRequest, stagePath: String, timeout: Double) async throws -> ClientResponse {
        ClientResponse(status: 200, body: Array(#"{"id": 7, "name": "Rex \#(stagePath)\#(request.path)"}"#.utf8))
    }
}
let pets = PetStoreClient(transport: CannedTransport(), configuration: ClientConfiguration(stage: "live"))
check(try await pets.getPet(petId: 7) == Pet(id: 7, name: "Rex /live/pets/7"), "the client generated at build time by the plugin")
