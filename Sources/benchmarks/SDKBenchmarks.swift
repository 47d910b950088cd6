import APIGateway
import ControlPlane
import ClientGenerator
import CommandLineTools
import Dispatch
import Foundation
import GatewayTesting
import ItemsClient
import ItemsService

/// Generating the ItemsAPI client in process, and calls through the generated SDK with the
/// in-process transport.
func sdkBenchmarks() throws {
    let (apiFile, documents) = try GenerateCommand.loadDocuments(apiPath: "Schemas/ItemsAPI.json")
    let generations = 100
    print("\nSDK: generation (\(generations) per run) and in-process calls, median of \(settings.runs) runs")
    _ = named("sdk: generate ItemsAPI")
    var size = 0
    let generation = measure(settings.runs) {
        for _ in 0..<generations {
            size &+= (try! ClientGenerator.generate(documents: documents, apiFile: apiFile, command: "x")).count
        }
    }
    if !generation.isNaN {
        print(String(format: "%@%9.3f ms per generation", "sdk: generate ItemsAPI (translate + render)".padding(toLength: 52, withPad: " ", startingAt: 0), generation / Double(generations) * 1000))
    }

    let gateway = try ControlPlane.load(
        deploymentFile: "Schemas/ItemsAPI.loadtest.deployment.json", stateDirectory: nil, handlers: [ItemsFunction.handlerName: ItemsFunction()]).gateway
    let key = gateway.apiKeys.first!.value
    let calls = 100_000
    for (stage, label) in [("prod", "cache hit"), ("dev", "Lambda")] {
        let name = "sdk: getItem(id: 3) in process, \(stage), \(label)"
        _ = named(name)
        let client = ItemsClient(transport: InProcessTransport(gateway), configuration: ClientConfiguration(stage: stage, apiKey: key))
        let seconds = measure(settings.runs) {
            let done = DispatchSemaphore(value: 0)
            Task.detached {
                var total = 0.0
                for _ in 0..<calls { total += (try! await client.getItem(id: 3)).price ?? 0 }
                precondition(total > 0)
                done.signal()
            }
            done.wait()
        }
        if !seconds.isNaN {
            print(String(format: "%@%9.0f calls/s", name.padding(toLength: 52, withPad: " ", startingAt: 0), Double(calls) / seconds))
        }
    }
    precondition(size > 0)
}
