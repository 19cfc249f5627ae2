import Automation
import Foundation
import RunbookEngine

/// The job engine's writes, sent to the service for a job this worker holds. A network failure
/// is retried for up to about a minute (a lease lasts 90 s); a refusal (the lease lost) is not.
/// Stream records are batched: held until the job's next other write, its stop check (every
/// second while a step runs) or 1,000 records or 256 KiB, then sent in order in one request.
struct RemoteJobRecorder: JobRecording {
    let client: AgentClient
    let authorization: String
    let stopping: OnceFlag
    private let streams = StreamBatch()

    init(client: AgentClient, authorization: String, stopping: OnceFlag) {
        self.client = client
        self.authorization = authorization
        self.stopping = stopping
    }

    /// Sends the held stream records (after any batch sent before them); the failure to store
    /// some, if one happened (this time or before).
    @discardableResult
    private func flush(_ id: String) async -> String? {
        await streams.flush { entries in
            _ = try await send(id, WorkerRecord(operation: .appendStream, at: Date(), entries: entries), flushed: true)
        }
    }

    private func send(_ id: String, _ record: WorkerRecord, flushed: Bool = false) async throws
        -> WorkerRecordAnswer
    {
        // Every other write comes after the stream records written before it.
        if !flushed { await flush(id) }
        // A stopping worker records no ending of its own: the job is not Stopped, it is given
        // back to the service (`agent/v1/worker/stop`) to run again.
        guard !stopping.isSet else { throw WorkerFailure(message: "job \(id): the worker is stopping") }
        let body = try AgentClient.encoder.encode(record)
        let path = "agent/v1/worker/jobs/\(id)/record"
        var wait = 0.5
        for attempt in 1...8 {
            do {
                let answer = try await client.send(.POST, path, authorization: authorization, body: body)
                if answer.status == 200 {
                    return try AgentClient.decoder.decode(WorkerRecordAnswer.self, from: answer.body)
                }
                guard answer.status >= 500 || answer.status == 429, attempt < 8 else {
                    throw WorkerFailure(message: "job \(id): \(AgentClient.message(answer))")
                }
            } catch let failure as WorkerFailure {
                throw failure
            } catch {
                if Task.isCancelled || attempt == 8 { throw error }
            }
            try await Task.sleep(for: .milliseconds(Int(wait * 1000)))
            wait = min(wait * 2, 15)
        }
        throw WorkerFailure(message: "job \(id): the service could not be reached")
    }

    func stepBoundary(job id: String, entering: [JobStatus], step: Int, at now: Date) async throws -> JobStepRequests {
        let answer = try await send(
            id, WorkerRecord(operation: .stepBoundary, at: now, step: step, entering: entering))
        return answer.requests ?? JobStepRequests(stop: false, suspend: false)
    }

    func suspend(job id: String, atStep step: Int, at now: Date, reason: String, waitRemaining: Double?) async throws {
        _ = try await send(
            id, WorkerRecord(operation: .suspend, at: now, step: step, reason: reason, waitRemaining: waitRemaining))
    }

    func transition(job id: String, to status: JobStatus, at now: Date, exception: String?) async throws {
        // Records that could not be stored: the job does not end as if they were.
        if let failure = await flush(id), status == .completed {
            let reason = "stream records could not be stored: \(failure)"
            _ = try await send(id, WorkerRecord(operation: .transition, at: now, status: .failed, exception: reason))
            return
        }
        _ = try await send(id, WorkerRecord(operation: .transition, at: now, status: status, exception: exception))
    }

    func appendStream(job id: String, _ entries: [(StreamKind, Date, String)]) async throws -> [StreamRecord] {
        if let failure = await streams.failure { throw WorkerFailure(message: failure) }
        // A worker's runner has no observer of the stored records: none are returned.
        let full = await streams.add(entries.map { WorkerRecord.Entry(kind: $0.0, at: $0.1, message: $0.2) })
        if full, let failure = await flush(id) { throw WorkerFailure(message: failure) }
        return []
    }

    func pendingRequests(job id: String) async throws -> JobStepRequests {
        try await send(id, WorkerRecord(operation: .pendingRequests, at: Date())).requests
            ?? JobStepRequests(stop: false, suspend: false)
    }

    func streamUsage(job id: String) async throws -> [StreamKind: JobStreamUsage] {
        let usage = try await send(id, WorkerRecord(operation: .streamUsage, at: Date())).usage ?? [:]
        return Dictionary(
            uniqueKeysWithValues: usage.compactMap { key, value in StreamKind(rawValue: key).map { ($0, value) } })
    }

    func claimResume(job id: String) async throws -> Bool {
        try await send(id, WorkerRecord(operation: .claimResume, at: Date())).claimed ?? false
    }

    func handOver(job id: String, beforeStep step: Int, to group: String?, at now: Date) async throws {
        // The group travels in `names` (none: the service's nodes).
        _ = try await send(
            id, WorkerRecord(operation: .handOver, at: now, step: step, names: group.map { [$0] } ?? []))
    }

    func addTargets(job id: String, _ names: [String]) async throws {
        _ = try await send(id, WorkerRecord(operation: .addTargets, at: Date(), names: names))
    }
}

/// Stream records held for one job, sent in order: each flush waits for the one before it. The
/// first failure to store some is kept: later records are refused with it, and the job's ending
/// says so (its other writes still go through).
actor StreamBatch {
    static let maxRecords = 1000
    static let maxBytes = 256 * 1024

    private var held: [WorkerRecord.Entry] = []
    private var bytes = 0
    private var last: Task<Void, Never>?
    private(set) var failure: String?

    /// Holds the records; true when the batch is full and should be sent.
    func add(_ entries: [WorkerRecord.Entry]) -> Bool {
        held += entries
        bytes += entries.reduce(0) { $0 + $1.message.utf8.count }
        return held.count >= Self.maxRecords || bytes >= Self.maxBytes
    }

    /// Sends what is held after the batches before it; the failure, if storing any failed. A
    /// cancelled caller (the job stopped, the worker stopping) cancels the send.
    func flush(_ send: @escaping @Sendable ([WorkerRecord.Entry]) async throws -> Void) async -> String? {
        let batch = held
        held = []
        bytes = 0
        let previous = last
        let task = Task {
            await previous?.value
            guard !batch.isEmpty, self.failure == nil else { return }
            do {
                try await send(batch)
            } catch {
                self.fail("\(error)")
            }
        }
        last = task
        await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
        return failure
    }

    private func fail(_ text: String) {
        if failure == nil { failure = text }
    }
}
