import Foundation

/// Runs the real `runbook` binary, as a user would.
struct CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    /// The binary next to the test bundle (same build folder), or $RUNBOOK_BINARY.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["RUNBOOK_BINARY"] { return path }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("runbook").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return packageRoot + "/.build/debug/runbook"
    }

    let store: String
    var directory = CLI.packageRoot

    init() {
        store = NSTemporaryDirectory() + "runbook-e2e-" + UUID().uuidString
    }

    func cleanUp() {
        try? FileManager.default.removeItem(atPath: store)
    }

    /// Runs `runbook ARGS --store STORE` (the store is passed through the environment).
    @discardableResult
    func run(_ arguments: String...) throws -> Result {
        try run(arguments)
    }

    /// The binary with the test's store in its environment, not yet started.
    func process(_ arguments: [String]) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["RUNBOOK_STORE"] = store
        environment.removeValue(forKey: "RUNBOOK_PATH")
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        return process
    }

    /// Starts the binary without waiting (output discarded), for concurrency and kill tests.
    func start(_ arguments: [String]) throws -> Process {
        let process = process(arguments)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// `run` for async tests: waits for the child without holding one of the cooperative pool's
    /// few threads (two on a 2-core machine), which the scheduler tests' clocks need meanwhile.
    func runAsync(_ arguments: [String]) async throws -> Result {
        let process = process(arguments)
        return try await Self.capture(process, beside: store, Self.runToExit)
    }

    /// Starts the child and resumes when it ends (its termination handler, not a blocked thread).
    static func runToExit(_ process: Process) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
    }

    func runAsync(_ arguments: String...) async throws -> Result {
        try await runAsync(arguments)
    }

    /// Runs `start` with the child's output going to files beside `prefix`, then reads them.
    static func capture(_ process: Process, beside prefix: String, _ start: (Process) async throws -> Void)
        async throws -> Result
    {
        let files = try OutputFiles(beside: prefix, for: process)
        defer { files.remove() }
        try await start(process)
        return files.result(of: process)
    }

    func run(_ arguments: [String]) throws -> Result {
        let process = process(arguments)
        // Output goes to files, so a chatty child can never block on a full pipe.
        let files = try OutputFiles(beside: store, for: process)
        defer { files.remove() }
        try process.run()
        process.waitUntilExit()
        return files.result(of: process)
    }
}

/// A child's standard output and error in two files beside a prefix, read once it ends.
struct OutputFiles {
    let out: String
    let err: String

    init(beside prefix: String, for process: Process) throws {
        out = prefix + ".out-" + UUID().uuidString
        err = prefix + ".err-" + UUID().uuidString
        guard FileManager.default.createFile(atPath: out, contents: nil),
            FileManager.default.createFile(atPath: err, contents: nil)
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: out]) }
        process.standardOutput = FileHandle(forWritingAtPath: out)
        process.standardError = FileHandle(forWritingAtPath: err)
    }

    func result(of process: Process) -> CLI.Result {
        CLI.Result(
            status: process.terminationStatus,
            stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: out)
        try? FileManager.default.removeItem(atPath: err)
    }
}

extension CLI {
    /// An account and a machine `big` whose tracked folder holds 20,000 files (40 MB): its scan
    /// runs long enough (seconds) for stop, suspend and kill tests to act while it runs. The
    /// tree lives next to the store and goes with `cleanUp`.
    func registerBigMachine() throws {
        let tree = store + "/big-tree"
        for folder in 0..<20 {
            let path = "\(tree)/data/d\(folder)"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            for file in 0..<1000 {
                try Data(repeating: UInt8(file % 251), count: 2048).write(to: URL(fileURLWithPath: "\(path)/f\(file)"))
            }
        }
        for arguments in [
            [
                "init", "--account", "a", "--subscription", "11111111-1111-1111-1111-111111111111", "--resource-group",
                "g", "--region", "EastUS2",
                "--workspace", "w", "--workspace-region", "EastUS", "--profile", "extended",
            ],
            [
                "machine", "register", "big", "--os", "Debian 12", "--source", "linux-root:\(tree)", "--standard-rules",
                "--subscription", "11111111-1111-1111-1111-111111111111", "--location", "EastUS2",
            ],
            ["run", "enable-tracking", "-p", "machines=big"],
            ["run", "bench/bench-configure.yaml"],
        ] {
            let result = try run(arguments)
            guard result.status == 0 else {
                throw CLIError(message: "runbook \(arguments.joined(separator: " ")) failed: \(result.stderr)")
            }
        }
    }

    /// Polls the store until `condition` holds or `seconds` pass; returns whether it held.
    func waitFor(seconds: Double = 60, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return try condition()
    }
}

struct CLIError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
