import Foundation
import Testing

/// A schedule runs the account's published runbook, whichever folder the daemon starts in; a
/// fire that cannot start its job is recorded with its reason and shown (issues 9 and 10).
@Suite(.serialized) struct ScheduleFolderEndToEndTests {
    @Test func aDaemonStartedElsewhereRunsThePublishedRunbookAndShowsFailedFires() throws {
        var cli = CLI()
        defer { cli.cleanUp() }
        let books = cli.store + "-books"
        defer { try? FileManager.default.removeItem(atPath: books) }
        try FileManager.default.createDirectory(atPath: books, withIntermediateDirectories: true)
        try "name: hello\nsteps:\n  - { name: n, action: log, with: { message: the-published-one } }\n"
            .write(toFile: books + "/hello.yaml", atomically: true, encoding: .utf8)
        #expect(try cli.run("init").status == 0)
        let unpublished = try cli.run(
            "schedule", "create", "hourly", "--frequency", "Hour", "--start", "2030-01-01T00:00:00Z",
            "--runbook", "hello", "--runbooks", books)
        #expect(unpublished.status == 65)
        #expect(unpublished.stderr.contains("runbook 'hello' is not published; publish it first: runbook publish"))
        #expect(try cli.run("publish", books + "/hello.yaml").status == 0)
        let create = try cli.run(
            "schedule", "create", "hourly", "--frequency", "Hour", "--start", "2030-01-01T00:00:00Z",
            "--runbook", "hello")
        #expect(create.status == 0, "\(create.stderr)")
        // The file changes after publishing: the schedule still runs what was published.
        try "name: hello\nsteps:\n  - { name: n, action: log, with: { message: an-unpublished-edit } }\n"
            .write(toFile: books + "/hello.yaml", atomically: true, encoding: .utf8)

        // The daemon runs from another folder, with no runbooks there at all.
        cli.directory = NSTemporaryDirectory()
        #expect(try cli.run("scheduler", "--now", "2030-01-01T00:00:05Z").status == 0)
        let output = try cli.run("jobs", "output", "latest")
        #expect(output.stdout.contains("the-published-one"))
        #expect(try cli.run("jobs", "show", "latest").stdout.contains("published"))

        #expect(try cli.run("runbooks", "delete", "hello").status == 0)
        _ = try cli.run("scheduler", "--now", "2030-01-01T01:00:05Z")
        let shown = try cli.run("schedule", "show", "hourly")
        #expect(shown.stdout.contains("Last fires (newest first):"))
        #expect(shown.stdout.contains("2030-01-01T01:00:00Z  failed: runbook 'hello': no published runbook"))
        #expect(shown.stdout.contains("2030-01-01T00:00:00Z  started job "))
        let listed = try cli.run("schedule", "list")
        #expect(listed.stdout.contains("LAST"))
        #expect(listed.stdout.contains("failed: runbook 'hello'"))
    }

    @Test func aDisabledScheduleListsNoNextFireAndAMinuteScheduleStartsAtTheNextMinute() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run("init").status == 0)
        let before = Date()
        #expect(try cli.run("schedule", "create", "every", "--frequency", "Minute", "--runbook", "scan").status == 0)
        let shown = try cli.run("schedule", "show", "every", "--json")
        let schedule = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        let recurrence = try #require(schedule["recurrence"] as? [String: Any])
        let start = try #require((recurrence["startTime"] as? String).flatMap { try? Date($0, strategy: .iso8601) })
        #expect(start.timeIntervalSince(before) <= 61)
        #expect(try cli.run("schedule", "disable", "every").status == 0)
        let listed = try cli.run("schedule", "list")
        #expect(listed.stdout.contains("- (disabled)"))
        #expect(try cli.run("schedule", "show", "every").stdout.contains("none while disabled"))
    }
}
