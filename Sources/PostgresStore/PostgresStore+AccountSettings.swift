import Automation
import Foundation
import PostgresNIO

/// The default account and a profile on PostgreSQL. Changing the default holds the account
/// table's EXCLUSIVE lock, as creating an account does: "one default" involves two rows, and
/// two changes at once must not each clear the old one and set their own.
extension PostgresStore: AccountSettingStoring {
    public func setDefaultAccount(_ name: String) async throws {
        let logger = logger
        try await transaction { connection in
            try await connection.query("LOCK TABLE account IN EXCLUSIVE MODE", logger: logger)
            guard try await !connection.rows("SELECT 1 FROM account WHERE name = \(name)", logger: logger).isEmpty
            else { throw StoreError.notFound(kind: "Automation account", name: name, hint: "") }
            try await connection.query("UPDATE account SET is_default = false WHERE is_default", logger: logger)
            try await connection.query("UPDATE account SET is_default = true WHERE name = \(name)", logger: logger)
        }
    }

    public func setProfile(_ profile: LimitsProfile, account name: String?) async throws -> (
        account: String, previous: LimitsProfile?
    ) {
        let logger = logger
        return try await transaction { connection in
            let found = try await connection.rows(
                """
                SELECT name, profile FROM account
                WHERE (\(name)::text IS NULL AND is_default) OR name = \(name) FOR UPDATE
                """, logger: logger
            ).first
            guard let (account, previous) = try found?.decode((String, String).self) else {
                let names = try await connection.rows("SELECT name FROM account ORDER BY name", logger: logger).map {
                    try $0.decode(String.self)
                }
                throw StoreError.notFound(
                    kind: "Automation account", name: name ?? "(default)",
                    hint: Suggestion.hint(for: name ?? "", among: names))
            }
            try await connection.query(
                "UPDATE account SET profile = \(profile.rawValue) WHERE name = \(account)", logger: logger)
            return (account, LimitsProfile(rawValue: previous))
        }
    }
}
