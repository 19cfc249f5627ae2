import Foundation
import Testing

@testable import Automation

/// The JSON Schemas repeat lists the code owns; these tests keep the two equal.
@Suite struct SchemaDriftTests {
    func schema(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.packageRoot + "/schemas/\(name)"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func definition(_ schema: [String: Any], _ path: [String]) -> Any? {
        var node: Any? = schema
        for key in path { node = (node as? [String: Any])?[key] }
        return node
    }

    @Test func runbookSchemaListsTheCatalogActions() throws {
        let actions = definition(try schema("runbook.schema.json"), ["$defs", "step", "properties", "action", "enum"])
        #expect((actions as? [String])?.sorted() == ActionCatalog.names.sorted())
    }

    @Test func automationSchemaListsTheOSCatalogAndRegions() throws {
        let root = try schema("automation.schema.json")
        let os = definition(root, ["$defs", "machine", "properties", "os", "enum"]) as? [String]
        #expect(os == OSCatalog.supported.map(\.name))
        let regions = definition(root, ["$defs", "region", "enum"]) as? [String]
        #expect(regions == Region.all.map(\.name))
    }

    @Test(arguments: [
        ("automation-invalid/unsupported-os.yaml", 5, 9),
        ("automation-invalid/unknown-region.yaml", 1, 101),
    ])
    func invalidAutomationFilesAreLocated(_ file: String, _ line: Int, _ column: Int) throws {
        let error = #expect(throws: DiagnosticError.self) { try AutomationFile.load(path: Fixtures.path(file)) }
        #expect(error?.diagnostics.first?.mark == .init(line: line, column: column))
    }
}
