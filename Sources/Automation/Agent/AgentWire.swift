import Foundation

// What `runbook agent` and `runbook serve` say to each other, as JSON under /agent/v1/ (the
// agent's routes, beside the ARM API). docs/AGENTS.md describes each exchange.

/// The agent's enrolment: an agent token, then the machine's facts.
public struct AgentEnrolment: Sendable, Hashable, Codable {
    /// The machine's name (default: the host name).
    public var name: String
    /// The catalog name of its OS, read from /etc/os-release.
    public var os: String
    public var addresses: [String]
    public var version: String
    /// Whether it reached the service through a gateway (`--proxy`), and which one (HOST:PORT).
    public var gateway: String?

    public init(name: String, os: String, addresses: [String], version: String, gateway: String?) {
        self.name = name
        self.os = os
        self.addresses = addresses
        self.version = version
        self.gateway = gateway
    }
}

/// The service's answer to an enrolment: the credential for this agent alone.
public struct AgentEnrolled: Sendable, Hashable, Codable {
    public var machine: String
    /// `rba_ID_SECRET`: sent as `Authorization: Agent CREDENTIAL` from then on.
    public var credential: String

    public init(machine: String, credential: String) {
        self.machine = machine
        self.credential = credential
    }
}

/// What an agent collects, and under which version of the account's settings.
public struct AgentConfiguration: Sendable, Hashable, Codable {
    /// The settings version (`ETag`); every upload names the version it was collected under.
    public var version: Int
    public var settings: TrackingSettings
    public var profile: LimitsProfile
    /// Whether Change Tracking or Inventory is enabled on the machine: nothing is collected until it is.
    public var enabled: Bool
    /// Seconds between full inventories (Azure's 10 hours).
    public var fullInventorySeconds: Int

    public init(
        version: Int, settings: TrackingSettings, profile: LimitsProfile, enabled: Bool, fullInventorySeconds: Int
    ) {
        self.version = version
        self.settings = settings
        self.profile = profile
        self.enabled = enabled
        self.fullInventorySeconds = fullInventorySeconds
    }
}

/// The key of one inventory item.
public struct AgentItemKey: Sendable, Hashable, Codable {
    public var type: ConfigType
    public var key: String

    public init(type: ConfigType, key: String) {
        self.type = type
        self.key = key
    }
}

/// One upload: the items that changed since the agent's previous upload (or, `full`, all of
/// them), collected under one settings version. `sequence` numbers the agent's uploads from
/// 1; the service stores each once, in order.
public struct AgentBatch: Sendable, Hashable, Codable {
    public var sequence: Int64
    public var full: Bool
    public var configurationVersion: Int
    public var collectedAt: Date
    /// Items added or changed (all items, when `full`).
    public var items: [InventoryItem]
    /// Items gone since the previous upload (empty when `full`: what is not in `items` is gone).
    public var removed: [AgentItemKey]
    /// For a `full` upload, which types it covers: stored items of other types are kept.
    public var types: [ConfigType]
    /// The job whose `scan` step, run on this machine's hybrid worker, collected it: its changes
    /// are the job's (as a node's scan records them), while the worker holds the job.
    public var jobId: String?

    public init(
        sequence: Int64, full: Bool, configurationVersion: Int, collectedAt: Date, items: [InventoryItem],
        removed: [AgentItemKey], types: [ConfigType], jobId: String? = nil
    ) {
        self.jobId = jobId
        self.sequence = sequence
        self.full = full
        self.configurationVersion = configurationVersion
        self.collectedAt = collectedAt
        self.items = items
        self.removed = removed
        self.types = types
    }
}

/// The service's answer to an upload.
public struct AgentBatchResult: Sendable, Hashable, Codable {
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// Stored now.
        case stored
        /// Stored before (a retried upload): nothing more was stored.
        case duplicate
        /// An upload is missing before this one (the agent dropped it): send everything (`full`).
        case resend
        /// Collected under an older settings version: fetch the configuration and collect again.
        case reconfigure
        /// Tracking is not enabled on the machine: nothing is stored.
        case notEnabled
    }

    public var outcome: Outcome
    /// The changes it recorded (0 for a machine's first upload, its baseline).
    public var changes: Int
    public var lastSequence: Int64
    /// For an upload of a job's scan (`jobId`): whether the changes were recorded as the job's,
    /// and the files they touched (at most `maxChangedFiles`), for the step's drift gate.
    public var job: JobScanResult?

    public init(outcome: Outcome, changes: Int, lastSequence: Int64, job: JobScanResult? = nil) {
        self.outcome = outcome
        self.changes = changes
        self.lastSequence = lastSequence
        self.job = job
    }
}

/// What an upload of a job's scan recorded for the job.
public struct JobScanResult: Sendable, Hashable, Codable {
    /// A job's scan answer names at most this many changed files, of at most this many bytes
    /// together: the agent reads an answer of at most 8 MiB, and an answer it cannot read
    /// would leave the upload in its spool, sent again and again.
    public static let maxChangedFiles = 10_000
    public static let maxChangedFileBytes = 1024 * 1024
    /// False when the worker no longer held the job: the changes were stored as the machine's alone.
    public var attributed: Bool
    public var changedFiles: [String]
    /// More files changed than `changedFiles` names.
    public var truncated: Bool

    public init(attributed: Bool, changedFiles: [String], truncated: Bool) {
        self.attributed = attributed
        self.changedFiles = changedFiles
        self.truncated = truncated
    }

    /// The answer naming the first of `files` within both caps; `truncated` when some are left out.
    public init(attributed: Bool, files: some Sequence<String>) {
        var named: [String] = []
        var bytes = 0
        var truncated = false
        for file in files {
            bytes += file.utf8.count
            guard named.count < Self.maxChangedFiles, bytes <= Self.maxChangedFileBytes else {
                truncated = true
                break
            }
            named.append(file)
        }
        self.init(attributed: attributed, changedFiles: named, truncated: truncated)
    }
}

/// A heartbeat: the agent's version, and what it had to drop.
public struct AgentHeartbeat: Sendable, Hashable, Codable {
    public var version: String
    public var gateway: String?
    public var droppedBatches: Int64
    /// Uploads waiting in the spool.
    public var spooled: Int

    public init(version: String, gateway: String?, droppedBatches: Int64, spooled: Int) {
        self.version = version
        self.gateway = gateway
        self.droppedBatches = droppedBatches
        self.spooled = spooled
    }
}

/// The text of an agent's credential, `rba_ID_SECRET` (an enrolment token is `rbk_...`).
public enum AgentCredentialText {
    public static let prefix = "rba_"

    public static func make(id: String, secret: String) -> String { prefix + id + "_" + secret }

    /// The id and secret of a credential's text, or nil (the same shape as an API token's).
    public static func parse(_ text: String) -> (id: String, secret: String)? {
        guard text.hasPrefix(prefix) else { return nil }
        return ApiToken.parse(ApiToken.prefix + text.dropFirst(prefix.count))
    }
}
