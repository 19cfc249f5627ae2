import Automation
import Foundation
import TestSupport
import Testing

@testable import PostgresStore

/// `runbook store migrate|check` on a real PostgreSQL (RUNBOOK_TEST_POSTGRES_URL, as .ci/run
/// sets it), commands refusing a PostgreSQL URL, and connection errors, through the binary.
@Suite struct PostgresStoreEndToEndTests {
    /// The tests' server (`TestPostgres`: RUNBOOK_TEST_POSTGRES_URL, or one this process starts).
    static var serverURL: String? { TestPostgres.url }
    static let skipNote = Comment(rawValue: TestPostgres.skipNote)

    /// The test server's database with a schema of the test's own (the server is a throwaway
    /// one, so the schema is left there).
    static func freshURL() throws -> String {
        let url = try #require(serverURL)
        return url + "?schema=e2e_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    @Test(.enabled(if: serverURL != nil, skipNote))
    func twoProcessesMigratingTogetherMigrateOnceAndTheCheckPasses() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let url = try Self.freshURL()
        let results = try CLI.together(
            cli, [["store", "migrate", "--store", url], ["store", "migrate", "--store", url]])
        #expect(results.map(\.status) == [0, 0], "\(results.map(\.stderr))")
        let outputs = results.map(\.stdout).sorted()
        #expect(outputs.filter { $0.hasPrefix("Applied to ") }.count == 1, "\(outputs)")
        #expect(outputs.filter { $0.contains("is up to date.") }.count == 1, "\(outputs)")
        let again = try cli.run("store", "migrate", "--store", url)
        #expect(again.status == 0 && again.stdout.contains("is up to date."))
        let check = try cli.run("store", "check", "--store", url)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("is sound."))
    }

    @Test(.enabled(if: serverURL != nil, skipNote))
    func aMissingDatabaseIsNamedWithItsHostAndPort() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let url = try #require(Self.serverURL)
        let slash = try #require(url.lastIndex(of: "/"))
        let result = try cli.run("store", "check", "--store", url[..<slash] + "/no_such_database")
        #expect(result.status == 74)
        #expect(result.stderr.contains("has no database 'no_such_database'"), "\(result.stderr)")
        #expect(!result.stderr.contains("PSQLError"))
    }

    @Test(.enabled(if: serverURL != nil, skipNote))
    func nodesListShowsEachNodesHeartbeatAndJobs() async throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let url = try Self.freshURL()
        // A schema without a store is refused by a command that only reads (nothing created).
        let refused = try cli.run("nodes", "list", "--store", url)
        #expect(refused.status == 66 && refused.stderr.contains("holds no runbook store"), "\(refused.stderr)")
        #expect(try cli.run("store", "migrate", "--store", url).status == 0)
        let empty = try cli.run("nodes", "list", "--store", url)
        #expect(empty.status == 0, "\(empty.stderr)")
        #expect(empty.stdout.hasPrefix("No nodes have registered with "))
        let heartbeat = Date(timeIntervalSince1970: 1_800_000_000)
        // A minute per call, as the cluster's: the suite's synchronous child-process waits can hold
        // both of the test process's cooperative threads for longer than the default 15 seconds.
        try await PostgresStore.withStore(at: try PostgresLocation(url: url), callTimeout: .seconds(60)) { store in
            try await store.registerNode(id: "node-1", host: "host-1", pid: 4242)
            // The database's clock sets heartbeats; a fixed one keeps the JSON comparable.
            try await store.execute("UPDATE node SET heartbeat_at = '2027-01-15T08:00:00Z'")
            try await store.createJob(
                Job(
                    id: "job-1", runbookName: "hello", runbookDigest: String(repeating: "a", count: 64),
                    runbookContent: "name: hello", parameters: [:], startReason: .manual, accountName: nil,
                    createdAt: heartbeat, logVerbose: false, logProgress: false))
            _ = try await store.claimNewJobs(node: "node-1", limit: 1, lease: .seconds(30))
        }
        let table = try cli.run("nodes", "list", "--store", url, "--wide")
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("node-1") && table.stdout.contains("host-1") && table.stdout.contains("job-1"))
        let json = try cli.run("nodes", "list", "--store", url, "--json")
        #expect(json.status == 0)
        #expect(json.stdout.contains("\"heartbeatAt\" : \"2027-01-15T08:00:00.000Z\""), "\(json.stdout)")
        if let checker = TestTools.path("check-jsonschema") {
            let file = cli.store + "-nodes.json"
            try json.stdout.write(toFile: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: file) }
            let checked = try TestTools.run(
                checker, ["--schemafile", CLI.packageRoot + "/schemas/json/node.schema.json", file])
            #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
        } else {
            Issue.record(Comment(rawValue: TestTools.missing("check-jsonschema")))
        }
    }

    @Test(.enabled(if: serverURL != nil, skipNote))
    func runOnPostgreSQLQueuesAJobAndRefusesBadInputAsWithoutAURL() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let url = try Self.freshURL()
        let bad = try cli.run("run", "scan", "--store", url, "-p", "nope=1")
        #expect(bad.status == 65)
        #expect(
            bad.stderr.contains("has no parameter 'nope'") && !bad.stderr.contains("error: error:"), "\(bad.stderr)")
        let missing = try cli.run("run", "no-such-runbook", "--store", url)
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("no runbook 'no-such-runbook'"), "\(missing.stderr)")
        let queued = try cli.run("run", "scan", "--store", url, "--json")
        #expect(queued.status == 0, "\(queued.stderr)")
        #expect(queued.stdout.contains("\"status\" : \"New\""), "\(queued.stdout)")
        try jobHistoryReadsAndRequestsWorkOnPostgreSQL(cli, url)
    }

    /// `runbook jobs list|show|output|stop|resume` on the queued job, as on a folder.
    private func jobHistoryReadsAndRequestsWorkOnPostgreSQL(_ cli: CLI, _ url: String) throws {
        let list = try cli.run("jobs", "list", "--store", url, "--json")
        #expect(list.status == 0, "\(list.stderr)")
        let jobs = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        let id = try #require(jobs.first?["id"] as? String)
        #expect(jobs.count == 1 && jobs.first?["status"] as? String == "New")
        let show = try cli.run("jobs", "show", String(id.prefix(8)).uppercased(), "--store", url)
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("Job:         \(id)") && show.stdout.contains("Timeline:"), "\(show.stdout)")
        #expect(try cli.run("jobs", "output", "latest", "--store", url).status == 0)
        let unknown = try cli.run("jobs", "show", "abcdef12", "--store", url)
        #expect(unknown.status == 1 && unknown.stderr.contains("no job with id 'abcdef12'"), "\(unknown.stderr)")
        // No node runs it: the stop is recorded (Stopping) and recovery ends it once a node looks.
        let stop = try cli.run("jobs", "stop", id, "--wait", "0", "--store", url)
        #expect(stop.stdout.contains("Stop requested for job \(id)") || stop.stdout.contains("Stopped"), "\(stop)")
        let resume = try cli.run("jobs", "resume", id, "--store", url)
        #expect(resume.status == 64 && resume.stderr.contains("add --queue"), "\(resume.stderr)")
    }

    /// A team that never had an embedded store: runbooks published and schedules made straight
    /// into the database, a pass's fire read back, as on a folder.
    @Test(.enabled(if: serverURL != nil, skipNote))
    func runbooksAndSchedulesAreAuthoredStraightIntoPostgreSQL() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let url = try Self.freshURL()
        let examples = CLI.packageRoot + "/examples/nodes"
        let published = try cli.run("publish", examples, "--store", url)
        #expect(published.status == 0, "\(published.stderr)")
        #expect(published.stdout.contains("Published 'hello'") && published.stdout.contains("Published 'slow'"))
        // The first writer on a new database makes the default account, as a folder has it.
        #expect(published.stderr.contains("Created the default Automation account 'automation-default'"))
        let again = try cli.run("publish", examples, "--store", url)
        #expect(again.stdout.contains("'hello' is already published") && !again.stderr.contains("created"))
        let list = try cli.run("runbooks", "list", "--store", url)
        // The shipped runbooks were published with the account; hello beside them.
        #expect(
            list.status == 0 && list.stdout.contains(#/hello +Published/#) && list.stdout.contains("enable-tracking"),
            "\(list.stdout)")
        let made = try cli.run(
            "schedule", "create", "hourly", "--frequency", "Hour", "--runbook", "hello", "--store", url)
        #expect(made.status == 0, "\(made.stderr)")
        let twice = try cli.run(
            "schedule", "create", "hourly", "--frequency", "Hour", "--runbook", "hello", "--store", url)
        #expect(twice.status == 1 && twice.stderr.contains("already exists (use --replace"), "\(twice.stderr)")
        let unknown = try cli.run("schedule", "create", "x", "--frequency", "Hour", "--runbook", "nope", "--store", url)
        #expect(unknown.status == 65 && unknown.stderr.contains("no runbook named 'nope'"), "\(unknown.stderr)")
        let later = Date().addingTimeInterval(86_400).formatted(.iso8601)
        #expect(try cli.run("scheduler", "--once", "--now", later, "--store", url).status == 0)
        let show = try cli.run("schedule", "show", "hourly", "--store", url)
        #expect(show.status == 0 && show.stdout.contains("started job "), "\(show.stdout)")
        let shown = try cli.run("jobs", "show", "latest", "--store", url)
        #expect(shown.stdout.contains("Account:     automation-default"), "\(shown.stdout)")
        let jobs = try cli.run("jobs", "list", "--schedule", "hourly", "--store", url)
        #expect(jobs.stdout.contains("hello") && jobs.stdout.contains("New"), "\(jobs.stdout)")
        #expect(try cli.run("schedule", "disable", "hourly", "--store", url).stdout.contains("disabled"))
        #expect(try cli.run("schedule", "delete", "hourly", "--store", url).status == 0)
        #expect(try cli.run("runbooks", "delete", "slow", "--store", url).status == 0)
        #expect(try cli.run("schedule", "list", "--store", url).stdout.contains("No schedules"))
    }

    @Test func nodesListOnTheEmbeddedStoreListsItsNodes() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let missing = try cli.run("nodes", "list")
        #expect(missing.status == 66 && missing.stderr.contains("no store named"), "\(missing.stderr)")
        #expect(try cli.run("init").status == 0)
        let empty = try cli.run("nodes", "list")
        #expect(empty.status == 0 && empty.stdout.hasPrefix("No nodes have registered with "), "\(empty.stdout)")
    }

    @Test func aClosedPortIsSaidInPlainWords() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        // Port 1 on loopback: nothing listens there (it would need root and a service on tcpmux).
        let result = try cli.run("store", "migrate", "--store", "postgresql://runbook@127.0.0.1:1/runbook")
        #expect(result.status == 74)
        #expect(
            result.stderr
                == "error: cannot open the store at postgresql://runbook@127.0.0.1:1/runbook: nothing listens on "
                + "127.0.0.1 port 1 (connection refused); is PostgreSQL running there?\n")
    }

    @Test func otherCommandsRefuseAPostgresURLSayingWhatItServes() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        // store copy copies from a folder: a URL as its source is refused before any connection.
        let result = try cli.run(
            "store", "copy", "--to", "postgresql://runbook@127.0.0.1:1/other", "--store",
            "postgresql://runbook@127.0.0.1:1/runbook")
        #expect(result.status == 69)
        #expect(result.stderr.contains("cannot use the PostgreSQL store postgresql://runbook@127.0.0.1:1/runbook:"))
        #expect(result.stderr.contains("needs the embedded store: give a folder"), "\(result.stderr)")
        let bad = try cli.run("store", "check", "--store", "postgresql://nobody-at-host/db")
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("it names no user"), "\(bad.stderr)")
    }
}

extension CLI {
    /// Starts each command at once and waits for all (two nodes starting together).
    static func together(_ cli: CLI, _ commands: [[String]]) throws -> [Result] {
        let started = try commands.map { arguments -> (Process, String, String) in
            let process = cli.process(arguments)
            let out = cli.store + ".out-" + UUID().uuidString
            let err = cli.store + ".err-" + UUID().uuidString
            _ = FileManager.default.createFile(atPath: out, contents: nil)
            _ = FileManager.default.createFile(atPath: err, contents: nil)
            process.standardOutput = FileHandle(forWritingAtPath: out)
            process.standardError = FileHandle(forWritingAtPath: err)
            try process.run()
            return (process, out, err)
        }
        return started.map { process, out, err in
            process.waitUntilExit()
            defer {
                try? FileManager.default.removeItem(atPath: out)
                try? FileManager.default.removeItem(atPath: err)
            }
            return Result(
                status: process.terminationStatus, stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
        }
    }
}
