import APIModel
import APIGateway
import ControlPlane
import ClientGenerator
import CommandLineTools
import Dispatch
import Foundation
import JSONCore
import GatewayTesting
import ItemsClient
import ItemsService

/// Generating the ItemsAPI client in process, and calls through the generated SDK with the
/// in-process transport.
func sdkBenchmarks() throws {
    let (apiFile, documents) = try DefinitionFiles.load(definitionPath: "Schemas/ItemsAPI.json")
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

    // A large API: 250 paths × 2 operations, 250 models (each with a nested object, an enum and a
    // reference to the next), as a generated document.
    _ = named("sdk: generate a 500-operation API")
    let large = largeAPI(paths: 250)
    let largeGeneration = measure(settings.runs) {
        size &+= (try! ClientGenerator.generate(documents: ["Large.json": large], apiFile: "Large.json", command: "x")).count
    }
    if !largeGeneration.isNaN {
        print(String(format: "%@%9.3f ms per generation", "sdk: generate a 500-operation, 250-model API".padding(toLength: 52, withPad: " ", startingAt: 0), largeGeneration * 1000))
    }

    // Public descriptions from the corpus (Tests/APICorpus): read the files and generate, in
    // process; then the whole `generate-client` process (release build), warnings located.
    for (name, api) in [
        ("Netlify, Swagger 2.0 YAML, 174 operations", "Tests/APICorpus/Netlify/swagger.yml"),
        ("Slack, Swagger 2.0 JSON, 174 operations", "Tests/APICorpus/Slack/slack_web_openapi_v2_without_examples.json"),
        ("OpenAI, OpenAPI 3.0 YAML 2.9 MB, 288 operations", "Tests/APICorpus/OpenAI/openapi.yaml"),
    ] {
        _ = named("sdk: generate " + name)
        let inProcess = measure(settings.runs) {
            let (apiFile, documents) = try! DefinitionFiles.load(definitionPath: api)
            size &+= (try! ClientGenerator.generate(documents: documents, apiFile: apiFile, command: "x")).count
        }
        report("sdk: read + generate \(name)", seconds: inProcess)
        let tool = FileManager.default.currentDirectoryPath + "/.build/release/generate-client"
        guard FileManager.default.isExecutableFile(atPath: tool), !inProcess.isNaN else {
            if !inProcess.isNaN { print("  (build it with `swift build -c release --product generate-client` for the whole-process figure)") }
            continue
        }
        let output = NSTemporaryDirectory() + "benchmarks-sdk-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: output) }
        let whole = measure(settings.runs) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = ["--api", api, "--output", output]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try! process.run()
            process.waitUntilExit()
            precondition(process.terminationStatus == 0)
        }
        report("  generate-client, whole process (warnings located)", seconds: whole)
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

/// An OpenAPI document with `paths` paths (a GET and a PUT each) and as many models.
func largeAPI(paths: Int) -> JSONValue {
    var pathMembers = JSONObject()
    var schemas = JSONObject()
    for index in 0..<paths {
        let model = "Model\(index)"
        let next = "Model\((index + 1) % paths)"
        schemas[model] = [
            "type": "object", "required": ["id"],
            "properties": [
                "id": ["type": "integer"], "name": ["type": "string"], "status": ["type": "string", "enum": ["on", "off", "unknown"]],
                "size": ["type": "object", "properties": ["width": ["type": "number"], "unit": ["type": "string"]]],
                "next": ["$ref": .string("#/components/schemas/" + next)], "tags": ["type": "array", "items": ["type": "string"]],
            ],
        ]
        let response: JSONValue = ["200": ["description": "ok", "content": ["application/json": ["schema": ["$ref": .string("#/components/schemas/" + model)]]]]]
        let parameters: JSONValue = [
            ["name": "id", "in": "path", "required": true, "schema": ["type": "integer"]], ["name": "filter", "in": "query", "schema": ["type": "string"]],
        ]
        pathMembers["/things\(index)/{id}"] = [
            "get": ["operationId": .string("getThing\(index)"), "parameters": parameters, "responses": response],
            "put": [
                "operationId": .string("putThing\(index)"), "parameters": parameters,
                "requestBody": ["content": ["application/json": ["schema": ["$ref": .string("#/components/schemas/" + model)]]]], "responses": response,
            ],
        ]
    }
    return ["openapi": "3.0.1", "info": ["title": "LargeAPI", "version": "1"], "paths": .object(pathMembers), "components": ["schemas": .object(schemas)]]
}
