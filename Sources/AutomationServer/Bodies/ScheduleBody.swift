import Automation
import Foundation

/// `Schedule_CreateOrUpdate`'s body as a schedule: frequency, interval (a number, or a number
/// in a string), start, expiry, time zone and advancedSchedule (weekDays, monthDays,
/// monthlyOccurrences). Each wrong field is refused by its path with what it must be.
struct ScheduleBody: Decodable {
    var description: String
    var recurrence: Recurrence
    var isEnabled: Bool

    func schedule(named name: String) -> Schedule {
        Schedule(name: name, description: description, recurrence: recurrence, enabled: isEnabled)
    }

    init(from decoder: any Decoder) throws {
        let body = try decoder.container(keyedBy: BodyKey.self)
        guard let properties = try body.object("properties") else {
            throw BodyFieldError(message: "properties is required", target: "properties")
        }
        let frequencyMessage = "properties.frequency is one of OneTime, Day, Hour, Week, Month, Minute"
        guard let text = try? properties.text("frequency"),
            let frequency = ScheduleFrequency(caseInsensitive: text), frequency != .cron
        else {
            throw BodyFieldError(message: frequencyMessage, target: "properties.frequency")
        }
        let startMessage = "properties.startTime is required, an ISO 8601 time"
        guard let startText = try? properties.text("startTime"), let start = AzureTime.parse(startText) else {
            throw BodyFieldError(message: startMessage, target: "properties.startTime")
        }
        var expiry: Date?
        if let text = try properties.text("expiryTime") {
            guard let parsed = AzureTime.parse(text) else {
                throw BodyFieldError(
                    message: "properties.expiryTime \(Quoted.clip(text)) is not an ISO 8601 time",
                    target: "properties.expiryTime")
            }
            // Azure's "never": 9999-12-31T23:59:59.9999999.
            expiry = parsed.timeIntervalSince1970 >= 253_402_300_000 ? nil : parsed
        }
        let advanced = try properties.object("advancedSchedule")
        recurrence = Recurrence(
            frequency: frequency, interval: try Self.interval(properties), startTime: start, expiryTime: expiry,
            timeZone: try properties.text("timeZone") ?? "UTC", weekDays: try Self.weekDays(advanced),
            monthDays: try Self.monthDays(advanced), occurrences: try Self.occurrences(advanced))
        description = try properties.text("description") ?? ""
        isEnabled = properties.flag("isEnabled") ?? true
    }

    /// Every N units: 1 when absent; a whole number, sent bare or as text.
    static func interval(_ properties: KeyedDecodingContainer<BodyKey>) throws -> Int {
        let key = BodyKey("interval")
        guard properties.contains(key), try !properties.decodeNil(forKey: key) else { return 1 }
        if let number = try? properties.decode(Int.self, forKey: key) { return number }
        if let text = try? properties.decode(String.self, forKey: key) {
            guard let number = Int(text) else {
                throw BodyFieldError(
                    message: "properties.interval \(Quoted.clip(text)) is not a whole number",
                    target: "properties.interval")
            }
            return number
        }
        if (try? properties.decode(Double.self, forKey: key)) != nil {
            throw BodyFieldError(message: "properties.interval is not a whole number", target: "properties.interval")
        }
        throw BodyFieldError(message: "properties.interval is a number", target: "properties.interval")
    }

    static func weekDays(_ advanced: KeyedDecodingContainer<BodyKey>?) throws -> [Weekday] {
        guard var items = try advanced?.array("weekDays") else { return [] }
        var days: [Weekday] = []
        while !items.isAtEnd {
            guard let text = try? items.decode(String.self), let day = Weekday(name: text) else {
                throw BodyFieldError(
                    message: "advancedSchedule.weekDays holds a day that is not Monday to Sunday",
                    target: "properties.advancedSchedule.weekDays")
            }
            days.append(day)
        }
        return days
    }

    static func monthDays(_ advanced: KeyedDecodingContainer<BodyKey>?) throws -> [Int] {
        guard var items = try advanced?.array("monthDays") else { return [] }
        var days: [Int] = []
        while !items.isAtEnd {
            guard let day = try? items.decode(Int.self) else {
                throw BodyFieldError(
                    message: "advancedSchedule.monthDays holds numbers (1 to 31, -1 for the last day)",
                    target: "properties.advancedSchedule.monthDays")
            }
            days.append(day)
        }
        return days
    }

    static func occurrences(_ advanced: KeyedDecodingContainer<BodyKey>?) throws -> [MonthlyOccurrence] {
        guard var items = try advanced?.array("monthlyOccurrences") else { return [] }
        var rules: [MonthlyOccurrence] = []
        while !items.isAtEnd {
            let item = try? items.nestedContainer(keyedBy: BodyKey.self)
            guard let item, let occurrence = try? item.decode(Int.self, forKey: BodyKey("occurrence")),
                let text = try? item.decode(String.self, forKey: BodyKey("day")), let day = Weekday(name: text)
            else {
                throw BodyFieldError(
                    message: "advancedSchedule.monthlyOccurrences holds {occurrence: 1..5 or -1, day: Monday..Sunday}",
                    target: "properties.advancedSchedule.monthlyOccurrences")
            }
            rules.append(MonthlyOccurrence(occurrence: occurrence, day: day))
        }
        return rules
    }
}
