import Foundation
import Testing

/// Drift gates and reports in Azure's terms (issue 11): `assert-no-changes` and
/// `report-changes` take a KQL query, run in the store as `runbook query` runs it.
@Suite(.serialized) struct LogQueryGateTests {
    static let gates = """
        name: etc-gate
        parameters:
          query: { type: string }
        steps:
          - name: gate
            action: assert-no-changes
            with:
              query: ${{ params.query }}
              since: 1d
        """

    static let report = """
        name: query-report
        steps:
          - name: report
            action: report-changes
            with:
              since: 1d
              query: ConfigurationChange | summarize count() by ConfigChangeType | order by ConfigChangeType asc
        """

    @Test func aGateFailsWhenItsQueryHasRows() async throws {
        let cli = CLI()
        let books = cli.store + "-books"
        defer {
            cli.cleanUp()
            try? FileManager.default.removeItem(atPath: cli.store + "-contoso")
            try? FileManager.default.removeItem(atPath: books)
        }
        try await LogQueryTableTests.fixtureStore(cli)
        try FileManager.default.createDirectory(atPath: books, withIntermediateDirectories: true)
        try Data(Self.gates.utf8).write(to: URL(fileURLWithPath: books + "/etc-gate.yaml"))
        try Data(Self.report.utf8).write(to: URL(fileURLWithPath: books + "/query-report.yaml"))

        let drift = try await cli.runAsync(
            "run", "etc-gate", "--runbooks", books, "-p",
            "query=ConfigurationChange | where FileSystemPath startswith '/etc/' | project Computer, FileSystemPath")
        #expect(drift.status == 1, "\(drift.stdout)\(drift.stderr)")
        #expect(drift.stderr.contains("Computer=contoso-lnx01, FileSystemPath=/etc/hosts"), "\(drift.stderr)")
        #expect(drift.stderr.contains("the query returned 3 row(s)"), "\(drift.stderr)")

        let clean = try await cli.runAsync(
            "run", "etc-gate", "--runbooks", books, "-p",
            "query=ConfigurationChange | where FileSystemPath startswith '/var/'")
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        #expect(clean.stdout.contains("The query returned no rows."))

        let broken = try await cli.runAsync(
            "run", "etc-gate", "--runbooks", books, "-p", "query=ConfigurationChange | where FilePath == 'x'")
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("query:1:29: error: unknown column 'FilePath'"), "\(broken.stderr)")

        let report = try await cli.runAsync("run", "query-report", "--runbooks", books)
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.contains("ConfigChangeType=Files, count_=3"), "\(report.stdout)")
    }
}
