import Foundation
import Testing

/// Every `--json` output has a documented shape: the real output of each command is checked
/// against its schema in schemas/json/ (check-jsonschema), over a store made from Contoso.
@Suite(.serialized) struct JSONOutputSchemaTests {
    static let commands: [(schema: String, arguments: [String])] = [
        ("job", ["jobs", "list", "--json"]),
        ("job", ["jobs", "show", "latest", "--json"]),
        ("job", ["run", "scan", "--json"]),
        ("job", ["jobs", "list", "--runbook", "nosuch", "--json"]),
        ("machine", ["machine", "list", "--json"]),
        ("machine", ["machine", "show", "contoso-web01", "--json"]),
        ("machine", ["machine", "show", "contoso-lnx01", "--json"]),
        ("account", ["account", "show", "--json"]),
        ("account", ["account", "list", "--json"]),
        ("schedule", ["schedule", "list", "--json"]),
        ("schedule", ["schedule", "show", "contoso-nightly-scan", "--json"]),
        ("schedule-preview", ["schedule", "preview", "contoso-nightly-scan", "--json"]),
        ("tracking", ["tracking", "show", "--json"]),
        ("runbook", ["runbooks", "list", "--json"]),
        ("runbook", ["runbooks", "show", "scan", "--json"]),
        ("validation", ["validate", "runbooks", "Tests/AutomationTests/Fixtures/invalid", "--json"]),
        ("change", ["changes", "--json"]),
        ("inventory", ["inventory", "--json"]),
        ("token", ["token", "list", "--json"]),
    ]

    @Test func everyJSONOutputMatchesItsSchema() throws {
        guard let checker = TestTools.path("check-jsonschema") else {
            Issue.record(Comment(rawValue: TestTools.missing("check-jsonschema")))
            return
        }
        let cli = CLI()
        defer { cli.cleanUp() }
        let copy = try cli.contosoBaseline()
        defer { try? FileManager.default.removeItem(atPath: copy) }
        for setup in [
            ["token", "create", "ci", "--expires", "90d"], ["token", "create", "board", "--role", "reader"],
            ["token", "revoke", "board"],
        ] {
            #expect(try cli.run(setup).status == 0)
        }
        try Data("10.0.9.9 rogue\n".utf8).write(to: URL(fileURLWithPath: copy + "/machines/contoso-lnx01/etc/hosts"))
        #expect(try cli.run("run", "scan").status == 0)
        for (schema, arguments) in Self.commands {
            let result = try cli.run(arguments)
            #expect(!result.stdout.isEmpty, "\(arguments) printed nothing")
            let file = cli.store + "-out.json"
            try Data(result.stdout.utf8).write(to: URL(fileURLWithPath: file))
            defer { try? FileManager.default.removeItem(atPath: file) }
            let check = try TestTools.run(
                checker, ["--schemafile", CLI.packageRoot + "/schemas/json/\(schema).schema.json", file])
            #expect(check.status == 0, "\(arguments.joined(separator: " ")): \(check.stdout)")
        }
    }
}
