import Foundation
import Testing

/// The table of KQL cases (Tests/fixtures/log-queries.txt) through `runbook query --csv`, over
/// the Contoso example scanned, drifted and scanned again. The Python tests send the same
/// cases through Azure's LogsQueryClient to `runbook serve` (test_logs_query.py).
@Suite(.serialized) struct LogQueryTableTests {
    struct Case {
        var name: String
        var query: String
        var csv: [String]
        var error: String?
    }

    static func cases() throws -> [Case] {
        let text = try String(contentsOfFile: CLI.packageRoot + "/Tests/fixtures/log-queries.txt", encoding: .utf8)
        var cases: [Case] = []
        var section = ""
        var query: [String] = []
        func finish() {
            guard !cases.isEmpty else { return }
            cases[cases.count - 1].query = query.joined(separator: "\n").trimmingCharacters(in: .newlines)
        }
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("=== ") {
                finish()
                cases.append(Case(name: String(line.dropFirst(4)), query: "", csv: [], error: nil))
                query = []
                section = "query"
            } else if line == "--- csv" || line == "--- error" {
                section = String(line.dropFirst(4))
            } else if !cases.isEmpty {
                switch section {
                case "query": query.append(line)
                case "csv" where !line.isEmpty: cases[cases.count - 1].csv.append(line)
                case "error" where !line.isEmpty && cases[cases.count - 1].error == nil:
                    cases[cases.count - 1].error = line
                default: break
                }
            }
        }
        finish()
        return cases
    }

    static func fixtureStore(_ cli: CLI) async throws {
        let result = try await TestTools.runAsync(
            "/bin/sh", [CLI.packageRoot + "/Tests/fixtures/make-log-store.sh", CLI.binary, cli.store])
        guard result.status == 0 else { throw CLIError(message: "fixture store: \(result.stderr)") }
    }

    @Test func everyCaseAnswersAsWritten() async throws {
        let cli = CLI()
        defer {
            cli.cleanUp()
            try? FileManager.default.removeItem(atPath: cli.store + "-contoso")
        }
        try await Self.fixtureStore(cli)
        let cases = try Self.cases()
        #expect(cases.count >= 60)
        for test in cases {
            let result = try await cli.runAsync("query", "--csv", test.query)
            if let error = test.error {
                #expect(result.status == 65, "\(test.name): exit \(result.status)")
                #expect(result.stderr.components(separatedBy: "\n").first == error, "\(test.name): \(result.stderr)")
            } else {
                #expect(result.status == 0, "\(test.name): \(result.stderr)")
                let lines = result.stdout.components(separatedBy: "\n").filter { !$0.isEmpty }
                #expect(lines == test.csv, "\(test.name)\n\(result.stdout)")
            }
        }
    }
}
