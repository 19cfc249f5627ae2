import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The PostgreSQL server the tests use: `RUNBOOK_TEST_POSTGRES_URL` when it names one (`.ci/run`
/// starts one and exports it); else, when PostgreSQL 15's programs are installed, a throwaway
/// server this test process starts once (`scripts/postgres-test-server.sh`, on a free loopback
/// port) and stops when it exits. The URL is exported to the environment, so the binaries and
/// Python clients the tests start use the same server. Nil when neither is possible; `skipNote`
/// then says what is missing.
public enum TestPostgres {
    public static let url: String? = {
        if let given = ProcessInfo.processInfo.environment["RUNBOOK_TEST_POSTGRES_URL"], !given.isEmpty {
            return given
        }
        return startThrowaway()
    }()

    /// Why PostgreSQL tests are skipped, and how to run them.
    public static let skipNote =
        "PostgreSQL 15 is not installed (apt-get install postgresql-15, or scripts/install-test-tools.sh), "
        + "and RUNBOOK_TEST_POSTGRES_URL names no server: the PostgreSQL store is not tested"

    static let programs = ProcessInfo.processInfo.environment["POSTGRES_BIN"] ?? "/usr/lib/postgresql/15/bin"

    /// The folder of the server this process started, stopped at exit.
    nonisolated(unsafe) static var folder: String?

    /// scripts/postgres-test-server.sh in this checkout.
    static let script =
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path + "/scripts/postgres-test-server.sh"

    static func startThrowaway() -> String? {
        guard FileManager.default.isExecutableFile(atPath: programs + "/initdb") else { return nil }
        let data = NSTemporaryDirectory() + "runbook-test-postgres-" + UUID().uuidString
        let outputPath = data + ".url"
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        guard run(["start", data], output: outputPath) == 0 else { return nil }
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let url = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard url.hasPrefix("postgresql://") else { return nil }
        folder = data
        setenv("RUNBOOK_TEST_POSTGRES_URL", url, 1)
        atexit { TestPostgres.stop() }
        return url
    }

    /// Stops the server this process started (at exit).
    static func stop() {
        guard let folder else { return }
        _ = run(["stop", folder], output: "/dev/null")
    }

    /// Runs the script with posix_spawn and waits for it: Foundation's `Process` waits on a run
    /// loop, which a test trait evaluated on the main thread would never turn. Its output goes
    /// to a file (the server it starts keeps its descriptors: a pipe would never end).
    static func run(_ arguments: [String], output: String) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([script] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, script, &actions, nil, argv, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
    }
}
