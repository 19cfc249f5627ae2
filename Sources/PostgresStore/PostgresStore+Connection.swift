import Automation
import Foundation
import Logging
import PostgresNIO

/// Connection problems in plain words: which host, port and database, and why (nothing listens,
/// no answer in time, the server refused the user or does not have the database), never a
/// stack of library types. A `PostgresClient` keeps retrying a connection it cannot make, so the
/// store connects once by itself first and reports what went wrong.
extension PostgresStore {
    static func probe(_ location: PostgresLocation, logger: Logger) async throws {
        do {
            let connection = try await PostgresConnection.connect(
                configuration: try connectionConfiguration(location), id: 0, logger: logger)
            try? await connection.close()
        } catch {
            throw StoreError.cannotOpen(path: location.description, reason: reason(error, location))
        }
    }

    /// Why a connection to `location` failed, for a person.
    static func reason(_ error: any Error, _ location: PostgresLocation) -> String {
        let place = "\(location.host) port \(location.port)"
        guard let error = error as? PSQLError else { return plain(error, place: place) }
        if let server = error.serverInfo {
            let message = server[.message] ?? "no message"
            switch server[.sqlState] ?? "" {
            case "3D000":
                return "the server at \(place) has no database '\(location.database)' (\(message)); "
                    + "create it (createdb \(location.database)) or name another"
            case "28000", "28P01":
                return "the server at \(place) refused user '\(location.user)' for database '\(location.database)' "
                    + "(\(message)); check the user, the password and the server's pg_hba.conf"
            case "3F000":
                return "the server at \(place) has no schema '\(location.schema ?? "")' (\(message))"
            case "57P03":
                return "the server at \(place) is starting up or shutting down (\(message)); try again shortly"
            default:
                return "the server at \(place) answered: \(message) (SQLSTATE \(server[.sqlState] ?? "?"))"
            }
        }
        switch error.code {
        case .sslUnsupported:
            return "the server at \(place) does not offer TLS, which sslmode=\(location.tls.rawValue) requires"
        case .unsupportedAuthMechanism, .authMechanismRequiresPassword, .saslError:
            return "the server at \(place) asks for a login this client cannot give "
                + "(give a password in the URL: postgresql://USER:PASSWORD@HOST:PORT/DATABASE)"
        case .serverClosedConnection, .uncleanShutdown:
            return "the server at \(place) closed the connection"
        default:
            if let underlying = error.underlying { return plain(underlying, place: place) }
            return "connecting to \(place) failed (\(error.code))"
        }
    }

    /// A network-level failure: refused, timed out, unknown host.
    static func plain(_ error: any Error, place: String) -> String {
        if let error = error as? NIOConnectionError {
            if let first = error.connectionErrors.first?.error { return plain(first, place: place) }
            return "the host name '\(error.host)' is unknown (no address found for it)"
        }
        if let error = error as? IOError {
            switch error.errnoCode {
            case ECONNREFUSED:
                return "nothing listens on \(place) (connection refused); is PostgreSQL running there?"
            case ETIMEDOUT: return "\(place) did not answer in time (timed out)"
            case EHOSTUNREACH, ENETUNREACH: return "\(place) cannot be reached (no route to the host)"
            default: return "connecting to \(place) failed: \(String(cString: strerror(error.errnoCode)))"
            }
        }
        if let error = error as? ChannelError, case .connectTimeout = error {
            return "\(place) did not answer within 10 seconds (timed out)"
        }
        return "connecting to \(place) failed: \(error)"
    }

    /// A failure of a statement, typed: a lost or refused connection, or a server going down
    /// (SQLSTATE classes 08 and 57, 53 out of resources), is `unreachable` (try again later);
    /// anything else the server answered is `refused` with its SQLSTATE and constraint.
    static func storeError(_ error: any Error) -> any Error {
        guard let error = error as? PSQLError else { return error }
        guard let server = error.serverInfo else {
            return StoreError.unreachable("the connection to PostgreSQL failed (\(error.code)); try again shortly")
        }
        let code = server[.sqlState] ?? "?"
        let message = server[.message] ?? "no message"
        if ["08", "57", "53"].contains(String(code.prefix(2))) {
            return StoreError.unreachable(
                "PostgreSQL cannot serve now: \(message) [SQLSTATE \(code)]; try again shortly")
        }
        return StoreError.refused(code: code, constraint: server[.constraintName], message: message)
    }

    /// Whether `error` is the unique key `constraint` refusing a duplicate.
    static func isUniqueViolation(_ error: any Error, constraint: String) -> Bool {
        guard let server = (error as? PSQLError)?.serverInfo else { return false }
        return server[.sqlState] == StoreError.uniqueViolation && server[.constraintName] == constraint
    }
}
