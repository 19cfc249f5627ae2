import Foundation
import Testing

/// Schedules through the real binary: creation with checked links, preview, bad definitions.
@Suite(.serialized) struct ScheduleEndToEndTests {
    @Test func createPreviewAndManage() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let create = try cli.run(
            "schedule", "create", "nightly", "--frequency", "Day", "--start", "2026-03-27 02:30", "--time-zone",
            "America/New_York", "--runbook", "scan", "-p", "failOnChangesUnder=/etc/")
        #expect(create.status == 0, "\(create.stderr)")
        let preview = try cli.run(
            "schedule", "preview", "nightly", "--count", "3", "--after", "2026-11-01T00:00:00Z", "--json")
        let fires = try JSONSerialization.jsonObject(with: Data(preview.stdout.utf8)) as? [[String: String]]
        // 2026-11-01 is the fall-back day in New York: 02:30 happens once, in EST.
        #expect(
            fires?.map { $0["utc"] ?? "" } == [
                "2026-11-01T07:30:00.000Z", "2026-11-02T07:30:00.000Z", "2026-11-03T07:30:00.000Z",
            ])
        #expect(fires?.first?["local"] == "2026-11-01 02:30:00")

        let monthEnd = try cli.run(
            "schedule", "create", "month-end", "--frequency", "Month", "--month-days", "-1", "--start",
            "2026-01-31T23:00:00Z",
            "--runbook", "scan")
        #expect(monthEnd.status == 0, "\(monthEnd.stderr)")
        let list = try cli.run("schedule", "list")
        #expect(list.stdout.contains("month-end"))
        #expect(list.stdout.contains("nightly"))
        #expect(try cli.run("schedule", "disable", "nightly").status == 0)
        #expect(try cli.run("schedule", "show", "nightly").stdout.contains("(disabled)"))
        #expect(try cli.run("schedule", "delete", "month-end").status == 0)
        let missing = try cli.run("schedule", "show", "month-end")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no schedule named 'month-end'"))
    }

    @Test func badDefinitionsAreRefusedWithEveryProblemNamed() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run("init").status == 0)
        let bad = try cli.run(
            "schedule", "create", "bad", "--frequency", "Month", "--month-days", "0,32", "--interval", "0",
            "--time-zone", "Europe/Londn", "--start", "2026-12-01T00:00:00Z", "--expiry", "2026-11-01T00:00:00Z",
            "--runbook", "scan", "-p", "machnes=a")
        #expect(bad.status == 65)
        for expected in [
            "timeZone: unknown IANA time zone 'Europe/Londn' (did you mean 'Europe/London'?)",
            "interval: must be at least 1, found 0",
            "monthDays: 0 is not a day of the month", "monthDays: 32 is not a day of the month",
            "expiryTime: 2026-11-01T00:00:00Z is not after startTime 2026-12-01T00:00:00Z",
            "link to 'scan': runbook 'scan' has no parameter 'machnes' (did you mean 'machines'?)",
        ] {
            #expect(bad.stderr.contains(expected), "\(expected)")
        }
        let cron = try cli.run("schedule", "create", "c", "--frequency", "Cron", "--cron", "0 2 * *")
        #expect(cron.status == 65)
        #expect(cron.stderr.contains("cron: '0 2 * *' has 4 fields; cron takes 5"))
        let missingRunbook = try cli.run("schedule", "create", "m", "--frequency", "Day", "--runbook", "nope")
        #expect(missingRunbook.status == 65)
        #expect(missingRunbook.stderr.contains("link to 'nope': no runbook named 'nope'"))
        let frequency = try cli.run("schedule", "create", "f", "--frequency", "Fortnight")
        #expect(frequency.status == 64)
        #expect(try cli.run("schedule", "list").stdout.hasPrefix("No schedules."))
    }
}
