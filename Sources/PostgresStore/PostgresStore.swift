import Automation
import Foundation
import Logging
import PostgresNIO

/// The store on PostgreSQL: the application layer's store protocols (`AutomationStoring`) over a
/// `PostgresClient` connection pool, for several nodes sharing one database. Each state change is
/// one transaction, atomic at PostgreSQL's default isolation (READ COMMITTED): a row lock
/// (`SELECT ... FOR UPDATE`), a conditional or counting UPDATE, or a unique key; never a read
/// then a write that relies on a single writer (docs/ARCHITECTURE.md says which, where).
///
/// The client must run while the store is used: `run()` in a service group, or `withStore`.
public final class PostgresStore: Sendable {
    public typealias UnreadableRowReport = @Sendable (UnreadableRow) -> Void

    public let location: PostgresLocation
    let client: PostgresClient
    let logger: Logger
    let reportUnreadable: UnreadableRowReport
    /// How long one store call may take before it fails (`bounded`).
    let callTimeout: Duration

    /// A store over `location`; nothing connects until `run()` runs and a call needs a connection.
    /// Prefer `withStore`, which says a connection problem in plain words first.
    public init(
        location: PostgresLocation, logger: Logger = Logger(label: "runbook.postgres"),
        reportUnreadable: @escaping UnreadableRowReport = { _ in }, callTimeout: Duration = .seconds(15)
    ) {
        self.callTimeout = callTimeout
        self.location = location
        self.logger = logger
        self.reportUnreadable = reportUnreadable
        // The pool's own warnings (a lease asked for in the instant before run() starts) are
        // noise to a person; the store reports what fails in its own words.
        var background = logger
        background.logLevel = .error
        self.client = PostgresClient(configuration: Self.clientConfiguration(location), backgroundLogger: background)
    }

    /// Runs the connection pool until the task is cancelled or the service group shuts down.
    public func run() async {
        await client.run()
    }

    /// Connects once (a connection problem is `StoreError.cannotOpen` naming host, port, database
    /// and the reason), runs the pool, applies the migrations unless `migrate` is false, and
    /// gives the store to `body`; the pool stops when `body` returns.
    public static func withStore<T: Sendable>(
        at location: PostgresLocation, migrate: Bool = true, requireExisting: Bool = false,
        logger: Logger = Logger(label: "runbook.postgres"),
        reportUnreadable: @escaping UnreadableRowReport = { _ in }, callTimeout: Duration = .seconds(15),
        _ body: (PostgresStore) async throws -> T
    ) async throws -> T {
        try await probe(location, logger: logger)
        let store = PostgresStore(
            location: location, logger: logger, reportUnreadable: reportUnreadable, callTimeout: callTimeout)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await store.run() }
            defer { group.cancelAll() }
            if requireExisting, try await !store.holdsStore() {
                throw StoreError.notFound(
                    kind: "store", name: location.description,
                    hint: " (the database or schema holds no runbook store; a command that writes, such as "
                        + "'runbook init' or 'runbook store migrate', creates one)")
            }
            if migrate { try await store.migrate() }
            return try await body(store)
        }
    }

    static func clientConfiguration(_ location: PostgresLocation) -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: tls(location.tls))
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.additionalStartupParameters = startupParameters(location)
        return configuration
    }

    static func connectionConfiguration(_ location: PostgresLocation) throws -> PostgresConnection.Configuration {
        var configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: try connectionTLS(location.tls))
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.additionalStartupParameters = startupParameters(location)
        return configuration
    }

    /// The store's schema first on the search path (a plain name, checked when parsed), and the
    /// application's name in `pg_stat_activity`.
    static func startupParameters(_ location: PostgresLocation) -> [(String, String)] {
        var parameters = [("application_name", "runbook")]
        if let schema = location.schema { parameters.append(("search_path", schema)) }
        return parameters
    }

    static func tls(_ mode: PostgresLocation.TLSMode) -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable: return .disable
        case .prefer: return .prefer(unverifiedTLS)
        case .require: return .require(unverifiedTLS)
        case .verifyFull: return .require(.makeClientConfiguration())
        }
    }

    static func connectionTLS(_ mode: PostgresLocation.TLSMode) throws -> PostgresConnection.Configuration.TLS {
        switch mode {
        case .disable: return .disable
        case .prefer: return .prefer(try NIOSSLContext(configuration: unverifiedTLS))
        case .require: return .require(try NIOSSLContext(configuration: unverifiedTLS))
        case .verifyFull: return .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
    }

    /// libpq's prefer and require encrypt without checking the certificate; verify-full checks.
    static var unverifiedTLS: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        return configuration
    }
}
