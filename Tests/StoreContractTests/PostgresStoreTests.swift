import Automation
import Foundation
import Testing

@testable import PostgresStore

/// What only the PostgreSQL store has: migrations under an advisory lock, the catalog check,
/// connection errors in plain words, store URLs.
@Suite struct PostgresStoreTests {
    static let hasServer = StoreKind.postgresURL != nil

    @Test(.enabled(if: hasServer, Comment(rawValue: StoreKind.skipNote)))
    func aServerIsThereAndTheContractSuiteRunsOnIt() async throws {
        #expect(StoreKind.available.contains(.postgresql))
        let location = try PostgresFixture.freshLocation()
        let report = try await PostgresStore.withStore(at: location, migrate: false, logger: PostgresFixture.logger) {
            try await $0.migrate()
        }
        try await PostgresFixture.drop(location)
        #expect(report.applied == PostgresMigrations.names)
    }

    @Test(.enabled(if: hasServer, Comment(rawValue: StoreKind.skipNote)))
    func clientsMigratingTogetherMigrateOnce() async throws {
        let location = try PostgresFixture.freshLocation()
        // Four stores (four connection pools, as four nodes would have) start on an empty schema at once.
        let reports = try await withThrowingTaskGroup(of: PostgresStore.MigrationReport.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    try await PostgresStore.withStore(at: location, migrate: false, logger: PostgresFixture.logger) {
                        try await $0.migrate()
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(reports.filter { !$0.applied.isEmpty }.count == 1)
        #expect(reports.flatMap(\.applied) == PostgresMigrations.names)
        #expect(reports.allSatisfy { $0.current == PostgresMigrations.names })
        // Migrating again is a no-op, and the check finds nothing wrong.
        try await PostgresStore.withStore(at: location, logger: PostgresFixture.logger) { store async throws in
            #expect(try await store.migrate().applied.isEmpty)
            #expect(try await store.appliedMigrations() == PostgresMigrations.names)
            #expect(try await store.check() == [])
        }
        try await PostgresFixture.drop(location)
    }

    @Test(.enabled(if: hasServer, Comment(rawValue: StoreKind.skipNote)))
    func theCheckFindsALostConstraintAndAnUnknownMigration() async throws {
        let location = try PostgresFixture.freshLocation()
        try await PostgresStore.withStore(at: location, logger: PostgresFixture.logger) { store async throws in
            try await store.execute("ALTER TABLE schedule DROP CONSTRAINT schedule_name_key")
            try await store.execute("INSERT INTO schema_migrations (name) VALUES ('v99-from-the-future')")
            #expect(
                try await store.check() == [
                    "migration 'v99-from-the-future' was applied by a newer version of runbook than this one",
                    "table 'schedule' has lost its UNIQUE constraint",
                ])
        }
        try await PostgresFixture.drop(location)
    }

    @Test(.enabled(if: hasServer, Comment(rawValue: StoreKind.skipNote)))
    func aMissingDatabaseIsSaidInPlainWords() async throws {
        var location = try PostgresFixture.base()
        location.database = "no_such_database"
        let error = await #expect(throws: StoreError.self) {
            try await PostgresStore.withStore(at: location, logger: PostgresFixture.logger) { _ in }
        }
        let text = "\(error.map { "\($0)" } ?? "")"
        #expect(text.contains("\(location.host) port \(location.port)"))
        #expect(text.contains("has no database 'no_such_database'"))
        #expect(!text.contains("PSQLError"))
    }

    /// Needs no server: a port nothing listens on.
    @Test func aClosedPortIsSaidInPlainWords() async throws {
        let port = try ClosedPort.find()
        let location = PostgresLocation(
            host: "127.0.0.1", port: port, user: "runbook", database: "runbook", tls: .disable)
        let error = await #expect(throws: StoreError.self) {
            try await PostgresStore.withStore(at: location, logger: PostgresFixture.logger) { _ in }
        }
        let text = "\(error.map { "\($0)" } ?? "")"
        #expect(
            text
                == "cannot open the store at postgresql://runbook@127.0.0.1:\(port)/runbook: nothing listens on "
                + "127.0.0.1 port \(port) (connection refused); is PostgreSQL running there?")
    }

    @Test func storeURLsAreParsed() throws {
        let location = try PostgresLocation(
            url: "postgresql://ops:secret@db.example:5433/automation?schema=team_a&sslmode=disable")
        #expect(
            location
                == PostgresLocation(
                    host: "db.example", port: 5433, user: "ops", password: "secret", database: "automation",
                    schema: "team_a",
                    tls: .disable))
        #expect(location.description == "postgresql://ops@db.example:5433/automation?schema=team_a")  // no password
        #expect(try PostgresLocation(url: "postgres://u@h/d").port == 5432)
        #expect(PostgresLocation.isURL("postgresql://u@h/d") && !PostgresLocation.isURL(".runbook"))
    }

    @Test(arguments: [
        ("postgresql://h/d", "it names no user (USER@ before the host)"),
        ("postgresql://u@h", "it names no database (/DATABASE after the host)"),
        (
            "postgresql://u@h/d?schema=Bad-Name",
            "schema must be lower-case letters, digits and _ (at most 63), not a letter first"
        ),
        ("postgresql://u@h/d?sslmode=maybe", "sslmode must be one of disable, prefer, require, verify-full"),
        ("postgresql://u@h/d?pool=9", "unknown parameter 'pool'; known: schema, sslmode"),
        ("postgresql://u:pw@h:0/d", "port 0 is not between 1 and 65535"),
    ])
    func badStoreURLsSayWhatIsWrong(url: String, problem: String) {
        #expect(throws: PostgresLocationError(url: url, problem: problem)) { try PostgresLocation(url: url) }
        let shown = PostgresLocationError(url: url, problem: problem).description
        #expect(!shown.contains(":pw@"))
    }
}

/// A local port with nothing listening: bound, read, and closed again.
enum ClosedPort {
    struct Failed: Error {}

    static func find() throws -> Int {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw Failed() }
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(socketFD, socketAddress, length) == 0 && getsockname(socketFD, socketAddress, &length) == 0
            }
        }
        guard bound else { throw Failed() }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
