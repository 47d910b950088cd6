#if os(Linux)
import CSystemCalls
import Glibc
import Synchronization

/// One client connection: its socket, its parser and what is waiting to be written.
///
/// A connection belongs to no thread: whichever event-loop thread gets its next readiness
/// event serves it, holding its slot's lock (see `ConnectionSlot`).
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
    /// What to wait for next: `EPOLLIN`, or `EPOLLOUT` while the client is not reading.
    var interest: UInt32 = EPOLLIN.rawValue

    init(descriptor: Int32, parser: RequestParser, now: UInt64) {
        self.descriptor = descriptor
        self.parser = parser
        self.lastActivity = now
    }

    /// A request is half received or a response half sent.
    var isBusy: Bool { requestStarted != nil || written < output.count }

    /// What a timeout sweep does with the connection at `now`.
    enum SweepVerdict: Equatable {
        case keep
        case close
        /// Answer 408 and close: the request has taken too long to arrive.
        case requestTimedOut
    }

    /// The sweep's decision: a lingering close that is over, a stalled reader or an idle
    /// keep-alive connection is closed; a request slower than the request timeout gets 408.
    ///
    /// Another thread may have stamped the connection after `now` was read; such a stamp counts
    /// as no time elapsed (never as a wrapped-around eternity).
    func sweepVerdict(at now: UInt64, limits: ServerLimits) -> SweepVerdict {
        func elapsed(since stamp: UInt64) -> Double { now > stamp ? Double(now - stamp) / 1e9 : 0 }
        if let lingerUntil {
            return now >= lingerUntil ? .close : .keep
        } else if written < output.count {
            return elapsed(since: lastActivity) > limits.requestTimeout ? .close : .keep
        } else if let requestStarted {
            return elapsed(since: requestStarted) > limits.requestTimeout ? .requestTimedOut : .keep
        } else {
            return elapsed(since: lastActivity) > limits.idleTimeout ? .close : .keep
        }
    }
}

/// A place for one open connection, reused after it closes.
///
/// Its fields are read and written only by the thread holding its lock. The generation changes
/// each time a connection leaves the slot, so a readiness event that names an earlier
/// connection (one closed by a timeout while the event was on its way) is recognised and
/// dropped instead of being applied to a newer connection that reuses the slot.
final class ConnectionSlot: @unchecked Sendable {
    let index: UInt32
    /// Held while a thread reads or writes the fields below (by a serving thread for one
    /// request at most).
    let lock = SpinLock()
    var connection: Connection?
    var generation: UInt32 = 0

    init(index: UInt32) { self.index = index }

    /// The token a readiness event carries for the slot's current connection.
    var token: UInt64 { UInt64(generation) << 32 | UInt64(index) }
}

/// A lock for critical sections of a few instructions, on one atomic flag: a waiter yields its
/// core until the flag is free. (On an atomic, rather than `Mutex`, so that the thread
/// sanitizer sees the ordering it gives.)
struct SpinLock: ~Copyable, Sendable {
    private let locked = Atomic<Bool>(false)

    /// Takes the lock if it is free.
    func tryLock() -> Bool {
        locked.compareExchange(expected: false, desired: true, successOrdering: .acquiring, failureOrdering: .relaxed).exchanged
    }

    /// Takes the lock, yielding while another thread holds it.
    func lock() {
        while !tryLock() { sched_yield() }
    }

    func unlock() {
        locked.store(false, ordering: .releasing)
    }
}

/// Every slot a server can fill, and the free ones.
final class ConnectionTable: @unchecked Sendable {
    let slots: [ConnectionSlot]
    private let freeLock = SpinLock()
    /// The free slots' indexes; read and written under `freeLock` only.
    private var free: [UInt32]

    /// A table for `capacity` connections (at least one).
    init(capacity: Int) {
        let count = UInt32(max(1, min(capacity, Int(UInt32.max))))
        slots = (0..<count).map { ConnectionSlot(index: $0) }
        free = Array((0..<count).reversed())
    }

    /// The slot a token names, or nil for a token that names none.
    func slot(for token: UInt64) -> ConnectionSlot? {
        let index = Int(token & 0xffff_ffff)
        return index < slots.count ? slots[index] : nil
    }

    /// A free slot, or nil when every one is taken.
    func claim() -> ConnectionSlot? {
        freeLock.lock()
        let index = free.popLast()
        freeLock.unlock()
        return index.map { slots[Int($0)] }
    }

    /// Gives a slot back (its connection has been closed).
    func release(_ slot: ConnectionSlot) {
        freeLock.lock()
        free.append(slot.index)
        freeLock.unlock()
    }

    /// Calls `body` with each open connection no thread is serving right now (a slot whose lock
    /// is taken is skipped), holding the slot's lock.
    func forEachIdleConnection(_ body: (ConnectionSlot, Connection) -> Void) {
        for slot in slots where slot.lock.tryLock() {
            defer { slot.lock.unlock() }
            if let connection = slot.connection { body(slot, connection) }
        }
    }

    /// How many connections the process may have open: the lower of the server's cap and the
    /// file-descriptor limit.
    static func capacity(maxConnections: Int) -> Int {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < rlim_t(Int.max) else { return maxConnections }
        return min(maxConnections, Int(clamping: limit.rlim_cur))
    }
}
#endif
