import Foundation

/// Times as people type them for schedules: `2026-11-25T02:00:00Z`, `2026-11-25T02:00+01:00`,
/// or a wall-clock `2026-11-25T02:00` / `2026-11-25 02:00` read in the schedule's zone.
public enum ScheduleTime {
    public static func parse(_ text: String, timeZone: String) -> Date? {
        if let exact = try? Date(text, strategy: .iso8601) { return exact }
        guard let zone = TimeZone(identifier: timeZone) else { return nil }
        let parts = text.split(whereSeparator: { $0 == "T" || $0 == " " })
        guard parts.count == 2 else { return nil }
        let date = parts[0].split(separator: "-").compactMap { Int($0) }
        let time = parts[1].split(separator: ":").compactMap { Int($0) }
        guard date.count == 3, (2...3).contains(time.count), (1...12).contains(date[1]),
            (1...CivilDate.daysInMonth(year: date[0], month: date[1])).contains(date[2]), (0...23).contains(time[0]),
            (0...59).contains(time[1])
        else { return nil }
        let local = LocalDateTime(
            year: date[0], month: date[1], day: date[2], hour: time[0], minute: time[1],
            second: time.count == 3 ? time[2] : 0)
        return ZonedClock(zone).instant(local)
    }

    /// `2026-11-25 02:00:00 (Europe/London)`.
    public static func local(_ date: Date, timeZone: String) -> String {
        guard let zone = TimeZone(identifier: timeZone) else { return date.formatted(.iso8601) }
        let time = ZonedClock(zone).local(date)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        return
            "\(time.year)-\(two(time.month))-\(two(time.day)) \(two(time.hour)):\(two(time.minute)):\(two(time.second))"
    }
}
