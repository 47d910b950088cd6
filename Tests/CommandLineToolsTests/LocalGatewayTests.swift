import ControlPlane
import Foundation
import HTTPServer
import ItemsService
import LocalGateway
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `LocalGateway`, the library `gateway serve` is made of: started in process on an ephemeral
/// port, called over HTTP, stopped; the state directory's lock and server record follow it.
@Suite("LocalGateway")
struct LocalGatewayTests {
    static func options(state: String) -> LocalGateway.Options {
        LocalGateway.Options(
            deploymentFile: SchemaCheckCommandTests.packageRoot + "/Schemas/ItemsAPI.deployment.json", stateDirectory: state,
            handlers: [ItemsFunction.handlerName: ItemsFunction()], server: ServerConfiguration(host: "127.0.0.1", port: 0))
    }

    @Test func servesRecordsItsAddressAndReleasesTheStateOnStop() async throws {
        let state = try TemporaryDirectory()
        let directory = state.path + "/.gateway"
        let gateway = try LocalGateway.start(Self.options(state: directory))
        #expect(gateway.port > 0)
        #expect(gateway.baseURL == "http://127.0.0.1:\(gateway.port)")
        // The other commands find it through the state directory.
        #expect(StateDirectory(directory).runningServer()?.port == gateway.port)
        let key = try #require(gateway.control.apiGateway.apiKeys.first { $0.enabled }).value
        var request = URLRequest(url: URL(string: gateway.baseURL + "/prod/items/3")!)
        request.setValue(key, forHTTPHeaderField: "x-api-key")
        let session = URLSession(configuration: .ephemeral)
        defer { session.invalidateAndCancel() }
        let (data, response) = try await session.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: data, as: UTF8.self).contains("\"Highlighter\""))

        // One writer: a second start on the same state directory is refused, naming it and the server.
        #expect {
            _ = try LocalGateway.start(Self.options(state: directory))
        } throws: { error in
            guard case .stateDirectoryInUse(let path, let running)? = error as? LocalGateway.StartError else { return false }
            return path == directory && running?.port == gateway.port
        }

        gateway.stop(gracePeriod: 1)
        #expect(StateDirectory(directory).runningServer() == nil)
        // The lock went with the stop: the state directory can be served again at once.
        let again = try LocalGateway.start(Self.options(state: directory))
        again.stop(gracePeriod: 1)
    }

    @Test func aStartThatFailsLeavesNothingBehind() throws {
        let state = try TemporaryDirectory()
        let directory = state.path + "/fresh"
        var options = Self.options(state: directory)
        options.deploymentFile = state.path + "/missing.deployment.json"
        #expect {
            _ = try LocalGateway.start(options)
        } throws: { error in
            guard case .failed(let message)? = error as? LocalGateway.StartError else { return false }
            return message.contains("missing.deployment.json")
        }
        // The state directory did not exist before the start: it does not exist after.
        #expect(!FileManager.default.fileExists(atPath: directory))
    }
}
