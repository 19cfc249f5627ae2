import Automation
import Foundation
import GRDB

/// Bearer tokens of the HTTP API. The store keeps a token's SHA-256 secret hash, never the
/// secret; each change is one transaction.
extension AutomationStore {
    /// Stores a new token; a usable token of the same name is `StoreError.alreadyExists`. A
    /// revoked or expired one gives its name up: it is kept as `NAME@ID`.
    public func createToken(_ token: TokenInfo, secretHash: String) async throws {
        try await asyncWrite { db in
            try db.execute(
                sql: """
                    UPDATE token SET name = name || '@' || id
                    WHERE name = ? AND (revokedAt IS NOT NULL OR (expiresAt IS NOT NULL AND expiresAt <= ?))
                    """, arguments: [token.name, token.createdAt])
            let taken = try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM token WHERE name = ?)", arguments: [token.name])
            if taken == true { throw StoreError.alreadyExists(kind: "token", name: token.name) }
            try db.execute(
                sql: """
                    INSERT INTO token (id, name, secretHash, role, createdAt, expiresAt, revokedAt, lastUsedAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    token.id, token.name, secretHash, token.role.rawValue, token.createdAt, token.expiresAt,
                    token.revokedAt, token.lastUsedAt,
                ])
        }
    }

    /// Tokens by name; an unreadable row is reported and skipped.
    public func tokens() async throws -> [TokenInfo] {
        try await asyncRead { db in
            self.readable(
                try Row.fetchAll(db, sql: "SELECT * FROM token ORDER BY name"), table: "token", key: "name", Self.token)
        }
    }

    public func token(named name: String) async throws -> TokenInfo? {
        try await asyncRead { db in
            try Row.fetchOne(db, sql: "SELECT * FROM token WHERE name = ?", arguments: [name]).map(Self.readToken)
        }
    }

    /// The token with this public id and its secret hash, or nil.
    public func tokenCredential(id: String) async throws -> TokenCredential? {
        try await asyncRead { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM token WHERE id = ?", arguments: [id]) else {
                return nil
            }
            do {
                return TokenCredential(token: try Self.token(row), secretHash: try StoredRow(row).text("secretHash"))
            } catch {
                throw StoreError.unreadable(Self.unreadable(row, table: "token", key: "name", error))
            }
        }
    }

    /// Marks a token revoked (the first revocation time is kept). False: no such token.
    public func revokeToken(named name: String, at now: Date) async throws -> Bool {
        try await asyncWrite { db in
            try db.execute(
                sql: "UPDATE token SET revokedAt = COALESCE(revokedAt, ?) WHERE name = ?", arguments: [now, name])
            return db.changesCount == 1
        }
    }

    /// Records a use unless one was recorded after `since` (another request may have written it
    /// meanwhile). True when the row changed.
    @discardableResult
    public func markTokenUsed(id: String, at now: Date, unlessUsedAfter since: Date) async throws -> Bool {
        try await asyncWrite { db in
            try db.execute(
                sql: "UPDATE token SET lastUsedAt = ? WHERE id = ? AND (lastUsedAt IS NULL OR lastUsedAt <= ?)",
                arguments: [now, id, since])
            return db.changesCount == 1
        }
    }

    private static func readToken(_ row: Row) throws -> TokenInfo {
        do {
            return try token(row)
        } catch {
            throw StoreError.unreadable(unreadable(row, table: "token", key: "name", error))
        }
    }

    static func token(_ row: Row) throws -> TokenInfo {
        let stored = StoredRow(row)
        return TokenInfo(
            id: try stored.text("id"), name: try stored.text("name"),
            role: try stored.enumeration(TokenRole.self, "role"), createdAt: try stored.date("createdAt"),
            expiresAt: try stored.optionalDate("expiresAt"), revokedAt: try stored.optionalDate("revokedAt"),
            lastUsedAt: try stored.optionalDate("lastUsedAt"))
    }
}
