import Automation
import RunbookEngine
import Synchronization

/// Jobs handed to a running scheduler from outside its passes (the API's `PUT .../jobs/{name}`):
/// they wait for a slot with the schedule's jobs, in the same `concurrency` slots.
public final class JobInbox: Sendable {
    private struct State {
        var buffer: [SchedulerTick.Pending] = []
        var waiter: CheckedContinuation<SchedulerTick.Pending?, Never>?
        var closed = false
    }

    private let state = Mutex(State())

    public init() {}

    /// Queues a job already recorded in New; it runs when a slot is free.
    public func submit(_ job: Job, _ prepared: PreparedJob) {
        let item = SchedulerTick.Pending.fire(job: job, prepared: prepared)
        let waiter = state.withLock { state -> CheckedContinuation<SchedulerTick.Pending?, Never>? in
            guard !state.closed else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.buffer.append(item)
            return nil
        }
        waiter?.resume(returning: item)
    }

    /// No more jobs (the scheduler is shutting down): a job submitted after this stays New and
    /// is ended by recovery like any job no process took.
    public func close() {
        let waiter = state.withLock { state -> CheckedContinuation<SchedulerTick.Pending?, Never>? in
            state.closed = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// The next job, waiting for one; nil once closed. One listener at a time (the loop).
    func next() async -> SchedulerTick.Pending? {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> SchedulerTick.Pending?? in
                if !state.buffer.isEmpty { return .some(state.buffer.removeFirst()) }
                if state.closed { return .some(nil) }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
