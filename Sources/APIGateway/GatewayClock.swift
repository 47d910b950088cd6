import TextAndFiles
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Where the gateway reads the time: the system clock, or a manual one in tests.
public protocol GatewayClock: Sendable {
    /// Seconds since 1970-01-01 UTC.
    func now() -> Double
}

/// The system clock.
public struct SystemClock: GatewayClock {
    /// The system clock.
    public init() {}

    public func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}

/// A clock that moves only when told (for tests of throttling, quotas and cache TTLs).
public final class ManualClock: GatewayClock {
    private let current: Mutex<Double>

    /// A clock at `start` seconds since the epoch.
    public init(start: Double = 1_764_028_800) { current = Mutex(start) }

    public func now() -> Double { current.withLock { $0 } }

    /// Moves the clock forward.
    public func advance(by seconds: Double) { current.withLock { $0 += seconds } }
}

/// `$context.requestTime` text, formatted once per second.
final class RequestTimeFormatter: Sendable {
    private let last = Mutex<(Int, String)>((-1, ""))

    func format(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.down))
        if let cached = last.withLock({ $0.0 == whole ? $0.1 : nil }) { return cached }
        let text = UTCCalendar.commonLogTime(seconds)
        last.withLock { $0 = (whole, text) }
        return text
    }
}

/// Quota period names, computed once per day and kind (kept with the limit state, under its lock).
struct QuotaPeriods: Sendable {
    /// The last period named for DAY, WEEK and MONTH (by the first letter), with its day number.
    private var cache: [(day: Int, name: String)] = Array(repeating: (-1, ""), count: 3)

    mutating func period(_ seconds: Double, _ kind: String) -> String {
        let day = Int((seconds / 86400).rounded(.down))
        let slot = kind.utf8.first == UInt8(ascii: "D") ? 0 : kind.utf8.first == UInt8(ascii: "W") ? 1 : 2
        if cache[slot].day == day { return cache[slot].name }
        let name = UTCCalendar.period(seconds, kind)
        cache[slot] = (day, name)
        return name
    }
}

/// Quota period names (`2026-12-02`, `week of 2026-11-29`, `2026-12`), for the control plane.
package enum UTCPeriod {
    /// The name of the DAY, WEEK or MONTH period containing `seconds`.
    package static func name(_ seconds: Double, _ kind: String) -> String { UTCCalendar.period(seconds, kind) }
}
