import Foundation

/// Tools the tests run that are not Swift: installed by scripts/install-test-tools.sh into
/// .build-venv (as .ci/run does), or found on PATH.
enum TestTools {
    static func path(_ name: String) -> String? {
        let candidates =
            [CLI.packageRoot + "/.build-venv/bin/" + name]
            + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/\(name)" }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func missing(_ name: String) -> String {
        "\(name) is not installed: run scripts/install-test-tools.sh (what .ci/run runs first)"
    }

    /// `run` for async tests: the wait holds no thread of the cooperative pool (a pytest run
    /// takes minutes, and the scheduler tests' clocks need the pool meanwhile).
    static func runAsync(_ executable: String, _ arguments: [String], environment: [String: String] = [:])
        async throws -> CLI.Result
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardInput = FileHandle.nullDevice
        var result = try await CLI.capture(process, beside: NSTemporaryDirectory() + "tool", CLI.runToExit)
        // One stream, as `run` gives it: tools' diagnostics read in order with their output.
        result.stdout += result.stderr
        result.stderr = ""
        return result
    }

    /// Runs a tool to completion; its output goes to files, so a chatty tool cannot block.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws
        -> CLI.Result
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let out = NSTemporaryDirectory() + "tool-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: out) }
        guard FileManager.default.createFile(atPath: out, contents: nil) else {
            throw CocoaError(.fileWriteUnknown)
        }
        let handle = FileHandle(forWritingAtPath: out)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        return CLI.Result(status: process.terminationStatus, stdout: text, stderr: "")
    }
}
