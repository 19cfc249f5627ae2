import Foundation

/// Azure's schedule frequencies, plus two extensions: Minute (Azure's floor is one hour) and Cron.
public enum ScheduleFrequency: String, Sendable, Hashable, Codable, CaseIterable, CaseInsensitiveName {
    case oneTime = "OneTime"
    case minute = "Minute"
    case hour = "Hour"
    case day = "Day"
    case week = "Week"
    case month = "Month"
    case cron = "Cron"
}

public enum Weekday: String, Sendable, Hashable, Codable, CaseIterable, CaseInsensitiveName {
    case sunday = "Sunday", monday = "Monday", tuesday = "Tuesday", wednesday = "Wednesday"
    case thursday = "Thursday", friday = "Friday", saturday = "Saturday"

    /// Foundation's numbering: Sunday = 1.
    public var calendarIndex: Int { (Self.allCases.firstIndex(of: self) ?? 0) + 1 }

    /// `Monday`, `monday` or `Mon`.
    public init?(name: String) {
        if let full = Weekday(caseInsensitive: name) {
            self = full
            return
        }
        guard let match = Self.allCases.first(where: { $0.rawValue.prefix(3).lowercased() == name.lowercased() }) else {
            return nil
        }
        self = match
    }
}

/// "The first Monday", "the last Friday" of a month.
public struct MonthlyOccurrence: Sendable, Hashable, Codable, CustomStringConvertible {
    /// 1 to 5, or -1 for the last.
    public var occurrence: Int
    public var day: Weekday

    public init(occurrence: Int, day: Weekday) {
        self.occurrence = occurrence
        self.day = day
    }

    static let words = ["first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1]

    public var description: String {
        (Self.words.first { $0.value == occurrence }?.key ?? String(occurrence)) + " " + day.rawValue
    }

    /// `first:Monday`, `last Friday`, `2:tue`.
    public static func parse(_ text: String) -> MonthlyOccurrence? {
        let parts = text.split(whereSeparator: { $0 == ":" || $0 == " " }).map(String.init)
        guard parts.count == 2, let day = Weekday(name: parts[1]) else { return nil }
        guard let number = words[parts[0].lowercased()] ?? Int(parts[0]), number == -1 || (1...5).contains(number)
        else { return nil }
        return MonthlyOccurrence(occurrence: number, day: day)
    }
}

/// When a schedule fires. The arithmetic lives in `Recurrence+NextFire.swift`.
public struct Recurrence: Sendable, Hashable, Codable {
    public var frequency: ScheduleFrequency
    /// Every `interval` units of the frequency (at least 1).
    public var interval: Int
    public var startTime: Date
    @ExplicitNull public var expiryTime: Date?
    /// IANA zone in which wall-clock times, days and months are counted.
    public var timeZone: String
    /// Week frequency: the days it fires on (all days when empty).
    public var weekDays: [Weekday]
    /// Month frequency: days of the month, -1 for the last day.
    public var monthDays: [Int]
    /// Month frequency: occurrences such as the first Monday.
    public var occurrences: [MonthlyOccurrence]
    /// Cron frequency: a 5-field expression evaluated in `timeZone`.
    @ExplicitNull public var cron: String?

    public init(
        frequency: ScheduleFrequency, interval: Int = 1, startTime: Date, expiryTime: Date? = nil,
        timeZone: String = "UTC", weekDays: [Weekday] = [], monthDays: [Int] = [],
        occurrences: [MonthlyOccurrence] = [], cron: String? = nil
    ) {
        self.frequency = frequency
        self.interval = interval
        self.startTime = startTime
        self.expiryTime = expiryTime
        self.timeZone = timeZone
        self.weekDays = weekDays
        self.monthDays = monthDays
        self.occurrences = occurrences
        self.cron = cron
    }

    /// Every problem with the definition, each naming the field; empty when valid.
    public func problems() -> [String] {
        var problems: [String] = []
        if TimeZone(identifier: timeZone) == nil {
            let known = TimeZone.knownTimeZoneIdentifiers
            let hint = Suggestion.closest(to: timeZone, among: known).map { " (did you mean '\($0)'?)" } ?? ""
            problems.append("timeZone: unknown IANA time zone \(Quoted.clip(timeZone))\(hint)")
        }
        problems += boundsProblems()
        if let expiryTime, expiryTime <= startTime {
            problems.append(
                "expiryTime: \(expiryTime.formatted(.iso8601)) is not after startTime \(startTime.formatted(.iso8601))")
        }
        for day in monthDays where !(day == -1 || (1...31).contains(day)) {
            problems.append("monthDays: \(day) is not a day of the month (1 to 31, or -1 for the last day)")
        }
        // Checked here, not only by `MonthlyOccurrence.parse`: the API and stored rows build them directly.
        for rule in occurrences where !(rule.occurrence == -1 || (1...5).contains(rule.occurrence)) {
            problems.append("occurrences: \(rule.occurrence) is not an occurrence (1 to 5, or -1 for the last)")
        }
        switch frequency {
        case .month where monthDays.isEmpty && occurrences.isEmpty:
            problems.append("monthDays or occurrences: a Month schedule needs days of the month or occurrences")
        case .cron:
            if let cron {
                if case .failure(let error) = CronExpression.parse(cron) { problems.append("cron: \(error)") }
            } else {
                problems.append("cron: a Cron schedule needs a 5-field expression such as '0 2 * * *'")
            }
        default:
            break
        }
        if frequency != .week && !weekDays.isEmpty { problems.append("weekDays: only a Week schedule has week days") }
        if frequency != .month && (!monthDays.isEmpty || !occurrences.isEmpty) {
            problems.append("monthDays/occurrences: only a Month schedule has them")
        }
        if frequency != .cron && cron != nil { problems.append("cron: only a Cron schedule has an expression") }
        return problems
    }
}
