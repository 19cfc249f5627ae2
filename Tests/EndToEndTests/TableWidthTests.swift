import Foundation
import Testing

@testable import runbook

/// Tables fit the terminal: the widest columns are shortened in the middle, never below a
/// readable minimum; `--wide` (no width) keeps every character.
@Suite struct TableWidthTests {
    let table = Table(
        headers: ["COMPUTER", "TYPE", "ITEM"],
        rows: [
            ["contoso-lnx01", "Files", "/etc/nginx/sites-available/contoso-production-default.conf"],
            ["contoso-web01", "WindowsServices", "W3SVC"],
        ])

    @Test func aNarrowTerminalShortensTheWidestColumnInTheMiddle() {
        let lines = table.render(width: 60).split(separator: "\n")
        #expect(lines.allSatisfy { $0.count <= 60 })
        #expect(lines[1].hasSuffix("…default.conf") || lines[1].contains("…"))
        #expect(lines[1].hasPrefix("contoso-lnx01  Files"))
        #expect(lines[1].contains("/etc/nginx/"))
    }

    @Test func withoutAWidthNothingIsShortened() {
        #expect(table.render().contains("/etc/nginx/sites-available/contoso-production-default.conf"))
        #expect(table.render(width: 500).contains("/etc/nginx/sites-available/contoso-production-default.conf"))
    }

    @Test func columnsStopAtTheirMinimum() {
        let lines = table.render(width: 10).split(separator: "\n")
        // Each column keeps at least Table.minimumColumn characters (or its header's width).
        #expect(lines[1].hasPrefix("contos…lnx01  Files  "))
        #expect(lines[1].count > 10)
    }

    @Test func pipedOutputIsNotShortened() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run("init").status == 0)
        // Standard output is a file here, not a terminal: COLUMNS does not apply.
        let shown = try cli.run("tracking", "show")
        #expect(shown.stdout.contains("HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Group Policy"))
    }
}
