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
        @Option(help: "Only this type: Files, Software, WindowsServices, Registry or Daemons.") var type: String?
        @Option(help: "Only this category: Added, Removed or Modified.") var category: String?
        @Option(help: "Only changes since a duration ago (30m, 1h, 2d) or an ISO 8601 time.") var since: String?
        @Option(help: "At most this many rows.") var limit = 200
        @Flag(help: "Print JSON with Azure's column names.") var json = false
        @OptionGroup var layout: TableLayout
        @OptionGroup var store: StoreOptions

        func validate() throws {
            if let type, ConfigType(caseInsensitive: type) == nil {
                throw ValidationError(
                    "unknown type '\(type)'; one of: " + ConfigType.allCases.map(\.rawValue).joined(separator: ", "))
            }
            if let category, ChangeCategory(caseInsensitive: category) == nil {
                throw ValidationError("unknown category '\(category)'; one of: Added, Removed, Modified")
            }
            guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
            if let since, TimeArgument.date(since, now: Date()) == nil {
                throw ValidationError("--since '\(since)' is neither a duration (30m, 1h, 2d) nor an ISO 8601 time")
            }
        }

        func run() async throws {
            let filter = ChangeFilter(
                machine: machine, type: type.flatMap(ConfigType.init(caseInsensitive:)),
                category: category.flatMap(ChangeCategory.init(caseInsensitive:)),
                since: since.flatMap { TimeArgument.date($0, now: Date()) }, limit: limit)
            let rows = try await store.withService(create: false) { service in
                try await MachineLookup.check(filter.machine, in: service)
                return try await service.changes(filter)
            }
            if json {
                try JSONOutput.print(rows.map(AzureColumns.change))
                return
            }
            guard !rows.isEmpty else {
                Terminal.out("No changes recorded. A machine's first scan is its baseline; scan again after a change.")
                return
            }
            var table = Table(headers: ["TIME", "COMPUTER", "TYPE", "CATEGORY", "ITEM", "FIELDS CHANGED"])
            for row in rows {
                table.rows.append([
                    Terminal.time(row.timeGenerated), row.computer, row.change.type.rawValue,
                    row.change.category.rawValue, row.change.key,
                    row.change.fieldsChanged.isEmpty ? "-" : row.change.fieldsChanged.joined(separator: ", "),
                ])
            }
            Terminal.out(table.render(width: layout.width))
        }
    }

    struct Inventory: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Query ConfigurationData: each machine's inventory from its latest scan.")

        @Option(help: "Only this machine (Computer).") var machine: String?
        @Option(help: "Only this type: Files, Software, WindowsServices, Registry or Daemons.") var type: String?
        @Flag(help: "Print JSON with Azure's column names.") var json = false
        @OptionGroup var layout: TableLayout
        @OptionGroup var store: StoreOptions

        func validate() throws {
            if let type, ConfigType(caseInsensitive: type) == nil {
                throw ValidationError(
                    "unknown type '\(type)'; one of: " + ConfigType.allCases.map(\.rawValue).joined(separator: ", "))
            }
        }

        func run() async throws {
            let type = type.flatMap(ConfigType.init(caseInsensitive:))
            let rows = try await store.withService(create: false) { service in
                try await MachineLookup.check(machine, in: service)
                return try await service.inventory(machine: machine, type: type)
            }
            if json {
                try JSONOutput.print(rows.map(AzureColumns.data))
                return
            }
            guard !rows.isEmpty else {
                Terminal.out("No inventory yet. Run: runbook run scan")
                return
            }
            var table = Table(headers: ["COMPUTER", "TYPE", "ITEM", "VALUE"])
            for row in rows {
                table.rows.append([
                    row.computer, row.item.type.rawValue, row.item.key,
                    row.item.fields[row.item.type.valueColumn] ?? "",
                ])
            }
            Terminal.out(table.render(width: layout.width))
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
            return now.addingTimeInterval(-Double(duration.components.seconds))
        }
        return try? Date(text, strategy: .iso8601)
    }
}
