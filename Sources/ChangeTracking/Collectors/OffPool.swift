import Automation
import Foundation

/// Blocking work (walking and hashing thousands of files) runs on threads of its own, not on
/// Swift's cooperative pool. The pool has one thread per core: a scan there would starve the
/// scheduler's timers, signal handling and other jobs for as long as it runs.
enum OffPool {
    /// Runs `body` on a new thread and returns its result. Cancelling the awaiting task sets the
    /// flag `body` is given, which it polls between files.
    static func run<T: Sendable>(_ body: @escaping @Sendable (OnceFlag) -> T) async -> T {
        let cancelled = OnceFlag()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
                let thread = Thread { continuation.resume(returning: body(cancelled)) }
                thread.name = "runbook-scan"
                // Deep trees recurse; give the walk the main thread's stack size.
                thread.stackSize = 8 << 20
                thread.start()
            }
        } onCancel: {
            cancelled.set()
        }
    }
}
