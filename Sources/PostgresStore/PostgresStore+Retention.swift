import Automation
import Foundation
import PostgresNIO

/// The job history's retention on PostgreSQL: every node may purge; each batch is one DELETE,
/// and a job's streams and status rows go with it (`ON DELETE CASCADE`).
extension PostgresStore: JobPurging {
    public func purgeJobs(before cutoff: Date, batch: Int) async throws -> Int {
        let batch = max(1, batch)
        var total = 0
        while true {
            // SKIP LOCKED: a batch never waits for rows another node is purging.
            let deleted = try await rows(
                """
                DELETE FROM job WHERE id IN (
                    SELECT id FROM job WHERE created_at < \(cutoff) AND status IN ('Completed', 'Failed', 'Stopped')
                    LIMIT \(batch) FOR UPDATE SKIP LOCKED)
                RETURNING 1
                """
            ).count
            total += deleted
            if deleted < batch { return total }
        }
    }
}
