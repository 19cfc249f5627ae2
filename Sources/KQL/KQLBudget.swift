import Foundation
import GRDB
import Synchronization

/// What one run of a query may spend, checked between SQLite's steps (its progress handler)
/// and inside this module's own functions (a regular expression over a long value is one
/// SQLite step, so the progress handler alone would never see its cost).
///
/// - `deadline`: past it the run stops and answers with the rows found until then.
/// - `maxValueBytes`: no value (a string a function builds, an aggregate's list) may grow
///   past it (SQLite's `SQLITE_LIMIT_LENGTH` on the connection while the query runs); a query
///   that tries fails saying so.
/// - `maxResultBytes`: the rows returned stop there, and the answer says it is partial.
/// - ``cancel()``: from any thread (a client gone, the server stopping); the run ends at its
///   next check with ``KQLExecutionError/cancelled``.
public final class KQLBudget: Sendable {
    public static let defaultMaxValueBytes = 1 << 20
    public static let defaultMaxResultBytes = 64 << 20

    public let deadline: ContinuousClock.Instant?
    public let maxValueBytes: Int
    public let maxResultBytes: Int
    private let expiredFlag = Atomic<Bool>(false)
    private let cancelledFlag = Atomic<Bool>(false)

    public init(
        deadline: ContinuousClock.Instant? = nil, maxValueBytes: Int = KQLBudget.defaultMaxValueBytes,
        maxResultBytes: Int = KQLBudget.defaultMaxResultBytes
    ) {
        self.deadline = deadline
        self.maxValueBytes = maxValueBytes
        self.maxResultBytes = maxResultBytes
    }

    public func cancel() { cancelledFlag.store(true, ordering: .relaxed) }

    public var isCancelled: Bool { cancelledFlag.load(ordering: .relaxed) }

    /// True once the deadline was seen to have passed.
    public var didExpire: Bool { expiredFlag.load(ordering: .relaxed) }

    /// Whether the run must stop now: cancelled, or past its deadline.
    func exhausted() -> Bool {
        if isCancelled { return true }
        if didExpire { return true }
        if let deadline, ContinuousClock.now >= deadline {
            expiredFlag.store(true, ordering: .relaxed)
            return true
        }
        return false
    }

    /// Thrown from inside a function: SQLite ends the statement as if interrupted.
    func check() throws(DatabaseError) {
        if exhausted() { throw DatabaseError(resultCode: .SQLITE_INTERRUPT, message: "interrupted") }
    }
}
