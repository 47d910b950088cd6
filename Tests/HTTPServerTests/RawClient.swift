import Foundation
import HTTPCore
import HTTPServer

#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP client for tests: sends raw bytes, reads raw responses.
final class RawClient {
    let descriptor: Int32

    /// Connects to 127.0.0.1:`port` with a receive timeout.
    init(port: Int, timeout: Double = 5) throws {
        // The descriptor is stored only once connected: a failed init closes it here and is
        // never deinitialized (a second close could close another thread's new descriptor).
        let opened = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard opened >= 0 else { throw ClientError("socket failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(opened, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let failure = errno
            close(opened)
            throw ClientError("connect failed: errno \(failure)")
        }
        descriptor = opened
        var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1e6))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    struct ClientError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw ClientError("send failed: errno \(errno)") }
            offset += sent
        }
    }

    /// Half-closes the connection (no more requests).
    func shutdownWrite() { shutdown(descriptor, Int32(SHUT_WR)) }

    private var pending: [UInt8] = []

    /// Reads more bytes; false at end of stream or timeout.
    private func fill() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        pending += buffer[0..<count]
        return true
    }

    /// Everything until the server closes (or the timeout).
    func readToEnd() -> String {
        while fill() {}
        defer { pending = [] }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Whether the server has closed the connection (reads end of stream within the timeout).
    func isClosedByServer() -> Bool {
        while true {
            var byte: UInt8 = 0
            let count = recv(descriptor, &byte, 1, 0)
            if count == 0 { return true }
            if count < 0 { return errno == ECONNRESET }
            pending.append(byte)
        }
    }

    /// One response: status, headers and body (by Content-Length; none for HEAD when `head`).
    func readResponse(head: Bool = false) throws -> (status: Int, headers: HTTPHeaders, body: String) {
        var headerEnd: Int?
        while true {
            if let range = findHeaderEnd() {
                headerEnd = range
                break
            }
            guard fill() else { throw ClientError("connection ended before a response head: \(String(decoding: pending, as: UTF8.self))") }
        }
        let headText = String(decoding: pending[0..<headerEnd!], as: UTF8.self)
        pending.removeFirst(headerEnd! + 4)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw ClientError("bad status line") }
        var headers = HTTPHeaders()
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = head ? 0 : Int(headers["Content-Length"] ?? "0") ?? 0
        while pending.count < length {
            guard fill() else { throw ClientError("connection ended inside a body") }
        }
        let body = String(decoding: pending[0..<length], as: UTF8.self)
        pending.removeFirst(length)
        return (status, headers, body)
    }

    private func findHeaderEnd() -> Int? {
        guard pending.count >= 4 else { return nil }
        for index in 0...(pending.count - 4)
        where pending[index] == 13 && pending[index + 1] == 10 && pending[index + 2] == 13 && pending[index + 3] == 10 {
            return index
        }
        return nil
    }
}

/// Echoes what it got: method, target, body length and body, and the remote address.
struct EchoResponder: HTTPResponder {
    func respond(to request: HTTPRequest) -> HTTPResponse {
        if request.path == "/slow" { usleep(200_000) }
        let text = "\(request.method) \(request.target) \(request.body.count) \(String(decoding: request.body, as: UTF8.self))"
        return HTTPResponse(status: request.path == "/missing" ? 404 : 200, headers: ["Content-Type": "text/plain", "X-Remote": request.remoteAddress], body: Array(text.utf8))
    }
}

/// Values appended from several threads. (On `NSLock`, a pthread mutex the thread sanitizer
/// understands.)
final class ThreadSafeList<Element>: @unchecked Sendable {
    private let lock = NSLock()
    private var elements: [Element] = []

    func append(_ element: Element) { lock.withLock { elements.append(element) } }

    var all: [Element] { lock.withLock { elements } }
}

/// Runs `body(0)` … `body(count - 1)` each on a thread of its own (not Swift's cooperative pool,
/// so that blocking clients all run at once) and returns when every one has finished.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let done = DispatchGroup()
    for index in 0..<count {
        done.enter()
        Thread {
            defer { done.leave() }
            body(index)
        }.start()
    }
    done.wait()
}

/// Holds `/slow` until the test opens its gate (signalling `entered` when it starts waiting);
/// answers anything else at once. A readiness signal instead of a sleep: the test knows the
/// slow request is inside the responder, and the slow request ends when the test says.
final class GatedResponder: HTTPResponder, @unchecked Sendable {
    // Safety: DispatchSemaphore is thread-safe; nothing else is stored.
    let entered = DispatchSemaphore(value: 0)
    private let gate = DispatchSemaphore(value: 0)

    func respond(to request: HTTPRequest) -> HTTPResponse {
        if request.path == "/slow" {
            entered.signal()
            // A bounded wait: a test that never opens the gate cannot hang the server.
            if gate.wait(timeout: .now() + 10) == .timedOut { return HTTPResponse(status: 504, headers: [:], body: Array("gate".utf8)) }
        }
        return HTTPResponse(status: 200, headers: [:], body: Array(request.path.utf8))
    }

    /// Lets the held request answer.
    func open() { gate.signal() }

    /// Waits (at most 5 s) until the held request is inside the responder.
    func waitUntilEntered() -> Bool { entered.wait(timeout: .now() + 5) == .success }
}

/// Answers a request only once `count` requests are inside the responder at the same time
/// (each waits for the others, at most 5 s): 200 when they all met, 503 when one waited
/// alone (the server ran them one after another).
final class RendezvousResponder: HTTPResponder, @unchecked Sendable {
    // Safety: `lock` guards `arrived`; the semaphore is thread-safe.
    private let lock = NSLock()
    private var arrived = 0
    private let everyone = DispatchSemaphore(value: 0)
    let count: Int

    init(count: Int) { self.count = count }

    func respond(to request: HTTPRequest) -> HTTPResponse {
        let last = lock.withLock { () -> Bool in
            arrived += 1
            return arrived == count
        }
        if last {
            for _ in 0..<count { everyone.signal() }
        }
        let met = everyone.wait(timeout: .now() + 5) == .success
        return HTTPResponse(status: met ? 200 : 503, headers: [:], body: Array(request.path.utf8))
    }
}

/// Runs `body` against a server on 127.0.0.1, port 0, and stops it afterwards.
func withServer<T>(
    limits: ServerLimits = ServerLimits(), responder: any HTTPResponder = EchoResponder(), eventLoops: Int? = nil,
    _ body: (HTTPServer) async throws -> T
) async throws -> T {
    var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
    configuration.limits = limits
    if let eventLoops { configuration.eventLoops = eventLoops }
    let server = try HTTPServer.start(configuration, responder: responder)
    do {
        let result = try await body(server)
        server.stop(gracePeriod: 1)
        return result
    } catch {
        server.stop(gracePeriod: 0)
        throw error
    }
}
