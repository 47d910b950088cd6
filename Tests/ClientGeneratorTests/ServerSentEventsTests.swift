import ClientRuntime
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Glibc
import StoreClient
import Synchronization
import Testing

/// Server-sent events: the grammar, the generated methods, and delivery as the bytes arrive.
@Suite("server-sent events: parsed as the standard says, delivered as they arrive")
struct ServerSentEventsTests {
    func events(_ chunks: [String]) -> [ServerSentEvent] {
        var parser = ServerSentEventParser()
        return chunks.flatMap { parser.feed(Array($0.utf8)) } + parser.finish()
    }

    @Test("fields, comments, multi-line data, ids and retry; CR, LF and CRLF, split anywhere")
    func grammar() {
        let text = "\u{FEFF}: a comment\r\nevent: add\r\ndata: one\r\ndata:two\r\nid: 7\r\nretry: 1500\r\n\r\ndata: {\"n\": 1}\n\ndata\n\nevent: lone\n\nid: 8\rdata: x\r\r"
        let expected = [
            ServerSentEvent(event: "add", data: "one\ntwo", id: "7", retry: 1500),
            ServerSentEvent(data: #"{"n": 1}"#, id: "7"),
            ServerSentEvent(data: "", id: "7"),
            ServerSentEvent(data: "x", id: "8"),
        ]
        #expect(events([text]) == expected)
        // Split at every byte (a CRLF across two chunks is one line end).
        #expect(events(text.unicodeScalars.map { String($0) }) == expected)
        #expect(events(["data: half"]) == [], "an event without its blank line is not dispatched")
        #expect(events(["retry: 1x\ndata: a\n\n"]) == [ServerSentEvent(data: "a")], "a retry that is not digits is ignored")
    }

    @Test("a line longer than the limit is dropped, not kept in memory")
    func overlongLine() {
        var parser = ServerSentEventParser()
        let long = [UInt8](repeating: UInt8(ascii: "a"), count: ServerSentEventParser.maximumLineBytes + 10)
        #expect(parser.feed(Array("data: ".utf8) + long).isEmpty)
        #expect(parser.feed(Array("\ndata: ok\n\n".utf8)) == [ServerSentEvent(data: "ok")])
    }

    @Test("event data decodes as JSON")
    func decodeData() throws {
        struct Tick: Decodable, Equatable { let n: Int }
        #expect(try ServerSentEvent(data: #"{"n": 3}"#).decode(Tick.self) == Tick(n: 3))
        #expect(throws: ClientError.self) { try ServerSentEvent(data: "[DONE]").decode(Tick.self) }
    }

    @Test("generated: a text/event-stream answer is ServerSentEvents; a success offering JSON too has an Events twin sending Accept")
    func generated() async throws {
        let transport = RecordingTransport { request in
            let accept = request.headers.first { $0.name == "Accept" }?.value
            if accept == "application/json" { return ClientResponse(status: 200, body: Array(#"{"count": 4}"#.utf8)) }
            return ClientResponse(status: 200, headers: [("Content-Type", "text/event-stream")], body: Array("data: 1\n\ndata: 2\n\n".utf8))
        }
        let client = StoreClient(transport: transport)
        var received: [String] = []
        for try await event in try await client.streamTicks() { received.append(event.data) }
        #expect(received == ["1", "2"])
        #expect(transport.last?.0.streamsResponse == true)
        #expect(try await client.watchStock(body: .json(WatchStockBody(stream: false))).count == 4)
        received = []
        for try await event in try await client.watchStockEvents(body: .form(WatchStockBodyForm(stream: true))) { received.append(event.data) }
        #expect(received == ["1", "2"])
        #expect(transport.last?.0.headers.first { $0.name == "Accept" }?.value == "text/event-stream")
    }

    @Test("a success in several media types: the method reads JSON (sending Accept), a twin per other type reads it")
    func alternateMediaTypes() async throws {
        let transport = RecordingTransport { request in
            switch request.headers.first(where: { $0.name == "Accept" })?.value {
            case "application/json": return ClientResponse(status: 200, body: Array(#"{"total": 3}"#.utf8))
            case "text/csv": return ClientResponse(status: 200, body: Array("total\n3\n".utf8))
            default: return ClientResponse(status: 200, body: [0x25, 0x50, 0x44, 0x46])
            }
        }
        let client = StoreClient(transport: transport)
        #expect(try await client.getReport().total == 3)
        #expect(try await client.getReportAsCsv() == "total\n3\n")
        // `getReportAsPdf` is another operation's name: the twin gives way.
        #expect(try await client.getReportAsPdfTwin() == Data([0x25, 0x50, 0x44, 0x46]))
        #expect(transport.last?.0.headers.first { $0.name == "Accept" }?.value == "application/pdf")
        _ = try await client.getReportAsPdf()
        #expect(transport.last?.0.path == "/report/pdf")
    }

    @Test("error statuses: a 4XX range and default are typed declared errors; 404 keeps its case")
    func errorRanges() async throws {
        let status = Mutex(400)
        let transport = RecordingTransport { _ in
            ClientResponse(status: status.withLock { $0 }, body: Array(#"{"message": "bad", "fault": "odd"}"#.utf8))
        }
        let client = StoreClient(transport: transport)
        for (code, expected) in [(400, "4XX"), (422, "4XX"), (500, "default"), (404, "notFound")] {
            status.withLock { $0 = code }
            do {
                _ = try await client.streamTicks()
                Issue.record("\(code) returned events")
            } catch {
                switch (error, expected) {
                case (.declared(let declared), "4XX"): #expect(declared.status == code && declared.model(as: ErrorModel.self)?.message == "bad")
                case (.declared(let declared), "default"): #expect(declared.status == code && declared.model(as: StreamTicksErrorDefault.self)?.fault == "odd")
                case (.notFound, "notFound"): break
                default: Issue.record("\(code): \(error)")
                }
            }
        }
    }

    @Test("over URLSession, each event arrives before the server sends the next; an error answer is read whole")
    func streamedOverHTTP() async throws {
        let server = try StreamingServer()
        defer { server.stop() }
        // URLSession's idle timeout (60 s by default) raised to the server's wait: on two cores,
        // tests that block Swift's cooperative threads can keep this task from running for long.
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 300
        let transport = URLSessionTransport(baseURL: URL(string: "http://127.0.0.1:\(server.port)")!, session: URLSession(configuration: configuration))
        let client = StoreClient(transport: transport)
        var received: [String] = []
        for try await event in try await client.streamTicks() {
            received.append(event.data)
            // The server sends the next event only once this one has arrived.
            server.acknowledge()
        }
        #expect(received == ["tick 0", "tick 1", "tick 2"])
        server.failNext()
        await #expect {
            _ = try await client.streamTicks()
        } throws: { error in
            // 503 is not declared: the definition's `default` answer model reads it.
            guard case .declared(let declared) = error as? ClientError, declared.status == 503 else { return false }
            return declared.model(as: StreamTicksErrorDefault.self)?.fault == "busy"
        }
    }
}

/// A one-route HTTP/1.1 server on 127.0.0.1 that streams three events in chunked encoding,
/// each after the client acknowledged the one before (so a test proves delivery as they
/// arrive without timing), or answers 503 once asked to.
final class StreamingServer: Sendable {
    let port: Int
    private let listener: Int32
    private let acknowledged = DispatchSemaphore(value: 0)
    private let failing = Mutex(false)

    init() throws {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(socketDescriptor, 4) == 0 else {
            close(socketDescriptor)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketDescriptor, $0, &length) } }
        listener = socketDescriptor
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in serve() }
    }

    func acknowledge() { acknowledged.signal() }
    func failNext() { failing.withLock { $0 = true } }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        for _ in 0..<3 { acknowledged.signal() }
    }

    private func serve() {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            // Read the request head.
            var head: [UInt8] = []
            var byte: UInt8 = 0
            while read(connection, &byte, 1) == 1 {
                head.append(byte)
                if head.suffix(4) == [13, 10, 13, 10] { break }
            }
            func send(_ text: String) { _ = text.utf8CString.withUnsafeBufferPointer { Glibc.send(connection, $0.baseAddress, $0.count - 1, Int32(MSG_NOSIGNAL)) } }
            if failing.withLock({ let now = $0; $0 = false; return now }) {
                send("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
                for part in ["{\"fault\":", " \"busy\"}"] { send(String(part.utf8.count, radix: 16) + "\r\n" + part + "\r\n") }
                send("0\r\n\r\n")
                close(connection)
                continue
            }
            send("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
            for index in 0..<3 {
                let event = "data: tick \(index)\n\n"
                send(String(event.utf8.count, radix: 16) + "\r\n" + event + "\r\n")
                // No acknowledgement within five minutes: the client did not see the event before
                // the stream ended. (Generous: with two cores, tests that block Swift's
                // cooperative threads can hold up the client's task for a long time.)
                if acknowledged.wait(timeout: .now() + 300) == .timedOut {
                    let late = "data: not delivered before the next\n\n"
                    send(String(late.utf8.count, radix: 16) + "\r\n" + late + "\r\n")
                    break
                }
            }
            send("0\r\n\r\n")
            close(connection)
        }
    }
}
