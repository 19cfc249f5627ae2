import Automation
import AutomationStore
import ChangeTracking
import Foundation

/// What the portal asks of the application layer beyond the command line's use cases: pages
/// of changes with their counts over time, one change, and enabling tracking on ticked machines.
extension AutomationService {
    public func changePage(_ query: ChangePageQuery) async throws(ServiceError) -> [ChangeRow] {
        try await storeCall { try await pageStore.changePage(query) }
    }

    public func change(id: Int64) async throws(ServiceError) -> ChangeRow {
        guard let found = try await storeCall({ try await pageStore.change(id: id) }) else {
            throw .notFound(kind: "change", name: String(id), hint: "")
        }
        return found
    }

    /// Counts per type in buckets of `bucketSeconds` from `from` to `to`.
    public func changeCounts(_ query: ChangePageQuery, from: Date, to: Date, bucketSeconds: Int64)
        async throws(ServiceError) -> [ChangeCount]
    {
        try await storeCall {
            try await pageStore.changeCounts(query, from: from, to: to, bucketSeconds: bucketSeconds)
        }
    }

    /// The number of changes in each slot (a type and a time range), one per slot.
    public func changeCounts(_ slots: [ChangeSlot]) async throws(ServiceError) -> [Int] {
        try await storeCall { try await pageStore.changeCounts(slots) }
    }

    /// The oldest and newest time of the changes the query's filters select.
    public func changeSpan(_ query: ChangePageQuery) async throws(ServiceError) -> (Date, Date)? {
        try await storeCall { try await pageStore.changeSpan(query) }.map { ($0.first, $0.last) }
    }

    /// A page of the machine list, filtered to a subscription and location when given.
    public func machineList(subscription: String?, location: String?, offset: Int, limit: Int)
        async throws(ServiceError) -> (rows: [MachineListRow], matching: Int, total: Int)
    {
        let page = try await storeCall {
            try await pageStore.machineList(
                subscription: subscription, location: location, offset: offset, limit: limit)
        }
        return (page.rows, page.matching, page.total)
    }

    /// One machine's result of an enablement from the portal.
    public struct MachineEnablement: Sendable, Hashable {
        public var machine: String
        public var succeeded: Bool
        /// What was done, or every reason it was refused (missing prerequisites in words).
        public var lines: [String]
    }

    /// Enables `solutions` on the named machines with the default (or named) account and
    /// workspace, through the same checks as an enable-tracking step. `general` holds lines
    /// that concern no one machine (an unknown account, the summary).
    public func enableTracking(
        machines: [String], solutions: [Solution], account: String?, workspace: String?
    ) async throws(ServiceError) -> (machines: [MachineEnablement], general: [String], aborted: String?) {
        let sink = CollectingSink()
        let request = EnablementRequest(
            solutions: solutions, scope: .selected, targets: TargetSpec(machines: machines), account: account,
            workspace: workspace)
        let outcome: EnablementOutcome
        do {
            outcome = try await TrackingEnablement(store: stores, now: now).enable(request, jobId: nil, sink: sink)
        } catch {
            throw Self.storeError(error)
        }
        let lines = await sink.lines
        var results: [MachineEnablement] = []
        var claimed = Set<Int>()
        for name in machines {
            var mine: [String] = []
            for (index, line) in lines.enumerated() {
                if line.hasPrefix(name + ": ") {
                    mine.append(String(line.dropFirst(name.count + 2)))
                    claimed.insert(index)
                } else if line.contains("'\(name)'") && !claimed.contains(index) {
                    mine.append(line)
                    claimed.insert(index)
                }
            }
            results.append(
                MachineEnablement(machine: name, succeeded: outcome.succeeded.contains(name), lines: mine))
        }
        let general = lines.enumerated().filter { !claimed.contains($0.offset) }.map(\.element)
        return (results, general, outcome.aborted)
    }
}

/// Keeps a use case's stream lines for a front end that shows them together.
public actor CollectingSink: StreamSink {
    public private(set) var records: [(kind: StreamKind, message: String)] = []

    public init() {}

    public var lines: [String] { records.map(\.message) }

    public func write(_ kind: StreamKind, _ message: String) {
        records.append((kind, message))
    }
}
