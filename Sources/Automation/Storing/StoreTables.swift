import Foundation

/// A store's table as plain values, to copy it from one store to another (`runbook store copy`).
/// Column names are the PostgreSQL store's (snake_case); values are typed as SQLite held them,
/// with dates already read as dates.
public struct StoreTable: Sendable {
    public var name: String
    public var columns: [String]
    public var rows: [[StoreValue]]

    public init(name: String, columns: [String], rows: [[StoreValue]]) {
        self.name = name
        self.columns = columns
        self.rows = rows
    }
}

/// One stored value.
public enum StoreValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
    case date(Date)
}

/// The tables `runbook store copy` moves into PostgreSQL, parents first (the embedded store's
/// names, camelCase; the PostgreSQL store's are the same in snake_case).
public enum CopiedTables {
    public static let names = [
        "workspace", "account", "runbook", "schedule", "schedulerCheckpoint", "job", "jobStatus", "jobStream",
        "scheduleFire", "token", "gateway", "machine", "machineSolution", "trackingScope", "trackingSettings",
        "configurationData", "configurationChange", "machineScan", "fileIndex", "heartbeat",
    ]

    /// `scheduleFire` -> `schedule_fire`.
    public static func snakeCase(_ name: String) -> String {
        var out = ""
        for character in name {
            if character.isUppercase {
                out += "_" + character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out
    }
}
