import Automation
import Foundation
import PostgresNIO

/// `runbook apply` on PostgreSQL: the automation file in one transaction, all of it or nothing,
/// as on SQLite. Each item is an upsert whose unique name decides; `xmax = 0` in its RETURNING
/// tells an inserted row from an updated one (the summary's created and updated). The account
/// table's EXCLUSIVE lock makes "the first account is the default" hold against a concurrent
/// creator, as `createAccount` does.
extension PostgresStore: AutomationFileApplying {
    public func apply(_ file: AutomationFile, at now: Date) async throws -> ApplySummary {
        let logger = logger
        return try await transaction { connection in
            var summary = ApplySummary()
            func note(_ inserted: Bool, _ what: String) {
                if inserted { summary.created.append(what) } else { summary.updated.append(what) }
            }
            var workspaceId: Int64?
            // The account table's lock first, as createAccount takes it: the same order, no deadlock.
            if file.account != nil {
                try await connection.query("LOCK TABLE account IN EXCLUSIVE MODE", logger: logger)
            }
            if let workspace = file.workspace {
                let (id, inserted) = try await Self.upsertWorkspace(workspace, at: now, connection, logger)
                workspaceId = id
                note(inserted, "workspace \(workspace.name)")
            }
            if let account = file.account, let workspaceId {
                let isFirst = try await connection.rows("SELECT 1 FROM account LIMIT 1", logger: logger).isEmpty
                let row = try await connection.rows(
                    """
                    INSERT INTO account (name, subscription, resource_group, region, workspace_id, profile, is_default,
                        created_at)
                    VALUES (\(account.name), \(account.subscription), \(account.resourceGroup), \(account.region.name),
                        \(workspaceId), \(account.profile.rawValue), \(isFirst), \(now))
                    ON CONFLICT (name) DO UPDATE SET subscription = excluded.subscription,
                        resource_group = excluded.resource_group, region = excluded.region,
                        workspace_id = excluded.workspace_id, profile = excluded.profile
                    RETURNING xmax = 0
                    """, logger: logger
                ).first
                note(try row?.decode(Bool.self) ?? false, "account \(account.name)")
            }
            for gateway in file.gateways {
                note(try await Self.save(gateway, connection, logger), "gateway \(gateway.name)")
            }
            for machine in file.machines {
                let existed = try await !connection.rows(
                    "SELECT 1 FROM machine WHERE name = \(machine.name)", logger: logger
                ).isEmpty
                _ = try await Self.register(machine, replace: true, at: now, connection, logger)
                note(!existed, "machine \(machine.name)")
            }
            for schedule in file.schedules {
                let definition = try JSONText.encode(schedule)
                let row = try await connection.rows(
                    """
                    INSERT INTO schedule (name, definition, enabled, created_at, updated_at)
                    VALUES (\(schedule.name), \(definition)::jsonb, \(schedule.enabled), \(now), \(now))
                    ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, enabled = excluded.enabled,
                        updated_at = excluded.updated_at
                    RETURNING xmax = 0
                    """, logger: logger
                ).first
                note(try row?.decode(Bool.self) ?? false, "schedule \(schedule.name)")
            }
            return summary
        }
    }
}
