import Foundation

/// A machine's `runbook agent` as the service knows it: its credential's public id, what it
/// last said about itself, and how far its uploads have come.
public struct AgentInfo: Sendable, Hashable {
    public var machine: String
    /// The public part of the agent's credential (`rba_ID_SECRET`).
    public var credentialId: String
    public var enrolledAt: Date
    public var version: String
    /// How it reached the service last: straight, or through a gateway (`--proxy`).
    public var route: MachineNetwork.Route
    /// The address the service saw it connect from (a gateway's, on that route).
    public var address: String
    public var lastSeenAt: Date?
    /// The sequence number of the last upload stored (0: none yet).
    public var lastSequence: Int64
    /// Uploads the agent dropped from a full spool, as it last reported.
    public var droppedBatches: Int64
    public var revokedAt: Date?

    public init(
        machine: String, credentialId: String, enrolledAt: Date, version: String, route: MachineNetwork.Route,
        address: String, lastSeenAt: Date? = nil, lastSequence: Int64 = 0, droppedBatches: Int64 = 0,
        revokedAt: Date? = nil
    ) {
        self.machine = machine
        self.credentialId = credentialId
        self.enrolledAt = enrolledAt
        self.version = version
        self.route = route
        self.address = address
        self.lastSeenAt = lastSeenAt
        self.lastSequence = lastSequence
        self.droppedBatches = droppedBatches
        self.revokedAt = revokedAt
    }
}

/// An agent with the hash its credential's secret must match (for authentication only).
public struct AgentCredential: Sendable, Hashable {
    public var agent: AgentInfo
    public var secretHash: String

    public init(agent: AgentInfo, secretHash: String) {
        self.agent = agent
        self.secretHash = secretHash
    }
}

/// What a heartbeat says: the agent's version and route, the address it came from, how many
/// uploads it dropped.
public struct AgentBeat: Sendable, Hashable {
    public var version: String
    public var route: MachineNetwork.Route
    public var address: String
    public var droppedBatches: Int64

    public init(version: String, route: MachineNetwork.Route, address: String, droppedBatches: Int64) {
        self.version = version
        self.route = route
        self.address = address
        self.droppedBatches = droppedBatches
    }
}

/// Agents on machines: enrolment, their credentials, heartbeats and upload sequence.
public protocol AgentStoring: Sendable {
    /// Registers the machine (source `.agent`) and its agent's credential in one transaction.
    /// A machine of that name enrolled before by an agent is re-enrolled (its tracking state and
    /// snapshot kept, the old credential replaced); one that is not an agent's is
    /// `StoreError.alreadyExists`.
    func enrollAgent(_ machine: Machine, agent: AgentInfo, secretHash: String, at now: Date) async throws
    /// The agent whose credential has this public id, while its machine is registered; nil otherwise.
    func agentCredential(id: String) async throws -> AgentCredential?
    func agents() async throws -> [AgentInfo]
    /// Records a heartbeat: the agent's row, and a Heartbeat row for Log Analytics.
    func agentSeen(machine: String, beat: AgentBeat, at now: Date) async throws
    /// Makes the agent's credential useless at once. False: no agent on that machine.
    func revokeAgent(machine: String, at now: Date) async throws -> Bool
}
