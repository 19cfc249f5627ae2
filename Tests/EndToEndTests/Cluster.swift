import Automation
import Foundation
import PostgresNIO
import Testing

@testable import PostgresStore

/// Several `runbook scheduler` nodes over one PostgreSQL store, as separate processes of the
/// real binary: the store is authored in an embedded store and copied with `runbook store copy`,
/// then each node is started, killed or stopped as a person (or a crash) would. The database is
/// inspected with SQL through the store's own connection.
final class Cluster: @unchecked Sendable {
    let cli = CLI()
    let url: String
    let logs: String
    private var nodes: [String: Process] = [:]

    /// A fresh schema on `server` (a URL without `?schema=`), runbooks `tick` (one log line) and
    /// `slow` (waits `slowSeconds`) published, copied into it.
    init(server: String, slowSeconds: Int = 30) throws {
        url = server + "?schema=nodes_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        logs = cli.store + "-logs"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        let folder = cli.store + "-runbooks"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "name: tick\nsteps:\n  - name: say\n    action: log\n    with:\n      message: tick\n".write(
            toFile: folder + "/tick.yaml", atomically: true, encoding: .utf8)
        try """
        name: slow
        steps:
          - name: wait
            action: wait
            with:
              seconds: \(slowSeconds)
          - name: say
            action: log
            with:
              message: done
        """.write(toFile: folder + "/slow.yaml", atomically: true, encoding: .utf8)
        let published = try cli.run("publish", "--runbooks", folder)
        try #require(published.status == 0, "\(published.stderr)")
        let migrated = try cli.run("store", "migrate", "--store", url)
        try #require(migrated.status == 0, "\(migrated.stderr)")
        let copied = try cli.run("store", "copy", "--to", url)
        try #require(copied.status == 0, "\(copied.stderr)")
    }

    /// Starts a node; its log goes to LOGS/ID.log.
    func start(_ id: String, lease: Double = 3, concurrency: Int = 4, prefix: [String] = []) throws {
        let arguments = [
            "scheduler", "--store", url, "--node", id, "--lease", "\(lease)", "--poll", "0.2",
            "--concurrency", "\(concurrency)", "--grace", "2",
        ]
        let process = cli.process(prefix.isEmpty ? arguments : Array(prefix.dropFirst()) + [CLI.binary] + arguments)
        if !prefix.isEmpty { process.executableURL = URL(fileURLWithPath: prefix[0]) }
        var environment = process.environment ?? [:]
        environment["RUNBOOK_LOG_LEVEL"] = "info"
        process.environment = environment
        FileManager.default.createFile(atPath: "\(logs)/\(id).log", contents: nil)
        let log = FileHandle(forWritingAtPath: "\(logs)/\(id).log")
        process.standardOutput = log
        process.standardError = log
        try process.run()
        nodes[id] = process
    }

    func log(_ id: String) -> String { (try? String(contentsOfFile: "\(logs)/\(id).log", encoding: .utf8)) ?? "" }

    /// `kill -9`: no shutdown, no last writes.
    func kill(_ id: String) {
        guard let process = nodes.removeValue(forKey: id) else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Ends every node still running (SIGKILL: the test is over) and removes the files.
    func tearDown() {
        for id in Array(nodes.keys) { kill(id) }
        try? FileManager.default.removeItem(atPath: logs)
        try? FileManager.default.removeItem(atPath: cli.store + "-runbooks")
        cli.cleanUp()
    }

    /// One column of text values of `sql` (cast to text in the SQL).
    func column(_ sql: String) async throws -> [String] {
        try await PostgresStore.withStore(at: try PostgresLocation(url: url), migrate: false) { store in
            try await store.rows(PostgresQuery(unsafeSQL: sql)).map { try $0.decode(String?.self) ?? "" }
        }
    }

    /// A count query's number.
    func count(_ sql: String) async throws -> Int {
        Int(try await column("SELECT (\(sql))::text").first ?? "") ?? -1
    }

    /// Waits (polling every 200 ms) until `condition` holds, or `seconds` pass; returns whether it held.
    func wait(seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return try await condition()
    }

    /// Queues a job through the binary, as a person would; returns its id.
    func queue(_ runbook: String) throws -> String {
        let result = try cli.run("run", runbook, "--store", url, "--json")
        try #require(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return try #require(object?["id"] as? String)
    }

    /// Jobs that entered Running more than once (run twice): must be none.
    func runTwice() async throws -> [String] {
        try await column(
            "SELECT job_id FROM job_status WHERE status = 'Running' GROUP BY job_id HAVING COUNT(*) > 1")
    }
}
