import Foundation

/// Times as people type them for schedules: `2026-11-25T02:00:00Z`, `2026-11-25T02:00+01:00`,
/// or a wall-clock `2026-11-25T02:00` / `2026-11-25 02:00` read in the schedule's zone.
///
/// Every field is range-checked (a second of 99 is an error, not a minute later) and years lie
/// in `Recurrence.years`, so the civil-date arithmetic behind schedules never overflows.
public enum ScheduleTime {
    /// Why text is not a schedule time; the description says what would be right.
    public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// Not shaped like a time at all.
        case notATime(String)
        /// Shaped like a time, with a field out of range or an unknown zone: the message says which.
        case invalid(String)

        public var description: String {
            switch self {
            case .notATime(let text):
                return "\(Quoted.clip(text)) is not a time such as 2026-11-25T02:00:00Z or 2026-11-25 02:00"
            case .invalid(let message): return message
            }
        }
    }

    /// The instant, or nil; `read` says why not.
    public static func parse(_ text: String, timeZone: String) -> Date? { try? read(text, timeZone: timeZone) }

    public static func read(_ text: String, timeZone: String) throws(Problem) -> Date {
        guard let zone = TimeZone(identifier: timeZone) else {
            throw .invalid("unknown IANA time zone \(Quoted.clip(timeZone))")
        }
        if let fields = try fields(of: text) {
            let local = fields.local
            guard let offset = fields.offsetSeconds else { return ZonedClock(zone).instant(local) }
            let naive = Double(local.civilDay * 86_400 + local.hour * 3600 + local.minute * 60 + local.second)
            return Date(timeIntervalSince1970: naive - Double(offset))
        }
        // Any other spelling that Foundation's ISO 8601 reader accepts, still held to the years.
        guard let exact = try? Date(text, strategy: .iso8601) else {
            throw .notATime(text)
        }
        guard Recurrence.dates.contains(exact) else {
            throw .invalid("\(Quoted.clip(text)) is outside the years \(Recurrence.yearsText)")
        }
        return exact
    }

    /// `2026-11-25 02:00:00 (Europe/London)`.
    public static func local(_ date: Date, timeZone: String) -> String {
        guard let zone = TimeZone(identifier: timeZone) else { return date.formatted(.iso8601) }
        let time = ZonedClock(zone).local(date)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        return
            "\(time.year)-\(two(time.month))-\(two(time.day)) \(two(time.hour)):\(two(time.minute)):\(two(time.second))"
    }

    /// The fields of `YYYY-MM-DD[T ]HH:MM[:SS][Z|±HH:MM]`, range-checked; nil when the text has
    /// another shape.
    private static func fields(of text: String) throws(Problem) -> (local: LocalDateTime, offsetSeconds: Int?)? {
        let parts = text.split(maxSplits: 1, whereSeparator: { $0 == "T" || $0 == " " })
        guard parts.count == 2 else { return nil }
        var clock = Substring(parts[1])
        var offset: Int?
        if clock.hasSuffix("Z") {
            offset = 0
            clock = clock.dropLast()
        } else if let sign = clock.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let zoneText = clock[clock.index(after: sign)...].replacingOccurrences(of: ":", with: "")
            guard zoneText.count == 4, let hours = number(zoneText.prefix(2)), let minutes = number(zoneText.suffix(2))
            else { return nil }
            guard (0...23).contains(hours), (0...59).contains(minutes) else {
                throw .invalid("\(Quoted.clip(text)): the UTC offset is out of range (at most ±23:59)")
            }
            offset = (hours * 3600 + minutes * 60) * (clock[sign] == "-" ? -1 : 1)
            clock = clock[..<sign]
        }
        let date = parts[0].split(separator: "-", omittingEmptySubsequences: false).map(number)
        let time = clock.split(separator: ":", omittingEmptySubsequences: false).map(number)
        guard date.count == 3, (2...3).contains(time.count), !date.contains(nil), !time.contains(nil) else {
            return nil
        }
        let (year, month, day) = (date[0] ?? 0, date[1] ?? 0, date[2] ?? 0)
        let (hour, minute, second) = (time[0] ?? 0, time[1] ?? 0, time.count == 3 ? time[2] ?? 0 : 0)
        func check(_ value: Int, _ name: String, _ range: ClosedRange<Int>) throws(Problem) {
            guard range.contains(value) else {
                throw .invalid(
                    "\(Quoted.clip(text)): \(name) \(value) is out of range (\(range.lowerBound) to \(range.upperBound))"
                )
            }
        }
        try check(year, "year", Recurrence.years)
        try check(month, "month", 1...12)
        try check(day, "day", 1...CivilDate.daysInMonth(year: year, month: month))
        try check(hour, "hour", 0...23)
        try check(minute, "minute", 0...59)
        try check(second, "second", 0...59)
        return (LocalDateTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second), offset)
    }

    /// ASCII digits only (no sign, no spaces), at most 12 of them: a year past 9999 is reported
    /// as out of range, a longer run is not a number.
    private static func number<S: StringProtocol>(_ text: S) -> Int? {
        guard !text.isEmpty, text.count <= 12, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }
}
