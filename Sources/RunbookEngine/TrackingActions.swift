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
            account: inputs["account"]?.nonEmptyString,
            workspace: inputs["workspace"]?.nonEmptyString)
    }
}

/// `enable-tracking` and `disable-tracking`: the same inputs, opposite effects.
struct TrackingAction: ActionHandler {
    let enables: Bool
    var name: String { enables ? "enable-tracking" : "disable-tracking" }

    func run(_ inputs: Value, context: ActionContext) async throws -> StepResult {
        let enablement = TrackingEnablement(store: try context.store, now: context.now)
        let request = EnablementRequest(inputs)
        let outcome =
            enables
            ? try await enablement.enable(request, jobId: context.jobId, sink: context.sink)
            : try await enablement.disable(request, sink: context.sink)
        try await context.recordTargets(outcome.succeeded + outcome.failed)
        if let aborted = outcome.aborted { return .failed(aborted) }
        if outcome.isSuccess { return .succeeded }
        return .failed(
            "tracking could not be \(enables ? "enabled" : "disabled") on: " + outcome.failed.joined(separator: ", "))
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

/// Waits; a stop, a time limit or a shutdown cancels the wait. A wait suspended in its middle
/// resumes with the time it had left.
struct WaitAction: ActionHandler {
    let name = "wait"
    static let range = 0...86_400

    func run(_ inputs: Value, context: ActionContext) async throws -> StepResult {
        guard case .int(let seconds) = inputs["seconds"], Self.range.contains(seconds) else {
            return .failed("'seconds' must be a whole number from 0 to 86400")
        }
        var wait = Duration.seconds(seconds)
        var said = "Waiting \(seconds)s"
        if let left = context.resumedWait, left <= wait {
            wait = left
            said = "Waiting the \(DurationText.format(wait)) left of \(seconds)s (suspended in the middle)"
        }
        let end = ContinuousClock.now.advanced(by: wait)
        context.cursor.waiting(until: end)
        await context.sink.write(.verbose, said)
        try await Task.sleep(until: end, clock: .continuous)
        return .succeeded
    }
}
