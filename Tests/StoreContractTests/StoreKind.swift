import Automation
import AutomationStore
import Foundation
import Logging
import TestSupport
import Testing

@testable import PostgresStore

/// The store implementations the contract suite runs against: SQLite always (an in-memory
/// queue and a file's WAL pool, GRDB's two writers), PostgreSQL when
/// `RUNBOOK_TEST_POSTGRES_URL` names a server (.ci/run starts one with
/// scripts/postgres-test-server.sh). Without it the PostgreSQL cases are not generated and
/// `PostgresAvailabilityTests` shows as skipped, saying why.
/// What both stores implement: the application layer's protocols and the scheduler pass.
typealias ContractStore = AutomationStoring & SchedulerStoring & NodeStoring & JobRecording

enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, sqliteFile, postgresql

    var testDescription: String { rawValue }

    /// The tests' server (`TestPostgres`: RUNBOOK_TEST_POSTGRES_URL, or one this process starts).
    static var postgresURL: String? { TestPostgres.url }

    static let skipNote = TestPostgres.skipNote

    /// The kinds this run can test.
    static var available: [StoreKind] { postgresURL == nil ? [.sqlite, .sqliteFile] : allCases }

    /// A fresh, empty store of this kind for `body`: an in-memory SQLite database, or a new
    /// schema in the test server's database, dropped afterwards.
    func withStore<T: Sendable>(_ body: (any ContractStore) async throws -> T) async throws -> T {
        switch self {
        case .sqlite:
            return try await body(AsyncAutomationStore(try AutomationStore.inMemory()))
        case .sqliteFile:
            let folder = NSTemporaryDirectory() + "runbook-contract-" + UUID().uuidString
            defer { try? FileManager.default.removeItem(atPath: folder) }
            return try await body(AsyncAutomationStore(try AutomationStore.open(folder: folder)))
        case .postgresql:
            let location = try PostgresFixture.freshLocation()
            do {
                let result = try await PostgresStore.withStore(at: location, logger: PostgresFixture.logger) {
                    try await body($0)
                }
                try await PostgresFixture.drop(location)
                return result
            } catch {
                try? await PostgresFixture.drop(location)
                throw error
            }
        }
    }
}

/// The test server's database, one schema per test.
enum PostgresFixture {
    /// Warnings and errors only: the pool logs each connection it gives up at shutdown (info).
    static let logger: Logger = {
        var logger = Logger(label: "runbook.postgres.test")
        logger.logLevel = .warning
        return logger
    }()

    struct NoServer: Error, CustomStringConvertible {
        var description: String { StoreKind.skipNote }
    }

    static func base() throws -> PostgresLocation {
        guard let url = StoreKind.postgresURL else { throw NoServer() }
        return try PostgresLocation(url: url)
    }

    /// The server's location with a schema no other test uses.
    static func freshLocation() throws -> PostgresLocation {
        var location = try base()
        location.schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        return location
    }

    static func drop(_ location: PostgresLocation) async throws {
        guard let schema = location.schema else { return }
        var base = location
        base.schema = nil
        try await PostgresStore.withStore(at: base, migrate: false, logger: logger) { store in
            try await store.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE")
        }
    }
}

extension Region {
    /// A region of the table by name (the tests name real ones).
    static func test(_ name: String) -> Region { Region(name) ?? Region.all[0] }
}
