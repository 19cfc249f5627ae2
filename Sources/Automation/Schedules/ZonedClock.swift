import Foundation

/// A wall-clock date and time in some zone.
struct LocalDateTime: Sendable, Hashable {
    var year: Int
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int
    var second: Int

    /// Days since 1970-01-01 of the date (proleptic Gregorian; H. Hinnant's days_from_civil).
    var civilDay: Int { CivilDate.days(year: year, month: month, day: day) }

    func with(day civil: Int) -> LocalDateTime {
        let (year, month, day) = CivilDate.date(days: civil)
        return LocalDateTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }
}

/// Proleptic Gregorian days since 1970-01-01 (Howard Hinnant's algorithms), shared by schedule
/// arithmetic and KQL's datetimes.
public enum CivilDate {
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func date(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// 0 = Sunday.
    static func weekday(days: Int) -> Int { ((days % 7) + 11) % 7 }

    static func daysInMonth(year: Int, month: Int) -> Int {
        let next = month == 12 ? days(year: year + 1, month: 1, day: 1) : days(year: year, month: month + 1, day: 1)
        return next - days(year: year, month: month, day: 1)
    }
}

/// Converts between instants and wall-clock times in one zone, with defined answers where the
/// wall clock jumps: a time that does not exist (spring forward) is the instant the clock would
/// have shown it without the jump, i.e. shifted later by the gap; a time that occurs twice (fall
/// back) is its first occurrence.
struct ZonedClock: Sendable {
    let zone: TimeZone
    private let calendar: Calendar

    init(_ zone: TimeZone) {
        self.zone = zone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        self.calendar = calendar
    }

    func local(_ date: Date) -> LocalDateTime {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return LocalDateTime(
            year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1, hour: parts.hour ?? 0,
            minute: parts.minute ?? 0, second: parts.second ?? 0)
    }

    func instant(_ local: LocalDateTime) -> Date {
        let naive = Double(local.civilDay * 86_400 + local.hour * 3600 + local.minute * 60 + local.second)
        let offsets = Set(
            [-86_400.0, 0, 86_400].map { Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: naive + $0))) })
        let valid = offsets.map { Date(timeIntervalSince1970: naive - $0) }.filter { self.local($0) == local }
        if let first = valid.min() { return first }
        return Date(timeIntervalSince1970: naive - (offsets.min() ?? 0))
    }
}
