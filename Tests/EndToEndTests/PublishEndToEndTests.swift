import Foundation
import Testing

/// Runbooks as account resources: the default setup publishes the shipped runbooks, `publish`
/// validates before storing, `run` prefers a file (a test run) and otherwise runs the published
/// version, and every job records which it ran.
@Suite(.serialized) struct PublishEndToEndTests {
    @Test func publishRunAndDelete() throws {
        var cli = CLI()
        defer { cli.cleanUp() }
        let books = cli.store + "-books"
        defer { try? FileManager.default.removeItem(atPath: books) }
        try FileManager.default.createDirectory(atPath: books, withIntermediateDirectories: true)

        #expect(try cli.run("init").status == 0)
        let shipped = try cli.run("runbooks", "list", "--json")
        let names = try #require(try JSONSerialization.jsonObject(with: Data(shipped.stdout.utf8)) as? [[String: Any]])
            .compactMap { $0["name"] as? String }
        #expect(names.contains("scan") && names.contains("enable-tracking"))

        try "name: greet\nsteps:\n  - { name: n, action: lgo, with: { message: hi } }\n"
            .write(toFile: books + "/greet.yaml", atomically: true, encoding: .utf8)
        let invalid = try cli.run("publish", books)
        #expect(invalid.status == 65)
        #expect(invalid.stderr.contains("greet.yaml:3:24: error: unknown action 'lgo'"), "\(invalid.stderr)")
        #expect(try cli.run("runbooks", "show", "greet").status == 1)

        try "name: greet\nsteps:\n  - { name: n, action: log, with: { message: published-greeting } }\n"
            .write(toFile: books + "/greet.yaml", atomically: true, encoding: .utf8)
        let published = try cli.run("publish", books + "/greet.yaml")
        #expect(published.status == 0)
        #expect(published.stdout.contains("Published 'greet'"))
        #expect(try cli.run("publish", books + "/greet.yaml").stdout.contains("already published"))

        // From a folder without the file: the published version runs.
        cli.directory = NSTemporaryDirectory()
        let run = try cli.run("run", "greet")
        #expect(run.status == 0)
        #expect(run.stdout.contains("published-greeting"))
        #expect(try cli.run("jobs", "show", "latest", "--json").stdout.contains("\"runbookSource\" : \"published\""))
        // With the file at hand (an author's test run), the file wins and the job says so.
        let fromFile = try cli.run("run", "greet", "--runbooks", books)
        #expect(fromFile.status == 0)
        #expect(try cli.run("jobs", "show", "latest").stdout.contains(books + "/greet.yaml"))

        let shown = try cli.run("runbooks", "show", "greet")
        #expect(shown.stdout.contains("State:     Published"))
        #expect(shown.stdout.contains("3  steps:") || shown.stdout.contains("2  steps:"))
        #expect(try cli.run("runbooks", "delete", "greet").status == 0)
        let gone = try cli.run("run", "greet")
        #expect(gone.status == 65)
        #expect(gone.stderr.contains("no runbook 'greet': not in runbooks/ and not published"))
    }
}
