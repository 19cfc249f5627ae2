import ArgumentParser
import Automation
import AutomationService
import Foundation

extension RunbookCommand {
    struct Changes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Query ConfigurationChange: what scans found changed, newest first.",
            discussion: Help.reflow(
                """
                A change is queryable as soon as the scan that found it commits (Azure may take up to
                6 hours). --json prints Log Analytics rows with Azure's column names.

                Examples:
                  runbook changes --since 1h
                  runbook changes --machine contoso-lnx01 --type Files --json
                """))

        @Option(help: "Only this machine (Computer).") var machine: String?
        @Option(help: "Only this type.") var type: ConfigType?
        @Option(help: "Only this category.") var category: ChangeCategory?
        @Option(help: "Only changes since a duration ago (30m, 1h, 2d) or an ISO 8601 time.") var since: String?
        @Option(help: "At most this many rows.") var limit = 200
        @Flag(help: "Print JSON with Azure's column names.") var json = false
        @OptionGroup var layout: TableLayout
        @OptionGroup var store: StoreOptions

        func validate() throws {
            guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
            if let since, TimeArgument.date(since, now: Date()) == nil {
                throw ValidationError("--since '\(since)' is neither a duration (30m, 1h, 2d) nor an ISO 8601 time")
            }
        }

        func run() async throws {
            let filter = ChangeFilter(
                machine: machine, type: type, category: category,
                since: since.flatMap { TimeArgument.date($0, now: Date()) }, limit: limit)
            let rows = try await store.withService(create: false) { service in
                try await MachineLookup.check(filter.machine, in: service)
                return try await service.changes(filter)
            }
            try ListOutput<ChangeRow>(
                headers: ["TIME", "COMPUTER", "TYPE", "CATEGORY", "ITEM", "FIELDS CHANGED"],
                empty: "No changes recorded. A machine's first scan is its baseline; scan again after a change."
            ) { row in
                [
                    Terminal.time(row.timeGenerated), row.computer, row.change.type.rawValue,
                    row.change.category.rawValue, row.change.key,
                    row.change.fieldsChanged.isEmpty ? "-" : row.change.fieldsChanged.joined(separator: ", "),
                ]
            }.print(rows, json: json, width: layout.width, document: AzureColumns.change)
        }
    }

    struct Inventory: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Query ConfigurationData: each machine's inventory from its latest scan.")

        @Option(help: "Only this machine (Computer).") var machine: String?
        @Option(help: "Only this type.") var type: ConfigType?
        @Flag(help: "Print JSON with Azure's column names.") var json = false
        @OptionGroup var layout: TableLayout
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let rows = try await store.withService(create: false) { service in
                try await MachineLookup.check(machine, in: service)
                return try await service.inventory(machine: machine, type: type)
            }
            try ListOutput<InventoryRow>(
                headers: ["COMPUTER", "TYPE", "ITEM", "VALUE"], empty: "No inventory yet. Run: runbook run scan"
            ) { row in
                [row.computer, row.item.type.rawValue, row.item.key, row.item.fields[row.item.type.valueColumn] ?? ""]
            }.print(rows, json: json, width: layout.width, document: AzureColumns.data)
        }
    }
}

/// A `--machine` filter names a registered machine: a typo is an error with a suggestion,
/// not an empty result that looks like "nothing changed".
enum MachineLookup {
    static func check(_ name: String?, in service: AutomationService) async throws {
        guard let name else { return }
        let names = try await service.machineNames()
        guard names.contains(name) else {
            Terminal.error("no machine named '\(name)'\(Suggestion.hint(for: name, among: names))")
            throw ExitCode(1)
        }
    }
}

/// `--since` values: a duration back from now, or an ISO 8601 time.
enum TimeArgument {
    static func date(_ text: String, now: Date) -> Date? {
        if let duration = DurationText.parse(text) {
            return duration.before(now)
        }
        return try? Date(text, strategy: .iso8601)
    }
}
