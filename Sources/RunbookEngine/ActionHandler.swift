import Automation
import AutomationStore
import Foundation

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
    /// The embedded store, where machines, tracking settings and changes live; nil on a
    /// PostgreSQL store, which does not hold them yet.
    let trackingStore: AutomationStore?
    let recorder: any JobRecording
    public let sink: JobStreamWriter
    public let now: @Sendable () -> Date

    /// The store change-tracking actions read and write machines, snapshots and changes in.
    public var store: AutomationStore {
        get throws {
            guard let trackingStore else { throw ActionUnavailable.changeTrackingNeedsEmbeddedStore }
            return trackingStore
        }
    }

    /// Remembers machines the job acted on, for the job's record.
    public func recordTargets(_ names: [String]) async throws {
        guard !names.isEmpty else { return }
        try await recorder.addTargets(job: jobId, names)
    }
}

/// An action this store cannot run.
public enum ActionUnavailable: Error, CustomStringConvertible {
    case changeTrackingNeedsEmbeddedStore

    public var description: String {
        switch self {
        case .changeTrackingNeedsEmbeddedStore:
            "change tracking actions need the embedded store: machines, snapshots and changes are not kept "
                + "in PostgreSQL yet (run this runbook on a node with --store PATH)"
        }
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
