import Foundation

/// The edges of what a schedule may say. Inside them the fire-time arithmetic cannot overflow
/// (an hourly interval of Int.max once trapped `schedule list` and every scheduler pass), and a
/// schedule outside them, even one already in a store, is reported as invalid and never run.
extension Recurrence {
    /// Years a start or expiry may lie in, read as wall-clock times.
    public static let years = 1970...9999
    static let yearsText = "1970 to 9999"

    /// Instants a start or expiry may be: the years above, with a day's margin either side for
    /// wall-clock times read in zones ahead of or behind UTC.
    public static let dates: ClosedRange<Date> =
        Date(
            timeIntervalSince1970: Double(CivilDate.days(year: 1970, month: 1, day: 1) - 1) * 86_400)...Date(
            timeIntervalSince1970: Double(CivilDate.days(year: 10_000, month: 1, day: 1) + 1) * 86_400)

    /// The largest interval of each frequency: ten years of its unit, as the longest duration.
    public static func maximumInterval(_ frequency: ScheduleFrequency) -> Int {
        switch frequency {
        // OneTime and Cron do not use the interval; the widest cap keeps it a sane number.
        case .minute, .oneTime, .cron: return 3650 * 24 * 60
        case .hour: return 3650 * 24
        case .day: return 3650
        case .week: return 520
        case .month: return 120
        }
    }

    /// Problems with the bounds only: cheap enough for `nextFire` to check on every call.
    func boundsProblems() -> [String] {
        var problems: [String] = []
        let maximum = Self.maximumInterval(frequency)
        if interval < 1 {
            problems.append("interval: must be at least 1, found \(interval)")
        } else if interval > maximum {
            problems.append(
                "interval: \(interval) is out of range for a \(frequency.rawValue) schedule (1 to \(maximum))")
        }
        if !Self.dates.contains(startTime) {
            problems.append("startTime: \(Self.text(startTime)) is outside the years \(Self.yearsText)")
        }
        if let expiryTime, !Self.dates.contains(expiryTime) {
            problems.append("expiryTime: \(Self.text(expiryTime)) is outside the years \(Self.yearsText)")
        }
        return problems
    }

    /// A date for a message; ISO 8601 where Foundation can print it, seconds since 1970 otherwise.
    private static func text(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite, abs(seconds) < 1e15 else { return "\(seconds) seconds from 1970" }
        return date.formatted(.iso8601)
    }
}
