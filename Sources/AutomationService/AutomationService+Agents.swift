import Automation
import Foundation

/// Machines with `runbook agent` on them: enrolment, configuration, uploads and heartbeats, on
/// either store. An upload is diffed against the stored snapshot exactly as a folder scan is,
/// so changes, inventory, KQL and the portal see agent machines and folder machines alike.
extension AutomationService {
    var agentStore: any AgentStoring & MachineStoring & ChangeTrackingStoring & AccountStoring & HybridWorkerStoring {
        stores
    }

    /// Azure's full inventory: every 10 hours.
    public static let fullInventorySeconds = 10 * 3600
    /// The most items one upload may carry (a machine of the extended profile, whole).
    public static let maxBatchItems = 200_000

    /// Enrols a machine: the agent token is checked, the machine registered (or re-enrolled)
    /// in the default account's subscription and region, and a credential for this agent alone
    /// returned. `address` is where the request came from (a gateway's address on that route).
    public func enrollAgent(authorization: String?, _ facts: AgentEnrolment, address: String)
        async throws(ServiceError) -> AgentEnrolled
    {
        let token = try await verifiedToken(authorization: authorization)
        guard token.role == .agent else {
            throw .forbidden(
                "the token '\(token.name)' is a \(token.role.rawValue) token; enrolment takes an agent token "
                    + "(runbook token create NAME --role agent)")
        }
        if let problem = ResourceName.problem(facts.name, kind: "machine") { throw .invalid(problem, target: "name") }
        guard let os = OperatingSystem(facts.os), os.family == .linux else {
            throw .invalid(
                "os '\(Quoted.clip(facts.os))' is not a Linux distribution of the catalog (runbook machine register --help lists them)",
                target: "os")
        }
        guard facts.version.count <= 64, facts.addresses.count <= 64, (facts.gateway ?? "").count <= 255,
            Self.printable(facts.version)
        else {
            throw .invalid(
                "version, addresses or gateway is longer than allowed, or the version holds a control character",
                target: "body")
        }
        guard let account = try await defaultAccount() else {
            throw .conflict("the store holds no Automation account yet: 'runbook init' creates the default one")
        }
        let network = Self.agentNetwork(gateway: facts.gateway)
        let machine = Machine(
            name: facts.name, os: os, subscription: account.account.subscription,
            resourceGroup: account.account.resourceGroup, location: account.account.region,
            tags: ["enrolledBy": token.name], network: network, source: .agent)
        let (id, secret) = ApiToken.generate()
        let agent = AgentInfo(
            machine: facts.name, credentialId: id, enrolledAt: now(), version: facts.version,
            route: network.route, address: address)
        try await storeCall {
            try await agentStore.enrollAgent(
                machine, agent: agent, secretHash: ApiToken.hash(secret: secret), at: now())
        }
        // A scope that enables solutions on future machines takes this one in now.
        _ = try? await applyFutureScopes(to: facts.name)
        return AgentEnrolled(machine: facts.name, credential: AgentCredentialText.make(id: id, secret: secret))
    }

    /// An agent machine's network, as observed: straight to the service, or through the
    /// gateway at `gateway` (HOST:PORT).
    static func agentNetwork(gateway: String?) -> MachineNetwork {
        gateway.map(Self.gatewayName).map {
            MachineNetwork(route: .gateway, gateway: $0, rules: [NetworkRule(.outbound, port: 8080, peer: $0)])
        } ?? MachineNetwork(route: .direct, rules: AzureEndpoints.directRules)
    }

    /// A version is shown in lists and lines: no control characters (a line break would forge
    /// a line of `machine show`).
    static func printable(_ text: String) -> Bool {
        !text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    /// A gateway as the machine's record names it: its HOST:PORT, as a resource name.
    static func gatewayName(_ address: String) -> String {
        let kept = address.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        return "gateway-" + String(kept.prefix(50))
    }

    /// The agent an `Authorization: Agent rba_ID_SECRET` header carries, while its machine is
    /// registered and its credential not revoked.
    public func authenticateAgent(authorization: String?) async throws(ServiceError) -> AgentInfo {
        let header = (authorization ?? "").trimmingCharacters(in: .whitespaces)
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "agent",
            let (id, secret) = AgentCredentialText.parse(parts[1].trimmingCharacters(in: .whitespaces))
        else {
            throw .unauthorized("no agent credential: send 'Authorization: Agent rba_ID_SECRET' (runbook agent enrols)")
        }
        let credential = try await storeCall { try await agentStore.agentCredential(id: id) }
        let matches = ApiToken.constantTimeEqual(
            ApiToken.hash(secret: secret), credential?.secretHash ?? String(repeating: "0", count: 64))
        guard let credential, matches else {
            throw .unauthorized("invalid agent credential: unknown, wrong, or its machine was removed; enrol again")
        }
        guard credential.agent.revokedAt == nil else {
            throw .unauthorized("agent credential revoked: the agent of '\(credential.agent.machine)' must enrol again")
        }
        return credential.agent
    }

    /// What the agent collects now: the default account's settings with their version.
    public func agentConfiguration(for agent: AgentInfo) async throws(ServiceError) -> AgentConfiguration {
        guard let account = try await defaultAccount() else { throw .conflict("the store holds no Automation account") }
        let settings = try await trackingSettings(account: account.account.name)
        let state = try await storeCall { try await agentStore.machine(named: agent.machine) }
        let enabled = state.map { $0.solutions[.changeTracking] != nil || $0.solutions[.inventory] != nil } ?? false
        return AgentConfiguration(
            version: settings.version, settings: settings.settings, profile: account.account.profile,
            enabled: enabled, fullInventorySeconds: Self.fullInventorySeconds)
    }

    /// Stores one upload: checked whole first (nothing is stored from a bad one), then diffed
    /// against the stored snapshot and committed as a scan of the machine.
    public func storeAgentBatch(_ batch: AgentBatch, from agent: AgentInfo) async throws(ServiceError)
        -> AgentBatchResult
    {
        try Self.check(batch, now: now())
        var last = agent.lastSequence
        // Each round decides on the last stored upload it knows; the commit stores the upload
        // only if that is still the last one (see `AgentSequenceStep`), else it reads it again.
        for _ in 0..<8 {
            if batch.sequence <= last {
                let stored = try await storedJobScan(batch, machine: agent.machine)
                return AgentBatchResult(
                    outcome: .duplicate, changes: stored?.changes ?? 0, lastSequence: last, job: stored?.result)
            }
            if batch.sequence != last + 1 && !batch.full {
                return AgentBatchResult(outcome: .resend, changes: 0, lastSequence: last)
            }
            let configuration = try await agentConfiguration(for: agent)
            guard configuration.enabled else {
                return AgentBatchResult(outcome: .notEnabled, changes: 0, lastSequence: last)
            }
            if batch.configurationVersion != configuration.version {
                return AgentBatchResult(outcome: .reconfigure, changes: 0, lastSequence: last)
            }
            let step = AgentSequenceStep(credentialId: agent.credentialId, previous: last, next: batch.sequence)
            switch try await commitAgentBatch(batch, agent: agent, step: step) {
            case .stored(let changes, let job):
                return AgentBatchResult(outcome: .stored, changes: changes, lastSequence: batch.sequence, job: job)
            case .overtaken(let stored): last = stored
            }
        }
        throw .conflict("other uploads of '\(agent.machine)' kept committing first; send it again")
    }

    /// For a resent upload of a job's scan (its answer was lost): what the job's changes on the
    /// machine are, as stored, so that the step's gate sees them (attributed when some were
    /// recorded as the job's, or the worker still holds it).
    private func storedJobScan(_ batch: AgentBatch, machine: String) async throws(ServiceError)
        -> (changes: Int, result: JobScanResult)?
    {
        guard let jobId = batch.jobId else { return nil }
        let store = agentStore
        let rows = try await storeCall {
            try await store.changes(
                ChangeFilter(machine: machine, jobId: jobId, limit: JobScanResult.maxChangedFiles + 1))
        }
        let holds = try await storeCall {
            try await store.workerHolds(node: HybridWorkerInfo.nodeId(machine: machine), job: jobId)
        }
        var result = JobScanResult(
            attributed: !rows.isEmpty || holds, files: rows.lazy.filter { $0.change.type == .files }.map(\.change.key))
        // The rows read stop one past the cap: more changes than that, more than it names.
        if rows.count > JobScanResult.maxChangedFiles { result.truncated = true }
        return (rows.count, result)
    }

    /// The refusals of an upload, before anything is read or stored.
    static func check(_ batch: AgentBatch, now: Date) throws(ServiceError) {
        guard batch.sequence > 0 else { throw .invalid("sequence starts at 1", target: "sequence") }
        if let job = batch.jobId, job.isEmpty || job.utf8.count > 128 || !printable(job) {
            throw .invalid("jobId is 1 to 128 printable bytes", target: "jobId")
        }
        guard batch.items.count + batch.removed.count <= maxBatchItems else {
            throw .invalid("an upload carries at most \(maxBatchItems) items", target: "items")
        }
        guard batch.collectedAt.timeIntervalSince(now) < 300 else {
            throw .invalid(
                "collectedAt is in the future (more than 5 minutes ahead of the service)", target: "collectedAt")
        }
        var seen = Set<AgentItemKey>()
        for item in batch.items {
            let key = AgentItemKey(type: item.type, key: item.key)
            if let problem = itemProblem(key, fields: item.fields) { throw .invalid(problem, target: "items") }
            guard seen.insert(key).inserted else {
                throw .invalid("the \(item.type.rawValue) item \(Quoted.clip(item.key)) is sent twice", target: "items")
            }
        }
        for key in batch.removed {
            if let problem = itemProblem(key, fields: [:]) { throw .invalid(problem, target: "removed") }
        }
    }

    static func itemProblem(_ key: AgentItemKey, fields: [String: String]) -> String? {
        if key.key.isEmpty || key.key.utf8.count > 4096 {
            return "a \(key.type.rawValue) item's name is empty or longer than 4096 bytes"
        }
        if key.key.utf8.contains(0) || fields.contains(where: { $0.key.utf8.contains(0) || $0.value.utf8.contains(0) })
        {
            return
                "the \(key.type.rawValue) item \(Quoted.clip(key.key.replacingOccurrences(of: "\u{0}", with: "\\0"))) has a NUL byte"
        }
        if key.type == .files && !key.key.hasPrefix("/") {
            return "the file item \(Quoted.clip(key.key)) is not an absolute path"
        }
        if key.type == .files && key.key.split(separator: "/").contains("..") {
            return "the file item \(Quoted.clip(key.key)) has a '..' segment"
        }
        if fields.count > 64 || fields.contains(where: { $0.key.utf8.count > 256 || $0.value.utf8.count > 128 * 1024 })
        {
            return "the \(key.type.rawValue) item \(Quoted.clip(key.key)) has too many or too long fields"
        }
        return nil
    }

    private enum AgentCommit {
        /// Stored, with the number of changes recorded, and what they were for a job's scan.
        case stored(Int, JobScanResult?)
        /// Another upload of the agent was stored first: the last stored sequence now.
        case overtaken(Int64)
    }

    /// Diffs the upload against the stored snapshot and commits it, again when another scan
    /// of the machine committed first.
    private func commitAgentBatch(_ batch: AgentBatch, agent: AgentInfo, step: AgentSequenceStep)
        async throws(ServiceError) -> AgentCommit
    {
        let store = agentStore
        let machine = agent.machine
        let touched = Set(batch.items.map { AgentItemKey(type: $0.type, key: $0.key) } + batch.removed)
        let touchedFiles = Set(touched.filter { $0.type == .files }.map(\.key))
        let current = batch.items.sorted(by: InventoryItem.ordered)
        // A job's scan is recorded as the job's while this machine's worker holds it (the
        // commit's fence checks the lease again); else the changes are the machine's alone.
        let workerNode = HybridWorkerInfo.nodeId(machine: machine)
        var attributed = batch.jobId != nil
        for _ in 0..<8 {
            let jobId = attributed ? batch.jobId : nil
            let attempt: AgentCommitAttempt = try await storeCall {
                if let jobId, try await !store.workerHolds(node: workerNode, job: jobId) { return .jobNotHeld }
                let mark = try await store.lastScan(machine: machine)
                // Only a full inventory of files needs every stored file; an upload of changes
                // reads the files it names (a machine of 100,000 files, an upload of one: one).
                let files =
                    batch.full && batch.types.contains(.files)
                    ? try await store.fileKeys(machine: machine) : touchedFiles
                let stored = try await store.snapshot(machine: machine, files: files)
                let previous = stored.filter { item in
                    batch.full
                        ? batch.types.contains(item.type)
                        : touched.contains(AgentItemKey(type: item.type, key: item.key))
                }
                let changes = SnapshotDiff.changes(previous: previous, current: current)
                let started = batch.collectedAt
                let record = ScanRecord(
                    machine: machine, changes: changes, recordChanges: mark != nil, fileIndex: nil,
                    startedAt: started, endedAt: max(started, now()), jobId: jobId, expectedScans: mark?.scans ?? 0,
                    leaseNode: jobId == nil ? nil : workerNode, agentSequence: step)
                switch try await store.commitScan(record, proceed: { true }) {
                case .committed: return .committed(mark == nil ? [] : changes)
                case .stopped where jobId != nil: return .jobNotHeld
                case .stale, .stopped: return .stale
                }
            }
            switch attempt {
            case .committed(let changes):
                return .stored(
                    changes.count, batch.jobId.map { _ in Self.jobScanResult(changes, attributed: attributed) })
            case .jobNotHeld:
                attributed = false
                continue
            case .stale: break
            }
            // Stale: another scan of the machine committed (diff again), or another upload of
            // this agent was stored (the caller decides again on the sequence).
            guard let fresh = try await storeCall({ try await store.agentCredential(id: agent.credentialId) }),
                fresh.agent.revokedAt == nil
            else {
                throw .unauthorized(
                    "agent credential revoked or replaced while its upload was stored: the agent of '\(machine)' "
                        + "must enrol again")
            }
            if fresh.agent.lastSequence != step.previous { return .overtaken(fresh.agent.lastSequence) }
        }
        throw .conflict("other uploads of '\(machine)' kept committing first; send it again")
    }

    private enum AgentCommitAttempt {
        case committed([ItemChange])
        /// The upload's job is not this machine's worker's (any more): stored without it.
        case jobNotHeld
        /// Another scan or upload of the machine committed first.
        case stale
    }

    /// The files a job's scan changed, for its drift gate on the worker.
    static func jobScanResult(_ changes: [ItemChange], attributed: Bool) -> JobScanResult {
        JobScanResult(attributed: attributed, files: changes.lazy.filter { $0.type == .files }.map(\.key))
    }

    /// Records a heartbeat.
    public func agentHeartbeat(_ beat: AgentHeartbeat, from agent: AgentInfo, address: String)
        async throws(ServiceError)
    {
        guard Self.printable(beat.version) else {
            throw .invalid("version holds a control character", target: "version")
        }
        let record = AgentBeat(
            version: String(beat.version.prefix(64)), route: beat.gateway == nil ? .direct : .gateway,
            address: address, droppedBatches: max(0, beat.droppedBatches))
        // The route first: the Heartbeat row this beat writes shows the route it came by.
        try await followRoute(of: agent.machine, gateway: beat.gateway)
        try await storeCall { try await agentStore.agentSeen(machine: agent.machine, beat: record, at: now()) }
    }

    /// An agent restarted with another `--proxy` (or none) reports its new route in its next
    /// heartbeat: the machine's network follows, so lists and checks show the route in use.
    private func followRoute(of name: String, gateway: String?) async throws(ServiceError) {
        let network = Self.agentNetwork(gateway: gateway)
        let store = agentStore
        try await storeCall {
            guard var machine = try await store.machine(named: name)?.machine,
                machine.network.route != network.route || machine.network.gateway != network.gateway
            else { return }
            if let gatewayName = network.gateway,
                try await !store.gateways().contains(where: { $0.name == gatewayName })
            {
                try await store.saveGateway(Gateway(name: gatewayName, rules: AzureEndpoints.directRules))
            }
            machine.network = network
            try await store.registerMachine(machine, replace: true, at: now())
        }
    }

    public func agents() async throws(ServiceError) -> [AgentInfo] {
        try await storeCall { try await agentStore.agents() }
    }

    /// Revokes a machine's agent credential at once.
    public func revokeAgent(machine: String) async throws(ServiceError) {
        guard try await storeCall({ try await agentStore.revokeAgent(machine: machine, at: now()) }) else {
            let names = ((try? await agentStore.agents()) ?? []).map(\.machine)
            throw .notFound(kind: "agent machine", name: machine, hint: Suggestion.hint(for: machine, among: names))
        }
        // A revoked agent works for no group any more: its groups' jobs are not left waiting for it.
        let store = workerStore
        try await storeCall {
            for worker in try await store.hybridWorkers() where worker.machine == machine {
                _ = try await store.removeHybridWorker(group: worker.group, machine: machine)
            }
        }
    }
}
