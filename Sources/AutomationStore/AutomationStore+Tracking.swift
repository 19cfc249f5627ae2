import Automation
import Foundation
import GRDB

extension AutomationStore {
    /// Records the solutions enabled on each machine, all in one transaction.
    public func enable(
        _ solutions: [Solution], on machines: [String], account: String, jobId: String?, at now: Date
    ) throws {
        try writer.write { db in
            let accountId = try Self.accountId(account, db: db)
            for name in machines {
                let machineId = try Self.machineId(name, db: db)
                for solution in solutions {
                    let record = MachineSolutionRecord(
                        machineId: machineId, solution: solution.rawValue, accountId: accountId, enabledAt: now,
                        jobId: jobId)
                    if try MachineSolutionRecord.fetchOne(
                        db, key: ["machineId": machineId, "solution": solution.rawValue]) == nil
                    {
                        try record.insert(db)
                    }
                }
            }
        }
    }

    /// Removes solutions from machines, in one transaction.
    public func disable(_ solutions: [Solution], on machines: [String]) throws {
        try writer.write { db in
            for name in machines {
                let machineId = try Self.machineId(name, db: db)
                for solution in solutions {
                    _ = try MachineSolutionRecord.deleteOne(
                        db, key: ["machineId": machineId, "solution": solution.rawValue])
                }
            }
        }
    }

    /// Keeps an "all available and future machines" scope: machines registered later are enabled too.
    public func setScope(_ solutions: [Solution], account: String, filter: ScopeFilter, at now: Date) throws {
        try writer.write { db in
            let accountId = try Self.accountId(account, db: db)
            for solution in solutions {
                let record = TrackingScopeRecord(
                    accountId: accountId, solution: solution.rawValue, filter: try JSONColumn.encode(filter),
                    createdAt: now)
                try record.upsert(db)
            }
        }
    }

    public func clearScope(_ solutions: [Solution], account: String) throws {
        try writer.write { db in
            let accountId = try Self.accountId(account, db: db)
            for solution in solutions {
                _ = try TrackingScopeRecord.deleteOne(db, key: ["accountId": accountId, "solution": solution.rawValue])
            }
        }
    }

    public func scopes() throws -> [TrackingScope] {
        try writer.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT account.name AS account, trackingScope.solution, trackingScope.filter
                    FROM trackingScope JOIN account ON account.id = trackingScope.accountId
                    ORDER BY account.name, trackingScope.solution
                    """)
            return readable(rows, table: "trackingScope", key: "account") { row in
                let stored = StoredRow(row)
                return TrackingScope(
                    account: try stored.text("account"), solution: try stored.enumeration(Solution.self, "solution"),
                    filter: try stored.json(ScopeFilter.self, "filter"))
            }
        }
    }

    static func accountId(_ name: String, db: Database) throws -> Int64 {
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM account WHERE name = ?", arguments: [name]) else {
            throw StoreError.notFound(kind: "Automation account", name: name, hint: "")
        }
        return id
    }

    static func machineId(_ name: String, db: Database) throws -> Int64 {
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM machine WHERE name = ?", arguments: [name]) else {
            throw StoreError.notFound(kind: "machine", name: name, hint: "")
        }
        return id
    }
}
