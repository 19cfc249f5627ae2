import Foundation

/// What to do with fires missed while no scheduler ran.
public enum MisfirePolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Record the missed fires and run none of them.
    case skip
    /// Record the missed fires and run the schedule once, now.
    case runOnce = "run-once"
}

/// What to do when a fire comes while the previous job of the schedule still runs.
public enum OverlapPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Record the fire as skipped.
    case skip
    /// Start it once the running job ends.
    case queue
    /// Start it alongside.
    case allow
}

/// A runbook a schedule starts, with its own parameter values.
public struct ScheduleLink: Sendable, Hashable, Codable {
    public var runbook: String
    public var parameters: [String: String]
    /// The runbooks folder (absolute) the link was checked against when it was made: a daemon
    /// started from any folder loads the runbook from there, so the schedule runs the runbook
    /// its author checked. Nil for links made before it was recorded (the daemon's folder).
    @ExplicitNull public var folder: String?
    /// Azure's job schedule id (a GUID the API's caller picks); links made elsewhere get one
    /// derived from their schedule and runbook.
    @ExplicitNull public var jobScheduleId: String?
    /// The Hybrid Runbook Worker group its jobs run on (Azure's job schedule `runOn`); nil: the
    /// service's nodes.
    @ExplicitNull public var runOn: String?

    public init(
        runbook: String, parameters: [String: String] = [:], folder: String? = nil, jobScheduleId: String? = nil,
        runOn: String? = nil
    ) {
        self.runOn = runOn
        self.runbook = runbook
        self.parameters = parameters
        self.folder = folder
        self.jobScheduleId = jobScheduleId
    }
}

/// A named schedule: when it fires, what it starts, and its policies.
public struct Schedule: Sendable, Hashable, Codable {
    public var name: String
    public var description: String
    public var recurrence: Recurrence
    public var enabled: Bool
    public var misfire: MisfirePolicy
    public var overlap: OverlapPolicy
    /// Per-job time limit for the jobs it starts; nil: the runbook's or the engine's default.
    @ExplicitNull public var timeoutSeconds: Int?
    public var links: [ScheduleLink]

    public init(
        name: String, description: String = "", recurrence: Recurrence, enabled: Bool = true,
        misfire: MisfirePolicy = .runOnce, overlap: OverlapPolicy = .skip, timeoutSeconds: Int? = nil,
        links: [ScheduleLink] = []
    ) {
        self.name = name
        self.description = description
        self.recurrence = recurrence
        self.enabled = enabled
        self.misfire = misfire
        self.overlap = overlap
        self.timeoutSeconds = timeoutSeconds
        self.links = links
    }

    /// Problems with the definition itself (links are checked against runbooks elsewhere).
    public func problems() -> [String] {
        var problems = recurrence.problems()
        if !RunbookNames.isValid(name) {
            problems.insert(
                "name: \(Quoted.clip(name)) is not valid: start with a letter, then letters, digits, '-' or '_'", at: 0)
        }
        if let timeoutSeconds, timeoutSeconds <= 0 { problems.append("timeout: must be positive") }
        if let timeoutSeconds, timeoutSeconds > DurationText.maximumSeconds {
            problems.append(
                "timeout: \(timeoutSeconds)s is longer than the maximum duration, \(DurationText.maximumText) (10 years)"
            )
        }
        return problems
    }
}

/// Checks a link's parameter values against the runbook, as `runbook run` would bind them.
public enum ScheduleLinks {
    public static func problems(_ link: ScheduleLink, runbook: Runbook) -> [String] {
        var problems: [String] = []
        if case .failure(let error) = ParameterValues.bind(link.parameters, to: runbook) {
            problems += error.problems.map { "link to \(Quoted.clip(link.runbook)): \($0)" }
        }
        if let group = link.runOn, let problem = ResourceName.problem(group, kind: "hybrid worker group") {
            problems.append("link to \(Quoted.clip(link.runbook)): runOn: \(problem)")
        }
        if link.runOn != nil && runbook.placesSteps {
            problems.append(
                "link to \(Quoted.clip(link.runbook)): runOn: the runbook says where its steps run (runOn on its "
                    + "steps), so its jobs take no runOn of their own")
        }
        return problems
    }
}
