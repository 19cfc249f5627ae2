import Foundation
import Testing

@testable import Automation

/// docs/RUNBOOKS.md and the schema's descriptions are the action catalog's, word for word.
@Suite struct ActionReferenceTests {
    static let definitions = [
        "enable-tracking": "enablementInputs", "disable-tracking": "enablementInputs",
        "configure-tracking": "configurationInputs", "scan": "scanInputs", "assert-no-changes": "assertionInputs",
        "report-changes": "reportInputs", "log": "logInputs", "wait": "waitInputs",
    ]

    @Test func theReferenceDocumentIsTheCatalogs() throws {
        let document = try String(
            contentsOfFile: Fixtures.packageRoot + "/docs/RUNBOOKS.md", encoding: .utf8)
        #expect(
            document == ActionCatalog.markdownReference() + "\n",
            "regenerate: .build/debug/runbook actions --markdown > docs/RUNBOOKS.md")
    }

    @Test(arguments: ActionCatalog.all.map(\.name))
    func theSchemaDescribesEveryInputWithTheCatalogsHelp(_ action: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.packageRoot + "/schemas/runbook.schema.json"))
        let schema = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let definitions = try #require(schema["$defs"] as? [String: Any])
        let signature = try #require(ActionCatalog.signature(named: action))
        let name = try #require(Self.definitions[action])
        let root = try #require(definitions[name] as? [String: Any])
        try check(signature.inputs, in: root, definitions: definitions, path: action)
    }

    private func check(_ inputs: [InputSpec], in node: [String: Any], definitions: [String: Any], path: String) throws {
        let object = try #require(container(node, definitions), "\(path): no object schema")
        let properties = try #require(object["properties"] as? [String: Any])
        #expect(
            Set(properties.keys) == Set(inputs.map(\.name)), "\(path): the schema's inputs differ from the catalog's")
        for input in inputs {
            let property = try #require(properties[input.name] as? [String: Any], "\(path).\(input.name) missing")
            #expect(
                property["description"] as? String == input.help,
                "\(path).\(input.name): run scripts/sync-schema-descriptions.py")
            switch input.type {
            case .object(let fields), .objectList(let fields):
                try check(fields, in: property, definitions: definitions, path: "\(path).\(input.name)")
            default: break
            }
        }
    }

    /// The object schema holding a node's fields, through `$ref`, `items` and `anyOf`.
    private func container(_ node: [String: Any], _ definitions: [String: Any]) -> [String: Any]? {
        if let reference = node["$ref"] as? String,
            let target = definitions[String(reference.split(separator: "/").last ?? "")] as? [String: Any]
        {
            return container(target, definitions)
        }
        if node["properties"] != nil { return node }
        if let items = node["items"] as? [String: Any] { return container(items, definitions) }
        for branch in node["anyOf"] as? [[String: Any]] ?? [] {
            if let found = container(branch, definitions) { return found }
        }
        return nil
    }
}
