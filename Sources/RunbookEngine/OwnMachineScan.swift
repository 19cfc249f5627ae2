import Automation
import ChangeTracking
import Foundation

/// A hybrid worker's own machine: a `scan` step of a job the worker runs scans it, through the
/// machine's agent (collected now, uploaded and recorded by the service as the job's changes).
public protocol OwnMachineScanning: Sendable {
    /// The machine's name, as the account knows it.
    var machine: String { get }
    /// Collects the machine now and returns once the service has recorded the upload.
    func scan(job: String) async throws -> OwnMachineScan
}

/// What a worker's scan of its machine recorded.
public struct OwnMachineScan: Sendable, Hashable {
    public var changes: Int
    /// The files the changes touched (at most `JobScanResult.maxChangedFiles`).
    public var changedFiles: [String]
    /// More files changed than `changedFiles` names.
    public var truncated: Bool
    /// False when the service no longer let this worker hold the job: the changes were stored
    /// as the machine's, not the job's.
    public var attributed: Bool

    public init(changes: Int, changedFiles: [String], truncated: Bool, attributed: Bool) {
        self.changes = changes
        self.changedFiles = changedFiles
        self.truncated = truncated
        self.attributed = attributed
    }
}

/// A worker's `scan` step: its own machine, through its agent.
enum OwnMachineScanStep {
    static func run(_ inputs: Value, machine own: any OwnMachineScanning, context: ActionContext) async throws
        -> StepResult
    {
        let targets = TargetSpec(inputs["targets"])
        if !targets.machines.isEmpty && !targets.machines.contains(own.machine) {
            let named = targets.machines.map { Quoted.clip($0) }.joined(separator: ", ")
            await context.sink.write(
                .error,
                "on a hybrid worker a scan covers the worker's own machine '\(own.machine)'; this step targets "
                    + "\(named): run it on the service's nodes (without runOn) or on those machines' group")
            return .failed("targets are not this worker's machine")
        }
        let scan = try await own.scan(job: context.jobId)
        try await context.recordTargets([own.machine])
        await context.sink.write(
            .output,
            "Scanned 1 machine(s), \(scan.changes) change(s) recorded (machine '\(own.machine)', on this worker)")
        if !scan.attributed {
            await context.sink.write(
                .warning,
                "the service no longer lets this worker hold the job: the changes are the machine's, not the job's")
        }
        let prefixes = inputs["failOnChangesUnder"]?.listValue?.compactMap(\.stringValue) ?? []
        guard !prefixes.isEmpty else { return .succeeded }
        // As the gate on a node's scan: a change whose path starts with one of the prefixes.
        let matched = scan.changedFiles.filter { path in prefixes.contains { path.hasPrefix($0) } }
        let scope = "found by this scan under " + prefixes.joined(separator: ", ")
        if scan.truncated {
            await context.sink.write(
                .warning,
                "more files changed than the service's answer names: the gate checked the first \(scan.changedFiles.count)"
            )
        }
        guard !matched.isEmpty else {
            await context.sink.write(.output, "No matching changes (\(scope)).")
            return .succeeded
        }
        for path in matched.prefix(50) { await context.sink.write(.error, "\(own.machine): files \(path)") }
        if matched.count > 50 { await context.sink.write(.error, "... and \(matched.count - 50) more") }
        return .failed("\(matched.count) matching change(s) found (\(scope))")
    }
}
