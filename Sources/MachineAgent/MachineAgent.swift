import AsyncHTTPClient
import Automation
import ChangeTracking
import Foundation
import NIOCore
import NIOHTTP1
import RunbookEngine
import Synchronization

/// `runbook agent`: enrols once, then collects its machine on Azure's schedule (or
/// `--interval`), spools what changed on disk and uploads it in order, and sends a heartbeat
/// every minute. Nothing collected is lost across a restart of the agent or the service, or an
/// outage within the spool's cap: an upload leaves the spool only once the service stored it.
public final class MachineAgent: Sendable {
    let settings: AgentSettings
    let folder: AgentFolder
    let say: @Sendable (String) -> Void

    public init(settings: AgentSettings, log: @escaping @Sendable (String) -> Void) {
        self.settings = settings
        self.folder = AgentFolder(path: settings.state)
        self.say = log
    }

    /// Runs until the task is cancelled (SIGINT, SIGTERM), or the service refuses the credential.
    public func run() async throws {
        try folder.prepare()
        let client = try AgentClient(server: settings.server, proxy: settings.proxy, caFile: settings.caFile)
        do {
            try await loop(client)
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }

    /// The agent's working state inside one run.
    struct Run {
        var identity: AgentIdentity
        var state: AgentState
        var configuration: AgentConfiguration?
        var etag: String?
        var nextConfiguration = Date.distantPast
        /// When the service last answered for the settings (a 304 too).
        var configurationCheckedAt = Date.distantPast
        var nextHeartbeat = Date.distantPast
        var nextAttempt = Date.distantPast
        var backoff: Double = 1
        var offline = false
        /// The last collection's warnings: each is said once, not at every collection.
        var warnings: Set<String> = []
        /// The scans asked by jobs this agent runs as a hybrid worker (nil: not a worker).
        var scans: OwnMachineScans?
    }

    private func loop(_ client: AgentClient) async throws {
        var run = Run(
            identity: try await identity(client),
            state: try folder.read(AgentState.self, folder.statePath) ?? AgentState())
        // The settings of the last run: collection starts under them even while the service
        // cannot be reached, and the first request asks whether they changed (ETag).
        // Only a cache: one that does not read (an older version's) is asked for again.
        if let kept = try? folder.read(KeptConfiguration.self, folder.configurationPath) {
            run.configuration = kept.configuration
            run.etag = kept.etag
        }
        // A kill between writing an upload and the state: never reuse a spooled number.
        run.state.sequence = max(run.state.sequence, folder.spooled().last?.sequence ?? 0)
        say(
            "agent of '\(run.identity.machine)' reporting to \(settings.server.absoluteString)"
                + (settings.proxy.map { " through the gateway \($0.absoluteString)" } ?? ""))
        // As a worker, it polls for jobs beside collecting (a refused credential is seen by the
        // collection's own requests too, within a minute, and ends both).
        var worker: Task<Void, Never>?
        let workerFailure = Mutex<AgentError?>(nil)
        if !settings.groups.isEmpty {
            let scans = OwnMachineScans(machine: run.identity.machine)
            run.scans = scans
            let hybrid = HybridWorker(
                client: client, authorization: authorization(run), groups: settings.groups,
                concurrency: settings.concurrency, ownMachine: scans, say: say)
            worker = Task {
                do {
                    try await hybrid.run()
                } catch let error as AgentError {
                    workerFailure.withLock { $0 = error }
                } catch {}
            }
        }
        defer { worker?.cancel() }
        while !Task.isCancelled {
            if let failure = workerFailure.withLock({ $0 }) { throw failure }
            let now = Date()
            // Collecting never waits for the network: while the service cannot be reached, what
            // changed goes to the spool under the last settings the agent has.
            do {
                if try await collectIfDue(&run, at: now) { try folder.write(run.state, folder.statePath) }
                if try await collectAsked(&run, at: now) { try folder.write(run.state, folder.statePath) }
            } catch let error as AgentError {
                throw error
            } catch {
                say("collection failed: \(error)")
            }
            if now >= run.nextAttempt {
                do {
                    if now >= run.nextConfiguration { try await fetchConfiguration(client, &run) }
                    try await drain(client, &run)
                    // Back after an outage: say so at once (with what the spool had to drop).
                    if now >= run.nextHeartbeat || run.offline {
                        try await heartbeat(client, &run)
                        run.nextHeartbeat = now.addingTimeInterval(seconds(settings.heartbeat))
                    }
                    if run.offline { say("the service answers again; the spool is sent") }
                    run.offline = false
                    run.backoff = 1
                } catch let error as AgentError {
                    throw error
                } catch let retry as RetryLater {
                    backOff(&run, reason: retry.reason, after: retry.seconds)
                } catch {
                    let (text, permanent) = client.describe(error)
                    if permanent { throw AgentError.refused(text) }
                    backOff(&run, reason: text, after: nil)
                }
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        if let worker {
            worker.cancel()
            await worker.value
        }
    }

    /// Exponential back-off with jitter, from 1 s to 5 min, or the service's Retry-After.
    private func backOff(_ run: inout Run, reason: String, after: Int?) {
        let wait = after.map(Double.init) ?? run.backoff * Double.random(in: 0.5...1.0)
        run.backoff = min(run.backoff * 2, 300)
        run.nextAttempt = Date().addingTimeInterval(max(0.2, min(wait, 300)))
        if !run.offline {
            say("the service cannot be reached: \(reason); collecting into the spool and trying again")
        }
        run.offline = true
    }

    struct RetryLater: Error {
        var reason: String
        var seconds: Int?
    }

    func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    // MARK: enrolment

    private func identity(_ client: AgentClient) async throws -> AgentIdentity {
        if let known = try folder.read(AgentIdentity.self, folder.identityPath) {
            guard known.server == settings.server.absoluteString else {
                throw AgentError.usage(
                    "this state folder is enrolled with \(known.server), not \(settings.server.absoluteString); "
                        + "use another --state, or remove \(folder.identityPath) to enrol again")
            }
            return known
        }
        guard let token = settings.token else {
            throw AgentError.usage(
                "not enrolled yet: give --token with an agent token (runbook token create NAME --role agent)")
        }
        let facts = AgentEnrolment(
            name: settings.name, os: try MachineFacts.os(root: settings.root), addresses: MachineFacts.addresses(),
            version: AgentVersion.text, gateway: settings.proxy.map(gatewayText))
        var answer: AgentClient.Answer
        var wait: Double = 1
        while true {
            do {
                answer = try await client.send(
                    .POST, "agent/v1/enroll", authorization: "Bearer " + token,
                    body: try AgentClient.encoder.encode(facts))
                if answer.status < 500 && answer.status != 429 { break }
            } catch {
                let (text, permanent) = client.describe(error)
                if permanent { throw AgentError.refused("enrolment: \(text)") }
                say("enrolment: \(text); trying again")
            }
            try await Task.sleep(for: .seconds(wait))
            wait = min(wait * 2, 300)
        }
        guard answer.status == 201,
            let enrolled = try? AgentClient.decoder.decode(AgentEnrolled.self, from: answer.body)
        else {
            throw AgentError.refused("enrolment refused: \(AgentClient.message(answer))")
        }
        let identity = AgentIdentity(
            server: settings.server.absoluteString, machine: enrolled.machine, credential: enrolled.credential)
        try folder.write(identity, folder.identityPath, mode: 0o600)
        say("enrolled as machine '\(enrolled.machine)'; the credential is kept in \(folder.identityPath)")
        return identity
    }

    func gatewayText(_ proxy: URL) -> String { "\(proxy.host ?? "?"):\(proxy.port ?? 8080)" }

    /// The credential header; a refusal of it stops the agent (it must enrol again).
    func authorization(_ run: Run) -> String { "Agent " + run.identity.credential }

    func check(_ answer: AgentClient.Answer) throws {
        switch answer.status {
        case 401, 403:
            throw AgentError.refused(
                "the service refused this agent's credential: \(AgentClient.message(answer)); "
                    + "remove \(folder.identityPath) and start it again with --token and an agent token")
        // 409: other uploads of the machine kept committing first; the same upload goes again.
        case 409, 429, 500...599:
            throw RetryLater(reason: AgentClient.message(answer), seconds: answer.retryAfter)
        default: return
        }
    }

    // MARK: configuration

    private func fetchConfiguration(_ client: AgentClient, _ run: inout Run) async throws {
        let answer = try await client.send(
            .GET, "agent/v1/configuration", authorization: authorization(run), etag: run.etag)
        try check(answer)
        run.nextConfiguration = Date().addingTimeInterval(seconds(settings.configurationPoll))
        if answer.status == 304 {
            run.configurationCheckedAt = Date()
            return
        }
        guard answer.status == 200,
            let configuration = try? AgentClient.decoder.decode(AgentConfiguration.self, from: answer.body)
        else { throw RetryLater(reason: "configuration: \(AgentClient.message(answer))", seconds: nil) }
        if configuration.version != run.configuration?.version, run.configuration != nil {
            say("tracking settings version \(configuration.version): collecting under it")
        }
        if !configuration.enabled && run.configuration?.enabled != false {
            say("Change Tracking is not enabled on this machine yet (runbook run enable-tracking); waiting")
        }
        if configuration.enabled && run.configuration?.enabled == false {
            say("Change Tracking is enabled on this machine: collecting")
        }
        run.configuration = configuration
        run.configurationCheckedAt = Date()
        run.etag = answer.etag
        try folder.write(KeptConfiguration(etag: answer.etag, configuration: configuration), folder.configurationPath)
    }

    // MARK: collection

    /// Linux kinds and the settings' frequency key of each.
    static let kinds: [(ConfigType, String)] = [
        (.files, "LinuxFiles"), (.software, "LinuxSoftware"), (.daemons, "LinuxDaemons"),
    ]

    /// Which kinds are due at `now`, and whether the upload is a full inventory (every kind):
    /// the first, after a settings change or a dropped upload, and every
    /// `fullInventorySeconds`; otherwise each kind on its own frequency (`--interval` for all).
    static func due(
        state: AgentState, configuration: AgentConfiguration, interval: Double?, at now: Date
    ) -> (kinds: [ConfigType], full: Bool) {
        let full =
            state.needsFull || state.configurationVersion != configuration.version
            || state.lastFull.map { now.timeIntervalSince($0) >= Double(configuration.fullInventorySeconds) } ?? true
        if full { return (kinds.map(\.0), true) }
        let due = kinds.filter { type, key in
            let every = interval ?? Double(configuration.settings.frequencies[key] ?? 300)
            return state.collectedAt[type.rawValue].map { now.timeIntervalSince($0) >= every } ?? true
        }
        return (due.map(\.0), false)
    }

    /// Collects when a kind is due and spools what changed; true when an upload was spooled
    /// (the state file is written then: a collection that found nothing new leaves it as it is).
    private func collectIfDue(_ run: inout Run, at now: Date) async throws -> Bool {
        guard let configuration = run.configuration, configuration.enabled else { return false }
        let (due, full) = Self.due(
            state: run.state, configuration: configuration, interval: settings.interval.map(seconds), at: now)
        guard !due.isEmpty else { return false }
        if case .spooled = try await collect(&run, configuration, due: due, full: full, jobId: nil, at: now) {
            return true
        }
        return false
    }

    /// Serves the oldest scan a job asked for (a worker's `scan` step): every kind, now, in an
    /// upload that carries the job's id; true when an upload was spooled.
    private func collectAsked(_ run: inout Run, at now: Date) async throws -> Bool {
        guard let scans = run.scans, let (id, job, askedAt) = scans.nextAsked() else { return false }
        // A scan is of the settings as they are now (tracking may have been enabled a moment
        // ago): they are asked for first, and the scan waits for the answer.
        guard let configuration = run.configuration, run.configurationCheckedAt >= askedAt else {
            run.nextConfiguration = .distantPast
            return false
        }
        guard configuration.enabled else {
            scans.finish(
                id,
                .failure(
                    WorkerFailure(
                        message: "Change Tracking is not enabled on machine '\(scans.machine)': run the "
                            + "enable-tracking runbook for it on the service first")))
            return false
        }
        let full = Self.due(state: run.state, configuration: configuration, interval: nil, at: now).full
        switch try await collect(&run, configuration, due: Self.kinds.map(\.0), full: full, jobId: job, at: now) {
        case .failed(let errors):
            scans.finish(id, .failure(WorkerFailure(message: "collection failed: " + errors.joined(separator: "; "))))
            return false
        case .unchanged:
            scans.finish(id, .success(OwnMachineScan(changes: 0, changedFiles: [], truncated: false, attributed: true)))
            return false
        case .spooled(let batch):
            scans.spooled(id, as: batch.sequence)
            return true
        }
    }

    enum Collected {
        case failed([String])
        case unchanged
        case spooled(AgentBatch)
    }

    /// Collects `due` kinds and spools what changed (everything of them when `full`).
    private func collect(
        _ run: inout Run, _ configuration: AgentConfiguration, due: [ConfigType], full: Bool, jobId: String?,
        at now: Date
    ) async throws -> Collected {
        let collection = await MachineCollection.collect(
            root: settings.root, settings: configuration.settings, profile: configuration.profile,
            previousIndex: full ? [:] : run.state.index,
            // A file changed in the same instant as the last collection's stat is hashed again.
            racyCutoff: run.state.collectedAt[ConfigType.files.rawValue])
        let warnings = Set(collection.warnings)
        for warning in collection.warnings where !run.warnings.contains(warning) { say("collection: \(warning)") }
        run.warnings = warnings
        guard collection.errors.isEmpty else {
            for error in collection.errors { say("collection failed: \(error)") }
            return .failed(collection.errors.map { "\($0)" })
        }
        var batch = delta(collection, due: due, full: full, configuration: configuration, state: &run.state, at: now)
        run.state.index = collection.index
        for type in due { run.state.collectedAt[type.rawValue] = now }
        guard batch != nil else { return .unchanged }
        batch?.jobId = jobId
        guard let batch else { return .unchanged }
        try spool(batch, scans: run.scans)
        run.state.sequence = batch.sequence
        if full {
            run.state.lastFull = now
            run.state.needsFull = false
            run.state.configurationVersion = configuration.version
        }
        return .spooled(batch)
    }

    /// The upload of what changed in the due kinds since the last spooled one (all of them when
    /// `full`); nil when nothing changed. Updates the digests.
    func delta(
        _ collection: MachineCollection, due: [ConfigType], full: Bool, configuration: AgentConfiguration,
        state: inout AgentState, at now: Date
    ) -> AgentBatch? {
        let dueTypes = Set(due)
        var items: [InventoryItem] = []
        var seen = Set<String>()
        for item in collection.items where dueTypes.contains(item.type) {
            let key = AgentState.key(item.type, item.key)
            seen.insert(key)
            let digest = AgentState.digest(item)
            if full || state.digests[key] != digest { items.append(item) }
            state.digests[key] = digest
        }
        // Files whose stat did not change are as last collected.
        for file in collection.unchangedFiles where dueTypes.contains(.files) {
            seen.insert(AgentState.key(.files, file))
        }
        var removed: [AgentItemKey] = []
        for key in state.digests.keys where !seen.contains(key) {
            let parts = key.split(separator: "\u{0}", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let type = ConfigType(rawValue: String(parts[0])), dueTypes.contains(type) else {
                continue
            }
            removed.append(AgentItemKey(type: type, key: String(parts[1])))
            state.digests[key] = nil
        }
        guard full || !items.isEmpty || !removed.isEmpty else { return nil }
        return AgentBatch(
            sequence: state.sequence + 1, full: full, configurationVersion: configuration.version, collectedAt: now,
            items: items,
            removed: full ? [] : removed.sorted { ($0.type.rawValue, $0.key) < ($1.type.rawValue, $1.key) },
            types: full ? due : [])
    }

    // MARK: spool and upload

    /// Writes the upload to the spool, then drops the oldest uploads past the cap.
    private func spool(_ batch: AgentBatch, scans: OwnMachineScans?) throws {
        try folder.write(data: try AgentClient.encoder.encode(batch), folder.spoolFile(batch.sequence))
        var spooled = folder.spooled()
        var total = spooled.reduce(0) { $0 + $1.bytes }
        while total > settings.spoolMax, spooled.count > 1 {
            let oldest = spooled.removeFirst()
            try? FileManager.default.removeItem(atPath: oldest.path)
            total -= oldest.bytes
            droppedOne()
            scans?.lost("the agent's spool dropped it (over its cap)", sequence: oldest.sequence)
        }
    }

    private let dropped = DroppedCounter()

    private func droppedOne() {
        dropped.add()
        say("the spool is over its cap (\(settings.spoolMax) bytes): the oldest upload was dropped")
    }

    /// Sends the spooled uploads in order; each leaves the spool once the service stored it.
    private func drain(_ client: AgentClient, _ run: inout Run) async throws {
        let drops = dropped.take()
        if drops > 0 {
            run.state.droppedBatches += Int64(drops)
            run.state.needsFull = true
            try folder.write(run.state, folder.statePath)
        }
        for item in folder.spooled() {
            guard let data = FileManager.default.contents(atPath: item.path) else { continue }
            let answer = try await client.send(.POST, "agent/v1/batches", authorization: authorization(run), body: data)
            try check(answer)
            guard answer.status == 200,
                let result = try? AgentClient.decoder.decode(AgentBatchResult.self, from: answer.body)
            else {
                // Refused as bad: it never will be stored; the next upload carries everything.
                say("upload \(item.sequence) refused: \(AgentClient.message(answer)); the next upload is full")
                run.scans?.lost("the service refused it: \(AgentClient.message(answer))", sequence: item.sequence)
                try? FileManager.default.removeItem(atPath: item.path)
                run.state.needsFull = true
                try folder.write(run.state, folder.statePath)
                continue
            }
            // The service has stored uploads numbered past what this agent has spooled (its state
            // was removed, or restored from a backup): later numbers would all be duplicates and
            // dropped. It continues after the service's, with everything.
            if result.outcome != .stored && result.lastSequence > run.state.sequence {
                say(
                    "the service has uploads up to \(result.lastSequence), past this agent's \(run.state.sequence) "
                        + "(its state was reset): numbering continues after it, with a full upload")
                run.state.sequence = result.lastSequence
                run.state.needsFull = true
                folder.clearSpool()
                run.scans?.lost("the agent's state was reset; run the job again")
                try folder.write(run.state, folder.statePath)
                return
            }
            switch result.outcome {
            case .stored, .duplicate:
                try? FileManager.default.removeItem(atPath: item.path)
                run.scans?.stored(item.sequence, result)
                if result.outcome == .stored {
                    say("upload \(item.sequence) stored: \(result.changes) change(s) recorded")
                }
            case .resend, .reconfigure, .notEnabled:
                folder.clearSpool()
                run.scans?.lost(Self.lostReason(result.outcome))
                run.state.needsFull = true
                if result.outcome == .reconfigure { run.nextConfiguration = .distantPast }
                try folder.write(run.state, folder.statePath)
                return
            }
        }
    }

    static func lostReason(_ outcome: AgentBatchResult.Outcome) -> String {
        switch outcome {
        case .reconfigure: "the tracking settings changed while it was sent; run the job again"
        case .notEnabled: "Change Tracking is not enabled on this machine"
        default: "the service asked for a full inventory first; run the job again"
        }
    }

    private func heartbeat(_ client: AgentClient, _ run: inout Run) async throws {
        let beat = AgentHeartbeat(
            version: AgentVersion.text, gateway: settings.proxy.map(gatewayText),
            droppedBatches: run.state.droppedBatches, spooled: folder.spooled().count)
        let answer = try await client.send(
            .POST, "agent/v1/heartbeat", authorization: authorization(run), body: try AgentClient.encoder.encode(beat))
        try check(answer)
    }
}

/// Uploads dropped by the spool's cap since the last drain.
final class DroppedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func add() { lock.withLock { count += 1 } }

    func take() -> Int {
        lock.withLock {
            defer { count = 0 }
            return count
        }
    }
}
