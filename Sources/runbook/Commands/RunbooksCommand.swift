import ArgumentParser
import Automation
import AutomationService
import Foundation

extension RunbookCommand {
    struct Runbooks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List, show and delete the account's published runbooks.",
            subcommands: [List.self, Show.self, Delete.self], defaultSubcommand: List.self)
    }
}

/// A runbook resource for `--json` (schemas/json/runbook.schema.json).
struct RunbookDocument: Encodable {
    var name: String
    var type: String
    var state: String
    var description: String
    @ExplicitNull var publishedDigest: String?
    @ExplicitNull var publishedAt: Date?
    @ExplicitNull var publishedFrom: String?
    @ExplicitNull var draftDigest: String?
    @ExplicitNull var draftUpdatedAt: Date?
    var createdAt: Date
    var updatedAt: Date
    var content: String?

    init(_ runbook: RunbookResource, withContent: Bool = false) {
        name = runbook.name
        type = runbook.type
        state = runbook.state.rawValue
        description = runbook.description
        publishedDigest = runbook.published?.digest
        publishedAt = runbook.published?.at
        publishedFrom = runbook.publishedFrom
        draftDigest = runbook.draft?.digest
        draftUpdatedAt = runbook.draft?.at
        createdAt = runbook.createdAt
        updatedAt = runbook.updatedAt
        content = withContent ? runbook.published?.content ?? runbook.draft?.content : nil
    }

}

extension RunbookCommand.Runbooks {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the account's runbooks and their state.")

        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var layout: TableLayout
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let runbooks = try await store.withService(create: false) { service in
                try await Terminal.exitOnError { () async throws(ServiceError) in try await service.runbooks() }
            }
            try ListOutput<RunbookResource>(
                headers: ["NAME", "STATE", "PUBLISHED (UTC)", "DIGEST", "FROM"],
                empty: "No runbooks published. Publish some with: runbook publish runbooks/"
            ) { runbook in
                [
                    runbook.name, runbook.state.rawValue, Terminal.time(runbook.published?.at),
                    runbook.published.map { String($0.digest.prefix(12)) } ?? "-", runbook.publishedFrom ?? "-",
                ]
            }.print(runbooks, json: json, width: layout.width) { RunbookDocument($0) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a runbook: its state, versions and published content.")

        @Argument(help: "Runbook name.") var name: String
        @Flag(help: "Print JSON (with the content).") var json = false
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let name = self.name
            let runbook = try await store.withService(create: false) { service in
                try await Terminal.exitOnError { () async throws(ServiceError) in try await service.runbook(named: name)
                }
            }
            if json {
                try JSONOutput.print(RunbookDocument(runbook, withContent: true))
                return
            }
            var lines = [
                "Runbook:   \(runbook.name) (\(runbook.type))", "State:     \(runbook.state.rawValue)",
                "Published: "
                    + (runbook.published.map {
                        "\(Terminal.time($0.at)) from \(runbook.publishedFrom ?? "-"), digest \($0.digest)"
                    } ?? "never"),
                "Draft:     " + (runbook.draft.map { "\(Terminal.time($0.at)), digest \($0.digest)" } ?? "none"),
            ]
            if !runbook.description.isEmpty { lines.insert("About:     \(runbook.description)", at: 1) }
            if let content = runbook.published?.content ?? runbook.draft?.content {
                lines.append("")
                let numbered = content.split(separator: "\n", omittingEmptySubsequences: false)
                let width = String(numbered.count).count
                for (index, line) in numbered.enumerated() where index < numbered.count - 1 || !line.isEmpty {
                    let number = String(index + 1)
                    lines.append(String(repeating: " ", count: width - number.count) + number + "  " + line)
                }
            }
            Terminal.out(lines.joined(separator: "\n"))
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a runbook resource (its past jobs keep the content they ran).")

        @Argument(help: "Runbook name.") var name: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let name = self.name
            try await store.withService(create: false) { service in
                try await Terminal.exitOnError { () async throws(ServiceError) in
                    try await service.deleteRunbook(named: name)
                }
            }
            Terminal.out("Deleted runbook '\(name)'. Schedules that start it record their fires as failed.")
        }
    }
}
