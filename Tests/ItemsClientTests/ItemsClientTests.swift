import APIGateway
import ControlPlane
import Foundation
import GatewayTesting
import HTTPCore
import ItemsClient
import ItemsService
import Testing

/// The bundled gateway over the repository's deployment file, in memory (no state directory).
struct Bundled {
    static let packageRoot: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    let clock = ManualClock()
    let gateway: Gateway
    var labKey: String { gateway.apiKeys.first { $0.name == "LabKey" }!.value }

    init() throws {
        gateway = try ControlPlane.load(
            deploymentFile: Bundled.packageRoot + "/Schemas/ItemsAPI.deployment.json", stateDirectory: nil,
            handlers: [ItemsFunction.handlerName: ItemsFunction()], clock: clock).gateway
    }

    func client(key: String?, stage: String = "prod", validate: Bool = false) throws -> ItemsClient {
        let validator = validate ? try ModelResponseValidator(schemasDirectory: Bundled.packageRoot + "/Schemas", models: ["Item", "Items"]) : nil
        return ItemsClient(transport: InProcessTransport(gateway), configuration: ClientConfiguration(stage: stage, apiKey: key, responseValidator: validator))
    }
}

/// The answers every transport must give for the lab's walkthrough.
func exerciseWalkthrough(_ client: ItemsClient, withoutKey: ItemsClient) async throws {
    let items = try await client.listItems()
    #expect(items.count == 4)
    #expect(items.map(\.name) == ["Pen", "Pencil", "Highlighter", "Ruler"])
    let item = try await client.getItem(id: 3)
    #expect(item == Item(id: 3, name: "Highlighter", price: 3.0))
    do {
        _ = try await client.getItem(id: 5)
        Issue.record("getItem(id: 5) returned")
    } catch {
        guard case .notFound(let body) = error else { Issue.record("expected .notFound, got \(error)"); return }
        #expect(body.message == "NotFoundError")
    }
    await #expect(throws: ClientError.self) { _ = try await withoutKey.listItems() }
    do {
        _ = try await withoutKey.getItem(id: 1)
    } catch {
        guard case .forbidden(let body) = error else { Issue.record("expected .forbidden, got \(error)"); return }
        #expect(body.message == "Forbidden")
    }
}

/// One call's result.
func outcome(_ client: ItemsClient, id: Int) async -> Result<Item, ClientError> {
    do {
        return .success(try await client.getItem(id: id))
    } catch {
        return .failure(error)
    }
}

/// Calls until the quota (1000 a day) runs out, 0.2 s apart so the rate limit stays quiet.
func reachesLimitExceeded(_ client: ItemsClient, clock: ManualClock) async -> Bool {
    for _ in 0..<1100 {
        clock.advance(by: 0.2)
        if case .failure(.limitExceeded) = await outcome(client, id: 1) { return true }
    }
    return false
}

@Suite("ItemsClient in process")
struct ItemsClientInProcessTests {
    @Test("list, item, 404 → .notFound, no key → .forbidden")
    func walkthrough() async throws {
        let bundled = try Bundled()
        try await exerciseWalkthrough(try bundled.client(key: bundled.labKey), withoutKey: try bundled.client(key: nil))
    }

    @Test("an exhausted quota throws .limitExceeded; a burst over the plan's rate throws .tooManyRequests")
    func limits() async throws {
        let bundled = try Bundled()
        let client = try bundled.client(key: bundled.labKey, stage: "dev")
        var throttled = 0
        for _ in 0..<30 where await outcome(client, id: 1) == .failure(.tooManyRequests) { throttled += 1 }
        #expect(throttled > 0)
        // CloudAcademyPlan: 1000 requests a day. Spread them out so the rate limit stays quiet.
        #expect(await reachesLimitExceeded(client, clock: bundled.clock))
    }

    @Test("a missing resource throws .missingAuthenticationToken; another stage's path is reached through the configuration")
    func routing() async throws {
        let bundled = try Bundled()
        let mock = try bundled.client(key: nil, stage: "mock")
        #expect(try await mock.listItems().count == 3)
        let nowhere = try bundled.client(key: bundled.labKey, stage: "prod/nowhere")
        do {
            _ = try await nowhere.listItems()
            Issue.record("no error")
        } catch {
            #expect(error == .missingAuthenticationToken)
        }
    }

    @Test("with the model validator on, good answers pass and an answer that breaks the model throws .invalidResponse")
    func validation() async throws {
        let bundled = try Bundled()
        #expect(try await bundled.client(key: bundled.labKey, validate: true).getItem(id: 2).name == "Pencil")
        struct BadItems: HTTPResponder {
            func respond(to request: HTTPRequest) -> HTTPResponse {
                HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: Array(#"{"ID": "three", "name": "Highlighter"}"#.utf8))
            }
        }
        let validator = try ModelResponseValidator(schemasDirectory: Bundled.packageRoot + "/Schemas", models: ["Item", "Items"])
        let broken = ItemsClient(transport: InProcessTransport(BadItems()), configuration: ClientConfiguration(stage: "prod", responseValidator: validator))
        do {
            _ = try await broken.getItem(id: 3)
            Issue.record("no error")
        } catch {
            guard case .invalidResponse(let model, let problems) = error else { Issue.record("expected .invalidResponse, got \(error)"); return }
            #expect(model == "Item")
            #expect(problems.first?.hasPrefix("/ID:") == true)
        }
        let unvalidated = ItemsClient(transport: InProcessTransport(BadItems()), configuration: ClientConfiguration(stage: "prod"))
        do {
            _ = try await unvalidated.getItem(id: 3)
            Issue.record("no error")
        } catch {
            guard case .decoding = error else { Issue.record("expected .decoding, got \(error)"); return }
        }
    }
}

@Suite("ItemsClient over HTTP (gateway served on 127.0.0.1, port 0)")
struct ItemsClientOverHTTPTests {
    @Test("the same walkthrough through URLSessionTransport")
    func walkthrough() async throws {
        let bundled = try Bundled()
        let live = try LiveGateway(bundled.gateway)
        defer { live.stop() }
        let invokeURL = URL(string: live.baseURL + "/prod")!
        try await exerciseWalkthrough(ItemsClient(invokeURL: invokeURL, apiKey: bundled.labKey), withoutKey: ItemsClient(invokeURL: invokeURL))
    }

    @Test("quota exhausted over HTTP: .limitExceeded; a closed port: .transport")
    func limitsAndTransport() async throws {
        let bundled = try Bundled()
        let live = try LiveGateway(bundled.gateway)
        let client = ItemsClient(invokeURL: URL(string: live.baseURL + "/dev")!, apiKey: bundled.labKey)
        #expect(await reachesLimitExceeded(client, clock: bundled.clock))
        live.stop()
        let closed = ItemsClient(invokeURL: URL(string: live.baseURL + "/prod")!, apiKey: bundled.labKey, timeout: .seconds(5))
        let result: Result<Items, ClientError>
        do {
            result = .success(try await closed.listItems())
        } catch {
            result = .failure(error)
        }
        guard case .failure(.transport(let failure)) = result else {
            Issue.record("expected .transport, got \(result)")
            return
        }
        // The transport's own error is kept, not flattened into text.
        #expect(failure.underlying is URLError, "\(type(of: failure.underlying))")
        #expect(ClientError.transport(failure).localizedDescription.hasPrefix("no response: "))
    }
}
