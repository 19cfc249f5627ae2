import Automation
import Foundation
import GRDB

extension ApplySummary {
    mutating func note(existed: Bool, _ what: String) {
        if existed { updated.append(what) } else { created.append(what) }
    }
}

extension AutomationStore {
    /// Applies an automation file in one transaction: all of it, or nothing.
    public func apply(_ file: AutomationFile, at now: Date) throws -> ApplySummary {
        try writer.write { db in
            var summary = ApplySummary()
            if let workspace = file.workspace {
                let existed = try WorkspaceRecord.filter(Column("name") == workspace.name).fetchCount(db) > 0
                _ = try Self.upsertWorkspace(workspace, db: db, at: now)
                summary.note(existed: existed, "workspace \(workspace.name)")
            }
            if let account = file.account, let workspace = file.workspace {
                let workspaceId = try Self.upsertWorkspace(workspace, db: db, at: now)
                if var existing = try AccountRecord.filter(Column("name") == account.name).fetchOne(db) {
                    existing.subscription = account.subscription
                    existing.resourceGroup = account.resourceGroup
                    existing.region = account.region.name
                    existing.workspaceId = workspaceId
                    existing.profile = account.profile.rawValue
                    try existing.update(db)
                    summary.updated.append("account \(account.name)")
                } else {
                    let isFirst = try AccountRecord.fetchCount(db) == 0
                    var record = AccountRecord(
                        id: nil, name: account.name, subscription: account.subscription,
                        resourceGroup: account.resourceGroup, region: account.region.name, workspaceId: workspaceId,
                        profile: account.profile.rawValue, isDefault: isFirst, createdAt: now)
                    try record.insert(db)
                    summary.created.append("account \(account.name)")
                }
            }
            for gateway in file.gateways {
                let existed = try GatewayRecord.filter(Column("name") == gateway.name).fetchCount(db) > 0
                try Self.save(gateway, db: db)
                summary.note(existed: existed, "gateway \(gateway.name)")
            }
            for machine in file.machines {
                let existed = try MachineRecord.filter(MachineRecord.Columns.name == machine.name).fetchCount(db) > 0
                try Self.register(machine, replace: true, db: db, at: now)
                summary.note(existed: existed, "machine \(machine.name)")
            }
            for schedule in file.schedules {
                let existed =
                    try Int.fetchOne(
                        db, sql: "SELECT COUNT(*) FROM schedule WHERE name = ?", arguments: [schedule.name]) ?? 0 > 0
                try Self.save(schedule, replace: true, db: db, at: now)
                summary.note(existed: existed, "schedule \(schedule.name)")
            }
            return summary
        }
    }
}
