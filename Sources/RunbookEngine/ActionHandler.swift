import Automation
import Foundation
import KQL

/// The implementation of one catalog action.
public protocol ActionHandler: Sendable {
    /// The catalog name, e.g. `enable-tracking`.
    var name: String { get }
    func run(_ inputs: Value, context: ActionContext) async throws -> StepResult
}

public enum StepResult: Sendable, Hashable {
    case succeeded
    case failed(String)
}

/// What an action may use while it runs.
public struct ActionContext: Sendable {
    public let jobId: String
    /// Where machines, tracking settings, snapshots and changes live (either store); nil on a
    /// hybrid worker, which reaches no store.
    let trackingStore: (any TrackingStoring)?
    /// Where a step's Log Analytics query (`query` input) runs; nil on a hybrid worker.
    let logQueries: (any LogQuerying)?
    /// On a hybrid worker, its own machine, which a `scan` step scans; nil elsewhere.
    let ownMachine: (any OwnMachineScanning)?
    let recorder: any JobRecording
    public let sink: JobStreamWriter
    public let now: @Sendable () -> Date
    /// The running step, which a `wait` tells when it ends.
    let cursor: StepCursor
    /// A `wait` resumed in its middle waits these seconds instead of its own (first step only).
    var resumedWait: Duration?

    /// The account's store; an action that needs it fails on a hybrid worker, saying so.
    public var store: any TrackingStoring {
        get throws {
            guard let trackingStore else { throw WorkerStepRefusal() }
            return trackingStore
        }
    }

    var logStore: any LogQuerying {
        get throws {
            guard let logQueries else { throw WorkerStepRefusal() }
            return logQueries
        }
    }

    /// Remembers machines the job acted on, for the job's record.
    public func recordTargets(_ names: [String]) async throws {
        guard !names.isEmpty else { return }
        try await recorder.addTargets(job: jobId, names)
    }
}

/// The built-in actions, one per catalog entry.
public enum BuiltinActions {
    public static let all: [any ActionHandler] = [
        TrackingAction(enables: true), TrackingAction(enables: false), ConfigureTrackingAction(), ScanAction(),
        AssertNoChangesAction(), ReportChangesAction(), LogAction(), WaitAction(),
    ]

    public static var byName: [String: any ActionHandler] {
        Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

/// A step that needs the account's store, run on a hybrid worker (which reaches no store).
public struct WorkerStepRefusal: Error, CustomStringConvertible {
    public var description: String {
        "this step works on the account's store, which a hybrid worker does not reach: on a worker, run "
            + "log, wait and scan steps (a scan covers the worker's own machine), and run this step on the "
            + "service's nodes (without runOn)"
    }
}
