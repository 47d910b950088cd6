import AWSSignature
import HTTPCore
import JSONCore

#if canImport(Glibc)
import Glibc
#endif

/// A client of the control plane's AWS APIs, signing as the SDKs sign: over HTTP to a running
/// `gateway serve`, or in process to a `FrontDoor` (the `gateway` commands use whichever the
/// state directory calls for, with the same requests either way).
public struct ControlClient: Sendable {
    /// Where requests go.
    public enum Transport: Sendable {
        /// A responder in this process.
        case inProcess(any HTTPResponder)
        /// A server on this machine.
        case http(host: String, port: Int)
    }

    /// An answer.
    public struct Answer: Sendable {
        /// The HTTP status.
        public var status: Int
        /// The headers.
        public var headers: HTTPHeaders
        /// The body.
        public var body: [UInt8]
        /// The body as JSON (null when it is not).
        public var json: JSONValue { (try? JSONParser().parse(body)) ?? .null }
        /// The error message of a failed call (`message` or `Message`), or the status.
        public var errorMessage: String {
            json["message"]?.stringValue ?? json["Message"]?.stringValue ?? "HTTP \(status)"
        }
    }

    /// Where requests go.
    public let transport: Transport
    /// The credentials requests are signed with.
    public let credentials: StateDirectory.Credentials
    /// The region in the signature's scope.
    public let region: String

    /// A client.
    public init(transport: Transport, credentials: StateDirectory.Credentials, region: String = "us-east-1") {
        self.transport = transport
        self.credentials = credentials
        self.region = region
    }

    /// Sends one request to `service` (`lambda` or `apigateway`), signed with SigV4.
    public func send(
        _ service: String, _ method: String, _ target: String, body: JSONValue? = nil, headers extra: [(String, String)] = [], now: Double? = nil
    ) throws(ControlClientError) -> Answer {
        let bytes = body.map { JSONWriter.compact.bytes($0) } ?? []
        var fields: [(String, String)] = [("Host", host), ("X-Amz-Date", FrontDoor.amzDate(now ?? ControlClient.wallClock()))] + extra
        if body != nil { fields.append(("Content-Type", "application/json")) }
        let request = SigV4.Request(method: method, target: target, headers: fields, body: bytes)
        let authorization = SigV4.authorize(
            request, accessKeyId: credentials.accessKeyId, secret: credentials.secretAccessKey, region: region, service: service,
            amzDate: fields[1].1)
        fields.append(("Authorization", authorization))
        let message = HTTPRequest(method: method, target: target, headers: HTTPHeaders(fields), body: bytes)
        switch transport {
        case .inProcess(let responder):
            let response = responder.respond(to: message)
            return Answer(status: response.status, headers: response.headers, body: response.body)
        case .http(let host, let port):
            let response = try LoopbackHTTP.exchange(message, host: host, port: port)
            return Answer(status: response.status, headers: response.headers, body: response.body)
        }
    }

    var host: String {
        switch transport {
        case .inProcess: return "localhost"
        case .http(let host, let port): return "\(host.contains(":") ? "[\(host)]" : host):\(port)"
        }
    }

    static func wallClock() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

/// A request that did not reach the server or got no readable answer.
public struct ControlClientError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public let description: String
}

extension ControlClient {
    /// Whether something accepts connections at `host`:`port` (a server that is stopping has
    /// closed its listener while it still holds the state directory).
    public static func accepts(host: String, port: Int) -> Bool {
        LoopbackHTTP.connects(host: host, port: port)
    }
}

/// One HTTP/1.1 exchange over a fresh connection (the server answers with `Content-Length`).
enum LoopbackHTTP {
    /// Whether a connection to `host`:`port` opens (it is closed at once).
    static func connects(host: String, port: Int) -> Bool {
        guard let descriptor = try? connectedSocket(host: host, port: port) else { return false }
        close(descriptor)
        return true
    }

    /// A socket connected to `host`:`port` (the caller closes it).
    static func connectedSocket(host: String, port: Int) throws(ControlClientError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &results) == 0, let first = results else {
            throw ControlClientError(description: "cannot resolve \(host)")
        }
        defer { freeaddrinfo(results) }
        let descriptor = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard descriptor >= 0 else { throw ControlClientError(description: "cannot open a socket: \(String(cString: strerror(errno)))") }
        guard connect(descriptor, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw ControlClientError(description: "cannot connect to \(host):\(port): \(reason)")
        }
        return descriptor
    }

    static func exchange(_ request: HTTPRequest, host: String, port: Int, timeout: Int = 30) throws(ControlClientError) -> HTTPResponse {
        let descriptor = try connectedSocket(host: host, port: port)
        defer { close(descriptor) }
        var wait = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        var text = "\(request.method) \(request.target) HTTP/1.1\r\n"
        for field in request.headers where field.name.lowercased() != "content-length" { text += "\(field.name): \(field.value)\r\n" }
        text += "Content-Length: \(request.body.count)\r\nConnection: close\r\n\r\n"
        let outgoing = Array(text.utf8) + request.body
        var sent = 0
        while sent < outgoing.count {
            let count = outgoing.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress! + sent, outgoing.count - sent, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ControlClientError(description: "cannot send to \(host):\(port): \(String(cString: strerror(errno)))")
            }
            sent += count
        }
        var incoming: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress!, $0.count, 0) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ControlClientError(description: "no answer from \(host):\(port): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            incoming.append(contentsOf: buffer[0..<count])
        }
        return try parse(incoming)
    }

    static func parse(_ bytes: [UInt8]) throws(ControlClientError) -> HTTPResponse {
        guard let end = bytes.indices.dropLast(3).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 && bytes[$0 + 2] == 13 && bytes[$0 + 3] == 10 }) else {
            throw ControlClientError(description: "an incomplete HTTP answer")
        }
        let head = String(decoding: bytes[..<end], as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusParts = head.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw ControlClientError(description: "a malformed status line") }
        var headers = HTTPHeaders()
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(String(line[..<colon]), String(line[line.index(after: colon)...].drop { $0 == " " }))
        }
        var body = Array(bytes[(end + 4)...])
        if let length = headers["Content-Length"].flatMap({ Int($0) }), length < body.count { body = Array(body.prefix(length)) }
        return HTTPResponse(status: status, headers: headers, body: body)
    }
}
