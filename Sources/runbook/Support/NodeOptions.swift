import ArgumentParser
import Automation
import Foundation
import Scheduler

/// `--lease` and `--node`: how `runbook scheduler` and `runbook serve` take part as a node of
/// their store.
struct NodeOptions: ParsableArguments {
    @Option(help: "Seconds a job's lease lasts without a heartbeat, 3 to 3600.") var lease = 30.0
    @Option(help: "This node's id (default: host name and a random suffix).") var node: String?
    @Option(
        help: ArgumentHelp(
            "How long a job for a hybrid worker group waits with no worker of the group seen before it is "
                + "Suspended (Azure's 30m; 10s to 7d).", valueName: "duration"))
    var workerWait = "30m"

    /// At least 10 s: a worker waiting in a poll is recorded as seen every 5 s.
    static let workerWaitRange: ClosedRange<Duration> = .seconds(10) ... .seconds(7 * 24 * 3600)

    static let leaseRange = 3.0...3600.0

    func validate() throws {
        // A range, not a one-sided check: inf and 1e300 pass `>=` and then trap when converted.
        guard Self.leaseRange.contains(lease) else {
            throw ValidationError("--lease \(lease) is out of range: 3 to 3600 seconds")
        }
        // Shown in tables and logs and written into job reasons: plain characters only.
        if let node,
            node.isEmpty || node.count > 100
                || !node.unicodeScalars.allSatisfy({
                    $0.isASCII
                        && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0))
                })
        {
            throw ValidationError("--node must be 1 to 100 letters, digits, '.', '_' or '-'")
        }
        guard let wait = DurationText.parse(workerWait), Self.workerWaitRange.contains(wait) else {
            throw ValidationError("--worker-wait '\(workerWait)' is not a duration from 10s to 7d, such as 30m")
        }
    }

    /// The node's settings: a heartbeat every third of the lease.
    func settings(poll: Double, concurrency: Int) -> NodeSettings {
        var settings = NodeSettings(
            id: node ?? NodeSettings.newID(), lease: .milliseconds(Int(lease * 1000)),
            heartbeat: .milliseconds(Int(lease * 1000 / 3)), poll: .milliseconds(Int(poll * 1000)),
            concurrency: concurrency)
        settings.workerWait = DurationText.parse(workerWait) ?? WorkerAbsence.defaultWindow
        return settings
    }
}
