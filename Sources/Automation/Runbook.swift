import YAML

/// A runbook as authored in `runbooks/NAME.yaml`, after validation.
public struct Runbook: Sendable {
    public var name: String
    public var description: String
    public var parameters: [ParameterSpec]
    public var steps: [Step]
    /// Azure keeps Verbose and Progress records only when the runbook turns them on.
    public var logVerbose: Bool
    public var logProgress: Bool
    /// Whole-job time limit; nil means the engine's default.
    public var timeout: Duration?
    /// How many times a job cut off by its process or node dying is put back in New and run
    /// again from the interrupted step (every action can run again: see `JobRestarts`).
    public var restarts: Int

    public init(
        name: String,
        description: String = "",
        parameters: [ParameterSpec] = [],
        steps: [Step],
        logVerbose: Bool = false,
        logProgress: Bool = false,
        timeout: Duration? = nil,
        restarts: Int = JobRestarts.defaultLimit
    ) {
        self.name = name
        self.description = description
        self.parameters = parameters
        self.steps = steps
        self.logVerbose = logVerbose
        self.logProgress = logProgress
        self.timeout = timeout
        self.restarts = restarts
    }

    public func parameter(named name: String) -> ParameterSpec? {
        parameters.first { $0.name == name }
    }

    /// Whether its steps say where they run (`runOn` on a step): then each step runs where it
    /// says (a step without `runOn` on the service's nodes), and a job is handed over between
    /// steps; such a runbook's job is not started with a `runOn` of its own.
    public var placesSteps: Bool { steps.contains { $0.runOn != nil } }
}

public enum ParameterType: String, Sendable, Hashable, CaseIterable {
    case string, int, bool, list
}

public struct ParameterSpec: Sendable, Hashable {
    public var name: String
    public var type: ParameterType
    public var defaultValue: Value?
    public var required: Bool
    /// Allowed values; for a list, each element must be one of them.
    public var allowed: [Value]?
    public var description: String

    public init(
        name: String,
        type: ParameterType,
        defaultValue: Value? = nil,
        required: Bool = false,
        allowed: [Value]? = nil,
        description: String = ""
    ) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.required = required
        self.allowed = allowed
        self.description = description
    }
}

public struct Step: Sendable {
    public var name: String
    public var action: String
    public var inputs: [Template.Entry]
    /// What a failure of this step does to the job.
    public var onError: StepFailurePolicy
    public var timeout: Duration?
    public var retry: RetryPolicy?
    /// The Hybrid Runbook Worker group this step runs on; nil: where the job runs.
    public var runOn: String?
    public var mark: Mark

    public init(
        name: String,
        action: String,
        inputs: [Template.Entry] = [],
        onError: StepFailurePolicy = .fail,
        timeout: Duration? = nil,
        retry: RetryPolicy? = nil,
        runOn: String? = nil,
        mark: Mark = Mark(line: 1, column: 1)
    ) {
        self.runOn = runOn
        self.name = name
        self.action = action
        self.inputs = inputs
        self.onError = onError
        self.timeout = timeout
        self.retry = retry
        self.mark = mark
    }
}

/// What a step's failure (after its retries) does: fail the job (default), continue with the
/// next step (`continueOnError: true` is the same), or suspend the job at this step so that
/// `runbook jobs resume` runs it again.
public enum StepFailurePolicy: String, Sendable, Hashable, CaseIterable {
    case fail
    case `continue`
    case suspend
}

public struct RetryPolicy: Sendable, Hashable {
    /// Total tries, the first included.
    public var attempts: Int
    public var delay: Duration

    public init(attempts: Int, delay: Duration) {
        self.attempts = attempts
        self.delay = delay
    }
}
