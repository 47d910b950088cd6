#if os(Linux)
import Testing

@testable import HTTPServer

/// The timeout sweep's decisions, at chosen instants (nanoseconds on the monotonic clock).
@Suite struct ConnectionTimeoutTests {
    static let second: UInt64 = 1_000_000_000
    static let start: UInt64 = 1_000 * second

    static var limits: ServerLimits {
        var limits = ServerLimits()
        limits.idleTimeout = 5
        limits.requestTimeout = 10
        return limits
    }

    func connection(stampedAt stamp: UInt64 = start) -> Connection {
        Connection(descriptor: -1, parser: RequestParser(limits: Self.limits), now: stamp)
    }

    @Test func idleConnectionsCloseAfterTheIdleTimeout() {
        let idle = connection()
        #expect(idle.sweepVerdict(at: Self.start + 4 * Self.second, limits: Self.limits) == .keep)
        #expect(idle.sweepVerdict(at: Self.start + 6 * Self.second, limits: Self.limits) == .close)
    }

    @Test func aStampNewerThanTheSweepsClockIsNotIdle() {
        // Another thread served the connection after the sweeping thread read the clock.
        let justServed = connection(stampedAt: Self.start + 1_000)
        #expect(justServed.sweepVerdict(at: Self.start, limits: Self.limits) == .keep)
        justServed.requestStarted = Self.start + 1_000
        #expect(justServed.sweepVerdict(at: Self.start, limits: Self.limits) == .keep)
        justServed.requestStarted = nil
        justServed.output = [1, 2, 3]
        #expect(justServed.sweepVerdict(at: Self.start, limits: Self.limits) == .keep)
    }

    @Test func slowRequestsGet408AfterTheRequestTimeout() {
        let slow = connection()
        slow.requestStarted = Self.start
        #expect(slow.sweepVerdict(at: Self.start + 6 * Self.second, limits: Self.limits) == .keep)
        #expect(slow.sweepVerdict(at: Self.start + 11 * Self.second, limits: Self.limits) == .requestTimedOut)
    }

    @Test func stalledReadersCloseAfterTheRequestTimeout() {
        let stalled = connection()
        stalled.output = Array(repeating: 0, count: 100)
        stalled.written = 10
        #expect(stalled.sweepVerdict(at: Self.start + 6 * Self.second, limits: Self.limits) == .keep)
        #expect(stalled.sweepVerdict(at: Self.start + 11 * Self.second, limits: Self.limits) == .close)
    }

    @Test func lingeringClosesEndAtTheirDeadline() {
        let lingering = connection()
        lingering.lingerUntil = Self.start + 2 * Self.second
        #expect(lingering.sweepVerdict(at: Self.start + Self.second, limits: Self.limits) == .keep)
        #expect(lingering.sweepVerdict(at: Self.start + 2 * Self.second, limits: Self.limits) == .close)
    }
}
#endif
