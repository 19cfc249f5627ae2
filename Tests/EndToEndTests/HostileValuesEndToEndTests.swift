import Automation
import AutomationStore
import Foundation
import Testing

/// Issue 8 through the real binary: values that once trapped or hung a command now fail fast,
/// with the file, the field and the limit named.
@Suite(.serialized) struct HostileValuesEndToEndTests {
    /// Five seconds after 02:00 UTC, two days from now: a daily 02:00 schedule created now is due.
    static var afterADailyFire: String {
        let day = Int(Date().timeIntervalSince1970 / 86_400) + 2
        return Date(timeIntervalSince1970: Double(day * 86_400 + 7205)).formatted(.iso8601)
    }

    /// A runbooks folder beside the test's store, removed with it.
    func folder(_ cli: CLI) throws -> String {
        let folder = cli.store + "-books"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "name: good\nsteps:\n  - { name: a, action: log, with: { message: hi } }\n"
            .write(toFile: folder + "/good.yaml", atomically: true, encoding: .utf8)
        return folder
    }

    /// No writer ever opens the FIFO: a blocking open would hang these commands for ever.
    @Test(.timeLimit(.minutes(2))) func aFIFORunbookFailsPromptlyWithItsPath() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let books = try folder(cli)
        defer { try? FileManager.default.removeItem(atPath: books) }
        #expect(mkfifo(books + "/stuck.yaml", 0o600) == 0)
        let message = "stuck.yaml:1:1: error: is a FIFO (named pipe), not a regular file; it was not read"

        let validate = try cli.run("validate", books)
        #expect(validate.status == 65)
        #expect(validate.stderr.contains(books + "/" + message), "\(validate.stderr)")
        let run = try cli.run("run", "stuck", "--runbooks", books)
        #expect(run.status == 65)
        #expect(run.stderr.contains(message), "\(run.stderr)")
        let publish = try cli.run("publish", books + "/stuck.yaml")
        #expect(publish.status == 65)
        #expect(publish.stderr.contains(message), "\(publish.stderr)")
        let create = try cli.run(
            "schedule", "create", "s", "--frequency", "Day", "--runbook", "stuck", "--runbooks", books)
        #expect(create.status == 65)
        #expect(create.stderr.contains("runbook 'stuck' is not published"), "\(create.stderr)")

        // A schedule runs the published version: a FIFO put in place of the file later is never read.
        #expect(try cli.run("publish", books + "/good.yaml").status == 0)
        let daily = try cli.run(
            "schedule", "create", "daily", "--frequency", "Day", "--start", "2026-11-25T02:00:00Z", "--runbook", "good",
            "--runbooks", books)
        #expect(daily.status == 0, "\(daily.stderr)")
        try FileManager.default.removeItem(atPath: books + "/good.yaml")
        #expect(mkfifo(books + "/good.yaml", 0o600) == 0)
        let pass = try cli.run("scheduler", "--now", Self.afterADailyFire, "--runbooks", books)
        #expect(pass.status == 0, "\(pass.stderr)")
        #expect(pass.stdout.contains("started 1 job(s)"), "\(pass.stdout)")
    }

    @Test func aUTF16RunbookIsRefusedBeforeItRuns() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let books = try folder(cli)
        defer { try? FileManager.default.removeItem(atPath: books) }
        let text = "name: wide\nsteps:\n  - { name: a, action: log, with: { message: hi } }\n"
        try Data([0xFF, 0xFE] + Array(text.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
            .write(to: URL(fileURLWithPath: books + "/wide.yaml"))
        let run = try cli.run("run", "wide", "--runbooks", books)
        #expect(run.status == 65)
        #expect(
            run.stderr.contains(
                "wide.yaml:1:1: error: the file is UTF-16 (little-endian, with a byte order mark); save it as UTF-8"))
        #expect(try AutomationStore.open(folder: cli.store).jobCount() == 0)
    }

    @Test(arguments: [
        (
            ["jobs", "purge", "--older-than", "2000000000000000d"],
            "--older-than: duration '2000000000000000d' is longer than the maximum of 3650d (10 years)"
        ),
        (
            ["scheduler", "--retention", "9223372036854775807s"],
            "--retention: duration '9223372036854775807s' is longer than the maximum of 3650d"
        ),
        (["scheduler", "--poll", "inf"], "--poll inf is out of range: 0.05 to 3600 seconds"),
        (["scheduler", "--poll", "1e300"], "--poll 1e+300 is out of range: 0.05 to 3600 seconds"),
        (["scheduler", "--grace", "inf"], "--grace inf is out of range: 0 to 86400 seconds"),
        (
            ["schedule", "create", "s", "--frequency", "Day", "--timeout", "106751991167301d"],
            "--timeout: duration '106751991167301d' is longer than the maximum of 3650d"
        ),
    ])
    func outOfRangeOptionsAreUsageErrors(_ arguments: [String], _ message: String) throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let result = try cli.run(arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test(arguments: [
        (
            ["--frequency", "Hour", "--interval", "9223372036854775807"],
            "interval: 9223372036854775807 is out of range for a Hour schedule (1 to 87600)"
        ),
        (
            ["--frequency", "Month", "--month-days", "1", "--interval", "9223372036854775807"],
            "interval: 9223372036854775807 is out of range for a Month schedule (1 to 120)"
        ),
        (
            ["--frequency", "Day", "--start", "300000000000-01-01 00:00"],
            "start: '300000000000-01-01 00:00': year 300000000000 is out of range (1970 to 9999)"
        ),
        (
            ["--frequency", "Day", "--start", "2026-11-25 02:00:99"],
            "start: '2026-11-25 02:00:99': second 99 is out of range (0 to 59)"
        ),
    ])
    func outOfRangeSchedulesAreRefused(_ arguments: [String], _ message: String) throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let result = try cli.run(["schedule", "create", "s"] + arguments)
        #expect(result.status == 65)
        #expect(result.stderr.contains("error: schedule 's': " + message), "\(result.stderr)")
    }

    /// A store that already holds an out-of-range schedule: listed as invalid, skipped, and
    /// every command still works.
    @Test func aStoredOutOfRangeScheduleTakesNoCommandDown() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let books = try folder(cli)
        defer { try? FileManager.default.removeItem(atPath: books) }
        #expect(try cli.run("publish", books + "/good.yaml").status == 0)
        let good = try cli.run(
            "schedule", "create", "good", "--frequency", "Day", "--start", "2026-11-25T02:00:00Z", "--runbook", "good",
            "--runbooks", books)
        #expect(good.status == 0, "\(good.stderr)")
        let store = try AutomationStore.open(folder: cli.store)
        let bad = Schedule(
            name: "bad",
            recurrence: Recurrence(
                frequency: .hour, interval: Int.max, startTime: Date(timeIntervalSince1970: 1_795_000_000)),
            links: [ScheduleLink(runbook: "good")])
        try store.saveSchedule(bad, at: Date())  // the store's own writer, no validation: as an old version left it
        let reason = "schedule 'bad' is invalid and is not run: interval: 9223372036854775807 is out of range"

        let list = try cli.run("schedule", "list")
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("invalid"))
        #expect(list.stdout.contains("good"))
        #expect(list.stderr.contains("warning: " + reason))
        let show = try cli.run("schedule", "show", "bad")
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("Next fires:  none (the schedule is invalid)"))
        let pass = try cli.run("scheduler", "--now", Self.afterADailyFire, "--runbooks", books)
        #expect(pass.status == 0, "\(pass.stderr)")
        #expect(pass.stdout.contains("started 1 job(s)"), "\(pass.stdout)")
        #expect(pass.stdout.contains("1 invalid schedule(s) skipped (bad)"))
        #expect(pass.stderr.contains("warning: " + reason))
    }
}
