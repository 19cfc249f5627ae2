import Automation
import ChangeTracking

extension EnablementRequest {
    /// Reads resolved step inputs; their types were checked before the job started.
    init(_ inputs: Value) {
        let solutions = inputs["solutions"]?.listValue?.compactMap { $0.stringValue.flatMap(Solution.init(rawValue:)) }
        self.init(
            solutions: (solutions?.isEmpty ?? true) ? Solution.allCases : solutions ?? Solution.allCases,
            scope: inputs["scope"]?.stringValue.flatMap(EnablementScope.init(rawValue:)) ?? .selected,
            targets: TargetSpec(inputs["targets"]),
            account: inputs["account"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 },
            workspace: inputs["workspace"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 })
    }
}

struct EnableTrackingAction: ActionHandler {
    let name = "enable-tracking"

    func run(_ inputs: Value, context: ActionContext) async throws -> StepResult {
        let enablement = TrackingEnablement(store: context.store, now: context.now)
        let outcome = try await enablement.enable(EnablementRequest(inputs), jobId: context.jobId, sink: context.sink)
        try context.recordTargets(outcome.succeeded + outcome.failed.filter { !$0.hasPrefix("(") })
        if outcome.isSuccess { return .succeeded }
        return .failed("tracking could not be enabled on: " + outcome.failed.joined(separator: ", "))
    }
}

struct DisableTrackingAction: ActionHandler {
    let name = "disable-tracking"

    func run(_ inputs: Value, context: ActionContext) async throws -> StepResult {
        let enablement = TrackingEnablement(store: context.store, now: context.now)
        let outcome = try await enablement.disable(EnablementRequest(inputs), sink: context.sink)
        try context.recordTargets(outcome.succeeded + outcome.failed.filter { !$0.hasPrefix("(") })
        if outcome.isSuccess { return .succeeded }
        return .failed("tracking could not be disabled on: " + outcome.failed.joined(separator: ", "))
    }
}

struct LogAction: ActionHandler {
    let name = "log"

    func run(_ inputs: Value, context: ActionContext) async throws -> StepResult {
        let stream = inputs["stream"]?.stringValue.flatMap(StreamKind.init(caseInsensitive:)) ?? .output
        await context.sink.write(stream, inputs["message"]?.description ?? "")
        return .succeeded
    }
}
