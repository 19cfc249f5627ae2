import Foundation
import Testing

@testable import Automation

/// The recurrence arithmetic, with plain values: no clock, no store.
@Suite struct RecurrenceTests {
    static func date(_ text: String) -> Date {
        (try? Date(text, strategy: .iso8601)) ?? Date(timeIntervalSince1970: 0)
    }

    func fires(_ recurrence: Recurrence, after: String, count: Int) -> [String] {
        recurrence.preview(after: Self.date(after), count: count).map { $0.formatted(.iso8601) }
    }

    @Test func oneTimeFiresOnceAtItsStart() {
        let once = Recurrence(frequency: .oneTime, startTime: Self.date("2026-12-01T09:00:00Z"))
        #expect(fires(once, after: "2026-11-30T00:00:00Z", count: 3) == ["2026-12-01T09:00:00Z"])
        #expect(once.nextFire(after: Self.date("2026-12-01T09:00:00Z")) == nil)
    }

    @Test func hourAndMinuteStepFromTheStart() {
        let hourly = Recurrence(frequency: .hour, interval: 2, startTime: Self.date("2026-11-24T10:15:00Z"))
        #expect(
            fires(hourly, after: "2026-11-24T11:00:00Z", count: 3) == [
                "2026-11-24T12:15:00Z", "2026-11-24T14:15:00Z", "2026-11-24T16:15:00Z",
            ])
        #expect(fires(hourly, after: "2026-11-24T00:00:00Z", count: 1) == ["2026-11-24T10:15:00Z"])
        let minutes = Recurrence(frequency: .minute, interval: 15, startTime: Self.date("2026-11-24T10:00:00Z"))
        #expect(
            fires(minutes, after: "2026-11-24T10:00:00Z", count: 2) == ["2026-11-24T10:15:00Z", "2026-11-24T10:30:00Z"])
    }

    @Test func dailyKeepsTheWallClockTimeInItsZone() {
        let daily = Recurrence(
            frequency: .day, interval: 2, startTime: Self.date("2026-11-24T02:00:00Z"), timeZone: "Europe/London")
        #expect(
            fires(daily, after: "2026-11-24T03:00:00Z", count: 3) == [
                "2026-11-26T02:00:00Z", "2026-11-28T02:00:00Z", "2026-11-30T02:00:00Z",
            ])
    }

    /// 02:30 America/New_York every day: on 2026-03-08 02:30 does not exist (02:00 EST jumps to
    /// 03:00 EDT), so it runs when the clock would have read it: 02:30 EST = 03:30 EDT.
    @Test func springForwardRunsTheMissingTimeShiftedByTheGap() {
        let daily = Recurrence(
            frequency: .day, startTime: Self.date("2026-03-01T07:30:00Z"), timeZone: "America/New_York")
        #expect(
            fires(daily, after: "2026-03-06T12:00:00Z", count: 3) == [
                "2026-03-07T07:30:00Z",  // 02:30 EST
                "2026-03-08T07:30:00Z",  // 03:30 EDT: the missing 02:30, shifted by the hour
                "2026-03-09T06:30:00Z",  // 02:30 EDT
            ])
        // In London the missing hour is 01:00-02:00 (2026-03-29): 02:30 exists, 01:30 shifts.
        let london = Recurrence(
            frequency: .day, startTime: Self.date("2026-03-20T01:30:00Z"), timeZone: "Europe/London")
        #expect(
            fires(london, after: "2026-03-28T12:00:00Z", count: 2) == [
                "2026-03-29T01:30:00Z",  // 02:30 BST: the missing 01:30, shifted by the hour
                "2026-03-30T00:30:00Z",  // 01:30 BST
            ])
    }

    /// Fall back, 2026-10-25: 02:30 London happens once (the repeated hour is 01:00-02:00);
    /// in New York (2026-11-01) 02:30 also happens once, 01:30 twice.
    @Test func fallBackRunsOnce() {
        let newYork = Recurrence(
            frequency: .day, startTime: Self.date("2026-10-20T06:30:00Z"), timeZone: "America/New_York")
        #expect(
            fires(newYork, after: "2026-10-31T12:00:00Z", count: 2) == [
                "2026-11-01T07:30:00Z",  // 02:30 EST, once
                "2026-11-02T07:30:00Z",
            ])
        let daily = Recurrence(frequency: .day, startTime: Self.date("2026-10-20T01:30:00Z"), timeZone: "Europe/London")
        #expect(
            fires(daily, after: "2026-10-23T12:00:00Z", count: 3) == [
                "2026-10-24T01:30:00Z",  // 02:30 BST
                "2026-10-25T02:30:00Z",  // 02:30 GMT
                "2026-10-26T02:30:00Z",
            ])
        // 01:30 on the fall-back day happens twice; a schedule fires at the first one only.
        let early = Recurrence(frequency: .day, startTime: Self.date("2026-10-20T00:30:00Z"), timeZone: "Europe/London")
        #expect(
            fires(early, after: "2026-10-24T12:00:00Z", count: 2) == [
                "2026-10-25T00:30:00Z",  // 01:30 BST, the first occurrence
                "2026-10-26T01:30:00Z",  // 01:30 GMT
            ])
    }

    @Test func weeklyOnChosenDaysEveryOtherWeek() {
        // 2026-11-23 is a Monday.
        let weekly = Recurrence(
            frequency: .week, interval: 2, startTime: Self.date("2026-11-23T08:00:00Z"),
            weekDays: [.monday, .friday])
        #expect(
            fires(weekly, after: "2026-11-22T00:00:00Z", count: 4) == [
                "2026-11-23T08:00:00Z", "2026-11-27T08:00:00Z", "2026-12-07T08:00:00Z", "2026-12-11T08:00:00Z",
            ])
    }

    @Test func monthlyDaysSkipDaysAMonthDoesNotHave() {
        let monthly = Recurrence(
            frequency: .month, startTime: Self.date("2026-01-31T06:00:00Z"), monthDays: [31])
        #expect(
            fires(monthly, after: "2026-01-01T00:00:00Z", count: 4) == [
                "2026-01-31T06:00:00Z", "2026-03-31T06:00:00Z", "2026-05-31T06:00:00Z", "2026-07-31T06:00:00Z",
            ])
        let lastDay = Recurrence(frequency: .month, startTime: Self.date("2026-01-01T23:00:00Z"), monthDays: [-1])
        #expect(
            fires(lastDay, after: "2026-01-01T00:00:00Z", count: 3) == [
                "2026-01-31T23:00:00Z", "2026-02-28T23:00:00Z", "2026-03-31T23:00:00Z",
            ])
        let leap = Recurrence(
            frequency: .month, interval: 12, startTime: Self.date("2028-02-01T00:00:00Z"), monthDays: [29])
        #expect(
            fires(leap, after: "2028-01-01T00:00:00Z", count: 2) == ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"])
    }

    @Test func monthlyOccurrences() {
        let occurrences = Recurrence(
            frequency: .month, startTime: Self.date("2026-11-01T09:00:00Z"),
            occurrences: [
                MonthlyOccurrence(occurrence: 1, day: .monday), MonthlyOccurrence(occurrence: -1, day: .friday),
            ])
        #expect(
            fires(occurrences, after: "2026-11-01T00:00:00Z", count: 4) == [
                "2026-11-02T09:00:00Z", "2026-11-27T09:00:00Z", "2026-12-07T09:00:00Z", "2026-12-25T09:00:00Z",
            ])
        let fifth = Recurrence(
            frequency: .month, startTime: Self.date("2026-01-01T09:00:00Z"),
            occurrences: [MonthlyOccurrence(occurrence: 5, day: .friday)])
        // Only months with five Fridays: January, May, July, October 2026.
        #expect(
            fires(fifth, after: "2026-01-01T00:00:00Z", count: 3) == [
                "2026-01-30T09:00:00Z", "2026-05-29T09:00:00Z", "2026-07-31T09:00:00Z",
            ])
        #expect(MonthlyOccurrence.parse("last:Friday") == MonthlyOccurrence(occurrence: -1, day: .friday))
        #expect(MonthlyOccurrence.parse("first mon") == MonthlyOccurrence(occurrence: 1, day: .monday))
        #expect(MonthlyOccurrence.parse("sixth:mon") == nil)
    }

    @Test func expiryEndsTheSeries() {
        let daily = Recurrence(
            frequency: .day, startTime: Self.date("2026-11-24T02:00:00Z"), expiryTime: Self.date("2026-11-26T03:00:00Z")
        )
        #expect(
            fires(daily, after: "2026-11-23T00:00:00Z", count: 5) == [
                "2026-11-24T02:00:00Z", "2026-11-25T02:00:00Z", "2026-11-26T02:00:00Z",
            ])
    }

    @Test func cronInAZone() {
        let weekdays = Recurrence(
            frequency: .cron, startTime: Self.date("2026-11-20T00:00:00Z"), timeZone: "America/New_York",
            cron: "30 9 * * MON-FRI")
        // Friday 2026-11-27 09:30 EST = 14:30Z, then Monday.
        #expect(
            fires(weekdays, after: "2026-11-27T12:00:00Z", count: 2) == [
                "2026-11-27T14:30:00Z", "2026-11-30T14:30:00Z",
            ])
        let quarter = Recurrence(frequency: .cron, startTime: Self.date("2026-11-20T00:00:00Z"), cron: "*/15 * * * *")
        #expect(
            fires(quarter, after: "2026-11-24T10:07:00Z", count: 2) == ["2026-11-24T10:15:00Z", "2026-11-24T10:30:00Z"])
        // Both day fields restricted: either matches (the 1st, or any Sunday).
        let either = Recurrence(frequency: .cron, startTime: Self.date("2026-11-20T00:00:00Z"), cron: "0 0 1 * SUN")
        #expect(
            fires(either, after: "2026-11-27T00:00:00Z", count: 2) == ["2026-11-29T00:00:00Z", "2026-12-01T00:00:00Z"])
    }

    @Test(arguments: [
        ("0 2 * *", "has 4 fields; cron takes 5"),
        ("61 2 * * *", "minute field '61'"),
        ("0 2 * * FUNDAY", "day of week field 'FUNDAY'"),
        ("*/0 * * * *", "the step after '/' must be a positive number"),
        ("0 5-2 * * *", "values must lie in 0-23"),
    ])
    func invalidCronIsExplained(_ expression: String, _ expected: String) {
        guard case .failure(let error) = CronExpression.parse(expression) else {
            Issue.record("'\(expression)' parsed")
            return
        }
        #expect(error.description.contains(expected), "\(error)")
    }

    @Test func invalidDefinitionsNameTheirField() {
        let start = Self.date("2026-11-24T02:00:00Z")
        let problems = Recurrence(
            frequency: .month, interval: 0, startTime: start, expiryTime: start.addingTimeInterval(-60),
            timeZone: "Europe/Londn", monthDays: [0, 32]
        ).problems()
        #expect(problems.contains("interval: must be at least 1, found 0"))
        #expect(
            problems.contains {
                $0.hasPrefix("timeZone: unknown IANA time zone 'Europe/Londn' (did you mean 'Europe/London'?)")
            })
        #expect(problems.contains { $0.hasPrefix("expiryTime: ") })
        #expect(problems.contains("monthDays: 0 is not a day of the month (1 to 31, or -1 for the last day)"))
        #expect(problems.contains("monthDays: 32 is not a day of the month (1 to 31, or -1 for the last day)"))
        #expect(
            Recurrence(frequency: .cron, startTime: start, cron: "bad").problems().first?.hasPrefix("cron: ") == true)
    }

    @Test func civilCalendarArithmetic() {
        for days in stride(from: -800_000, through: 800_000, by: 997) {
            let (year, month, day) = CivilDate.date(days: days)
            #expect(CivilDate.days(year: year, month: month, day: day) == days)
        }
        #expect(CivilDate.weekday(days: 0) == 4)  // 1970-01-01 was a Thursday
        #expect(CivilDate.daysInMonth(year: 2100, month: 2) == 28)
        #expect(CivilDate.daysInMonth(year: 2000, month: 2) == 29)
    }
}
