import Foundation
import Testing

@testable import Automation

/// Issue 8 (items 4 and 14): schedule values at and past their edges.
@Suite struct ScheduleBoundsTests {
    static let start = RecurrenceTests.date("2026-11-24T10:00:00Z")

    static func recurrence(_ frequency: ScheduleFrequency, interval: Int) -> Recurrence {
        Recurrence(
            frequency: frequency, interval: interval, startTime: start,
            weekDays: frequency == .week ? [.monday] : [], monthDays: frequency == .month ? [1] : [],
            cron: frequency == .cron ? "0 2 * * *" : nil)
    }

    /// `--interval 9223372036854775807` once trapped `schedule list`, `show` and every pass.
    @Test(arguments: ScheduleFrequency.allCases)
    func anIntervalPastItsBoundIsAProblemAndHasNoFire(_ frequency: ScheduleFrequency) {
        let huge = Self.recurrence(frequency, interval: Int.max)
        let maximum = Recurrence.maximumInterval(frequency)
        #expect(
            huge.problems()
                == ["interval: \(Int.max) is out of range for a \(frequency.rawValue) schedule (1 to \(maximum))"])
        #expect(huge.nextFire(after: Self.start) == nil)
        #expect(huge.preview(after: Self.start, count: 3).isEmpty)
        let widest = Self.recurrence(frequency, interval: maximum)
        #expect(widest.problems().isEmpty)
        _ = widest.preview(after: Self.start, count: 3)  // in range: computed without trapping
    }

    @Test func aOneTimeScheduleCenturiesAheadHasItsFire() {
        let far = RecurrenceTests.date("2426-01-01T00:00:00Z")
        let once = Recurrence(frequency: .oneTime, startTime: far)
        #expect(once.problems().isEmpty)
        #expect(once.nextFire(after: Self.start) == far)
    }

    @Test func startsOutsideTheSupportedYearsAreProblems() {
        let ancient = Recurrence(frequency: .day, startTime: Date(timeIntervalSince1970: -1e12))
        #expect(ancient.problems().first?.hasPrefix("startTime: ") == true)
        #expect(ancient.problems().first?.hasSuffix("is outside the years 1970 to 9999") == true)
        #expect(ancient.nextFire(after: Self.start) == nil)
        let future = Recurrence(frequency: .hour, startTime: Self.start, expiryTime: Date(timeIntervalSince1970: 1e15))
        #expect(future.problems().contains { $0.hasPrefix("expiryTime: ") })
    }

    @Test(arguments: [
        ("300000000000-01-01 00:00", "'300000000000-01-01 00:00': year 300000000000 is out of range (1970 to 9999)"),
        ("10000-01-01 00:00", "'10000-01-01 00:00': year 10000 is out of range (1970 to 9999)"),
        ("2026-11-25 02:00:99", "'2026-11-25 02:00:99': second 99 is out of range (0 to 59)"),
        ("2026-11-25 02:60", "'2026-11-25 02:60': minute 60 is out of range (0 to 59)"),
        ("2026-11-25 24:00", "'2026-11-25 24:00': hour 24 is out of range (0 to 23)"),
        ("2026-02-29 02:00", "'2026-02-29 02:00': day 29 is out of range (1 to 28)"),
        ("2026-13-01T02:00:00Z", "'2026-13-01T02:00:00Z': month 13 is out of range (1 to 12)"),
        ("2026-11-25T02:00:99Z", "'2026-11-25T02:00:99Z': second 99 is out of range (0 to 59)"),
        ("soon", "'soon' is not a time such as 2026-11-25T02:00:00Z or 2026-11-25 02:00"),
    ])
    func outOfRangeTimeFieldsAreRefused(_ text: String, _ message: String) {
        #expect(throws: ScheduleTime.Problem.self) { try ScheduleTime.read(text, timeZone: "UTC") }
        do {
            _ = try ScheduleTime.read(text, timeZone: "UTC")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func validTimesStillRead() throws {
        let utc = RecurrenceTests.date("2026-11-25T02:00:00Z")
        #expect(try ScheduleTime.read("2026-11-25T02:00:00Z", timeZone: "Europe/London") == utc)
        #expect(try ScheduleTime.read("2026-11-25 02:00", timeZone: "UTC") == utc)
        #expect(try ScheduleTime.read("2026-11-25T03:00+01:00", timeZone: "UTC") == utc)
        #expect(try ScheduleTime.read("2026-11-25T01:30:00-00:30", timeZone: "UTC") == utc)
        #expect(
            try ScheduleTime.read("2026-07-01 02:00", timeZone: "Europe/London")
                == RecurrenceTests.date("2026-07-01T01:00:00Z"))
    }

    @Test func anAutomationFileScheduleOutOfRangeIsLocated() {
        let text = """
            schedules:
              - name: s
                frequency: Hour
                interval: 9223372036854775807
                start: "2026-11-25 02:00:99"
                timeout: 9223372036854775807s
            """
        var messages: [String] = []
        do {
            _ = try AutomationFile.parse(Array(text.utf8), label: "a.yaml", baseFolder: "/tmp")
        } catch {
            messages = error.diagnostics.map { "\($0.mark.line):\($0.mark.column) \($0.message)" }
        }
        #expect(messages.contains("4:15 'interval' 9223372036854775807 is out of range (allowed: 1 to 87600)"))
        #expect(messages.contains("5:12 'start': '2026-11-25 02:00:99': second 99 is out of range (0 to 59)"))
        #expect(
            messages.contains(
                "6:14 'timeout' of schedule 's' '9223372036854775807s' is longer than the maximum duration, 3650d (10 years)"
            ))
    }

    @Test func aStoredTimeoutPastTheMaximumIsAProblem() {
        let schedule = Schedule(
            name: "s", recurrence: Self.recurrence(.hour, interval: 1), timeoutSeconds: Int(Int64.max))
        #expect(schedule.problems().contains { $0.hasPrefix("timeout: 9223372036854775807s is longer than") })
    }
}

/// Occurrences built without the text parser (the API, a stored row) are bounded too.
@Suite struct OccurrenceBoundsTests {
    @Test(arguments: [Int.min, 0, 6, Int.max])
    func anOccurrenceOutOfRangeIsAProblem(_ occurrence: Int) {
        let recurrence = Recurrence(
            frequency: .month, startTime: Date(timeIntervalSince1970: 1_900_000_000),
            occurrences: [MonthlyOccurrence(occurrence: occurrence, day: .monday)])
        #expect(recurrence.problems().contains { $0.hasPrefix("occurrences: \(occurrence) is not an occurrence") })
    }
}
