import Foundation
import Testing

/// Names that try to drive the terminal: escape sequences and newlines from scanned files are
/// shown escaped in tables and kept exact in JSON; names users give resources are validated.
@Suite(.serialized) struct HostileNamesEndToEndTests {
    static let colourAndTitle = "\u{1B}[31mRED\u{1B}[0m\u{1B}]0;pwned\u{07}.conf"
    static let newline = "two\nlines.conf"

    @Test func scannedFileNamesAreEscapedInTablesAndExactInJSON() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let copy = try cli.contosoBaseline()
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let etc = copy + "/machines/contoso-lnx01/etc/"
        for name in [Self.colourAndTitle, Self.newline] {
            try Data("x\n".utf8).write(to: URL(fileURLWithPath: etc + name))
        }
        #expect(try cli.run("run", "scan").status == 0)

        for arguments in [["changes"], ["inventory", "--machine", "contoso-lnx01", "--type", "files"]] {
            let table = try cli.run(arguments)
            #expect(table.status == 0)
            #expect(!table.stdout.contains("\u{1B}"), "\(arguments) printed a raw escape")
            #expect(!table.stdout.contains("\u{07}"))
            #expect(table.stdout.contains("/etc/\\u{1B}[31mRED\\u{1B}[0m\\u{1B}]0;pwned\\u{7}.conf"))
            #expect(table.stdout.contains("/etc/two\\nlines.conf"))
            // One line per row: the newline in the name did not split its row.
            #expect(!table.stdout.split(separator: "\n").contains { $0.hasPrefix("lines.conf") })
        }

        let json = try cli.run("changes", "--json")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: String]])
        let paths = Set(rows.compactMap { $0["FileSystemPath"] })
        #expect(paths.contains("/etc/" + Self.colourAndTitle))
        #expect(paths.contains("/etc/" + Self.newline))
    }

    @Test(arguments: ["web\u{1B}[31m", "a/b", "", " padded", "..", "line\nbreak"])
    func machineNamesAreValidatedOnRegister(_ name: String) throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let result = try cli.run("machine", "register", name, "--os", "Ubuntu 22.04", "--source", "local")
        #expect(result.status == 64)
        #expect(result.stderr.contains("machine name"))
        #expect(!result.stderr.contains("\u{1B}"))
    }

    @Test func namesInTheAutomationFileAreValidatedWithTheirLocation() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let folder = cli.store + "-file"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var text = try String(contentsOfFile: CLI.packageRoot + "/examples/contoso/automation.yaml", encoding: .utf8)
        text = text.replacingOccurrences(of: "name: contoso-web01", with: "name: \"contoso\\e[31mweb01\"")
        text = text.replacingOccurrences(of: "machines/", with: CLI.packageRoot + "/examples/contoso/machines/")
        try text.write(toFile: folder + "/automation.yaml", atomically: true, encoding: .utf8)
        let result = try cli.run("apply", folder + "/automation.yaml")
        #expect(result.status == 65)
        let line =
            try #require(
                text.split(separator: "\n", omittingEmptySubsequences: false)
                    .firstIndex { $0.contains("\\e[31m") }) + 1
        #expect(result.stderr.contains("automation.yaml:\(line):"))
        #expect(result.stderr.contains("machine name 'contoso\\u{1B}[31mweb01' contains the control character \\u{1B}"))
        #expect(try cli.run("machine", "list").stdout.contains("contoso-sql01") == false)
    }
}
