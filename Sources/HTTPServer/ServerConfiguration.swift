/// The bounds a server puts on what a client may send, and on how long it may take.
public struct ServerLimits: Sendable {
    /// Longest request line (method, target, version); longer is answered 414.
    public var maxRequestLineBytes = 8 * 1024
    /// Longest header section (request line and fields); longer is answered 431.
    public var maxHeaderBytes = 16 * 1024
    /// Most header fields; more is answered 431.
    public var maxHeaderCount = 100
    /// Largest request body, after chunked decoding; larger is answered 413.
    public var maxBodyBytes = 10 * 1024 * 1024
    /// Seconds a client may take from a request's first byte to its last; slower is answered 408.
    public var requestTimeout = 10.0
    /// Seconds an idle keep-alive connection is kept open.
    public var idleTimeout = 5.0
    /// Most connections open at once; the next one is answered 503 and closed.
    public var maxConnections = 1024

    /// The defaults (8 KB line, 16 KB headers, 10 MB body, 10 s request, 5 s idle, 1024 connections).
    public init() {}
}

/// Where and how a server listens.
public struct ServerConfiguration: Sendable {
    /// The address to bind: an IPv4 or IPv6 literal, or `localhost`.
    public var host = "127.0.0.1"
    /// The port; 0 lets the system pick a free one (see `HTTPServer.port`).
    public var port = 8080
    /// Event-loop threads, all serving every connection. Defaults to the number of cores.
    public var eventLoops = max(1, System.coreCount)
    /// Ready connections one thread takes from the shared epoll set per wait (1–64). A thread
    /// answers them one after the other, so with a responder that takes its time (a request
    /// that waits for a process) use 1: each connection then waits only for a free thread,
    /// never behind others a busy thread took. With answers in microseconds, a few per wait
    /// save system calls. Default 4.
    public var eventsPerWait = 4
    /// Request bounds.
    public var limits = ServerLimits()
    /// Called (on an event-loop thread) with one line for each request refused before it
    /// reached the responder: malformed syntax, a limit, a timeout.
    public var protocolErrorLog: (@Sendable (String) -> Void)?

    /// The defaults: 127.0.0.1:8080, one loop per core.
    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}

/// A server that could not start, or a listening address that could not be used.
public struct ServerError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, naming the address.
    public let message: String
    /// The `errno` behind it, when there was one.
    public let code: Int32?

    init(_ message: String, code: Int32? = nil) {
        self.message = message
        self.code = code
    }

    /// The message.
    public var description: String { message }
}
