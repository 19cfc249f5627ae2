import Foundation

/// One machine's `runbook agent` working for a Hybrid Runbook Worker group.
public struct HybridWorkerInfo: Sendable, Hashable {
    public var group: String
    public var machine: String
    public var registeredAt: Date
    public var lastSeenAt: Date
    /// How many jobs it runs at once (its `--concurrency`).
    public var concurrency: Int
    /// The unfinished jobs it holds, by id.
    public var jobs: [String]

    public init(
        group: String, machine: String, registeredAt: Date, lastSeenAt: Date, concurrency: Int, jobs: [String] = []
    ) {
        self.group = group
        self.machine = machine
        self.registeredAt = registeredAt
        self.lastSeenAt = lastSeenAt
        self.concurrency = concurrency
        self.jobs = jobs
    }

    /// The node id a worker holds its jobs' leases under (the lease, renewal and recovery of
    /// `NodeStoring`, as for a node).
    public static func nodeId(machine: String) -> String { nodePrefix + machine }
    public static let nodePrefix = "worker:"
}

/// Hybrid Runbook Worker groups: agents that run jobs created with `runOn: GROUP`. A worker is
/// a node to the store (`HybridWorkerInfo.nodeId`): it registers, heartbeats and holds leases
/// as one, and a silent worker's jobs are recovered as a silent node's are.
public protocol HybridWorkerStoring: NodeStoring {
    /// Records that the machine's agent works for exactly `groups` now: it joins the new ones,
    /// leaves the others, and is seen now in each. An unknown machine is `StoreError.notFound`.
    func workerSeen(machine: String, groups: [String], concurrency: Int, at now: Date) async throws
    /// Every worker of every group, by group and machine.
    func hybridWorkers() async throws -> [HybridWorkerInfo]
    /// Removes a machine from a group (false: it was not in it).
    func removeHybridWorker(group: String, machine: String) async throws -> Bool
    /// Removes a group and its workers (false: no such group). Its waiting jobs stay New.
    func removeHybridWorkerGroup(_ group: String) async throws -> Bool
    /// Takes up to `limit` jobs waiting in New (or Resuming, with no process) whose `runOn` is
    /// one of `groups`, oldest first, leased to the worker's node for `lease`. Workers
    /// claiming at once never take the same job.
    func claimGroupJobs(node id: String, groups: [String], limit: Int, lease: Duration) async throws -> [Job]
    /// The job engine's writes as a worker makes them: each checks, in its transaction, that the
    /// worker's node still holds the job's lease (else `StoreError.leaseLost`), so a worker
    /// whose job was recovered and retried elsewhere cannot change it any more.
    func workerRecorder(node: String) -> any JobRecording
    /// Whether the worker's node holds the job's lease and the job has not ended.
    func workerHolds(node: String, job id: String) async throws -> Bool
    /// Suspends the jobs that have waited for their group (unclaimed, New or Resuming) longer
    /// than `window` since their last status change while no worker of the group was seen within
    /// it, as Azure suspends a group's jobs when none of its workers has been seen for 30
    /// minutes; the exception says why and how to go on (`WorkerAbsence.reason`).
    func suspendJobsWithoutWorkers(waitedLongerThan window: Duration) async throws -> [RecoveredJob]
}

/// Why a job for a group without a live worker was Suspended, the same on every store.
public enum WorkerAbsence {
    /// Azure's: a group none of whose workers has been seen for 30 minutes.
    public static let defaultWindow: Duration = .seconds(30 * 60)

    /// Why a job cannot run on `group` (no agent works for it), or nil when one does: the group
    /// must exist when the job starts, else the job is recorded Failed with this.
    public static func missingGroup(_ group: String, among groups: Set<String>) -> String? {
        guard !groups.contains(group) else { return nil }
        let known =
            groups.isEmpty ? "no agent has joined a group yet" : "groups: \(groups.sorted().joined(separator: ", "))"
        return "the Hybrid Runbook Worker group '\(group)' does not exist (\(known)); an agent joins one with "
            + "'runbook agent ... --group \(group)'"
    }

    public static func reason(group: String, window: Duration, lastSeen: Date?) -> String {
        let waited = DurationText.format(window)
        let seen =
            lastSeen.map { "since \($0.formatted(Date.ISO8601FormatStyle()))" } ?? "ever (no worker has joined it)"
        return "no worker of the hybrid worker group '\(group)' has been seen \(seen): suspended after waiting "
            + "\(waited) for one; start 'runbook agent ... --group \(group)' on a machine, then resume the job"
    }
}
