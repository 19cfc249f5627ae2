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
    private func process(_ arguments: [String]) -> Process {
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

    func run(_ arguments: [String]) throws -> Result {
        let process = process(arguments)
        // Output goes to files, so a chatty child can never block on a full pipe.
        let outPath = store + ".out-" + UUID().uuidString
        let errPath = store + ".err-" + UUID().uuidString
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        try process.run()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }
}
