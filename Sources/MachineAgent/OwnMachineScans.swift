import Automation
import Foundation
import RunbookEngine
import Synchronization

/// The scans asked by `scan` steps of jobs this worker runs. The agent's collection loop serves
/// them one at a time between its own collections: it collects every kind now, spools the
/// upload with the job's id, and the step resumes once the service has stored that upload (or
/// at once when nothing changed). A stopped job's step stops waiting; its upload is still sent.
final class OwnMachineScans: OwnMachineScanning {
    let machine: String

    private struct Waiting {
        let job: String
        let askedAt: Date
        let continuation: CheckedContinuation<OwnMachineScan, any Error>
        /// The upload that carries its scan, once spooled.
        var sequence: Int64?
    }

    private struct State {
        var next: UInt64 = 0
        var waiting: [UInt64: Waiting] = [:]
    }

    private let state = Mutex(State())

    init(machine: String) {
        self.machine = machine
    }

    func scan(job: String) async throws -> OwnMachineScan {
        let id = state.withLock { state in
            state.next += 1
            return state.next
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                state.withLock { $0.waiting[id] = Waiting(job: job, askedAt: Date(), continuation: continuation) }
                // Cancelled before it was registered: the handler found nothing to cancel.
                if Task.isCancelled { finish(id, .failure(CancellationError())) }
            }
        } onCancel: {
            finish(id, .failure(CancellationError()))
        }
    }

    /// The oldest scan not yet collected.
    func nextAsked() -> (id: UInt64, job: String, askedAt: Date)? {
        state.withLock { state in
            state.waiting.filter { $0.value.sequence == nil }.min { $0.key < $1.key }.map {
                ($0.key, $0.value.job, $0.value.askedAt)
            }
        }
    }

    /// The scan's upload was spooled as `sequence`.
    func spooled(_ id: UInt64, as sequence: Int64) {
        state.withLock { $0.waiting[id]?.sequence = sequence }
    }

    /// Resumes the scan's step (once; a later result is dropped).
    func finish(_ id: UInt64, _ result: Result<OwnMachineScan, any Error>) {
        state.withLock { $0.waiting.removeValue(forKey: id) }?.continuation.resume(with: result)
    }

    /// The service stored (or had stored) the upload `sequence`; a resend's answer counts the
    /// job's changes as stored.
    func stored(_ sequence: Int64, _ result: AgentBatchResult) {
        let scan = OwnMachineScan(
            changes: result.changes, changedFiles: result.job?.changedFiles ?? [],
            truncated: result.job?.truncated ?? false, attributed: result.job?.attributed ?? false)
        for id in ids(uploadedAs: { $0 == sequence }) { finish(id, .success(scan)) }
    }

    /// A spooled scan's upload (`sequence`, or every one when nil) will not be stored as it is
    /// (the spool was cleared, or it was dropped by the cap): the steps fail saying why.
    func lost(_ reason: String, sequence: Int64? = nil) {
        for id in ids(uploadedAs: { sequence == nil || $0 == sequence }) {
            finish(id, .failure(WorkerFailure(message: "the scan's upload was not stored: \(reason)")))
        }
    }

    private func ids(uploadedAs matches: (Int64) -> Bool) -> [UInt64] {
        state.withLock { state in state.waiting.filter { $0.value.sequence.map(matches) ?? false }.map(\.key) }
    }
}
