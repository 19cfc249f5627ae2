import Foundation
import Testing

/// A schedule runs the runbook its link was checked against, whichever folder the daemon starts
/// in; a fire that cannot start its job is recorded with its reason and shown (issue 9).
@Suite(.serialized) struct ScheduleFolderEndToEndTests {
    @Test func aDaemonStartedElsewhereRunsTheLinkedFolderAndShowsFailedFires() throws {
        var cli = CLI()
        defer { cli.cleanUp() }
        let books = cli.store + "-books"
        defer { try? FileManager.default.removeItem(atPath: books) }
        try FileManager.default.createDirectory(atPath: books, withIntermediateDirectories: true)
        try "name: hello\nsteps:\n  - { name: n, action: log, with: { message: from-the-linked-folder } }\n"
            .write(toFile: books + "/hello.yaml", atomically: true, encoding: .utf8)
        #expect(try cli.run("init").status == 0)
        let create = try cli.run(
            "schedule", "create", "hourly", "--frequency", "Hour", "--start", "2030-01-01T00:00:00Z",
            "--runbook", "hello", "--runbooks", books)
        #expect(create.status == 0)

        // The daemon runs from another folder, with no --runbooks: the link's folder is used.
        cli.directory = NSTemporaryDirectory()
        #expect(try cli.run("scheduler", "--now", "2030-01-01T00:00:05Z").status == 0)
        let output = try cli.run("jobs", "output", "latest")
        #expect(output.stdout.contains("from-the-linked-folder"))

        try FileManager.default.removeItem(atPath: books + "/hello.yaml")
        _ = try cli.run("scheduler", "--now", "2030-01-01T01:00:05Z")
        let shown = try cli.run("schedule", "show", "hourly")
        #expect(shown.stdout.contains("Last fires (newest first):"))
        #expect(shown.stdout.contains("2030-01-01T01:00:00Z  failed: runbook 'hello'"))
        #expect(shown.stdout.contains("2030-01-01T00:00:00Z  started job "))
        #expect(shown.stdout.contains("(from \(books))"))
        let listed = try cli.run("schedule", "list")
        #expect(listed.stdout.contains("LAST RESULT"))
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
