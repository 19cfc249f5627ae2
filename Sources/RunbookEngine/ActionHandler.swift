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
    public let store: AutomationStore
    public let sink: JobStreamWriter
    public let now: @Sendable () -> Date

    /// Remembers machines the job acted on, for the job's record.
    public func recordTargets(_ names: [String]) throws {
        guard !names.isEmpty else { return }
        try store.addTargets(job: jobId, names)
    }
}

/// The built-in actions, one per catalog entry.
public enum BuiltinActions {
    public static let all: [any ActionHandler] = [
        TrackingAction(enables: true), TrackingAction(enables: false), ConfigureTrackingAction(), ScanAction(),
        AssertNoChangesAction(), ReportChangesAction(), LogAction(),
    ]

    public static var byName: [String: any ActionHandler] {
        Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
