import Automation
import Foundation
import Synchronization

/// Every store call has a deadline. postgres-nio waits for a pooled connection, and for the
/// answer on one, as long as TCP does: minutes after a partition, forever if the server went
/// away after start-up (postgres-nio issue 489). A node must instead notice within its lease,
/// and a command must fail in plain words, so each call races a timer; on time-out the caller
/// gets `StoreError.unreachable` naming the server, and the abandoned call ends when the network
/// lets it (a transaction that never commits changes nothing).
extension PostgresStore {
    func bounded<T: Sendable>(timeout: Duration? = nil, _ body: @escaping @Sendable () async throws -> T)
        async throws -> T
    {
        let timeout = timeout ?? callTimeout
        let place = "\(location.host) port \(location.port)"
        let description = location.description
        let tasks = CallTasks()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let once = ResumeOnce(continuation)
                let work = Task {
                    do {
                        once.resume(.success(try await body()))
                    } catch {
                        once.resume(.failure(error))
                    }
                    tasks.timer()?.cancel()
                }
                let timer = Task {
                    guard (try? await Task.sleep(for: timeout)) != nil else { return }
                    let seconds = timeout.components.seconds
                    let timedOut = StoreError.unreachable(
                        "cannot open the store at \(description): \(place) did not answer within \(seconds) seconds "
                            + "(is PostgreSQL running and reachable?)")
                    if once.resume(.failure(timedOut)) { work.cancel() }
                }
                tasks.set(work: work, timer: timer)
            }
        } onCancel: {
            // The timer stays: if the work ignores cancellation, the caller still returns in time.
            tasks.work()?.cancel()
        }
    }
}

/// Resumes a continuation once; later results are dropped.
final class ResumeOnce<T: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<T, any Error>?>

    init(_ continuation: CheckedContinuation<T, any Error>) {
        self.continuation = Mutex(continuation)
    }

    @discardableResult
    func resume(_ result: Result<T, any Error>) -> Bool {
        guard
            let continuation = continuation.withLock({ held in
                defer { held = nil }; return held
            })
        else {
            return false
        }
        continuation.resume(with: result)
        return true
    }
}

/// A call's work and timer tasks, set once both exist.
final class CallTasks: Sendable {
    private let tasks = Mutex<(work: Task<Void, Never>?, timer: Task<Void, Never>?)>((nil, nil))

    func set(work: Task<Void, Never>, timer: Task<Void, Never>) { tasks.withLock { $0 = (work, timer) } }
    func work() -> Task<Void, Never>? { tasks.withLock { $0.work } }
    func timer() -> Task<Void, Never>? { tasks.withLock { $0.timer } }
}
