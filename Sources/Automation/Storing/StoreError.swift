import Foundation

public enum StoreError: Error, Sendable, CustomStringConvertible, LocalizedError {
    case cannotOpen(path: String, reason: String)
    case notFound(kind: String, name: String, hint: String)
    case alreadyExists(kind: String, name: String)
    case invalid(String)
    case ambiguousJob(prefix: String, matches: Int)
    /// A stored row that cannot be read (a file edited by hand, a newer version's value).
    case unreadable(UnreadableRow)
    /// A node wrote to a job whose lease it no longer holds (another node recovered it).
    case leaseLost(job: String, node: String)
    /// A status change for a job that already ended (recovered while its process was paused).
    case alreadyEnded(job: String, status: JobStatus)
    /// A node id another live process holds (it heartbeats within its lease).
    case nodeInUse(id: String, host: String, pid: Int)
    /// The store cannot be reached now: its server is down, the connection was lost, or it did
    /// not answer in time. Worth trying again later.
    case unreachable(String)
    /// The database refused a statement: `code` is its SQLSTATE (matched by code, never by
    /// text: 23505 a duplicate key, 40P01 a deadlock), `constraint` the constraint it names.
    case refused(code: String, constraint: String?, message: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): return "cannot open the store at \(path): \(reason)"
        case .notFound(let kind, let name, let hint): return "no \(kind) named '\(name)'\(hint)"
        case .alreadyExists(let kind, let name): return "a \(kind) named '\(name)' already exists"
        case .invalid(let message): return message
        case .ambiguousJob(let prefix, let matches):
            return "job id prefix '\(prefix)' matches \(matches) jobs; give more characters"
        case .unreadable(let row):
            return "\(row.table) row '\(row.key)' in the store cannot be read: \(row.problem)"
        case .leaseLost(let job, let node):
            return "job \(job) is no longer held by node \(node): its lease expired and another node recovered it"
        case .nodeInUse(let id, let host, let pid):
            return "the node id '\(id)' is in use by process \(pid) on \(host), which heartbeats within its lease; "
                + "give this process another --node, or stop that one (a clean stop frees the id at once; "
                + "a killed process's id is free once its lease has passed)"
        case .alreadyEnded(let job, let status):
            return "job \(job) already ended (\(status.rawValue)); an ended job does not change again"
        case .unreachable(let reason): return reason
        case .refused(let code, let constraint, let message):
            return "PostgreSQL refused the change: \(message)" + (constraint.map { " (constraint \($0))" } ?? "")
                + " [SQLSTATE \(code)]"
        }
    }

    public var errorDescription: String? { description }

    /// SQLSTATE classes and codes the stores act on.
    public static let uniqueViolation = "23505"
    public static let deadlock = "40P01"
    public static let serializationFailure = "40001"

    /// Whether the same transaction may simply be tried again (a deadlock or a serialization
    /// failure: the database rolled it back and another attempt can commit).
    public var isRetryable: Bool {
        guard case .refused(let code, _, _) = self else { return false }
        return code == Self.deadlock || code == Self.serializationFailure
    }
}

/// A stored row that could not be turned into a value: which table, which row, what is wrong.
/// The store skips such a row and reports it (the SQLite store's `UnreadableRowReport`); the
/// other rows keep working.
public struct UnreadableRow: Sendable, Hashable, CustomStringConvertible {
    public var table: String
    /// The row's key (a job id, a machine name), or "?" when even that cannot be read.
    public var key: String
    public var problem: String

    public init(table: String, key: String, problem: String) {
        self.table = table
        self.key = key
        self.problem = problem
    }

    public var description: String {
        "\(table) row '\(key)' cannot be read and was skipped: \(problem)"
    }
}
