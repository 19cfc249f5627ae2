import Foundation

extension CLI {
    /// Runs the binary with stdout and stderr on one file, as `2>&1 | tee log` would: returns
    /// the exit status and the lines in the order they reached the file.
    func runMerged(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = process(arguments)
        let path = store + ".merged-" + UUID().uuidString
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let file = FileHandle(forWritingAtPath: path)
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        defer { try? FileManager.default.removeItem(atPath: path) }
        process.standardOutput = file
        process.standardError = file
        try process.run()
        process.waitUntilExit()
        try file.close()
        return (process.terminationStatus, (try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
    }

    /// Runs the binary under a pseudo-terminal (util-linux `script`), so stdout and stderr are
    /// a terminal as they are for a person; returns everything the terminal received.
    func runOnTerminal(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let command = ([CLI.binary] + arguments).map(Self.shellQuoted).joined(separator: " ")
        let process = process([])
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["--quiet", "--return", "--command", command, "/dev/null"]
        process.environment?["TERM"] = "xterm"
        let path = store + ".tty-" + UUID().uuidString
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let file = FileHandle(forWritingAtPath: path)
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        defer { try? FileManager.default.removeItem(atPath: path) }
        process.standardOutput = file
        process.standardError = file
        try process.run()
        process.waitUntilExit()
        try file.close()
        return (process.terminationStatus, (try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
    }

    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
