#if os(Linux)
import CSystemCalls
import Glibc
import HTTPCore
import Synchronization

/// What every event loop of one server shares.
final class ServerShared: Sendable {
    let responder: any HTTPResponder
    let limits: ServerLimits
    let listener: Int32
    let protocolErrorLog: (@Sendable (String) -> Void)?
    let openConnections = Atomic<Int>(0)
    let stopping = Atomic<Bool>(false)
    /// When stopping, the monotonic time (ns) after which connections are cut.
    let stopDeadline = Atomic<UInt64>(0)

    init(responder: any HTTPResponder, limits: ServerLimits, listener: Int32, protocolErrorLog: (@Sendable (String) -> Void)?) {
        self.responder = responder
        self.limits = limits
        self.listener = listener
        self.protocolErrorLog = protocolErrorLog
    }
}

/// One client connection, owned by one event loop.
final class Connection {
    let descriptor: Int32
    var parser: RequestParser
    var output: [UInt8] = []
    var written = 0
    var closeAfterWrite = false
    /// The write side is shut; the loop reads and drops what the client still sends, then closes.
    var lingerUntil: UInt64?
    var lastActivity: UInt64
    var requestStarted: UInt64?
    var interest: UInt32 = EPOLLIN.rawValue

    init(descriptor: Int32, parser: RequestParser, now: UInt64) {
        self.descriptor = descriptor
        self.parser = parser
        self.lastActivity = now
    }
}

/// An epoll loop on its own thread: accepts from the shared listener (`EPOLLEXCLUSIVE`, so one
/// loop wakes per connection), reads, parses, calls the responder inline, and writes. Its
/// connections are touched by this thread only, which is why it can be `@unchecked Sendable`.
final class EventLoop: @unchecked Sendable {
    let shared: ServerShared
    let epoll: Int32
    let wake: Int32
    private var connections: [Connection?] = []
    private var dates = HTTPDateCache()
    private let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    private var lastSweep: UInt64 = 0
    private var listening = true
    /// Connections accepted by another loop and handed to this one (with the client address).
    private let inbox = Mutex<[(descriptor: Int32, address: String)]>([])
    /// Connections this loop owns (read by the other loops to balance new ones).
    let connectionCount = Atomic<Int>(0)
    /// Every loop of the server, this one included; set before the threads start and cleared
    /// when they have ended.
    nonisolated(unsafe) var peers: [EventLoop] = []

    init(shared: ServerShared) throws(ServerError) {
        self.shared = shared
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        wake = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard epoll >= 0, wake >= 0 else { throw ServerError("cannot create an event loop: \(System.errorText(errno))", code: errno) }
        register(wake, events: EPOLLIN.rawValue)
        register(shared.listener, events: EPOLLIN.rawValue | EPOLLEXCLUSIVE.rawValue)
    }

    deinit {
        readBuffer.deallocate()
        close(epoll)
        close(wake)
    }

    /// Wakes the loop (to notice that the server is stopping).
    func signal() {
        var one: UInt64 = 1
        _ = write(wake, &one, 8)
    }

    private func register(_ descriptor: Int32, events: UInt32) {
        var event = epoll_event()
        event.events = events
        event.data.u64 = UInt64(UInt32(bitPattern: descriptor))
        epoll_ctl(epoll, EPOLL_CTL_ADD, descriptor, &event)
    }

    private func setInterest(_ connection: Connection, _ events: UInt32) {
        guard connection.interest != events else { return }
        connection.interest = events
        var event = epoll_event()
        event.events = events
        event.data.u64 = UInt64(UInt32(bitPattern: connection.descriptor))
        epoll_ctl(epoll, EPOLL_CTL_MOD, connection.descriptor, &event)
    }

    /// Runs until the server stops and every connection is closed.
    func run() {
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: 256)
        defer { events.deallocate() }
        while true {
            let count = epoll_wait(epoll, events, 256, 100)
            let now = System.monotonicNanoseconds()
            if count > 0 {
                for index in 0..<Int(count) {
                    let event = events[index]
                    let descriptor = Int32(truncatingIfNeeded: event.data.u64)
                    if descriptor == wake {
                        var value: UInt64 = 0
                        _ = read(wake, &value, 8)
                        for handed in inbox.withLock({ inbox in
                            defer { inbox.removeAll() }
                            return inbox
                        }) {
                            adopt(handed.descriptor, address: handed.address, now)
                        }
                    } else if descriptor == shared.listener {
                        if listening { acceptConnections(now) }
                    } else if Int(descriptor) < connections.count, let connection = connections[Int(descriptor)] {
                        if event.events & EPOLLOUT.rawValue != 0 { flush(connection, now) }
                        if event.events & (EPOLLIN.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0, connections[Int(descriptor)] != nil {
                            readable(connection, now)
                        }
                    }
                }
            }
            if shared.stopping.load(ordering: .acquiring) {
                if beginOrContinueStopping(now) {
                    for handed in inbox.withLock({ $0 }) {
                        close(handed.descriptor)
                        shared.openConnections.subtract(1, ordering: .relaxed)
                    }
                    return
                }
            } else if now &- lastSweep >= 100_000_000 {
                lastSweep = now
                sweep(now)
            }
        }
    }

    // MARK: - Accepting

    private func acceptConnections(_ now: UInt64) {
        for _ in 0..<64 {
            switch Socket.accept(shared.listener) {
            case .wouldBlock: return
            case .failed(let code):
                shared.protocolErrorLog?("accept failed: \(System.errorText(code))")
                return
            case .connection(let descriptor, let address):
                let open = shared.openConnections.add(1, ordering: .relaxed).newValue
                if open > shared.limits.maxConnections {
                    // Over the cap: say so and close, rather than leave the client hanging. It
                    // stops counting as open before the client can see the answer.
                    shared.openConnections.subtract(1, ordering: .relaxed)
                    var output: [UInt8] = []
                    let refusal = HTTPProtocolError(503, "more than \(shared.limits.maxConnections) open connections")
                    ResponseSerializer.append(
                        ResponseSerializer.errorResponse(refusal), omitBody: false, keepAlive: false, isHTTP11: true, date: dates.now(), to: &output)
                    _ = output.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    close(descriptor)
                    shared.protocolErrorLog?("\(address): 503 (\(refusal.reason))")
                    continue
                }
                // Balance: the loop with the fewest connections gets the new one. (Accepting
                // wakes one loop at a time, which would otherwise take a whole burst.)
                let target = peers.min { $0.connectionCount.load(ordering: .relaxed) < $1.connectionCount.load(ordering: .relaxed) } ?? self
                if target === self || shared.stopping.load(ordering: .relaxed) {
                    connectionCount.add(1, ordering: .relaxed)
                    adopt(descriptor, address: address, now)
                } else {
                    target.connectionCount.add(1, ordering: .relaxed)
                    target.inbox.withLock { $0.append((descriptor, address)) }
                    target.signal()
                }
            }
        }
    }

    /// Takes ownership of an accepted connection.
    private func adopt(_ descriptor: Int32, address: String, _ now: UInt64) {
        if shared.stopping.load(ordering: .relaxed) && !listening {
            close(descriptor)
            shared.openConnections.subtract(1, ordering: .relaxed)
            connectionCount.subtract(1, ordering: .relaxed)
            return
        }
        let connection = Connection(descriptor: descriptor, parser: RequestParser(limits: shared.limits, remoteAddress: address), now: now)
        let slot = Int(descriptor)
        if slot >= connections.count { connections += [Connection?](repeating: nil, count: slot - connections.count + 64) }
        connections[slot] = connection
        register(descriptor, events: EPOLLIN.rawValue)
    }

    // MARK: - Reading and answering

    private func readable(_ connection: Connection, _ now: UInt64) {
        let count = read(connection.descriptor, readBuffer.baseAddress, readBuffer.count)
        if count < 0 {
            if errno == EAGAIN || errno == EINTR { return }
            closeConnection(connection)
            return
        }
        if count == 0 {
            // The client closed its side: send what is pending, then close.
            if connection.lingerUntil != nil || connection.output.count == connection.written {
                closeConnection(connection)
            } else {
                connection.closeAfterWrite = true
            }
            return
        }
        if connection.lingerUntil != nil { return }
        connection.lastActivity = now
        connection.parser.append(UnsafeRawBufferPointer(rebasing: readBuffer[0..<count]))
        answer(connection, now)
        flush(connection, now)
    }

    private func answer(_ connection: Connection, _ now: UInt64) {
        guard !connection.closeAfterWrite else { return }
        parsing: while true {
            switch connection.parser.next() {
            case .needMoreData:
                break parsing
            case .continueExpected:
                connection.output.append(contentsOf: ResponseSerializer.continueResponse)
            case .request(let parsed):
                let response = shared.responder.respond(to: parsed.request)
                let keepAlive = parsed.keepAlive && !shared.stopping.load(ordering: .relaxed)
                ResponseSerializer.append(
                    response, omitBody: parsed.isHead, keepAlive: keepAlive, isHTTP11: parsed.isHTTP11, date: dates.now(), to: &connection.output)
                if !keepAlive {
                    connection.closeAfterWrite = true
                    break parsing
                }
            case .failure(let error):
                refuse(connection, error)
                break parsing
            }
        }
        connection.requestStarted = connection.parser.hasPartialRequest ? (connection.requestStarted ?? now) : nil
    }

    private func refuse(_ connection: Connection, _ error: HTTPProtocolError) {
        shared.protocolErrorLog?("\(connection.parser.remoteAddress): \(error.status) (\(error.reason))")
        ResponseSerializer.append(
            ResponseSerializer.errorResponse(error), omitBody: false, keepAlive: false, isHTTP11: true, date: dates.now(), to: &connection.output)
        connection.closeAfterWrite = true
        connection.requestStarted = nil
    }

    // MARK: - Writing and closing

    private func flush(_ connection: Connection, _ now: UInt64) {
        while connection.written < connection.output.count {
            let sent = connection.output.withUnsafeBytes { bytes in
                send(connection.descriptor, bytes.baseAddress! + connection.written, bytes.count - connection.written, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN {
                    // Wait for room; stop reading meanwhile (backpressure on pipelined floods).
                    setInterest(connection, EPOLLOUT.rawValue)
                    return
                }
                closeConnection(connection)
                return
            }
            connection.written += sent
            connection.lastActivity = now
        }
        if connection.output.capacity > 256 * 1024 { connection.output = [] } else { connection.output.removeAll(keepingCapacity: true) }
        connection.written = 0
        if connection.closeAfterWrite && connection.lingerUntil == nil {
            // Lingering close: shut the write side and drain, so a client still sending does
            // not get a reset that destroys the response it has not read yet.
            shutdown(connection.descriptor, Int32(SHUT_WR))
            connection.lingerUntil = now + 2_000_000_000
        }
        setInterest(connection, EPOLLIN.rawValue)
    }

    private func closeConnection(_ connection: Connection) {
        guard Int(connection.descriptor) < connections.count, connections[Int(connection.descriptor)] === connection else { return }
        connections[Int(connection.descriptor)] = nil
        epoll_ctl(epoll, EPOLL_CTL_DEL, connection.descriptor, nil)
        close(connection.descriptor)
        shared.openConnections.subtract(1, ordering: .relaxed)
        connectionCount.subtract(1, ordering: .relaxed)
    }

    /// Timeouts: slow requests get 408, idle keep-alive connections and stalled readers are closed.
    private func sweep(_ now: UInt64) {
        let requestTimeout = UInt64(shared.limits.requestTimeout * 1e9)
        let idleTimeout = UInt64(shared.limits.idleTimeout * 1e9)
        for case let connection? in connections {
            if let lingerUntil = connection.lingerUntil {
                if now >= lingerUntil { closeConnection(connection) }
            } else if connection.written < connection.output.count {
                if now &- connection.lastActivity > requestTimeout { closeConnection(connection) }
            } else if let started = connection.requestStarted {
                if now &- started > requestTimeout {
                    refuse(connection, HTTPProtocolError(408, "the request was not complete within \(shared.limits.requestTimeout) s"))
                    flush(connection, now)
                }
            } else if now &- connection.lastActivity > idleTimeout {
                closeConnection(connection)
            }
        }
    }

    /// Graceful stop: no more accepting; idle connections close now, busy ones when done or at
    /// the deadline. True when this loop has nothing left.
    private func beginOrContinueStopping(_ now: UInt64) -> Bool {
        if listening {
            listening = false
            epoll_ctl(epoll, EPOLL_CTL_DEL, shared.listener, nil)
        }
        let deadlinePassed = now >= shared.stopDeadline.load(ordering: .relaxed)
        var remaining = 0
        for case let connection? in connections {
            let busy = connection.requestStarted != nil || connection.written < connection.output.count
            if deadlinePassed || !busy {
                closeConnection(connection)
            } else {
                remaining += 1
            }
        }
        return remaining == 0
    }
}
#endif
