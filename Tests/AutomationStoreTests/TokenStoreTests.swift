import Automation
import Foundation
import Testing

@testable import AutomationStore

/// Tokens in a real SQLite file: names are unique, revocation keeps its first time, and the
/// last use is written only when it is older than asked.
@Suite struct TokenStoreTests {
    let folder = NSTemporaryDirectory() + "runbook-tokens-" + UUID().uuidString
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let hash = String(repeating: "ab", count: 32)

    func token(_ name: String, id: String, role: TokenRole = .contributor) -> TokenInfo {
        TokenInfo(id: id, name: name, role: role, createdAt: now, expiresAt: now.addingTimeInterval(3600))
    }

    @Test func createListAndFindById() async throws {
        let store = try AutomationStore.open(folder: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await store.createToken(token("ci", id: "aaaaaaaaaaaa"), secretHash: hash)
        try await store.createToken(token("board", id: "bbbbbbbbbbbb", role: .reader), secretHash: hash)
        let tokens = try await store.tokens()
        #expect(tokens.map(\.name) == ["board", "ci"])
        #expect(tokens[0].role == .reader)
        #expect(tokens[1] == token("ci", id: "aaaaaaaaaaaa"))
        let credential = try #require(try await store.tokenCredential(id: "aaaaaaaaaaaa"))
        #expect(credential.token.name == "ci")
        #expect(credential.secretHash == hash)
        #expect(try await store.tokenCredential(id: "cccccccccccc") == nil)
    }

    @Test func aDuplicateNameIsAlreadyExists() async throws {
        let store = try AutomationStore.open(folder: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await store.createToken(token("ci", id: "aaaaaaaaaaaa"), secretHash: hash)
        await #expect {
            try await store.createToken(token("ci", id: "bbbbbbbbbbbb"), secretHash: hash)
        } throws: { error in
            guard case StoreError.alreadyExists(kind: "token", name: "ci") = error else { return false }
            return true
        }
        #expect(try await store.tokens().count == 1)
    }

    @Test func revokingKeepsTheFirstTime() async throws {
        let store = try AutomationStore.open(folder: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await store.createToken(token("ci", id: "aaaaaaaaaaaa"), secretHash: hash)
        #expect(try await store.revokeToken(named: "ci", at: now.addingTimeInterval(10)))
        #expect(try await store.revokeToken(named: "ci", at: now.addingTimeInterval(20)))
        #expect(try await store.revokeToken(named: "nosuch", at: now) == false)
        let revoked = try #require(try await store.token(named: "ci"))
        #expect(revoked.revokedAt == now.addingTimeInterval(10))
        #expect(revoked.state(at: now) == .revoked)
    }

    @Test func lastUseIsWrittenOnlyWhenOlderThanAsked() async throws {
        let store = try AutomationStore.open(folder: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await store.createToken(token("ci", id: "aaaaaaaaaaaa"), secretHash: hash)
        #expect(
            try await store.markTokenUsed(id: "aaaaaaaaaaaa", at: now, unlessUsedAfter: now.addingTimeInterval(-60)))
        let soon = now.addingTimeInterval(30)
        #expect(
            try await store.markTokenUsed(id: "aaaaaaaaaaaa", at: soon, unlessUsedAfter: soon.addingTimeInterval(-60))
                == false)
        let later = now.addingTimeInterval(61)
        #expect(
            try await store.markTokenUsed(id: "aaaaaaaaaaaa", at: later, unlessUsedAfter: later.addingTimeInterval(-60))
        )
        #expect(try await store.token(named: "ci")?.lastUsedAt == later)
    }

    @Test func theSchemaRefusesAnUnknownRoleAndAShortHash() async throws {
        let store = try AutomationStore.open(folder: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        await #expect(throws: (any Error).self) {
            try await store.createToken(token("ci", id: "aaaaaaaaaaaa"), secretHash: "abc")
        }
        await #expect(throws: (any Error).self) {
            try await store.writer.write { db in
                try db.execute(
                    sql: "INSERT INTO token (id, name, secretHash, role, createdAt) VALUES ('x', 'y', ?, 'owner', ?)",
                    arguments: [hash, now])
            }
        }
    }
}
