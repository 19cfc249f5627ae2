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
    /// `slow` (waits `slowSeconds`) published, and what `author` adds to the embedded store,
    /// copied into it.
    init(server: String, slowSeconds: Int = 30, author: (CLI) throws -> Void = { _ in }) throws {
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
        try author(cli)
        let migrated = try cli.run("store", "migrate", "--store", url)
        try #require(migrated.status == 0, "\(migrated.stderr)")
        let copied = try cli.run("store", "copy", "--to", url)
        try #require(copied.status == 0, "\(copied.stderr)")
    }

    /// Starts a node; its log goes to LOGS/ID.log.
    /// `prefix` runs it through another program (`ip netns exec NS`); `through` replaces the
    /// server's address in the URL (the same database reached another way).
    func start(
        _ id: String, lease: Double = 3, concurrency: Int = 4, prefix: [String] = [], through: (String, String)? = nil
    ) throws {
        let store = through.map { url.replacingOccurrences(of: "@\($0.0):", with: "@\($0.1):") } ?? url
        let arguments = [
            "scheduler", "--store", store, "--node", id, "--lease", "\(lease)", "--poll", "0.2",
            "--concurrency", "\(concurrency)", "--grace", "2",
        ]
        let process = cli.process(prefix.isEmpty ? arguments : Array(prefix.dropFirst()) + [CLI.binary] + arguments)
        if !prefix.isEmpty { process.executableURL = URL(fileURLWithPath: prefix[0]) }
        var environment = process.environment ?? [:]
        environment["RUNBOOK_LOG_LEVEL"] = "info"
        process.environment = environment
        _ = FileManager.default.createFile(atPath: "\(logs)/\(id).log", contents: nil)
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
        // A minute per query: the suite's other tests load the shared server and both cores.
        try await PostgresStore.withStore(
            at: try PostgresLocation(url: url), migrate: false, callTimeout: .seconds(60)
        ) { store in
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
            // A query that fails under load (a timeout) is asked again until the deadline.
            if (try? await condition()) == true { return true }
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
    /// Jobs that ran more often than recovery restarted them.
    func runTwice() async throws -> [String] {
        try await column(
            """
            SELECT job_id FROM job_status JOIN job ON job.id = job_status.job_id WHERE job_status.status = 'Running'
            GROUP BY job_id, job.restarts HAVING COUNT(*) > job.restarts + 1
            """)
    }
}

/// Runs a program to its end with posix_spawn and a blocking waitpid on a thread of its own,
/// resumed through a continuation: no cooperative thread waits, and no reliance on Foundation's
/// SIGCHLD monitoring (a `Process` whose child had exited was seen never to return from
/// `waitUntilExit` here). Output and errors go to one file, read at the end.
enum Spawn {
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> CLI.Result {
        let output = NSTemporaryDirectory() + "spawn-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let merged = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], &actions, nil, argv, envp)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        let child = pid
        let status: Int32 = await withCheckedContinuation { continuation in
            let thread = Thread {
                var status: Int32 = 0
                while waitpid(child, &status, 0) == -1 && errno == EINTR {}
                // Exit status as a shell gives it (a signal: 128 + its number).
                let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
                continuation.resume(returning: code)
            }
            thread.start()
        }
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        return CLI.Result(status: status, stdout: text, stderr: "")
    }
}

/// A PostgreSQL server of a test's own (scripts/postgres-test-server.sh), to stop and restart
/// without disturbing the other tests' shared server.
struct OwnPostgres {
    static let script = CLI.packageRoot + "/scripts/postgres-test-server.sh"
    let folder: String
    let url: String

    /// `extraListen`: an address of a veth on this host, for nodes in a network namespace.
    init(extraListen: String? = nil) async throws {
        folder = NSTemporaryDirectory() + "runbook-own-postgres-" + UUID().uuidString.prefix(8)
        let result = try await Spawn.run(
            ["/bin/bash", Self.script, "start", folder], environment: extraListen.map { ["EXTRA_LISTEN": $0] } ?? [:])
        try #require(result.status == 0, "\(result.stdout)")
        url = try #require(result.stdout.split(separator: "\n").last { $0.hasPrefix("postgresql://") }).description
    }

    func halt() async throws {
        let result = try await Spawn.run(["/bin/bash", Self.script, "halt", folder])
        try #require(result.status == 0, "\(result.stdout)")
    }

    func restart() async throws {
        let result = try await Spawn.run(["/bin/bash", Self.script, "restart", folder])
        try #require(result.status == 0, "\(result.stdout)")
    }

    func stop() async {
        _ = try? await Spawn.run(["/bin/bash", Self.script, "stop", folder])
    }
}

/// A network namespace joined to this host by a veth pair: a host with its own address
/// (10.231.N.2) that reaches this one at 10.231.N.1, until `cut` takes the link down.
struct NetworkNamespace {
    static let ip = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
    let name: String
    let hostSide: String
    let hostAddress: String
    let innerAddress: String

    init() async throws {
        let ip = try #require(Self.ip, "iproute2 is not installed")
        let number = Int.random(in: 1...250)
        let tag = UUID().uuidString.prefix(6).lowercased()
        name = "rbt-\(tag)"
        hostSide = "rbh\(tag)"
        hostAddress = "10.231.\(number).1"
        innerAddress = "10.231.\(number).2"
        let steps: [[String]] = [
            ["netns", "add", name],
            ["link", "add", hostSide, "type", "veth", "peer", "name", "rbn\(tag)"],
            ["link", "set", "rbn\(tag)", "netns", name],
            ["addr", "add", "\(hostAddress)/30", "dev", hostSide],
            ["link", "set", hostSide, "up"],
            ["netns", "exec", name, ip, "addr", "add", "\(innerAddress)/30", "dev", "rbn\(tag)"],
            ["netns", "exec", name, ip, "link", "set", "rbn\(tag)", "up"],
            ["netns", "exec", name, ip, "link", "set", "lo", "up"],
        ]
        for step in steps {
            let result = try await Spawn.run([ip] + step)
            if result.status != 0 { await remove() }
            try #require(result.status == 0, "ip \(step.joined(separator: " ")): \(result.stdout)")
        }
    }

    /// The command prefix that runs a program inside the namespace.
    var prefix: [String] { [Self.ip ?? "ip", "netns", "exec", name] }

    /// The partition: the host's end of the link goes down (packets are dropped, not refused).
    func cut() async throws {
        let result = try await Spawn.run([Self.ip ?? "ip", "link", "set", hostSide, "down"])
        try #require(result.status == 0, "\(result.stdout)")
    }

    func heal() async throws {
        let result = try await Spawn.run([Self.ip ?? "ip", "link", "set", hostSide, "up"])
        try #require(result.status == 0, "\(result.stdout)")
    }

    func remove() async {
        _ = try? await Spawn.run([Self.ip ?? "ip", "link", "del", hostSide])
        _ = try? await Spawn.run([Self.ip ?? "ip", "netns", "del", name])
    }
}
