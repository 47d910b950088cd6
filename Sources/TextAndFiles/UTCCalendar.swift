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
    public static func period(_ seconds: Double, _ kind: String) -> String {
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

    public static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    public static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]

    /// `25/Nov/2026:12:00:00 +0000` ($context.requestTime).
    public static func commonLogTime(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.down))
        let (year, month, day) = civil(fromDays: whole / 86400)
        let inDay = whole % 86400
        return "\(two(day))/\(months[month - 1])/\(year):\(two(inDay / 3600)):\(two(inDay / 60 % 60)):\(two(inDay % 60)) +0000"
    }

    /// `Wed, 25 Nov 2026 12:00:00 GMT` (HTTP `Date`).
    public static func httpDate(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.down))
        let days = whole / 86400
        let (year, month, day) = civil(fromDays: days)
        let inDay = whole % 86400
        return "\(weekdays[days % 7]), \(two(day)) \(months[month - 1]) \(year) \(two(inDay / 3600)):\(two(inDay / 60 % 60)):\(two(inDay % 60)) GMT"
    }

    /// `Thu Mar 14 10:26:11 UTC 2019` (Java's `Date.toString` in UTC: API Gateway hands a Cognito
    /// token's `exp` and `iat` on in it).
    public static func javaDate(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.down))
        let days = whole >= 0 ? whole / 86400 : (whole - 86399) / 86400
        let (year, month, day) = civil(fromDays: days)
        let inDay = whole - days * 86400
        return "\(weekdays[((days % 7) + 7) % 7]) \(months[month - 1]) \(two(day)) \(two(inDay / 3600)):\(two(inDay / 60 % 60)):\(two(inDay % 60)) UTC \(year)"
    }

    /// Three digits (`007`).
    public static func three(_ value: Int) -> String { value < 10 ? "00\(value)" : value < 100 ? "0\(value)" : "\(value)" }

    /// `2026-12-02T10:15:30.123+0000` (Lambda's `LastModified`).
    public static func lambdaTimestamp(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.down))
        let milliseconds = Int(((seconds - Double(whole)) * 1000).rounded(.down))
        let time = whole % 86400
        return date(seconds) + "T\(two(time / 3600)):\(two(time / 60 % 60)):\(two(time % 60)).\(three(milliseconds))+0000"
    }

    /// `2026-12-02T10:15:30Z` (ISO 8601, IAM's `aws:CurrentTime`).
    public static func iso8601(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.down))
        let time = whole % 86400
        return date(seconds) + "T\(two(time / 3600)):\(two(time / 60 % 60)):\(two(time % 60))Z"
    }

    /// `20150830T123600Z` (SigV4's `X-Amz-Date`).
    public static func amzDate(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.down))
        let (year, month, day) = civil(fromDays: whole / 86400)
        let time = whole % 86400
        return "\(year)\(two(month))\(two(day))T\(two(time / 3600))\(two(time / 60 % 60))\(two(time % 60))Z"
    }

    /// The day number (days since 1970-01-01) of `2026-12-02`, or nil when it is not such a date.
    public static func day(_ text: String) -> Int? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month),
            (1...31).contains(day)
        else { return nil }
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
