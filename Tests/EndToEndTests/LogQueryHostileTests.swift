import Foundation
import Testing

/// Bad input to `runbook query` (issue 11): each is a clear, located error or a bounded, partial
/// answer; none crashes, none runs unbounded, none changes the store.
@Suite(.serialized) struct LogQueryHostileTests {
    /// What the store holds, to show a query changed nothing.
    static func fingerprint(_ cli: CLI) async throws -> String {
        try await cli.runAsync(
            "query", "--csv", "union ConfigurationChange, ConfigurationData, Heartbeat | summarize count() by Type"
        )
        .stdout + (try await cli.runAsync("jobs", "list", "--json").stdout)
    }

    @Test func hostileQueriesAreBoundedAndChangeNothing() async throws {
        let cli = CLI()
        defer {
            cli.cleanUp()
            try? FileManager.default.removeItem(atPath: cli.store + "-contoso")
        }
        try await LogQueryTableTests.fixtureStore(cli)
        let before = try await Self.fingerprint(cli)

        // 10,000 nested parentheses: a located error, not a stack overflow.
        let nested =
            "ConfigurationChange | where " + String(repeating: "(", count: 10_000) + "true"
            + String(repeating: ")", count: 10_000)
        let deep = try await cli.runAsync("query", nested)
        #expect(deep.status == 65)
        #expect(deep.stderr.hasPrefix("query:1:"), "\(deep.stderr.prefix(300))")

        // A query of 1 MB (a long comment and a long string) still answers.
        let file = cli.store + "-big.kql"
        let padding = String(repeating: "x", count: 500_000)
        try Data("// \(padding)\nConfigurationChange | where Computer != \"\(padding)\" | count\n".utf8)
            .write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let big = try await cli.runAsync("query", "--csv", "--file", file)
        #expect(big.status == 0, "\(big.stderr.prefix(300))")
        #expect(big.stdout == "Count\n6\n")

        // Past the 1 MiB limit: refused with the size, before parsing.
        try Data(String(repeating: "/", count: 1_100_000).utf8).write(to: URL(fileURLWithPath: file))
        let huge = try await cli.runAsync("query", "--file", file)
        #expect(huge.status != 0)
        #expect(huge.stderr.contains("1048576"))

        // A regex that backtracks catastrophically elsewhere runs in linear time here.
        let regex = try await cli.runAsync(
            "query", "--csv",
            "ConfigurationData | extend s = strcat(\"\(String(repeating: "a", count: 5_000))\", \"b\") "
                + "| where s matches regex @\"(a+)+$\" | count")
        #expect(regex.status == 0, "\(regex.stderr.prefix(300))")
        #expect(regex.stdout == "Count\n0\n")

        // A query that would return millions of rows stops at the limit, with a warning.
        let cross = try await cli.runAsync(
            "query", "--csv", "--limit", "100",
            "ConfigurationData | join kind=inner (ConfigurationData) on ConfigDataType "
                + "| join kind=inner (ConfigurationData) on ConfigDataType | project Computer")
        #expect(cross.status == 0, "\(cross.stderr.prefix(300))")
        #expect(cross.stdout.split(separator: "\n").count == 101)
        #expect(cross.stderr.contains("partial result"))

        // SQL in a string literal is a string.
        let injection = try await cli.runAsync(
            "query", "--csv", "AzureDiagnostics | where RunbookName_s == \"'; DROP TABLE job; --\"")
        #expect(injection.status == 0)
        #expect(injection.stdout.hasPrefix("TimeGenerated,"))

        // Bad options: a timespan that is not one, --json with --csv.
        let span = try await cli.runAsync("query", "--timespan", "yesterday", "Heartbeat")
        #expect(span.status == 65)
        #expect(span.stderr.contains("timespan 'yesterday'"))
        #expect(try await cli.runAsync("query", "--json", "--csv", "Heartbeat").status == 64)

        #expect(try await Self.fingerprint(cli) == before)
    }

    @Test func queryNeedsAnExistingStore() async throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let result = try await cli.runAsync("query", "Heartbeat")
        #expect(result.status == 66)
        #expect(!FileManager.default.fileExists(atPath: cli.store))
    }
}
