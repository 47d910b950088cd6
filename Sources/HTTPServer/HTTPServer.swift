#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HTTPCore
import Synchronization

/// An HTTP/1.1 server on POSIX sockets that hands each request to an `HTTPResponder`.
///
/// It knows nothing about what it serves. Design: one event-loop thread per core, all waiting
/// on one epoll set that holds the listener and every connection, each socket registered
/// one-shot, so a ready connection goes to whichever thread is free and is served by one
/// thread at a time. A thread reads, parses, calls the responder inline and writes, so no
/// thread is created per request and Swift's cooperative pool is never blocked by socket
/// calls. Keep-alive, pipelining (answers in order), chunked bodies, `Expect: 100-continue`,
/// HEAD, limits with their status codes, timeouts and a connection cap are described by
/// `ServerLimits`.
public final class HTTPServer: Sendable {
    /// The port the server listens on (the chosen one when started with port 0).
    public let port: Int
    /// The address it is bound to.
    public let host: String
    #if os(Linux)
    let shared: ServerShared
    let loops: [EventLoop]
    #endif
    private let threads = Mutex<[UInt]>([])
    private let stopped = Mutex(false)

    #if os(Linux)
    private init(port: Int, host: String, shared: ServerShared, loops: [EventLoop]) {
        self.port = port
        self.host = host
        self.shared = shared
        self.loops = loops
    }
    #endif

    /// Binds, listens and starts the event loops; returns once the server accepts connections.
    /// - Throws: `ServerError` naming the address when it cannot listen (in use, bad address).
    public static func start(_ configuration: ServerConfiguration, responder: any HTTPResponder) throws(ServerError) -> HTTPServer {
        #if os(Linux)
        let (listener, port) = try Socket.listen(host: configuration.host, port: configuration.port)
        let shared: ServerShared
        do {
            shared = try ServerShared(
                responder: responder, limits: configuration.limits, listener: listener, protocolErrorLog: configuration.protocolErrorLog)
        } catch {
            close(listener)
            throw error
        }
        let loops = (0..<max(1, configuration.eventLoops)).map { _ in EventLoop(shared: shared, eventsPerWait: configuration.eventsPerWait) }
        let server = HTTPServer(port: port, host: configuration.host, shared: shared, loops: loops)
        for loop in loops {
            do {
                let thread = try startThread(loop)
                server.threads.withLock { $0.append(thread) }
            } catch {
                // Stop the threads already running (and close the listener) before giving up.
                server.stop(gracePeriod: 0)
                throw error
            }
        }
        return server
        #else
        throw ServerError("the HTTP server needs epoll (Linux); use the in-process gateway on this platform")
        #endif
    }

    /// Connections open now.
    public var openConnections: Int {
        #if os(Linux)
        return shared.openConnections.load(ordering: .relaxed)
        #else
        return 0
        #endif
    }

    /// Stops accepting, lets requests in progress finish (for up to `gracePeriod` seconds),
    /// closes every connection and returns when the loops have ended. Safe to call twice.
    public func stop(gracePeriod: Double = 5) {
        let first = stopped.withLock { done in
            defer { done = true }
            return !done
        }
        #if os(Linux)
        if first {
            shared.stopDeadline.store(System.monotonicNanoseconds() + UInt64(max(0, gracePeriod) * 1e9), ordering: .relaxed)
            shared.stopping.store(true, ordering: .releasing)
            shared.signal()
        }
        let threads = self.threads.withLock { threads in
            defer { threads = [] }
            return threads
        }
        for thread in threads { pthread_join(pthread_t(thread), nil) }
        if first { close(shared.listener) }
        #endif
    }

    deinit {
        stop(gracePeriod: 0)
    }

    #if os(Linux)
    private final class ThreadBody {
        let loop: EventLoop
        init(_ loop: EventLoop) { self.loop = loop }
    }

    private static func startThread(_ loop: EventLoop) throws(ServerError) -> UInt {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        // Responders may recurse (templates, JSON); give them a main-thread-sized stack.
        pthread_attr_setstacksize(&attributes, 8 * 1024 * 1024)
        let body = Unmanaged.passRetained(ThreadBody(loop)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, &attributes, { argument in
            let body = Unmanaged<ThreadBody>.fromOpaque(argument!).takeRetainedValue()
            body.loop.run()
            return nil
        }, body)
        guard result == 0 else {
            Unmanaged<ThreadBody>.fromOpaque(body).release()
            throw ServerError("cannot start an event-loop thread: \(System.errorText(result))", code: result)
        }
        return UInt(thread)
    }
    #endif
}
