import Foundation

/// How `runbook agent` runs (its command-line options).
public struct AgentSettings: Sendable {
    public var server: URL
    /// The agent token, needed for the first start only.
    public var token: String?
    public var state: String
    public var caFile: String?
    public var proxy: URL?
    public var name: String
    /// The folder that stands for `/` (tests and demos); `/` on a real machine.
    public var root: String
    /// Overrides Azure's collection frequencies (at least 1 s).
    public var interval: Duration?
    /// The spool's byte cap; past it the oldest upload is dropped (and said in the next heartbeat).
    public var spoolMax: Int
    public var heartbeat: Duration
    /// How often the configuration is asked for.
    public var configurationPoll: Duration
    /// The Hybrid Runbook Worker groups it works for (none: it only reports).
    public var groups: [String] = []
    /// How many jobs it runs at once, as a worker.
    public var concurrency = 4

    public init(
        server: URL, token: String?, state: String, caFile: String?, proxy: URL?, name: String, root: String,
        interval: Duration?, spoolMax: Int, heartbeat: Duration = .seconds(60),
        configurationPoll: Duration = .seconds(180)
    ) {
        self.server = server
        self.token = token
        self.state = state
        self.caFile = caFile
        self.proxy = proxy
        self.name = name
        self.root = root
        self.interval = interval
        self.spoolMax = spoolMax
        self.heartbeat = heartbeat
        self.configurationPoll = configurationPoll
    }
}
