import Automation
import Foundation
import PostgresNIO

/// Bearer tokens: each change is one statement; a taken name is the unique key's refusal.
extension PostgresStore: TokenStoring {
    /// A revoked or expired token of the same name gives it up (kept as `NAME@ID`), in the same
    /// transaction as the insert.
    public func createToken(_ token: TokenInfo, secretHash: String) async throws {
        do {
            let logger = logger
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query(
                    """
                    UPDATE token SET name = name || '@' || id
                    WHERE name = \(token.name) AND (revoked_at IS NOT NULL
                        OR (expires_at IS NOT NULL AND expires_at <= \(token.createdAt)))
                    """, logger: logger)
                try await connection.query(
                    """
                    INSERT INTO token (id, name, secret_hash, role, created_at, expires_at, revoked_at, last_used_at)
                    VALUES (\(token.id), \(token.name), \(secretHash), \(token.role.rawValue), \(token.createdAt),
                        \(token.expiresAt), \(token.revokedAt), \(token.lastUsedAt))
                    """, logger: logger)
            }
        } catch let error as PostgresTransactionError {
            let cause = error.closureError ?? error.beginError ?? error.commitError ?? error
            if Self.isUniqueViolation(cause, constraint: "token_name_key") {
                throw StoreError.alreadyExists(kind: "token", name: token.name)
            }
            throw Self.storeError(cause)
        } catch {
            if Self.isUniqueViolation(error, constraint: "token_name_key") {
                throw StoreError.alreadyExists(kind: "token", name: token.name)
            }
            throw Self.storeError(error)
        }
    }

    public func tokens() async throws -> [TokenInfo] {
        readable(try await rows("SELECT * FROM token ORDER BY name"), table: "token", key: "name", Self.token)
    }

    public func tokenCredential(id: String) async throws -> TokenCredential? {
        guard let row = try await rows("SELECT * FROM token WHERE id = \(id)").first else { return nil }
        return try readOne(row, table: "token", key: "name") { columns in
            TokenCredential(token: try Self.token(columns), secretHash: try columns.text("secret_hash"))
        }
    }

    /// The first revocation time is kept (COALESCE in the UPDATE).
    public func revokeToken(named name: String, at now: Date) async throws -> Bool {
        try await !rows(
            "UPDATE token SET revoked_at = COALESCE(revoked_at, \(now)) WHERE name = \(name) RETURNING 1"
        ).isEmpty
    }

    /// A conditional UPDATE: of concurrent requests, those after a recorded use change nothing.
    public func markTokenUsed(id: String, at now: Date, unlessUsedAfter since: Date) async throws -> Bool {
        try await !rows(
            """
            UPDATE token SET last_used_at = \(now)
            WHERE id = \(id) AND (last_used_at IS NULL OR last_used_at <= \(since)) RETURNING 1
            """
        ).isEmpty
    }

    static func token(_ row: StoredColumns) throws -> TokenInfo {
        TokenInfo(
            id: try row.text("id"), name: try row.text("name"), role: try row.enumeration(TokenRole.self, "role"),
            createdAt: try row.date("created_at"), expiresAt: try row.optionalDate("expires_at"),
            revokedAt: try row.optionalDate("revoked_at"), lastUsedAt: try row.optionalDate("last_used_at"))
    }
}
