#if os(Linux)
import CSystemCalls
import Glibc
import HTTPCore
import Synchronization

/// What every event-loop thread of one server shares: the responder, the limits, one epoll set
/// holding the listener and every connection, and the table of connections.
///
/// Every socket is registered `EPOLLONESHOT`: an event goes to one thread, and the socket
/// stays silent until that thread has served it and re-armed it. So any idle thread can take
/// any ready connection (a thread the scheduler has put aside holds up only the connection it
/// is serving, not a share of them all), while one connection is never served by two threads
/// at once and its answers stay in order.
final class ServerShared: Sendable {
    let responder: any HTTPResponder
    let limits: ServerLimits
    let listener: Int32
    let protocolErrorLog: (@Sendable (String) -> Void)?
    let epoll: Int32
    /// An eventfd that wakes a waiting thread (to notice that the server is stopping).
    let wake: Int32
    let table: ConnectionTable
    let openConnections = Atomic<Int>(0)
    let stopping = Atomic<Bool>(false)
    /// When stopping, the monotonic time (ns) after which connections are cut.
    let stopDeadline = Atomic<UInt64>(0)
    /// When the next timeout sweep is due (monotonic ns); the thread that moves it sweeps.
    let nextSweep = Atomic<UInt64>(0)
    /// The listener has left the epoll set (the server is stopping).
    let listenerWithdrawn = Atomic<Bool>(false)

    static let listenerToken = UInt64.max
    static let wakeToken = UInt64.max - 1

    init(responder: any HTTPResponder, limits: ServerLimits, listener: Int32, protocolErrorLog: (@Sendable (String) -> Void)?) throws(ServerError) {
        self.responder = responder
        self.limits = limits
        self.listener = listener
        self.protocolErrorLog = protocolErrorLog
        table = ConnectionTable(capacity: ConnectionTable.capacity(maxConnections: limits.maxConnections))
        // Stored only once both exist: a failed init closes what it made here and is never
        // deinitialized (a second close could close another thread's new descriptor).
        let createdEpoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        let createdWake = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard createdEpoll >= 0, createdWake >= 0 else {
            let code = errno
            if createdEpoll >= 0 { close(createdEpoll) }
            if createdWake >= 0 { close(createdWake) }
            throw ServerError("cannot create an event loop: \(System.errorText(code))", code: code)
        }
        epoll = createdEpoll
        wake = createdWake
        control(EPOLL_CTL_ADD, wake, events: EPOLLIN.rawValue, token: Self.wakeToken)
        control(EPOLL_CTL_ADD, listener, events: EPOLLIN.rawValue | EPOLLONESHOT.rawValue, token: Self.listenerToken)
    }

    deinit {
        close(epoll)
        close(wake)
    }

    /// Adds, re-arms (`EPOLL_CTL_MOD`) or removes a descriptor.
    @discardableResult
    func control(_ operation: Int32, _ descriptor: Int32, events: UInt32 = 0, token: UInt64 = 0) -> Int32 {
        var event = epoll_event()
        event.events = events
        event.data.u64 = token
        return epoll_ctl(epoll, operation, descriptor, &event)
    }

    /// Wakes one waiting thread.
    func signal() {
        var one: UInt64 = 1
        _ = write(wake, &one, 8)
    }
}

/// One event-loop thread: waits on the shared epoll set, accepts, reads, parses, calls the
/// responder inline and writes. Its scratch space (read buffer, date cache) is its own; the
/// connections it serves are reached through their locked slots.
final class EventLoop: @unchecked Sendable {
    let shared: ServerShared
    private var dates = HTTPDateCache()
    private let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    /// Events taken per wait (`ServerConfiguration.eventsPerWait`).
    private let batch: Int32

    init(shared: ServerShared, eventsPerWait: Int) {
        self.shared = shared
        self.batch = Int32(min(64, max(1, eventsPerWait)))
    }

    deinit {
        readBuffer.deallocate()
    }

    /// Runs until the server stops and every connection is closed.
    func run() {
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: Int(batch))
        defer { events.deallocate() }
        var noticedStop = false
        while true {
            let stopping = shared.stopping.load(ordering: .acquiring)
            let count = epoll_wait(shared.epoll, events, batch, stopping ? 10 : 100)
            let now = System.monotonicNanoseconds()
            if count > 0 {
                for index in 0..<Int(count) {
                    let token = events[index].data.u64
                    switch token {
                    case ServerShared.wakeToken:
                        var value: UInt64 = 0
                        _ = read(shared.wake, &value, 8)
                    case ServerShared.listenerToken:
                        acceptConnections(now)
                    default:
                        serve(token, events[index].events, now)
                    }
                }
            }
            if shared.stopping.load(ordering: .acquiring) {
                if !noticedStop {
                    // Pass the news on to a thread still waiting.
                    noticedStop = true
                    shared.signal()
                }
                if continueStopping(now) { return }
            } else {
                let due = shared.nextSweep.load(ordering: .relaxed)
                if now >= due,
                    shared.nextSweep.compareExchange(expected: due, desired: now + 100_000_000, ordering: .relaxed).exchanged
                {
                    sweep()
                }
            }
        }
    }

    // MARK: - Accepting

    private func acceptConnections(_ now: UInt64) {
        defer {
            if !shared.listenerWithdrawn.load(ordering: .relaxed) {
                shared.control(EPOLL_CTL_MOD, shared.listener, events: EPOLLIN.rawValue | EPOLLONESHOT.rawValue, token: ServerShared.listenerToken)
            }
        }
        for _ in 0..<64 {
            switch Socket.accept(shared.listener) {
            case .wouldBlock: return
            case .failed(let code):
                shared.protocolErrorLog?("accept failed: \(System.errorText(code))")
                return
            case .connection(let descriptor, let address):
                let open = shared.openConnections.add(1, ordering: .relaxed).newValue
                guard open <= shared.limits.maxConnections, let slot = shared.table.claim() else {
                    // Over the cap: say so and close, rather than leave the client hanging. It
                    // stops counting as open before the client can see the answer.
                    shared.openConnections.subtract(1, ordering: .relaxed)
                    refuseAtTheDoor(descriptor, address: address)
                    continue
                }
                adopt(descriptor, address: address, into: slot, now)
            }
        }
    }

    private func refuseAtTheDoor(_ descriptor: Int32, address: String) {
        var output: [UInt8] = []
        let refusal = HTTPProtocolError(503, "more than \(shared.limits.maxConnections) open connections")
        appendErrorResponse(refusal, to: &output)
        _ = output.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        close(descriptor)
        shared.protocolErrorLog?("\(address): 503 (\(refusal.reason))")
    }

    /// Puts an accepted connection in its slot and into the epoll set.
    private func adopt(_ descriptor: Int32, address: String, into slot: ConnectionSlot, _ now: UInt64) {
        if shared.stopping.load(ordering: .relaxed) {
            close(descriptor)
            shared.openConnections.subtract(1, ordering: .relaxed)
            shared.table.release(slot)
            return
        }
        slot.lock.lock()
        defer { slot.lock.unlock() }
        slot.connection = Connection(descriptor: descriptor, parser: RequestParser(limits: shared.limits, remoteAddress: address), now: now)
        shared.control(EPOLL_CTL_ADD, descriptor, events: EPOLLIN.rawValue | EPOLLONESHOT.rawValue, token: slot.token)
    }

    // MARK: - Serving a ready connection

    private func serve(_ token: UInt64, _ flags: UInt32, _ now: UInt64) {
        guard let slot = shared.table.slot(for: token) else { return }
        slot.lock.lock()
        defer { slot.lock.unlock() }
        // A connection closed (by a timeout) after this event was queued: not ours to touch.
        guard slot.generation == UInt32(truncatingIfNeeded: token >> 32), let connection = slot.connection else { return }
        if flags & EPOLLOUT.rawValue != 0 { flush(connection, in: slot, now) }
        if flags & (EPOLLIN.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0, slot.connection != nil {
            readable(connection, in: slot, now)
        }
        if slot.connection != nil { arm(connection, in: slot) }
    }

    /// Re-arms the connection's one-shot registration for what it waits for next.
    private func arm(_ connection: Connection, in slot: ConnectionSlot) {
        shared.control(EPOLL_CTL_MOD, connection.descriptor, events: connection.interest | EPOLLONESHOT.rawValue, token: slot.token)
    }

    private func readable(_ connection: Connection, in slot: ConnectionSlot, _ now: UInt64) {
        let count = read(connection.descriptor, readBuffer.baseAddress, readBuffer.count)
        if count < 0 {
            if errno == EAGAIN || errno == EINTR { return }
            closeConnection(connection, in: slot)
            return
        }
        if count == 0 {
            // The client closed its side: send what is pending, then close.
            if connection.lingerUntil != nil || connection.output.count == connection.written {
                closeConnection(connection, in: slot)
            } else {
                connection.closeAfterWrite = true
            }
            return
        }
        if connection.lingerUntil != nil { return }
        connection.lastActivity = now
        connection.parser.append(UnsafeRawBufferPointer(rebasing: readBuffer[0..<count]))
        answer(connection, now)
        flush(connection, in: slot, now)
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
                // Answers to earlier pipelined requests leave before this one is handled (a
                // responder may take its time: a long poll must not hold them back).
                if connection.output.count > connection.written { sendPending(connection) }
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
        appendErrorResponse(error, to: &connection.output)
        connection.closeAfterWrite = true
        connection.requestStarted = nil
    }

    /// The answer to a request refused before it reached the responder (the connection closes
    /// after it).
    private func appendErrorResponse(_ error: HTTPProtocolError, to output: inout [UInt8]) {
        ResponseSerializer.append(
            ResponseSerializer.errorResponse(error), omitBody: false, keepAlive: false, isHTTP11: true, date: dates.now(), to: &output)
    }

    // MARK: - Writing and closing

    /// Sends what the socket takes now of the pending answers, without waiting; `flush` sends
    /// the rest later.
    private func sendPending(_ connection: Connection) {
        while connection.written < connection.output.count {
            let sent = connection.output.withUnsafeBytes { bytes in
                send(connection.descriptor, bytes.baseAddress! + connection.written, bytes.count - connection.written, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            }
            if sent < 0 && errno == EINTR { continue }
            if sent <= 0 { return }
            connection.written += sent
        }
    }

    private func flush(_ connection: Connection, in slot: ConnectionSlot, _ now: UInt64) {
        while connection.written < connection.output.count {
            let sent = connection.output.withUnsafeBytes { bytes in
                send(connection.descriptor, bytes.baseAddress! + connection.written, bytes.count - connection.written, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN {
                    // Wait for room; stop reading meanwhile (backpressure on pipelined floods).
                    connection.interest = EPOLLOUT.rawValue
                    return
                }
                closeConnection(connection, in: slot)
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
        connection.interest = EPOLLIN.rawValue
    }

    /// Closes the connection and frees its slot (whose lock the caller holds).
    private func closeConnection(_ connection: Connection, in slot: ConnectionSlot) {
        guard slot.connection === connection else { return }
        slot.connection = nil
        slot.generation &+= 1
        shared.control(EPOLL_CTL_DEL, connection.descriptor)
        close(connection.descriptor)
        shared.openConnections.subtract(1, ordering: .relaxed)
        shared.table.release(slot)
    }

    // MARK: - Timeouts and stopping

    /// Timeouts (see `Connection.sweepVerdict`). Connections being served right now are
    /// skipped: they are not idle. The clock is read once each lock is held, after any stamp
    /// another thread left.
    private func sweep() {
        shared.table.forEachIdleConnection { slot, connection in
            let now = System.monotonicNanoseconds()
            switch connection.sweepVerdict(at: now, limits: shared.limits) {
            case .keep:
                break
            case .close:
                closeConnection(connection, in: slot)
            case .requestTimedOut:
                refuse(connection, HTTPProtocolError(408, "the request was not complete within \(shared.limits.requestTimeout) s"))
                flush(connection, in: slot, now)
                if slot.connection != nil { arm(connection, in: slot) }
            }
        }
    }

    /// Graceful stop: no more accepting; idle connections close now, busy ones when done or at
    /// the deadline. True when no connection is left.
    private func continueStopping(_ now: UInt64) -> Bool {
        if !shared.listenerWithdrawn.exchange(true, ordering: .relaxed) {
            shared.control(EPOLL_CTL_DEL, shared.listener)
        }
        let deadlinePassed = now >= shared.stopDeadline.load(ordering: .relaxed)
        shared.table.forEachIdleConnection { slot, connection in
            if deadlinePassed || !connection.isBusy { closeConnection(connection, in: slot) }
        }
        return shared.openConnections.load(ordering: .acquiring) == 0
    }
}
#endif
