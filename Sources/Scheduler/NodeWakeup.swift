import Automation
import RunbookEngine
import Synchronization

/// Wakes a node's claim loop when a job is recorded in New by this process (the API's
/// `PUT .../jobs/{name}` on a node): its free slots claim at once instead of at the next poll.
/// The job itself waits in the store, so any node may take it; a wake only saves time.
public final class NodeWakeup: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    public init() {}

    /// Marks work as waiting; wakes the loop if it waits. Many wakes before it looks count as one.
    public func wake() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns when woken (at once if a wake came since the last return), or when the task is
    /// cancelled. One waiter at a time: the node's loop.
    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.pending || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
