import ClientRuntime
import Foundation
import HTTPCore
import HTTPServer
import StoreClient
import Synchronization
import TestSupport
import Testing

/// Binary bodies from a file: sent as the file is read over URLSession, read whole for
/// other transports, signed by hashing the file.
@Suite("a binary body from a file")
struct FileUploadTests {
    /// Records each request's body.
    final class Recorder: HTTPResponder {
        let bodies = Mutex<[(type: String?, body: [UInt8])]>([])
        func respond(to request: HTTPRequest) -> HTTPResponse {
            bodies.withLock { $0.append((request.headers["Content-Type"], request.body)) }
            return HTTPResponse(status: 204)
        }
    }

    func temporaryFile(_ bytes: [UInt8]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("upload-\(UUID().uuidString).png")
        try Data(bytes).write(to: url)
        return url
    }

    @Test("over HTTP the file's bytes arrive with the method's Content-Type; an in-process transport gets them whole")
    func upload() async throws {
        let seed = TestSeed.value()
        var generator = SeededGenerator(seed: seed)
        let bytes = (0..<300_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let file = try temporaryFile(bytes)
        defer { try? FileManager.default.removeItem(at: file) }
        let recorder = Recorder()
        let server = try HTTPServer.start(ServerConfiguration(host: "127.0.0.1", port: 0), responder: recorder)
        defer { server.stop(gracePeriod: 1) }
        let client = StoreClient(invokeURL: URL(string: "http://127.0.0.1:\(server.port)")!)
        try await client.putBinary(bodyFile: file)
        let received = try #require(recorder.bodies.withLock { $0.last })
        #expect(received.type == "image/png")
        #expect(received.body == bytes, "seed \(seed) (TEST_SEED=\(seed) replays it)")

        let transport = RecordingTransport { _ in ClientResponse(status: 204) }
        try await StoreClient(transport: transport).putBinary(bodyFile: file)
        #expect(transport.last?.0.body == bytes && transport.last?.0.bodyFile == nil)
        await #expect(throws: ClientError.self) { try await StoreClient(transport: transport).putBinary(bodyFile: URL(fileURLWithPath: "/nonexistent/file.png")) }
    }

    @Test("SigV4 signs a file body by its hash, as it signs the same bytes in memory")
    func signedFile() async throws {
        let bytes = Array("the same bytes".utf8)
        let file = try temporaryFile(bytes)
        defer { try? FileManager.default.removeItem(at: file) }
        let transport = RecordingTransport { _ in ClientResponse(status: 204) }
        let signer = SigV4Middleware(
            baseURL: URL(string: "https://abc.execute-api.eu-west-1.amazonaws.com/v1")!, region: "eu-west-1",
            credentials: { SigV4Middleware.Credentials(accessKeyId: "AKID", secretAccessKey: "secret") }, now: { Date(timeIntervalSince1970: 1_700_000_000) })
        let client = StoreClient(transport: transport, configuration: ClientConfiguration(middlewares: [signer]))
        try await client.putBinary(bodyFile: file)
        let fromFile = transport.last?.0.headers.first { $0.name == "Authorization" }?.value
        try await client.putBinary(body: Data(bytes))
        let inMemory = transport.last?.0.headers.first { $0.name == "Authorization" }?.value
        #expect(fromFile != nil && fromFile == inMemory)
    }
}
