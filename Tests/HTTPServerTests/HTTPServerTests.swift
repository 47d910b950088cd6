import Foundation
import HTTPCore
import HTTPServer
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite struct HTTPServerTests {
    static let get = "GET /items HTTP/1.1\r\nHost: localhost\r\n\r\n"

    @Test func keepsAliveAndSetsDateAndContentLength() async throws {
        try await withServer { server in
            let client = try RawClient(port: server.port)
            for index in 1...3 {
                try client.send("POST /n/\(index) HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi")
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.body == "POST /n/\(index) 2 hi")
                #expect(response.headers["Content-Length"] == "\(response.body.utf8.count)")
                #expect(response.headers["Date"]?.hasSuffix(" GMT") == true)
                #expect(response.headers["Connection"] == nil)
                #expect(response.headers["X-Remote"] == "127.0.0.1")
            }
        }
    }

    @Test func closesForHTTP10AndConnectionClose() async throws {
        try await withServer { server in
            let old = try RawClient(port: server.port)
            try old.send("GET /a HTTP/1.0\r\n\r\n")
            #expect(try old.readResponse().headers["Connection"] == "close")
            #expect(old.isClosedByServer())

            let oldKeepAlive = try RawClient(port: server.port)
            try oldKeepAlive.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try oldKeepAlive.readResponse().headers["Connection"] == "keep-alive")
            try oldKeepAlive.send("GET /b HTTP/1.0\r\n\r\n")
            #expect(try oldKeepAlive.readResponse().body.hasPrefix("GET /b"))

            let closing = try RawClient(port: server.port)
            try closing.send("GET /a HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n" + Self.get)
            #expect(try closing.readResponse().status == 200)
            #expect(closing.isClosedByServer())
        }
    }

    @Test func headAnswersWithoutABody() async throws {
        try await withServer { server in
            let client = try RawClient(port: server.port)
            try client.send("HEAD /thing HTTP/1.1\r\nHost: h\r\n\r\n" + Self.get)
            let head = try client.readResponse(head: true)
            #expect(head.status == 200)
            #expect(head.headers["Content-Length"] == "\("HEAD /thing 0 ".utf8.count)")
            // The next response starts right after the head: no body bytes in between.
            #expect(try client.readResponse().body.hasPrefix("GET /items"))
        }
    }

    @Test func answers100PipelinedRequestsInOrder() async throws {
        try await withServer { server in
            let client = try RawClient(port: server.port)
            try client.send((1...100).map { "GET /p/\($0) HTTP/1.1\r\nHost: h\r\n\r\n" }.joined())
            for index in 1...100 {
                #expect(try client.readResponse().body == "GET /p/\(index) 0 ")
            }
        }
    }

    /// A responder that holds `/hold` until the test releases it (a long poll, as the Lambda
    /// Runtime API's `next` is).
    final class HoldingResponder: HTTPResponder {
        let release = DispatchSemaphore(value: 0)
        func respond(to request: HTTPRequest) -> HTTPResponse {
            if request.path == "/hold" { _ = release.wait(timeout: .now() + 10) }
            return HTTPResponse(status: 200, body: Array(request.path.utf8))
        }
    }

    @Test func anEarlierPipelinedAnswerLeavesWhileALaterRequestIsStillBeingAnswered() async throws {
        let responder = HoldingResponder()
        try await withServer(responder: responder) { server in
            let client = try RawClient(port: server.port, timeout: 3)
            try client.send("POST /answer HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\nGET /hold HTTP/1.1\r\nHost: h\r\n\r\n")
            // Before the fix the first answer waited in the output buffer until /hold returned.
            let first = try client.readResponse()
            #expect(first.body == "/answer")
            responder.release.signal()
            #expect(try client.readResponse().body == "/hold")
        }
    }

    @Test func withOneEventPerWaitSlowRequestsOnSeveralConnectionsRunSideBySide() async throws {
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.eventLoops = 4
        configuration.eventsPerWait = 1
        // Each request answers only when all four are inside the responder at once: four
        // threads serve them side by side, or one waits alone and answers 503.
        let server = try HTTPServer.start(configuration, responder: RendezvousResponder(count: 4))
        defer { server.stop(gracePeriod: 0) }
        let clients = try (0..<4).map { _ in try RawClient(port: server.port, timeout: 10) }
        for (index, client) in clients.enumerated() { try client.send("GET /c\(index) HTTP/1.1\r\nHost: h\r\n\r\n") }
        for (index, client) in clients.enumerated() {
            let response = try client.readResponse()
            #expect(response.status == 200, "request \(index) did not run beside the other three")
            #expect(response.body == "/c\(index)")
        }
    }

    @Test func acceptsARequestFedOneByteAtATime() async throws {
        try await withServer { server in
            let client = try RawClient(port: server.port)
            for byte in Array("POST /slowly HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n".utf8) {
                try client.send([byte])
                usleep(200)
            }
            #expect(try client.readResponse().body == "POST /slowly 3 abc")
        }
    }

    @Test func sendsContinueBeforeTheBody() async throws {
        try await withServer { server in
            let client = try RawClient(port: server.port)
            try client.send("PUT /up HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
            #expect(try client.readResponse(head: true).status == 100)
            try client.send("data")
            #expect(try client.readResponse().body == "PUT /up 4 data")
        }
    }

    @Test(arguments: [
        ("GET /" + String(repeating: "u", count: 9000) + " HTTP/1.1\r\nHost: h\r\n\r\n", 414),
        ("GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + String(repeating: "h", count: 17000) + "\r\n\r\n", 431),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 20000000\r\n\r\n", 413),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nbad header\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: deflate\r\n\r\n", 501),
    ] as [(String, Int)])
    func refusesOverLimitAndMalformedRequestsThenCloses(request: String, status: Int) async throws {
        try await withServer { server in
            let client = try RawClient(port: server.port)
            try client.send(request)
            let response = try client.readResponse()
            #expect(response.status == status)
            #expect(response.headers["Connection"] == "close")
            #expect(client.isClosedByServer())
        }
    }

    @Test func refusesABodyOver10MBSentInChunks() async throws {
        try await withServer { server in
            let client = try RawClient(port: server.port)
            try client.send("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n")
            let chunk = Array("100000\r\n".utf8) + [UInt8](repeating: 0x61, count: 0x100000) + Array("\r\n".utf8)
            for _ in 0..<11 { try? client.send(chunk) }
            #expect(try client.readResponse().status == 413)
        }
    }

    @Test func slowHeadersGet408AndIdleConnectionsAreClosed() async throws {
        var limits = ServerLimits()
        limits.requestTimeout = 0.3
        limits.idleTimeout = 0.3
        try await withServer(limits: limits) { server in
            let slow = try RawClient(port: server.port)
            try slow.send("GET / HTTP/1.1\r\nHost: h\r\n")
            let response = try slow.readResponse()
            #expect(response.status == 408)
            #expect(slow.isClosedByServer())

            let idle = try RawClient(port: server.port)
            try idle.send(Self.get)
            #expect(try idle.readResponse().status == 200)
            let started = Date()
            #expect(idle.isClosedByServer())
            #expect(Date().timeIntervalSince(started) < 3)
        }
    }

    @Test func capsOpenConnections() async throws {
        var limits = ServerLimits()
        limits.maxConnections = 2
        try await withServer(limits: limits) { server in
            let first = try RawClient(port: server.port)
            let second = try RawClient(port: server.port)
            try first.send(Self.get)
            try second.send(Self.get)
            _ = try first.readResponse()
            _ = try second.readResponse()
            let third = try RawClient(port: server.port)
            #expect(try third.readResponse().status == 503)
            #expect(server.openConnections == 2)
        }
    }

    @Test func serves200ConcurrentConnections() async throws {
        try await withServer { server in
            let port = server.port
            let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
                for worker in 0..<200 {
                    group.addTask {
                        let client = try RawClient(port: port)
                        var statuses: [Int] = []
                        for request in 0..<3 {
                            try client.send("GET /c/\(worker)/\(request) HTTP/1.1\r\nHost: h\r\n\r\n")
                            let response = try client.readResponse()
                            statuses.append(response.body == "GET /c/\(worker)/\(request) 0 " ? response.status : -1)
                        }
                        return statuses
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(statuses.count == 600)
            #expect(statuses.allSatisfy { $0 == 200 })
        }
    }

    @Test func aSlowRequestHoldsUpOnlyItsOwnConnection() async throws {
        // Two threads, four connections: while one thread is inside the slow request, the
        // other serves every other connection (none waits behind the slow one).
        // The slow request is held inside the responder until every fast one has answered:
        // a fast one queued behind it would time out.
        let responder = GatedResponder()
        try await withServer(responder: responder, eventLoops: 2) { server in
            let slow = try RawClient(port: server.port, timeout: 10)
            let others = try (0..<3).map { _ in try RawClient(port: server.port) }
            for client in others {
                try client.send(Self.get)
                _ = try client.readResponse()
            }
            try slow.send("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(responder.waitUntilEntered(), "the slow request never reached the responder")
            for round in 0..<3 {
                for client in others {
                    try client.send("GET /fast/\(round) HTTP/1.1\r\nHost: h\r\n\r\n")
                    #expect(try client.readResponse().body == "/fast/\(round)")
                }
            }
            responder.open()
            #expect(try slow.readResponse().body == "/slow")
        }
    }

    @Test func busyConnectionsSurviveTheTimeoutSweeps() throws {
        // Several threads stamp connections while one sweeps for timeouts: a connection in
        // steady use is never taken for idle, however the threads' clocks interleave (a stamp
        // read as older than the sweep's clock would wrap around to an eternity). Client
        // threads of their own, so that all six connections are busy at once.
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.eventLoops = 2
        let server = try HTTPServer.start(configuration, responder: EchoResponder())
        defer { server.stop(gracePeriod: 0) }
        let port = server.port
        let deadline = Date().addingTimeInterval(1)
        let answered = ThreadSafeList<Int>()
        onThreads(6) { worker in
            var count = 0
            do {
                let client = try RawClient(port: port)
                rounds: while Date() < deadline {
                    // Eight pipelined requests a round: the threads spend longer per event.
                    try client.send((count..<count + 8).map { "GET /w/\(worker)/\($0) HTTP/1.1\r\nHost: h\r\n\r\n" }.joined())
                    for _ in 0..<8 {
                        let response = try client.readResponse()
                        guard response.status == 200, response.body.hasPrefix("GET /w/\(worker)/\(count) ") else {
                            count = -1
                            break rounds
                        }
                        count += 1
                    }
                }
            } catch {
                count = -1
            }
            answered.append(count)
        }
        let counts = answered.all
        #expect(counts.count == 6)
        #expect(counts.allSatisfy { $0 > 0 }, "requests answered per connection (-1: closed or wrong answer): \(counts)")
    }

    @Test func worksWithURLSession() async throws {
        try await withServer { server in
            let session = URLSession(configuration: .ephemeral)
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(server.port)/session?x=1")!)
            request.httpMethod = "POST"
            request.httpBody = Data("payload".utf8)
            let (data, response) = try await session.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
            #expect(String(decoding: data, as: UTF8.self) == "POST /session?x=1 7 payload")
            let (_, missing) = try await session.data(from: URL(string: "http://127.0.0.1:\(server.port)/missing")!)
            #expect((missing as? HTTPURLResponse)?.statusCode == 404)
            session.invalidateAndCancel()
        }
    }

    @Test func stopFinishesTheRequestInFlight() async throws {
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.eventLoops = 1
        let responder = GatedResponder()
        let server = try HTTPServer.start(configuration, responder: responder)
        let client = try RawClient(port: server.port)
        try client.send("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(responder.waitUntilEntered(), "the request never reached the responder")
        // The request is in flight: stop waits for it (its answer comes once the gate opens).
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { responder.open() }
        server.stop(gracePeriod: 2)
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.headers["Connection"] == "close")
        #expect(throws: (any Error).self) { try RawClient(port: server.port) }
    }

    @Test func aPortInUseIsAClearError() throws {
        let first = try HTTPServer.start(ServerConfiguration(host: "127.0.0.1", port: 0), responder: EchoResponder())
        defer { first.stop() }
        #expect {
            try HTTPServer.start(ServerConfiguration(host: "127.0.0.1", port: first.port), responder: EchoResponder())
        } throws: { error in
            "\(error)".contains("127.0.0.1:\(first.port)") && "\(error)".contains("in use")
        }
        #expect(throws: ServerError.self) { try HTTPServer.start(ServerConfiguration(host: "not-an-address", port: 0), responder: EchoResponder()) }
    }
}
