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
        // Each column keeps at least Table.minimumColumn characters (or its header's width), and
        // what tells the row apart (lnx01, not the shared contoso-).
        #expect(lines[1].contains("…lnx01"), "\(lines[1])")
        #expect(lines[1].contains("Files"))
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

/// Issue 21, item 9: shortening gives way where the values are alike, never inside the part
/// that tells rows apart; prose wraps at the terminal's width.
@Suite struct TableShorteningTests {
    @Test func theDistinctPartOfEachCellStays() {
        let keys = [
            #"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Run"#,
            #"HKEY_LOCAL_MACHINE\SOFTWARE\Wow6432Node\Microsoft\Windows\CurrentVersion\Run"#,
            #"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\RunOnce"#,
        ]
        let shortened = TableShortening.shortened(keys, to: 36)
        #expect(shortened.allSatisfy { $0.count <= 36 }, "\(shortened)")
        #expect(Set(shortened).count == 3, "rows must stay apart: \(shortened)")
        #expect(shortened[1].contains("Wow6432Node"), "\(shortened)")
        #expect(shortened[2].hasSuffix("RunOnce"), "\(shortened)")
        #expect(!shortened.contains { $0.contains("……") })
    }

    @Test func aTableOfTheseFitsAHundredColumns() {
        var table = Table(headers: ["NAME", "GROUP", "ENABLED", "KEY"])
        for index in 0..<20 {
            table.rows.append([
                "Context menu handlers (32-bit) \(index)", "Explorer", "yes",
                #"HKEY_LOCAL_MACHINE\Software\Wow6432Node\Classes\*\ShellEx\ContextMenuHandlers\"# + "h\(index)",
            ])
        }
        let lines = table.render(width: 100).split(separator: "\n")
        #expect(lines.allSatisfy { $0.count <= 100 })
        #expect(Set(lines).count == lines.count)
        #expect(lines[1].hasSuffix("h0"))
    }

    /// `tracking show`'s registry keys: when they do not fit beside the other columns, each goes
    /// on its own line, whole, so that "Run" and "Run (32-bit)" never read alike.
    @Test func aLastColumnBelowKeepsEveryKeyWhole() {
        let keys = [
            #"HKEY_LOCAL_MACHINE\Software\Classes\Directory\ShellEx\ContextMenuHandlers"#,
            #"HKEY_LOCAL_MACHINE\Software\Wow6432Node\Classes\Directory\ShellEx\ContextMenuHandlers"#,
            #"HKEY_LOCAL_MACHINE\Software\Classes\Directory\Shellex\CopyHookHandlers"#,
        ]
        var table = Table(headers: ["REGISTRY ITEM", "GROUP", "ENABLED", "KEY"], lastColumnBelow: true)
        for (index, key) in keys.enumerated() { table.rows.append(["item \(index)", "Explorer", "no", key]) }
        let lines = table.render(width: 100).split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.count <= 100 }, "\(lines)")
        #expect(lines[1] == "  KEY")
        for key in keys { #expect(lines.contains("  " + key), "\(lines)") }
        // Wide enough for one line each: the usual table.
        #expect(table.render(width: 200).split(separator: "\n").count == 4)
    }

    @Test func proseWrapsAtTheWidthWithAnIndent() {
        let line = "  scope: " + Array(repeating: "word", count: 40).joined(separator: " ")
        let wrapped = TextWrap.wrap(line, width: 60).split(separator: "\n")
        #expect(wrapped.count > 1)
        #expect(wrapped.allSatisfy { $0.count <= 60 })
        #expect(wrapped.dropFirst().allSatisfy { $0.hasPrefix("      word") })
        #expect(TextWrap.wrap(line, width: nil) == line)
    }
}
