import Foundation

/// What the job engine records while it runs a job: status transitions, step boundaries
/// (where stop and suspend requests take effect), stream records and targets. Both stores
/// implement it; a node's view of the PostgreSQL store (`NodeJobRecorder`) also fences every
/// write with the node's lease, so a node whose job was recovered elsewhere cannot write to it
/// any more. Creating and reading jobs is `JobStoring`'s, unfenced.
public protocol JobRecording: Sendable {
    /// Reads the stop and suspend requests and, unless a stop was asked, moves the job through
    /// `entering` and records `step` as its checkpoint; one transaction.
    func stepBoundary(job id: String, entering: [JobStatus], step: Int, at now: Date) async throws -> JobStepRequests
    /// Suspends a job before step `step`; it no longer belongs to a process or node.
    /// `waitRemaining`: the seconds a `wait` step suspended in its middle has left, which a
    /// resume waits instead of the whole wait (nil otherwise).
    func suspend(job id: String, atStep step: Int, at now: Date, reason: String, waitRemaining: Double?) async throws
    /// Moves a job to `status` with its status-history entry; start and end times with it.
    func transition(job id: String, to status: JobStatus, at now: Date, exception: String?) async throws
    /// Appends stream records in order; returns them with their sequence numbers.
    func appendStream(job id: String, _ entries: [(StreamKind, Date, String)]) async throws -> [StreamRecord]
    /// What was asked of the job from another process or node while a step runs: a stop (also
    /// reported for a job that already ended elsewhere), or a suspend.
    func pendingRequests(job id: String) async throws -> JobStepRequests
    /// Bytes stored per stream and whether it was truncated, so a resumed job keeps its caps.
    func streamUsage(job id: String) async throws -> [StreamKind: JobStreamUsage]
    /// Takes a Resuming job for this process; false when another took it first.
    func claimResume(job id: String) async throws -> Bool
    /// Adds machine names to the job's targets (sorted, without repeats).
    func addTargets(job id: String, _ names: [String]) async throws
    /// Hands the job over, between steps, to where step `step` (0-based) runs: a Hybrid Runbook
    /// Worker group, or the service's nodes (nil). It waits Resuming, held by no process or
    /// node, with `step` as its checkpoint, until a worker of the group (or a node) claims it
    /// and runs on from there; one transaction.
    func handOver(job id: String, beforeStep step: Int, to group: String?, at now: Date) async throws
    /// The node whose lease this view's writes check (a PostgreSQL node's fenced view); nil
    /// for a store's own view.
    var leaseNode: String? { get }
}

/// What was asked of a job from elsewhere, as a step boundary reads it.
public struct JobStepRequests: Sendable, Hashable, Codable {
    public var stop: Bool
    public var suspend: Bool
    /// Who asked (`JobRequester.phrase`), when the request said.
    public var requestedBy: String?

    public init(stop: Bool, suspend: Bool, requestedBy: String? = nil) {
        self.stop = stop
        self.suspend = suspend
        self.requestedBy = requestedBy
    }
}

/// One stream's stored size and whether it reached its cap.
public struct JobStreamUsage: Sendable, Hashable, Codable {
    public var bytes: Int
    public var truncated: Bool

    public init(bytes: Int, truncated: Bool) {
        self.bytes = bytes
        self.truncated = truncated
    }
}

extension JobRecording {
    public var leaseNode: String? { nil }
}
