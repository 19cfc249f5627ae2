import Foundation
import Testing

/// The README's change-tracking walkthrough, through the real binary.
@Suite(.serialized) struct ChangeTrackingEndToEndTests {
    @Test func walkthroughFindsExactlyTheDrift() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let copy = cli.store + "-contoso"
        defer { try? FileManager.default.removeItem(atPath: copy) }
        try FileManager.default.copyItem(atPath: CLI.packageRoot + "/examples/contoso", toPath: copy)
        #expect(try cli.run("apply", copy + "/automation.yaml").status == 0)
        #expect(try cli.run("run", "enable-tracking").status == 0)
        #expect(try cli.run("run", "configure-tracking").status == 0)
        let baseline = try cli.run("run", "scan")
        #expect(baseline.status == 0)
        #expect(baseline.stdout.contains("contoso-lnx01: baseline of"))
        #expect(try cli.run("changes").stdout.hasPrefix("No changes recorded."))

        let hosts = copy + "/machines/contoso-lnx01/etc/hosts"
        try (try String(contentsOfFile: hosts, encoding: .utf8) + "10.0.9.9 rogue.example\n")
            .write(toFile: hosts, atomically: false, encoding: .utf8)
        let gate = try cli.run("run", "scan", "-p", "failOnChangesUnder=/etc/")
        #expect(gate.status == 1)
        #expect(gate.stderr.contains("error: contoso-lnx01: Files Modified /etc/hosts"))

        let changes = try cli.run("changes", "--json")
        let rows = try JSONSerialization.jsonObject(with: Data(changes.stdout.utf8)) as? [[String: String]]
        #expect(rows?.count == 1)
        let row = try #require(rows?.first)
        #expect(row["Computer"] == "contoso-lnx01")
        #expect(row["ConfigChangeType"] == "Files")
        #expect(row["ChangeCategory"] == "Modified")
        #expect(row["FileSystemPath"] == "/etc/hosts")
        #expect(row["PreviousFileContentChecksum"] != row["FileContentChecksum"])
        #expect(row["PreviousSize"] != nil)
        #expect(row["Current"] == row["FileContentChecksum"])

        let software = try cli.run("inventory", "--machine", "contoso-lnx01", "--type", "software", "--json")
        let packages = try JSONSerialization.jsonObject(with: Data(software.stdout.utf8)) as? [[String: String]]
        #expect(packages?.map { $0["SoftwareName"] ?? "" }.contains("nginx") == true)
        #expect(packages?.first?["ConfigDataType"] == "Software")
        #expect(try cli.run("tracking", "show").stdout.contains("linux-conf"))
        #expect(try cli.run("changes", "--since", "1h", "--type", "Files").stdout.contains("/etc/hosts"))
    }

    @Test func badQueryArgumentsAreUsageErrors() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let type = try cli.run("changes", "--type", "Filez")
        #expect(type.status == 64)
        #expect(type.stderr.contains("The value 'Filez' is invalid for '--type <type>'"))
        let since = try cli.run("changes", "--since", "yesterday")
        #expect(since.status == 64)
        #expect(since.stderr.contains("is neither a duration"))
    }
}
