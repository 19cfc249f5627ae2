import Foundation
import GRDB

extension AutomationStore {
    /// Writes the `Heartbeat` row of one scan, in the scan's own transaction: what the machine
    /// was (OS, route, subscription) and which solutions it had enabled when it reported.
    static func recordHeartbeat(_ db: Database, machineId: Int64, at time: Date) throws {
        try db.execute(
            sql: """
                INSERT INTO heartbeat (computer, timeGenerated, osType, osName, solutions, subscription,
                    resourceGroup, location, route, sourceKind, machineId)
                SELECT name, ?, CASE family WHEN 'windows' THEN 'Windows' ELSE 'Linux' END, os,
                    COALESCE((SELECT group_concat(label, ', ') FROM (
                        SELECT CASE solution WHEN 'ChangeTracking' THEN 'changeTracking' ELSE 'inventory' END AS label
                        FROM machineSolution WHERE machineId = machine.id ORDER BY solution)), ''),
                    subscription, resourceGroup, location, route, sourceKind, id
                FROM machine WHERE id = ?
                """, arguments: [time, machineId])
    }
}
