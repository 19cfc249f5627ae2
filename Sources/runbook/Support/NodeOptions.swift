import ArgumentParser
import Foundation
import Scheduler

/// `--lease` and `--node`: how `runbook scheduler` and `runbook serve` take part as a node of
/// their store.
struct NodeOptions: ParsableArguments {
    @Option(help: "Seconds a job's lease lasts without a heartbeat, 3 to 3600.") var lease = 30.0
    @Option(help: "This node's id (default: host name and a random suffix).") var node: String?

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
    }

    /// The node's settings: a heartbeat every third of the lease.
    func settings(poll: Double, concurrency: Int) -> NodeSettings {
        NodeSettings(
            id: node ?? NodeSettings.newID(), lease: .milliseconds(Int(lease * 1000)),
            heartbeat: .milliseconds(Int(lease * 1000 / 3)), poll: .milliseconds(Int(poll * 1000)),
            concurrency: concurrency)
    }
}
