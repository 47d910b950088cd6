#if os(Linux)
import Foundation
import Glibc
import HTTPServer
import TestSupport
import Testing


/// Many client threads at once against the server's threads, mixing good requests with
/// garbage, half requests, abandoned pipelines and resets: connections come and go and their
/// slots are reused while events for earlier ones may still be on their way.
@Suite struct MixedTrafficTests {
    @Test func goodRequestsAreAnsweredWhileOthersMisbehave() throws {
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.eventLoops = 2
        let server = try HTTPServer.start(configuration, responder: EchoResponder())
        defer { server.stop(gracePeriod: 0) }
        let port = server.port
        let failures = ThreadSafeList<String>()
        onThreads(8) { worker in
            var random = SeededGenerator(seed: UInt64(worker))
            for round in 0..<150 {
                do {
                    if let failure = try Self.play(kind: Int.random(in: 0..<5, using: &random), port: port, worker: worker, round: round, &random) {
                        failures.append(failure)
                    }
                } catch {
                    failures.append("worker \(worker) round \(round): \(error)")
                }
            }
        }
        #expect(failures.all == [])

        // Every connection ends up closed, and the server still answers.
        let deadline = Date().addingTimeInterval(5)
        while server.openConnections > 0 && Date() < deadline { usleep(20_000) }
        #expect(server.openConnections == 0)
        let client = try RawClient(port: port)
        try client.send("GET /after HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(try client.readResponse().body == "GET /after 0 ")
    }

    /// One client's turn; a description of what went wrong, or nil.
    static func play(kind: Int, port: Int, worker: Int, round: Int, _ random: inout SeededGenerator) throws -> String? {
        let client = try RawClient(port: port, timeout: 3)
        let tag = "/m/\(worker)/\(round)"
        switch kind {
        case 0:
            // Well-behaved keep-alive requests, with and without bodies.
            for index in 0..<3 {
                let body = String(repeating: "x", count: index * 10)
                try client.send("POST \(tag)/\(index) HTTP/1.1\r\nHost: h\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
                let response = try client.readResponse()
                if response.body != "POST \(tag)/\(index) \(body.utf8.count) \(body)" { return "\(tag): got \(response.status) \(response.body)" }
            }
        case 1:
            // Garbage: answered 400 (or closed), never a crash or a hang.
            let garbage = (0..<Int.random(in: 1..<200, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            try? client.send(garbage + Array("\r\n\r\n".utf8))
            let text = client.readToEnd()
            if !text.isEmpty && !text.hasPrefix("HTTP/1.1 4") && !text.hasPrefix("HTTP/1.1 5") { return "\(tag): garbage got \(text.prefix(40))" }
        case 2:
            // Half a request, then gone.
            try client.send("GET \(tag) HTTP/1.1\r\nHo")
        case 3:
            // A pipeline the client never reads.
            try client.send((0..<5).map { "GET \(tag)/\($0) HTTP/1.1\r\nHost: h\r\n\r\n" }.joined())
        default:
            // A reset in the middle of a request.
            try client.send("GET \(tag) HTTP/1.1\r\n")
            var hard = linger(l_onoff: 1, l_linger: 0)
            setsockopt(client.descriptor, SOL_SOCKET, SO_LINGER, &hard, socklen_t(MemoryLayout<linger>.size))
        }
        return nil
    }
}
#endif
