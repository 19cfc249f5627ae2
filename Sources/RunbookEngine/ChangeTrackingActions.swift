import Automation
import ChangeTracking
import Foundation

/// `configure-tracking`: add, change or remove tracked items.
struct ConfigureTrackingAction: ActionHandler {
    let name = "configure-tracking"

    func run(_ inputs: Value, context: ActionContext) async throws -> StepResult {
        var servicesFrequency: Duration?
        if let text = inputs["servicesFrequency"]?.stringValue {
            do {
                servicesFrequency = try DurationText.read(text)
            } catch {
                await context.sink.write(.error, "servicesFrequency: \(error)")
                return .failed("invalid 'servicesFrequency'")
            }
        }
        let request = ConfigurationRequest(
            account: inputs["account"]?.nonEmptyString,
            files: (inputs["files"]?.listValue ?? []).map(Self.file),
            registry: (inputs["registry"]?.listValue ?? []).map(Self.registryKey),
            enableDefaultRegistryKeys: inputs["enableDefaultRegistryKeys"]?.boolValue ?? false,
            remove: inputs["remove"]?.listValue?.compactMap(\.stringValue) ?? [],
            servicesFrequency: servicesFrequency)
        let applied = try await TrackingConfiguration(store: context.store, now: context.now)
            .apply(request, jobId: context.jobId, sink: context.sink)
        return applied ? .succeeded : .failed("tracking settings were refused; nothing was changed")
    }

    static func file(_ value: Value) -> TrackedFile {
        TrackedFile(
            name: value["name"]?.stringValue ?? "", group: value["group"]?.stringValue ?? "Custom",
            enabled: value["enabled"]?.boolValue ?? true,
            os: value["os"]?.stringValue.flatMap(OSFamily.init(rawValue:)) ?? .linux,
            path: value["path"]?.stringValue ?? "",
            pathType: value["pathType"]?.stringValue.flatMap(TrackedFile.PathType.init(rawValue:)) ?? .file,
            recurse: value["recurse"]?.boolValue ?? false, uploadContent: value["uploadContent"]?.boolValue ?? false,
            useSudo: value["useSudo"]?.boolValue ?? false,
            links: value["links"]?.stringValue.flatMap(LinkHandling.init(rawValue:)) ?? .ignore)
    }

    static func registryKey(_ value: Value) -> TrackedRegistryKey {
        TrackedRegistryKey(
            name: value["name"]?.stringValue ?? "", group: value["group"]?.stringValue ?? "Custom",
            enabled: value["enabled"]?.boolValue ?? true, key: value["key"]?.stringValue ?? "",
            value: value["value"]?.stringValue, recurse: value["recurse"]?.boolValue ?? false)
    }
}

/// `scan`: collect, store and diff the target machines.
struct ScanAction: ActionHandler {
    let name = "scan"

    func run(_ inputs: Value, context: ActionContext) async throws -> StepResult {
        if context.trackingStore == nil, let own = context.ownMachine {
            return try await OwnMachineScanStep.run(inputs, machine: own, context: context)
        }
        let accountName = inputs["account"]?.nonEmptyString
        guard let account = try await context.store.account(namedOrDefault: accountName) else {
            await context.sink.write(.error, "no Automation account '\(accountName ?? "(default)")'")
            return .failed("no account")
        }
        let selection = TargetSelection.select(
            TargetSpec(inputs["targets"]), from: try await context.store.machines(), account: account.account)
        for refusal in selection.refused { await context.sink.write(.error, refusal.reason) }
        let outcome = try await Scanner(store: context.store, now: context.now)
            .scan(
                selection.selected, account: account, jobId: context.jobId, sink: context.sink,
                progress: context.sink.progress, leaseNode: context.recorder.leaseNode)
        try await context.recordTargets(outcome.scanned + outcome.failed + selection.refused.map(\.name))
        let failed = outcome.failed + selection.refused.map(\.name)
        await context.sink.write(
            .output,
            "Scanned \(outcome.scanned.count) machine(s), \(outcome.changes) change(s) recorded"
                + (failed.isEmpty ? "" : "; failed: " + failed.joined(separator: ", ")))
        guard failed.isEmpty else { return .failed("scan failed on: " + failed.joined(separator: ", ")) }
        // The optional drift gate: file changes under these prefixes, found by this scan, fail it.
        let prefixes = inputs["failOnChangesUnder"]?.listValue?.compactMap(\.stringValue) ?? []
        guard !prefixes.isEmpty else { return .succeeded }
        return try await DriftGate.check(
            ChangeFilter(type: .files, jobId: context.jobId), paths: prefixes, types: [], machines: [],
            context: context, scope: "found by this scan under " + prefixes.joined(separator: ", "))
    }
}

/// `assert-no-changes`: a drift gate that fails the job when matching changes were recorded.
struct AssertNoChangesAction: ActionHandler {
    let name = "assert-no-changes"

    func run(_ inputs: Value, context: ActionContext) async throws -> StepResult {
        let since = inputs["since"]?.stringValue ?? "job"
        if let query = inputs["query"]?.nonEmptyString {
            if ["types", "paths", "machines"].contains(where: { inputs[$0] != nil }) {
                await context.sink.write(
                    .error, "query: say everything in the query; types, paths and machines do not apply")
                return .failed("query combined with filters")
            }
            guard since == "job" || since.isEmpty else {
                guard let duration = DurationText.parse(since) else {
                    await context.sink.write(.error, "since: \(Quoted.clip(since)) is not a duration such as 1h")
                    return .failed("invalid 'since'")
                }
                return try await QueryGate.gate(query, since: duration, context: context)
            }
            return try await QueryGate.gate(query, since: nil, context: context)
        }
        var filter = ChangeFilter()
        if since == "job" || since.isEmpty {
            filter.jobId = context.jobId
        } else {
            do {
                let duration = try DurationText.read(since)
                filter.since = duration.before(context.now())
            } catch {
                await context.sink.write(.error, "since: \(error), nor 'job'")
                return .failed("invalid 'since'")
            }
        }
        let types = Set(
            inputs["types"]?.listValue?.compactMap { $0.stringValue.flatMap(ConfigType.init(rawValue:)) } ?? [])
        return try await DriftGate.check(
            filter, paths: inputs["paths"]?.listValue?.compactMap(\.stringValue) ?? [], types: types,
            machines: Set(inputs["machines"]?.listValue?.compactMap(\.stringValue) ?? []), context: context,
            scope: since == "job" || since.isEmpty ? "in this job" : "since \(since)")
    }
}

/// Fails a step when recorded changes match: the drift gate of `scan` and `assert-no-changes`.
enum DriftGate {
    static func check(
        _ filter: ChangeFilter, paths: [String], types: Set<ConfigType>, machines: Set<String>,
        context: ActionContext, scope: String
    ) async throws -> StepResult {
        let matching = try await context.store.changes(filter).filter { row in
            (types.isEmpty || types.contains(row.change.type))
                && (paths.isEmpty || paths.contains { row.change.key.hasPrefix($0) })
                && (machines.isEmpty || machines.contains(row.computer))
        }
        guard !matching.isEmpty else {
            await context.sink.write(.output, "No matching changes (\(scope)).")
            return .succeeded
        }
        for row in matching.prefix(50) {
            let fields =
                row.change.fieldsChanged.isEmpty ? "" : " [\(row.change.fieldsChanged.joined(separator: ", "))]"
            await context.sink.write(
                .error,
                "\(row.computer): \(row.change.type.rawValue) \(row.change.category.rawValue) \(row.change.key)\(fields)"
            )
        }
        if matching.count > 50 { await context.sink.write(.error, "... and \(matching.count - 50) more") }
        return .failed("\(matching.count) matching change(s) found (\(scope))")
    }
}

/// `report-changes`: counts and lines of what changed since a time, for people reading a job's output.
struct ReportChangesAction: ActionHandler {
    let name = "report-changes"

    func run(_ inputs: Value, context: ActionContext) async throws -> StepResult {
        let since = inputs["since"]?.nonEmptyString ?? "24h"
        let duration: Duration
        do {
            duration = try DurationText.read(since)
        } catch {
            await context.sink.write(.error, "since: \(error)")
            return .failed("invalid 'since'")
        }
        if let query = inputs["query"]?.nonEmptyString {
            guard let table = try await QueryGate.run(query, since: duration, context: context) else {
                return .failed("invalid query")
            }
            await context.sink.write(.output, "Query rows in the last \(since): \(table.rows.count)")
            for row in table.rows.prefix(200) {
                await context.sink.write(.output, "  " + QueryGate.line(row, columns: table.columns))
            }
            return .succeeded
        }
        let machines = Set(inputs["machines"]?.listValue?.compactMap(\.stringValue) ?? [])
        let rows = try await context.store.changes(
            ChangeFilter(since: duration.before(context.now()))
        ).filter { machines.isEmpty || machines.contains($0.computer) }
        await context.sink.write(.output, "Changes in the last \(since): \(rows.count)")
        let grouped = Dictionary(grouping: rows) { "\($0.computer) \($0.change.type.rawValue)" }
        for key in grouped.keys.sorted() {
            let group = grouped[key] ?? []
            let counts = ChangeCategory.allCases.compactMap { category -> String? in
                let count = group.filter { $0.change.category == category }.count
                return count == 0 ? nil : "\(count) \(category.rawValue.lowercased())"
            }
            await context.sink.write(.output, "  \(key): " + counts.joined(separator: ", "))
        }
        for row in rows.prefix(200) {
            await context.sink.write(
                .verbose,
                "\(row.computer) \(row.change.type.rawValue) \(row.change.category.rawValue) \(row.change.key)")
        }
        return .succeeded
    }
}
