import Automation
import Foundation
import Testing

@testable import PostgresStore

/// What a KQL query reads on PostgreSQL: within its row cap, or refused in words.
@Suite struct PostgresLogTablesTests {
    @Test(.enabled(if: StoreKind.postgresURL != nil, Comment(rawValue: StoreKind.skipNote)))
    func aQueryReadingMoreThanTheCapIsRefusedInWords() async throws {
        try await StoreKind.postgresql.withStore { store async throws in
            let postgres = try #require(store as? PostgresStore)
            for name in ["ops", "dev"] {
                try await store.createAccount(
                    StoreContractTests.account(name), workspace: StoreContractTests.workspace, makeDefault: false,
                    at: StoreContractTests.now)
            }
            let read = try await postgres.logTables(
                ["account"], sql: "a.name, a.subscription", timespan: nil, timeout: .seconds(30), rowCap: 2)
            #expect(read.first?.rows.count == 2)
            #expect(read.first?.columns == ["name", "subscription"])  // only the columns the query names
            do {
                _ = try await postgres.logTables(
                    ["account"], sql: "a.name", timespan: nil, timeout: .seconds(30), rowCap: 1)
                Issue.record("read past the cap")
            } catch let error as StoreError {
                #expect(error.description.contains("give it a shorter timespan"), "\(error)")
            }
        }
    }
}
