import Automation
import AutomationStore

/// The errors of the application layer, typed once and mapped at each edge: an exit code for
/// the command line (sysexits), an HTTP status and Azure's error code for the API.
public enum ServiceError: Error, Sendable, CustomStringConvertible, Equatable {
    /// No such resource; `hint` is a "(did you mean ...)" suffix or empty.
    case notFound(kind: String, name: String, hint: String)
    /// The request contradicts the current state (a duplicate, a job not running).
    case conflict(String)
    /// The input is wrong: `target` names the field; diagnostics carry file positions.
    case invalid(String, target: String? = nil, diagnostics: [Diagnostic] = [])
    /// No credentials, or credentials that are not valid.
    case unauthorized(String)
    /// Valid credentials without the right (a read-only token that starts a job).
    case forbidden(String)
    /// Not served here: what needs the embedded store itself (a job run in the foreground, the
    /// source of `store copy`) asked of a shared one; the message says what to use instead.
    case unavailable(String)
    /// The store cannot be reached now (a PostgreSQL server down or cut off): try again later.
    case storeUnreachable(String)
    /// No store where one was named, for a command that only reads (nothing was created).
    case noStore(String)
    /// Too much costly work at once (queries past their concurrency limit): try again after
    /// `retryAfter` seconds.
    case tooManyRequests(String, retryAfter: Int)

    public var description: String {
        switch self {
        case .notFound(let kind, let name, let hint): "no \(kind) named '\(name)'\(hint)"
        case .conflict(let message), .unauthorized(let message), .forbidden(let message), .unavailable(let message),
            .storeUnreachable(let message), .tooManyRequests(let message, _), .noStore(let message):
            message
        case .invalid(let message, _, let diagnostics):
            diagnostics.isEmpty ? message : message + "\n" + diagnostics.map(\.description).joined(separator: "\n")
        }
    }

    /// sysexits: 65 data error, 66 no input, 69 unavailable, 73 cannot create (exists), 74 I/O error,
    /// 75 temporary failure (try again), 77 no permission.
    public var exitCode: Int32 {
        switch self {
        case .notFound: 1
        case .conflict: 1
        case .invalid: 65
        case .unauthorized, .forbidden: 77
        case .unavailable: 69
        case .storeUnreachable: 74
        case .noStore: 66
        case .tooManyRequests: 75
        }
    }

    public var httpStatus: Int {
        switch self {
        case .notFound: 404
        case .conflict: 409
        case .invalid: 400
        case .unauthorized: 401
        case .forbidden: 403
        case .unavailable: 501
        case .storeUnreachable: 503
        case .noStore: 503
        case .tooManyRequests: 429
        }
    }

    /// Azure's `error.code` for the response body.
    public var azureCode: String {
        switch self {
        case .notFound: "NotFound"
        case .conflict: "Conflict"
        case .invalid: "BadRequest"
        case .unauthorized: "AuthenticationFailed"
        case .forbidden: "AuthorizationFailed"
        case .unavailable: "NotImplemented"
        case .storeUnreachable, .noStore: "ServiceUnavailable"
        case .tooManyRequests: "TooManyRequests"
        }
    }
}

extension ServiceError {
    /// The store's own errors in the service's terms.
    static func from(_ error: StoreError) -> ServiceError {
        switch error {
        case .notFound(let kind, let name, let hint): .notFound(kind: kind, name: name, hint: hint)
        case .alreadyExists: .conflict(error.description)
        case .ambiguousJob: .invalid(error.description)
        case .cannotOpen, .nodeInUse, .unreachable: .storeUnreachable(error.description)
        case .refused(StoreError.uniqueViolation, _, _): .conflict(error.description)
        // The job moved on under the request (another node holds it, or it ended): the
        // request contradicts the current state, as a stop of an ended job does.
        case .leaseLost, .alreadyEnded: .conflict(error.description)
        // A deadlock or serialization failure that outlived the store's own retries: the
        // request was right, the moment was not; the client retries after Retry-After.
        case .refused where error.isRetryable: .storeUnreachable(error.description)
        default: .invalid(error.description)
        }
    }
}
