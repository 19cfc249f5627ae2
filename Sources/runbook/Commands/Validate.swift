import ArgumentParser
import Automation
import Foundation

extension RunbookCommand {
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check runbooks without running them.",
            discussion: Help.reflow(
                """
                Reports every problem of every file, compiler-style (FILE:LINE:COLUMN: error: MESSAGE),
                with suggestions for misspelt keys and actions. With no PATH, checks every runbook in the
                runbooks folder. Exit status 65 when any file is invalid.
                """))

        @Argument(help: "Runbook files or folders to check (default: the runbooks folder).")
        var paths: [String] = []

        @Flag(help: "Print one JSON object per file with its diagnostics.")
        var json = false

        @OptionGroup var runbooks: RunbookFolderOptions

        struct FileReport: Encodable {
            var file: String
            var valid: Bool
            var diagnostics: [DiagnosticDocument]
        }

        struct DiagnosticDocument: Encodable {
            var line: Int
            var column: Int
            var severity: String
            var message: String
        }

        func files() -> [String] {
            let roots = paths.isEmpty ? [runbooks.library.folder] : paths
            return roots.flatMap { root -> [String] in
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: root, isDirectory: &isFolder), isFolder.boolValue else {
                    return [root]
                }
                return RunbookLibrary(folder: root).names().map {
                    (root as NSString).appendingPathComponent("\($0).yaml")
                }
            }
        }

        func run() async throws {
            var reports: [FileReport] = []
            for file in files() {
                do {
                    _ = try RunbookLoader.load(path: file)
                    reports.append(FileReport(file: file, valid: true, diagnostics: []))
                } catch {
                    let documents = error.diagnostics.map {
                        DiagnosticDocument(
                            line: $0.mark.line, column: $0.mark.column, severity: $0.severity.rawValue,
                            message: $0.message)
                    }
                    reports.append(FileReport(file: file, valid: false, diagnostics: documents))
                    if !json { Terminal.raw(error.description) }
                }
            }
            let invalid = reports.filter { !$0.valid }.count
            if json {
                try JSONOutput.print(reports)
            } else {
                let problems = reports.reduce(0) { $0 + $1.diagnostics.count }
                Terminal.out(
                    "\(reports.count) runbook\(reports.count == 1 ? "" : "s") checked: \(reports.count - invalid) valid, "
                        + "\(invalid) invalid (\(problems) problem\(problems == 1 ? "" : "s"))")
            }
            if reports.isEmpty {
                Terminal.error(
                    "no runbooks found in \(paths.isEmpty ? runbooks.library.folder : paths.joined(separator: ", "))")
                throw ExitCode(66)
            }
            if invalid > 0 { throw ExitCode(65) }
        }
    }
}
