import Automation
import GRDB

extension AutomationStore {
    /// Sets an account's limits profile (nil: the default account). Returns the account's name
    /// and the profile it had.
    public func setProfile(_ profile: LimitsProfile, account name: String?) throws -> (
        account: String, previous: LimitsProfile?
    ) {
        try writer.write { db in
            let request =
                name.map { AccountRecord.filter(Column("name") == $0) }
                ?? AccountRecord.filter(Column("isDefault") == true)
            guard let record = try request.fetchOne(db) else {
                let names = try String.fetchAll(db, sql: "SELECT name FROM account ORDER BY name")
                throw StoreError.notFound(
                    kind: "Automation account", name: name ?? "(default)",
                    hint: Suggestion.hint(for: name ?? "", among: names))
            }
            try db.execute(
                sql: "UPDATE account SET profile = ? WHERE name = ?", arguments: [profile.rawValue, record.name])
            return (record.name, LimitsProfile(rawValue: record.profile))
        }
    }
}
