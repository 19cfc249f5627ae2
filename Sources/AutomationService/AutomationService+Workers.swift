import Automation
import Foundation

/// Hybrid Runbook Workers: `runbook agent --group NAME` polls for the jobs created with
/// `runOn: NAME`, runs them on its machine with the job engine, and records each of the
/// engine's writes here, fenced by its lease (docs/AGENTS.md, "Hybrid Runbook Workers").
extension AutomationService {
    var workerStore: any HybridWorkerStoring & AgentStoring & JobStoring { stores }

    /// How long a worker's claim on a job lasts without a poll; a worker polls at least every
    /// 30 s (a long poll's wait), so a worker silent for this long is gone: its jobs are
    /// recovered and retried from the step's start by another worker of the group.
    public static let workerLease: Duration = .seconds(90)
    /// Azure's hybrid worker polls every 30 s; here a poll waits for a job at most this long.
    public static let workerPollWait = 30
    /// How often a waiting poll records that its worker is still there (`--worker-wait` is at
    /// least twice this).
    static let workerSeenEvery: Duration = .seconds(5)
    /// Bounds of a poll (docs/SECURITY.md).
    static let maxWorkerGroups = 16
    static let maxWorkerConcurrency = 64

    /// A worker's poll: records its groups, renews its leases, and claims up to its free slots of
    /// its groups' waiting jobs, waiting for one up to `waitSeconds` (at most 30) when none waits.
    public func workerPoll(_ poll: WorkerPoll, from agent: AgentInfo) async throws(ServiceError) -> WorkerPollAnswer {
        guard (1...Self.maxWorkerGroups).contains(poll.groups.count) else {
            throw .invalid("a worker names 1 to \(Self.maxWorkerGroups) groups", target: "groups")
        }
        for group in poll.groups {
            if let problem = ResourceName.problem(group, kind: "hybrid worker group") {
                throw .invalid(problem, target: "groups")
            }
        }
        guard (1...Self.maxWorkerConcurrency).contains(poll.concurrency) else {
            throw .invalid("concurrency is 1 to \(Self.maxWorkerConcurrency)", target: "concurrency")
        }
        guard poll.running.count <= Self.maxWorkerConcurrency, poll.pid > 0 else {
            throw .invalid(
                "running lists at most \(Self.maxWorkerConcurrency) jobs, and pid is positive", target: "running")
        }
        let store = workerStore
        let node = HybridWorkerInfo.nodeId(machine: agent.machine)
        let lease = Self.workerLease
        try await storeCall {
            try await store.workerSeen(
                machine: agent.machine, groups: poll.groups, concurrency: poll.concurrency, at: now())
        }
        // One agent per machine holds the credential: a poll from another pid is its next
        // process (the previous one died or was replaced), which takes the node over at once.
        // The jobs the previous one held are given up below, so they wait again or are retried.
        try await storeCall {
            try await store.registerNode(id: node, host: agent.machine, pid: poll.pid, lease: .zero)
        }
        let held = Set(try await storeCall { try await store.heartbeat(node: node, lease: lease) })
        // Jobs leased to this machine's worker that it does not run (its previous process died
        // holding them, or a claim's answer was lost): given up now, so that they wait again
        // (not started) or are recovered and retried (started), instead of being renewed.
        let orphaned = held.subtracting(poll.running)
        if !orphaned.isEmpty {
            try await storeCall { try await store.releaseJobs(node: node, orphaned.sorted()) }
        }
        let running = poll.running.filter { held.contains($0) }
        let free = poll.concurrency - running.count
        guard free > 0 else { return WorkerPollAnswer(jobs: [], held: running) }
        // One waiting poll per machine: another one sent meanwhile (a misbehaving agent, or many
        // copies of one credential) is answered at once, so waiting polls are bounded by the
        // agents enrolled, each a read every 250 ms.
        let waits = poll.waitSeconds > 0 && cache.startWaiting(agent.machine)
        defer { if waits { cache.endWaiting(agent.machine) } }
        let deadline = ContinuousClock.now + .seconds(waits ? min(poll.waitSeconds, Self.workerPollWait) : 0)
        var seen = ContinuousClock.now
        while true {
            let claimed = try await storeCall {
                try await store.claimGroupJobs(node: node, groups: poll.groups, limit: free, lease: lease)
            }
            if !claimed.isEmpty || ContinuousClock.now >= deadline || Task.isCancelled {
                return WorkerPollAnswer(jobs: claimed, held: running)
            }
            // A worker waiting in a poll is there: it is seen every few seconds, so that its
            // group's jobs are never suspended for want of a worker while it waits.
            if ContinuousClock.now - seen >= Self.workerSeenEvery {
                seen = ContinuousClock.now
                try await storeCall {
                    try await store.workerSeen(
                        machine: agent.machine, groups: poll.groups, concurrency: poll.concurrency, at: now())
                }
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
    }

    /// One of the job engine's writes (or reads) from a worker, for a job whose lease it holds
    /// and that has not ended. What it says is checked as any input: the statuses a runner
    /// moves a job to, step numbers, sizes; the times are the service's, not the worker's clock.
    public func workerRecord(job id: String, _ record: WorkerRecord, from agent: AgentInfo) async throws(ServiceError)
        -> WorkerRecordAnswer
    {
        let node = HybridWorkerInfo.nodeId(machine: agent.machine)
        let store = workerStore
        guard try await storeCall({ try await store.workerHolds(node: node, job: id) }) else {
            throw .conflict(
                "the worker '\(agent.machine)' does not hold job '\(Quoted.clip(id))': it never claimed it, the job "
                    + "ended, or it was recovered and given to another worker")
        }
        let recorder = store.workerRecorder(node: node)
        let at = now()
        func need<T>(_ value: T?, _ field: String) throws(ServiceError) -> T {
            guard let value else { throw .invalid("\(record.operation.rawValue) needs \(field)", target: field) }
            return value
        }
        func step() throws(ServiceError) -> Int {
            let step = try need(record.step, "step")
            guard (0...10_000).contains(step) else { throw .invalid("step is 0 to 10000", target: "step") }
            return step
        }
        let textCap = 64 * 1024
        switch record.operation {
        case .stepBoundary:
            let step = try step()
            let entering = try need(record.entering, "entering")
            guard entering.allSatisfy({ [.activating, .running].contains($0) }) else {
                throw .invalid("a step boundary enters Activating or Running only", target: "entering")
            }
            return WorkerRecordAnswer(
                requests: try await storeCall {
                    try await recorder.stepBoundary(job: id, entering: entering, step: step, at: at)
                })
        case .suspend:
            let step = try step()
            let reason = String(try need(record.reason, "reason").prefix(textCap))
            let left = record.waitRemaining.map { min(max($0.isFinite ? $0 : 0, 0), 86_400) }
            try await storeCall {
                try await recorder.suspend(job: id, atStep: step, at: at, reason: reason, waitRemaining: left)
            }
            return WorkerRecordAnswer()
        case .transition:
            let status = try need(record.status, "status")
            guard [.running, .completed, .failed, .stopped].contains(status) else {
                throw .invalid(
                    "a worker moves a job to Running, Completed, Failed or Stopped, not \(status.rawValue)",
                    target: "status")
            }
            let exception = record.exception.map { String($0.prefix(textCap)) }
            try await storeCall { try await recorder.transition(job: id, to: status, at: at, exception: exception) }
            return WorkerRecordAnswer()
        case .appendStream:
            let entries = try need(record.entries, "entries")
            guard entries.count <= 10_000 else { throw .invalid("at most 10,000 records at once", target: "entries") }
            // A node's runner caps each stream at `streamCap`; a worker's is held to the same.
            let usage = try await storeCall { try await recorder.streamUsage(job: id) }
            var added: [StreamKind: Int] = [:]
            for entry in entries { added[entry.kind, default: 0] += entry.message.utf8.count }
            for (kind, bytes) in added where (usage[kind]?.bytes ?? 0) + bytes > Self.workerStreamCap {
                throw .invalid(
                    "the \(kind.rawValue) stream would pass its cap of \(Self.workerStreamCap) bytes", target: "entries"
                )
            }
            // A worker sends its records in batches (about a second apart): each keeps the time
            // the worker gave it, held within the last minute of the service's clock.
            let rows = entries.map { ($0.kind, min(at, max($0.at, at.addingTimeInterval(-60))), $0.message) }
            return WorkerRecordAnswer(records: try await storeCall { try await recorder.appendStream(job: id, rows) })
        case .pendingRequests:
            return WorkerRecordAnswer(requests: try await storeCall { try await recorder.pendingRequests(job: id) })
        case .streamUsage:
            let usage = try await storeCall { try await recorder.streamUsage(job: id) }
            return WorkerRecordAnswer(
                usage: Dictionary(uniqueKeysWithValues: usage.map { ($0.key.rawValue, $0.value) }))
        case .claimResume:
            return WorkerRecordAnswer(claimed: try await storeCall { try await recorder.claimResume(job: id) })
        case .addTargets:
            let names = try need(record.names, "names")
            guard names.count <= 1000 else { throw .invalid("at most 1,000 targets at once", target: "names") }
            for name in names {
                if let problem = ResourceName.problem(name, kind: "machine") {
                    throw .invalid(problem, target: "names")
                }
            }
            try await storeCall { try await recorder.addTargets(job: id, names) }
            return WorkerRecordAnswer()
        case .handOver:
            let step = try step()
            let names = try need(record.names, "names")
            guard names.count <= 1 else { throw .invalid("a job is handed over to one group", target: "names") }
            // Only a running job of a runbook that places its steps, at the step it has reached,
            // and only to where that step says it runs (not where the job runs now).
            let job = try await self.job(id: id)
            guard let runbook = try? RunbookLoader.load(content: job.runbookContent, label: "job \(id)").runbook,
                runbook.placesSteps
            else {
                throw .invalid("job '\(id)' does not place its steps (no runOn on a step)", target: "operation")
            }
            guard job.status == .running, job.checkpointStep == step else {
                throw .invalid(
                    "job '\(id)' is \(job.status.rawValue) at step \((job.checkpointStep ?? 0) + 1), not running before "
                        + "step \(step + 1)", target: "step")
            }
            let steps = runbook.steps
            guard steps.indices.contains(step), steps[step].runOn == names.first, names.first != job.runOn else {
                throw .invalid(
                    "step \(step + 1) of job '\(id)' does not run on \(names.first.map { "'\($0)'" } ?? "the nodes")",
                    target: "names")
            }
            try await storeCall { try await recorder.handOver(job: id, beforeStep: step, to: names.first, at: at) }
            return WorkerRecordAnswer()
        }
    }

    /// A stream's cap on a worker: a node runner's (`JobStreamWriter.defaultCap`, 1 MiB) and room
    /// for its truncation note.
    static let workerStreamCap = 1024 * 1024 + 4096

    /// A worker's clean stop (SIGTERM): the jobs it claimed and had not started wait again for
    /// their group, and its node id is free at once for the agent's next process.
    public func workerStopped(_ agent: AgentInfo) async throws(ServiceError) {
        let store = workerStore
        let node = HybridWorkerInfo.nodeId(machine: agent.machine)
        try await storeCall {
            let held = try await store.heartbeat(node: node, lease: Self.workerLease)
            try await store.releaseJobs(node: node, held)
            try await store.stopNode(id: node)
            // Its started jobs are recovered now, not at a node's next heartbeat: each runs
            // again from its step on a worker of the group (a restart counted).
            if !held.isEmpty { _ = try await store.recoverExpiredLeases() }
        }
    }

    /// A group's workers; a group no agent has joined is `.notFound`.
    public func hybridWorkerGroup(_ name: String) async throws(ServiceError) -> [HybridWorkerInfo] {
        let all = try await hybridWorkers()
        let members = all.filter { $0.group == name }
        guard !members.isEmpty else {
            throw .notFound(
                kind: "hybrid worker group", name: name,
                hint: Suggestion.hint(for: name, among: Array(Set(all.map(\.group))).sorted()))
        }
        return members
    }

    /// Removes a group (its waiting jobs stay New until an agent joins it again); false: none.
    public func removeHybridWorkerGroup(_ name: String) async throws(ServiceError) -> Bool {
        try await storeCall { try await workerStore.removeHybridWorkerGroup(name) }
    }

    /// Removes one machine from a group (its agent joins again at its next poll while it keeps
    /// `--group`); false: it was not in it.
    public func removeHybridWorker(group: String, machine: String) async throws(ServiceError) -> Bool {
        try await storeCall { try await workerStore.removeHybridWorker(group: group, machine: machine) }
    }

    /// Every worker of every group.
    public func hybridWorkers() async throws(ServiceError) -> [HybridWorkerInfo] {
        try await storeCall { try await workerStore.hybridWorkers() }
    }
}
