import Automation

/// A runbook with its parameters bound and every step's inputs resolved and checked:
/// what is left cannot fail for reasons of input.
public struct PreparedJob: Sendable {
    public var loaded: LoadedRunbook
    public var parameters: [String: Value]
    public var stepInputs: [Value]
    /// The job's time limit when the starter sets one (a schedule's timeout); otherwise the
    /// runbook's, or the engine's default.
    public var timeLimit: Duration?
    /// How many restarts the job may have when the starter sets it (`runbook run --restarts`);
    /// otherwise the runbook's `restarts`.
    public var restartLimit: Int?

    public var runbook: Runbook { loaded.runbook }
}

/// Parameters or inputs that do not fit the runbook; nothing has been recorded.
public struct PreparationError: Error, Sendable, CustomStringConvertible {
    public var problems: [String]

    public var description: String { problems.map { "error: \($0)" }.joined(separator: "\n") }
}

extension JobRunner {
    /// Binds `-p` values and resolves every step's inputs, reporting all problems at once.
    public static func prepare(_ loaded: LoadedRunbook, parameters given: [String: String]) throws(PreparationError)
        -> PreparedJob
    {
        switch ParameterValues.bind(given, to: loaded.runbook) {
        case .success(let values): return try prepare(loaded, bound: values)
        case .failure(let error): throw PreparationError(problems: error.problems)
        }
    }

    /// Resolves every step's inputs from parameters already bound (a job's recorded values).
    public static func prepare(_ loaded: LoadedRunbook, bound: [String: Value]) throws(PreparationError)
        -> PreparedJob
    {
        var problems: [String] = []
        var inputs: [Value] = []
        for step in loaded.runbook.steps {
            let value = Value.map(step.inputs.map { Value.Entry($0.key, $0.value.resolve(bound)) })
            if let signature = ActionCatalog.signature(named: step.action) {
                for spec in signature.inputs {
                    guard let input = value[spec.name] else { continue }
                    if let problem = InputValues.problem(input, type: spec.type, what: "input '\(spec.name)'") {
                        problems.append("step '\(step.name)': \(problem)")
                    }
                }
            }
            inputs.append(value)
        }
        guard problems.isEmpty else { throw PreparationError(problems: problems) }
        return PreparedJob(loaded: loaded, parameters: bound, stepInputs: inputs)
    }
}

/// Why a job could not be resumed.
public enum ResumeError: Error, Sendable, CustomStringConvertible {
    case notSuspended(id: String, status: JobStatus)
    case takenByAnotherProcess(id: String)
    case unloadable(id: String, reason: String)

    public var description: String {
        switch self {
        case .notSuspended(let id, let status):
            let hint =
                status == .suspending
                ? "; it suspends at its next step boundary, then it can be resumed" : "; only a Suspended job resumes"
            return "job \(id) is \(status.rawValue)\(hint)"
        case .takenByAnotherProcess(let id):
            return "job \(id) was resumed by another process (a scheduler, or another 'runbook jobs resume')"
        case .unloadable(let id, let reason):
            return "job \(id) cannot be resumed: its recorded runbook no longer loads (\(reason)); it is now Failed"
        }
    }
}
