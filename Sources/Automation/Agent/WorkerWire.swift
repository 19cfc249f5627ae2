import Foundation

/// What a Hybrid Runbook Worker (`runbook agent --group`) and the service say to each other
/// under `/agent/v1/worker`, with the agent's credential.

/// A worker's poll: the groups it works for, how many jobs it runs at once, the jobs it runs
/// now; the service answers at once when a job waits, else within `waitSeconds` (at most 30).
public struct WorkerPoll: Sendable, Hashable, Codable {
    public var groups: [String]
    public var concurrency: Int
    public var running: [String]
    /// The agent's process id (the lease's holder, as a node's).
    public var pid: Int
    public var waitSeconds: Int

    public init(groups: [String], concurrency: Int, running: [String], pid: Int, waitSeconds: Int) {
        self.groups = groups
        self.concurrency = concurrency
        self.running = running
        self.pid = pid
        self.waitSeconds = waitSeconds
    }
}

/// The service's answer to a poll.
public struct WorkerPollAnswer: Sendable, Hashable, Codable {
    /// Jobs claimed for this worker now, with their runbook content and parameters.
    public var jobs: [Job]
    /// Of the jobs the worker said it runs, those whose lease it still holds: it stops the others
    /// (recovered elsewhere, or revoked).
    public var held: [String]

    public init(jobs: [Job], held: [String]) {
        self.jobs = jobs
        self.held = held
    }
}

/// One of the job engine's writes, made by a worker for a job it holds (`JobRecording`'s
/// operations, one per request).
public struct WorkerRecord: Sendable, Hashable, Codable {
    public enum Operation: String, Sendable, Hashable, Codable {
        case stepBoundary, suspend, transition, appendStream, pendingRequests, streamUsage, claimResume, addTargets,
            handOver
    }

    public struct Entry: Sendable, Hashable, Codable {
        public var kind: StreamKind
        public var at: Date
        public var message: String

        public init(kind: StreamKind, at: Date, message: String) {
            self.kind = kind
            self.at = at
            self.message = message
        }
    }

    public var operation: Operation
    public var at: Date
    public var step: Int?
    public var entering: [JobStatus]?
    public var status: JobStatus?
    public var exception: String?
    public var reason: String?
    public var waitRemaining: Double?
    public var entries: [Entry]?
    public var names: [String]?

    public init(
        operation: Operation, at: Date, step: Int? = nil, entering: [JobStatus]? = nil, status: JobStatus? = nil,
        exception: String? = nil, reason: String? = nil, waitRemaining: Double? = nil, entries: [Entry]? = nil,
        names: [String]? = nil
    ) {
        self.operation = operation
        self.at = at
        self.step = step
        self.entering = entering
        self.status = status
        self.exception = exception
        self.reason = reason
        self.waitRemaining = waitRemaining
        self.entries = entries
        self.names = names
    }
}

/// The answer to a `WorkerRecord`: what its operation returns.
public struct WorkerRecordAnswer: Sendable, Hashable, Codable {
    public var requests: JobStepRequests?
    public var records: [StreamRecord]?
    public var usage: [String: JobStreamUsage]?
    public var claimed: Bool?

    public init(
        requests: JobStepRequests? = nil, records: [StreamRecord]? = nil, usage: [String: JobStreamUsage]? = nil,
        claimed: Bool? = nil
    ) {
        self.requests = requests
        self.records = records
        self.usage = usage
        self.claimed = claimed
    }
}
