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

/// UTC calendar arithmetic without Foundation (the one place the toolkit turns day numbers
/// into dates).
public enum UTCCalendar {
    /// (year, month, day) of a day number since 1970-01-01 (Howard Hinnant's algorithm).
    public static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Two digits (`07`).
    public static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// `2026-11-25`.
    public static func date(_ seconds: Double) -> String {
        let (year, month, day) = civil(fromDays: Int((seconds / 86400).rounded(.down)))
        return "\(year)-\(two(month))-\(two(day))"
    }

    /// The quota period a moment falls in: `2026-11-25` (DAY), the Sunday starting the week
    /// (WEEK, offset 0), `2026-11` (MONTH).
    static func period(_ seconds: Double, _ kind: String) -> String {
        let days = Int((seconds / 86400).rounded(.down))
        switch kind {
        case "WEEK":
            let weekday = ((days % 7) + 7 + 4) % 7  // 1970-01-01 was a Thursday; 0 = Sunday
            return "week of " + date(Double(days - weekday) * 86400)
        case "MONTH":
            let (year, month, _) = civil(fromDays: days)
            return "\(year)-\(two(month))"
        default:
            return date(seconds)
        }
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]

    /// `25/Nov/2026:12:00:00 +0000` ($context.requestTime).
    static func commonLogTime(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.down))
        let (year, month, day) = civil(fromDays: whole / 86400)
        let inDay = whole % 86400
        return "\(two(day))/\(months[month - 1])/\(year):\(two(inDay / 3600)):\(two(inDay / 60 % 60)):\(two(inDay % 60)) +0000"
    }

    /// `Wed, 25 Nov 2026 12:00:00 GMT` (HTTP `Date`).
    static func httpDate(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.down))
        let days = whole / 86400
        let (year, month, day) = civil(fromDays: days)
        let inDay = whole % 86400
        return "\(weekdays[days % 7]), \(two(day)) \(months[month - 1]) \(year) \(two(inDay / 3600)):\(two(inDay / 60 % 60)):\(two(inDay % 60)) GMT"
    }
}

/// Quota period names (`2026-12-02`, `week of 2026-11-29`, `2026-12`), for the control plane.
package enum UTCPeriod {
    /// The name of the DAY, WEEK or MONTH period containing `seconds`.
    package static func name(_ seconds: Double, _ kind: String) -> String { UTCCalendar.period(seconds, kind) }
}
