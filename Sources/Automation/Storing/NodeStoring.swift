import Foundation

/// Nodes sharing one store (docs/ARCHITECTURE.md, "Nodes"): each `runbook serve` or `runbook scheduler`
/// process registers with an id and renews a heartbeat; a job it runs is held by a lease it
/// renews with that heartbeat. When a node stops heartbeating, any other node recovers its jobs
/// once their leases expire, with the usual recovery rules (`JobLifecycle.recover`) and a reason
/// naming the node. Implemented on PostgreSQL (`PostgresStore`) and on the embedded store
/// (`AsyncAutomationStore`), where a node's heartbeat also leases the jobs its process owns.
///
/// Time is the store's: heartbeats, lease ends and their expiry are read from the database's
/// clock, so a node whose clock is wrong neither recovers another's jobs early nor keeps its own
/// too long. Callers give lengths, never times.
public protocol NodeStoring: Sendable {
    /// Records the node (or its restart under the same id) with a heartbeat now. An id whose
    /// row another process (host and pid) heartbeated within `lease` is `StoreError.nodeInUse`:
    /// two live processes under one id would each think they hold the other's jobs.
    func registerNode(id: String, host: String, pid: Int, lease: Duration) async throws
    /// Renews the node's heartbeat and the leases of the jobs it holds, for `lease` from now.
    /// Returns the jobs it still holds: a job recovered by another node meanwhile, or whose
    /// lease already expired (a renewal that came too late, a released job), is not among them,
    /// and its runner must stop; recovery ends it. An unknown node is `StoreError.notFound`.
    func heartbeat(node id: String, lease: Duration) async throws -> [String]
    /// Takes up to `limit` jobs waiting in New (or queued to resume, Resuming) that no node
    /// holds, oldest first, leased to the node for `lease`. Nodes claiming at once never take
    /// the same job.
    func claimNewJobs(node id: String, limit: Int, lease: Duration) async throws -> [Job]
    /// Gives up jobs the node holds but does not run (a claim that committed after its caller
    /// timed out): New and Resuming ones go back to wait for any node; others have their lease
    /// expired now, so that recovery ends them with a reason naming the node.
    func releaseJobs(node id: String, _ jobs: [String]) async throws
    /// Recovers the unfinished jobs whose lease has expired (their node stopped heartbeating):
    /// Suspended, Stopped or Failed as `JobLifecycle.recover` decides, the exception naming the
    /// node. Nodes recovering at once never recover the same job twice.
    func recoverExpiredLeases() async throws -> [RecoveredJob]
    /// Every node with its last heartbeat and the unfinished jobs it holds.
    func nodes() async throws -> [NodeInfo]
    /// Records a clean stop: the id is free at once for the next process (no lease to wait
    /// out), and `nodes` shows the node as stopped. Stopped nodes that hold no job are pruned
    /// once they have been stopped for `NodeInfo.stoppedRetention`, when a node registers.
    func stopNode(id: String) async throws
}

/// A node as the store knows it.
public struct NodeInfo: Sendable, Hashable {
    /// Whether a node is running: it heartbeats (live), it stopped heartbeating without saying
    /// so and its lease has passed (stale: killed, hung, cut off), or it stopped cleanly.
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        case live, stale, stopped
    }

    /// How long a cleanly stopped node stays listed.
    public static let stoppedRetention: TimeInterval = 7 * 86_400

    public var id: String
    public var host: String
    public var pid: Int
    public var startedAt: Date
    public var heartbeatAt: Date
    /// Unfinished jobs it holds a lease on, by id.
    public var jobs: [String]
    /// The lease it registered with: silent for longer than this, it is stale.
    public var leaseSeconds: Double
    /// When it stopped cleanly; nil while it runs (or if it died).
    public var stoppedAt: Date?

    public init(
        id: String, host: String, pid: Int, startedAt: Date, heartbeatAt: Date, jobs: [String],
        leaseSeconds: Double = 30, stoppedAt: Date? = nil
    ) {
        self.id = id
        self.host = host
        self.pid = pid
        self.startedAt = startedAt
        self.heartbeatAt = heartbeatAt
        self.jobs = jobs
        self.leaseSeconds = leaseSeconds
        self.stoppedAt = stoppedAt
    }

    public func state(at now: Date) -> State {
        if stoppedAt != nil { return .stopped }
        return now.timeIntervalSince(heartbeatAt) > leaseSeconds ? .stale : .live
    }
}

/// Why recovery ended or suspended a job whose lease expired, the same on every store.
public enum LeaseExpiry {
    public static func reason(
        node: String, pid: Int, host: String, heartbeat: Date, expired: Date, status: JobStatus, stopped: Date? = nil
    ) -> String {
        let time = Date.ISO8601FormatStyle()
        let who =
            node.hasPrefix(HybridWorkerInfo.nodePrefix)
            ? "the hybrid worker \(node.dropFirst(HybridWorkerInfo.nodePrefix.count)) (its agent's pid \(pid))"
            : "node \(node) (pid \(pid) on \(host))"
        // A worker that stopped cleanly (SIGTERM) gave its jobs back at once.
        if let stopped {
            return "\(who) stopped at \(stopped.formatted(time)) (a clean stop) while this job was \(status.rawValue)"
        }
        guard heartbeat >= expired else {
            return "\(who) stopped heartbeating at \(heartbeat.formatted(time)) and its lease on this job expired at "
                + "\(expired.formatted(time)) while it was \(status.rawValue)"
        }
        // The node is back (its heartbeat is newer than the lease), but too late for this job.
        return "\(who) did not renew its lease on this job in time: the lease expired at "
            + "\(expired.formatted(time)) while it was \(status.rawValue), and the node's next heartbeat came "
            + "at \(heartbeat.formatted(time)) (the store was out of its reach, or it was paused)"
    }
}

extension NodeStoring {
    /// Registers with a 30-second lease (the nodes' default).
    public func registerNode(id: String, host: String, pid: Int) async throws {
        try await registerNode(id: id, host: host, pid: pid, lease: .seconds(30))
    }
}
