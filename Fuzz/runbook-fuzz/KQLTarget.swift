import Automation
import AutomationStore
import Foundation
import KQL

/// KQL queries, as `runbook query`, the portal and the query API take them: each input is
/// compiled against the workspace's schema and, when it compiles, run on an in-memory store
/// whose Log Analytics tables hold a few rows of each kind, under a query budget with a 2 s
/// deadline. A diagnostic or an execution error is an answer; a trap, a hang past the
/// watchdog's limit or a memory blow-up is a finding.
enum KQLTarget {
    /// The queries' `now` (and the rows' times around it): fixed, so that a seed gives the same
    /// compiled SQL on every run.
    static let now = FuzzTargets.reference
    static let rowLimit = 1_000
    static let deadline = Duration.seconds(2)

    static let target = FuzzTarget(name: "kql", corpus: "kql", grammar: KQLMutator()) { bytes, _ in
        run(String(decoding: bytes, as: UTF8.self))
    }

    static func run(_ text: String) {
        let compiled: CompiledQuery
        do {
            compiled = try KQL.compile(
                text, schema: LogAnalyticsSchema.schema, options: KQLOptions(now: now, rowLimit: rowLimit))
        } catch {
            return
        }
        let store = self.store
        _ = blocking { () -> Int in
            let budget = KQLBudget(deadline: ContinuousClock.now.advanced(by: deadline))
            let table = try? await store.runLogQuery(
                compiled, timespan: nil, rowLimit: rowLimit, timeLimit: deadline, budget: budget)
            return table?.rows.count ?? -1
        }
    }

    /// The store, made once per run: an account, two machines (Linux and Windows) scanned twice
    /// (inventory, changes of every type, heartbeats), a completed job and a failed one with
    /// their streams. The real store calls write the rows, so the tables are as a store has them.
    static let store: AutomationStore = {
        do {
            return try makeStore()
        } catch {
            FileHandle.standardError.write(Data("fuzz: the kql target's store could not be set up: \(error)\n".utf8))
            exit(70)
        }
    }()

    private static func makeStore() throws -> AutomationStore {
        let store = try AutomationStore.inMemory()
        let day = 86_400.0
        let start = now.addingTimeInterval(-3 * day)
        guard let eastUS2 = Region("EastUS2"), let eastUS = Region("EastUS"),
            let ubuntu = OperatingSystem("Ubuntu 22.04"), let windows = OperatingSystem("Windows Server 2022")
        else { throw FuzzSetupError(message: "a region or an operating system is unknown") }
        let subscription = "00000000-0000-0000-0000-000000000000"
        try store.createAccount(
            Account(
                name: "automation-default", subscription: subscription, resourceGroup: "runbook-local",
                region: eastUS2, workspace: "workspace-default"),
            workspace: Workspace(
                name: "workspace-default", subscription: subscription, resourceGroup: "runbook-local", region: eastUS),
            makeDefault: true, at: start)
        let machines = [
            Machine(
                name: "contoso-lnx01", os: ubuntu, subscription: subscription, resourceGroup: "runbook-local",
                location: eastUS2, tags: ["env": "prod"], source: .linuxRoot("/nonexistent/lnx01")),
            Machine(
                name: "contoso-web01", os: windows, subscription: subscription, resourceGroup: "runbook-local",
                location: eastUS2, network: MachineNetwork(route: .gateway, gateway: "gw01"),
                source: .windowsFolder("/nonexistent/web01")),
        ]
        try store.saveGateway(Gateway(name: "gw01", rules: []))
        for machine in machines { try store.registerMachine(machine, at: start) }
        try store.enable(
            [.changeTracking, .inventory], on: machines.map(\.name), account: "automation-default", jobId: nil,
            at: start)

        // A baseline scan of each machine, then one that changes an item of every type.
        let linux: [(ConfigType, String, [String: String])] = [
            (
                .files, "/etc/hosts",
                [
                    "Size": "158", "FileContentChecksum": "ab12", "DateModified": "2026-11-15T10:00:00Z",
                    "Acls": "root:root 0644",
                ]
            ),
            (.files, "/etc/ssh/sshd_config", ["Size": "3254", "FileContentChecksum": "cd34"]),
            (.software, "nginx", ["CurrentVersion": "1.24.0", "Publisher": "Ubuntu", "Architecture": "amd64"]),
            (.software, "openssl", ["CurrentVersion": "3.0.2", "Publisher": "Ubuntu"]),
            (.daemons, "ssh", ["SvcState": "Running", "SvcStartupType": "Auto", "SvcPath": "/usr/sbin/sshd"]),
        ]
        let windowsItems: [(ConfigType, String, [String: String])] = [
            (.files, "C:\\Windows\\System32\\drivers\\etc\\hosts", ["Size": "824", "FileContentChecksum": "ef56"]),
            (.software, "Microsoft SQL Server 2022", ["CurrentVersion": "16.0.1000.6", "Publisher": "Microsoft"]),
            (
                .windowsServices, "W3SVC",
                ["SvcState": "Running", "SvcStartupType": "Auto", "SvcAccount": "LocalSystem"]
            ),
            (
                .registry, "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run",
                ["ValueName": "Agent", "ValueType": "REG_SZ", "ValueData": "C:\\agent.exe"]
            ),
        ]
        for (machine, items) in [("contoso-lnx01", linux), ("contoso-web01", windowsItems)] {
            let baseline = items.map { type, key, fields in
                ItemChange(type: type, key: key, category: .added, fieldsChanged: [], current: fields, previous: [:])
            }
            try store.commitScan(
                machine: machine, changes: baseline, recordChanges: false, fileIndex: nil,
                startedAt: start.addingTimeInterval(60), endedAt: start.addingTimeInterval(120), jobId: nil)
            var changes: [ItemChange] = []
            for (index, (type, key, fields)) in items.enumerated() {
                var current = fields
                current["Size"] = fields["Size"].map { String((Int($0) ?? 0) + 7) }
                current["CurrentVersion"] = fields["CurrentVersion"].map { $0 + ".1" }
                current["SvcState"] = fields["SvcState"].map { _ in "Stopped" }
                let category: ChangeCategory = index == items.count - 1 ? .removed : .modified
                changes.append(
                    ItemChange(
                        type: type, key: key, category: category,
                        fieldsChanged: current.keys.filter { current[$0] != fields[$0] }.sorted(),
                        current: category == .removed ? [:] : current, previous: fields))
            }
            changes.append(
                ItemChange(
                    type: .files, key: machine.hasSuffix("lnx01") ? "/etc/nginx/conf.d/admin.conf" : "C:\\inetpub\\x",
                    category: .added, fieldsChanged: [], current: ["Size": "12"], previous: [:]))
            try store.commitScan(
                machine: machine, changes: changes, recordChanges: true, fileIndex: nil,
                startedAt: now.addingTimeInterval(-day), endedAt: now.addingTimeInterval(-day + 90), jobId: nil)
        }

        // Two jobs: one completed with output, one failed with an error (AzureDiagnostics).
        for (index, failed) in [false, true].enumerated() {
            let id = "00000000-0000-4000-8000-00000000000\(index + 1)"
            let created = now.addingTimeInterval(-Double(index + 1) * 3_600)
            try store.createJob(
                Job(
                    id: id, runbookName: failed ? "enable-tracking" : "scan",
                    runbookDigest: String(repeating: "0", count: 64),
                    runbookContent: "name: fuzz\nsteps: []\n", parameters: [:], startReason: .manual,
                    startedBy: "fuzz", accountName: "automation-default", createdAt: created, logVerbose: false,
                    logProgress: false))
            try store.transition(job: id, to: .running, at: created.addingTimeInterval(1))
            try store.appendStream(
                job: id,
                [
                    (.output, created.addingTimeInterval(2), "scanned contoso-lnx01"),
                    (.warning, created.addingTimeInterval(3), "contoso-web01: 'É' ≠ 'é'"),
                    (
                        failed ? .error : .verbose, created.addingTimeInterval(4),
                        failed ? "contoso-dev01 misses prerequisites" : "done"
                    ),
                ])
            try store.transition(
                job: id, to: failed ? .failed : .completed, at: created.addingTimeInterval(5),
                exception: failed ? "contoso-dev01 misses prerequisites" : nil)
        }
        return store
    }
}

struct FuzzSetupError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
