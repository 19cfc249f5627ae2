import Automation
import AutomationService
import AutomationStore
import Foundation
import Logging
import TestSupport
import Testing

@testable import RunbookEngine

/// A step action that never finishes on its own.
struct BlockingLog: ActionHandler {
    let name = "log"

    func run(_ inputs: Value, context: ActionContext) async throws -> StepResult {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(5))
        }
        return .failed("cancelled")
    }
}

/// Collects live stream records, as the CLI's observer would.
final class Recorder: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [StreamRecord] = []
    var records: [StreamRecord] { lock.withLock { items } }
    func add(_ record: StreamRecord) { lock.withLock { items.append(record) } }
}

@Suite struct EngineTests {
    let folder = NSTemporaryDirectory() + "runbook-engine-" + UUID().uuidString
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    func makeStore() throws -> AutomationStore {
        let store = try AutomationStore.open(folder: folder)
        let account = Account(
            name: "acct", subscription: "s1", resourceGroup: "g", region: Region.named("EastUS2"), workspace: "logs")
        let workspace = Workspace(name: "logs", subscription: "s1", resourceGroup: "g", region: Region.named("EastUS"))
        try store.createAccount(account, workspace: workspace, makeDefault: true, at: Date())
        for (name, rules) in [("good", AzureEndpoints.directRules), ("closed", [AzureEndpoints.directRules[0]])] {
            try store.registerMachine(
                Machine(
                    name: name, os: OperatingSystem.named("Ubuntu 22.04"), subscription: "s1", resourceGroup: "g",
                    location: Region.named("EastUS2"), network: MachineNetwork(rules: rules), source: .local),
                at: Date())
        }
        return store
    }

    func loaded(_ yaml: String) throws -> LoadedRunbook {
        let runbook = try RunbookLoader.parse(Array(yaml.utf8), label: "test.yaml")
        return LoadedRunbook(
            runbook: runbook, path: "test.yaml", content: yaml, digest: String(repeating: "0", count: 64))
    }

    @Test func shippedEnableTrackingRunbookCompletes() async throws {
        let store = try makeStore()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let library = RunbookLibrary(folder: Fixtures.packageRoot + "/runbooks")
        let prepared = try JobRunner.prepare(try library.load("enable-tracking"), parameters: ["machines": "good"])
        let recorder = Recorder()
        let job = try await JobRunner(store: store, logger: logger).run(prepared) { recorder.add($0) }
        #expect(job.status == .completed)
        #expect(job.targets == ["good"])
        #expect(job.runbookContent.contains("name: enable-tracking"))
        #expect(try store.statusHistory(job: job.id).map(\.status) == [.new, .activating, .running, .completed])
        #expect(try store.machine(named: "good")?.solutions.count == 2)
        let stored = try store.streams(job: job.id)
        // The store keeps milliseconds; compare what was shown live with what was kept, in order.
        #expect(stored.map(\.message) == recorder.records.map(\.message))
        #expect(stored.map(\.seq) == recorder.records.map(\.seq))
        #expect(stored.map(\.stream) == [.output, .output])
        #expect(stored.last?.message == "Enabled 1 of 1 machine")
    }

    @Test func missingPrerequisitesFailTheJobAndNameEachRule() async throws {
        let store = try makeStore()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let prepared = try JobRunner.prepare(
            try loaded(
                """
                name: t
                steps:
                  - name: enable
                    action: enable-tracking
                """), parameters: [:])
        let job = try await JobRunner(store: store, logger: logger).run(prepared)
        #expect(job.status == .failed)
        #expect(job.exception == "step 'enable' failed: tracking could not be enabled on: closed")
        let errors = try store.streams(job: job.id, kind: .error).map(\.message)
        #expect(errors.count == 3)
        #expect(
            errors[0]
                == "closed: missing network rule '443/tcp to *.oms.opinsights.azure.com' on the machine (direct route to Azure Monitor)"
        )
        #expect(try store.machine(named: "good")?.solutions.count == 2)
        #expect(try store.machine(named: "closed")?.solutions.isEmpty == true)
    }

    @Test func continueOnErrorCompletesWithAWarning() async throws {
        let store = try makeStore()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let prepared = try JobRunner.prepare(
            try loaded(
                """
                name: t
                steps:
                  - name: enable
                    action: enable-tracking
                    continueOnError: true
                  - name: after
                    action: log
                    with: { message: still here }
                """), parameters: [:])
        let job = try await JobRunner(store: store, logger: logger).run(prepared)
        #expect(job.status == .completed)
        #expect(try store.streams(job: job.id, kind: .warning).first?.message.hasPrefix("step 'enable' failed") == true)
        #expect(try store.streams(job: job.id, kind: .output).last?.message == "still here")
    }

    @Test func verboseAndProgressAreKeptOnlyWhenTheRunbookAsks() async throws {
        let store = try makeStore()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let body = """
            steps:
              - name: a
                action: log
                with: { message: detail, stream: Verbose }
            """
        let quiet = try await JobRunner(store: store, logger: logger).run(
            try JobRunner.prepare(try loaded("name: q\n" + body), parameters: [:]))
        #expect(try store.streams(job: quiet.id).isEmpty)
        let chatty = try await JobRunner(store: store, logger: logger).run(
            try JobRunner.prepare(try loaded("name: c\nlogVerbose: true\nlogProgress: true\n" + body), parameters: [:]))
        #expect(try store.streams(job: chatty.id).map(\.stream) == [.progress, .verbose, .verbose, .verbose])
    }

    @Test func retryWaitsForItsDelayOnTheInjectedClock() async throws {
        let store = try makeStore()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let clock = ManualClock()
        let runner = JobRunner(
            store: store, clock: clock, logger: logger, actions: ["log": FailsThenSucceeds(as: "log", failures: 1)])
        let prepared = try JobRunner.prepare(
            try loaded(
                """
                name: t
                steps:
                  - name: flaky
                    action: log
                    with: { message: x }
                    retry: { attempts: 2, delay: 30s }
                """), parameters: [:])
        let running = Task { try await runner.run(prepared) }
        await clock.waitForSleepers(2)  // the job's time limit and the retry delay
        clock.advance(by: .seconds(30))
        let job = try await running.value
        #expect(job.status == .completed)
        let streams = try store.streams(job: job.id)
        #expect(streams.map(\.stream) == [.warning, .output])
        #expect(streams[0].message == "step 'flaky' failed (attempt 1 of 2): the share is offline; retrying in 30s")
    }

    @Test func stepTimeoutFailsTheStep() async throws {
        let store = try makeStore()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let clock = ManualClock()
        let runner = JobRunner(store: store, clock: clock, logger: logger, actions: ["log": BlockingLog()])
        let prepared = try JobRunner.prepare(
            try loaded(
                """
                name: t
                steps:
                  - name: slow
                    action: log
                    with: { message: x }
                    timeout: 1m
                """), parameters: [:])
        let running = Task { try await runner.run(prepared) }
        await clock.waitForSleepers(2)
        clock.advance(by: .seconds(60))
        let job = try await running.value
        #expect(job.status == .failed)
        #expect(job.exception == "step 'slow' failed: timed out after 1m")
    }

    @Test func jobTimeLimitStopsTheJob() async throws {
        let store = try makeStore()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let clock = ManualClock()
        let runner = JobRunner(store: store, clock: clock, logger: logger, actions: ["log": BlockingLog()])
        let prepared = try JobRunner.prepare(
            try loaded(
                """
                name: t
                timeout: 5m
                steps:
                  - name: slow
                    action: log
                    with: { message: x }
                """), parameters: [:])
        let running = Task { try await runner.run(prepared) }
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(300))
        let job = try await running.value
        #expect(job.status == .stopped)
        #expect(job.exception == "job stopped: it ran longer than its 5m limit")
        #expect(try store.statusHistory(job: job.id).last?.status == .stopped)
    }

    @Test func parameterProblemsAreCaughtBeforeAnythingIsRecorded() throws {
        let runbook = try loaded(
            """
            name: t
            parameters:
              scope: { type: string, default: selected }
              count: { type: int, required: true }
            steps:
              - name: enable
                action: enable-tracking
                with: { scope: "${{ params.scope }}" }
            """)
        let error = #expect(throws: PreparationError.self) {
            try JobRunner.prepare(runbook, parameters: ["scope": "everywhere"])
        }
        #expect(error?.problems == ["missing required parameter 'count' (pass -p count=VALUE)"])
        let inputError = #expect(throws: PreparationError.self) {
            try JobRunner.prepare(runbook, parameters: ["scope": "everywhere", "count": "1"])
        }
        #expect(
            inputError?.problems == [
                "step 'enable': input 'scope': 'everywhere' is not one of selected, all-available, all-available-and-future"
            ])
    }

    @Test func everyCatalogActionHasAnImplementation() {
        #expect(Set(BuiltinActions.byName.keys) == Set(ActionCatalog.names))
    }
}

enum Fixtures {
    static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }
}

@Suite struct CustomConfigurationTests {
    let folder = NSTemporaryDirectory() + "runbook-custom-" + UUID().uuidString
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test func anotherAccountAndWorkspaceCanBeNamedAndAreChecked() async throws {
        let store = try AutomationStore.open(folder: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let ops = Account(
            name: "ops", subscription: "s1", resourceGroup: "g", region: Region.named("WestEurope"), workspace: "eu")
        try store.createAccount(
            ops,
            workspace: Workspace(
                name: "eu", subscription: "s1", resourceGroup: "g", region: Region.named("WestEurope")),
            makeDefault: true, at: Date())
        let main = Account(
            name: "main", subscription: "s1", resourceGroup: "g", region: Region.named("EastUS2"), workspace: "us")
        try store.createAccount(
            main,
            workspace: Workspace(name: "us", subscription: "s1", resourceGroup: "g", region: Region.named("EastUS")),
            makeDefault: false, at: Date())
        try store.registerMachine(
            Machine(
                name: "m", os: OperatingSystem.named("Debian 12"), subscription: "s1", resourceGroup: "g",
                location: Region.named("EastUS2"), network: MachineNetwork(rules: AzureEndpoints.directRules),
                source: .local),
            at: Date())
        let library = RunbookLibrary(folder: Fixtures.packageRoot + "/runbooks")
        let runner = JobRunner(store: store, logger: logger)

        let good = try await runner.run(
            try JobRunner.prepare(try library.load("enable-tracking"), parameters: ["account": "main"]))
        #expect(good.status == .completed)
        #expect(
            try store.streams(job: good.id).first?.message
                == "m: enabled ChangeTracking, Inventory (account main, workspace us)")

        let mismatched = try await runner.run(
            try JobRunner.prepare(
                try library.load("enable-tracking"), parameters: ["account": "main", "workspace": "eu"]))
        #expect(mismatched.status == .failed)
        #expect(
            try store.streams(job: mismatched.id, kind: .error).map(\.message) == [
                "a workspace in WestEurope cannot be linked to an Automation account in EastUS2; "
                    + "a workspace in WestEurope links to an account in WestEurope; "
                    + "an account in EastUS2 links to a workspace in EastUS"
            ])
    }
}

@Suite struct StreamCapAndInterruptTests {
    let folder = NSTemporaryDirectory() + "runbook-cap-" + UUID().uuidString

    @Test func aStreamIsCappedAndSaysSo() async throws {
        let store = try AutomationStore.open(folder: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let steps = (0..<50).map {
            "  - { name: s\($0), action: log, with: { message: \"\(String(repeating: "x", count: 40))\" } }"
        }
        let yaml = "name: chatty\nsteps:\n" + steps.joined(separator: "\n")
        let runbook = try RunbookLoader.parse(Array(yaml.utf8), label: "chatty.yaml")
        let loaded = LoadedRunbook(
            runbook: runbook, path: "x", content: yaml, digest: String(repeating: "0", count: 64))
        let runner = JobRunner(
            store: store, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), streamCap: 400)
        let job = try await runner.run(try JobRunner.prepare(loaded, parameters: [:]))
        #expect(job.status == .completed)
        let output = try store.streams(job: job.id, kind: .output)
        #expect(output.count == 11)  // ten 40-byte records fit in 400 bytes, then one line says so
        #expect(
            output.last?.message
                == "[truncated: the Output stream reached its 400-byte cap; later records were dropped]")
    }

    @Test func anInterruptedJobEndsStopped() async throws {
        let store = try AutomationStore.open(folder: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let yaml = "name: slow\nsteps:\n  - { name: wait, action: log, with: { message: x } }\n"
        let runbook = try RunbookLoader.parse(Array(yaml.utf8), label: "slow.yaml")
        let loaded = LoadedRunbook(
            runbook: runbook, path: "x", content: yaml, digest: String(repeating: "0", count: 64))
        let runner = JobRunner(
            store: store, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
            actions: ["log": BlockingLog()])
        let prepared = try JobRunner.prepare(loaded, parameters: [:])
        let running = Task { try await runner.run(prepared) }
        // Wait until the job is Running, then interrupt it as Ctrl-C would.
        while try store.jobs(JobFilter()).first?.status != .running { try await Task.sleep(for: .milliseconds(5)) }
        running.cancel()
        let job = try await running.value
        #expect(job.status == .stopped)
        #expect(job.exception == "job stopped: interrupted before it finished")
    }
}

@Suite struct StopRequestTests {
    let folder = NSTemporaryDirectory() + "runbook-stop-" + UUID().uuidString

    @Test func anotherProcessStopsARunningJob() async throws {
        let store = try AutomationStore.open(folder: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let yaml = "name: slow\nsteps:\n  - { name: wait, action: log, with: { message: x } }\n"
        let runbook = try RunbookLoader.parse(Array(yaml.utf8), label: "slow.yaml")
        let loaded = LoadedRunbook(
            runbook: runbook, path: "x", content: yaml, digest: String(repeating: "0", count: 64))
        let runner = JobRunner(
            store: store, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
            actions: ["log": BlockingLog()], stopPoll: .milliseconds(20))
        let prepared = try JobRunner.prepare(loaded, parameters: [:])
        let running = Task { try await runner.run(prepared) }
        while try store.jobs(JobFilter()).first?.status != .running { try await Task.sleep(for: .milliseconds(5)) }
        // A second connection to the same file, as `runbook jobs stop` in another process has.
        let other = try AutomationStore.open(folder: folder)
        let id = try #require(try other.jobs(JobFilter()).first?.id)
        #expect(try other.requestStop(job: id, at: Date()) == .requested)
        let job = try await running.value
        #expect(job.status == .stopped)
        #expect(job.exception == "Stop requested from the command line: the job was stopped during step 1")
        #expect(try store.statusHistory(job: id).map(\.status) == [.new, .activating, .running, .stopping, .stopped])
        #expect(try other.requestStop(job: id, at: Date()) == .alreadyFinal(.stopped))
    }
}

/// A long `wait` ends promptly on a stop or a suspend from another process (issue 21, items 6
/// and 7), and neither writes a Swift error to the Error stream.
@Suite struct LongStepRequestTests {
    let folder = NSTemporaryDirectory() + "runbook-long-" + UUID().uuidString

    /// Starts the 120 s wait as a job and, once it runs, returns it with its id and a second
    /// connection to the store (as another process has).
    func start(_ store: AutomationStore, seconds: Int = 120) async throws -> (
        Task<Job, any Error>, String, AutomationStore
    ) {
        let yaml =
            "name: slow\nlogVerbose: true\nsteps:\n  - { name: pause, action: wait, with: { seconds: \(seconds) } }\n"
        let runbook = try RunbookLoader.parse(Array(yaml.utf8), label: "slow.yaml")
        let loaded = LoadedRunbook(
            runbook: runbook, path: "x", content: yaml, digest: String(repeating: "0", count: 64))
        let runner = JobRunner(
            store: store, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
            stopPoll: .milliseconds(20))
        let prepared = try JobRunner.prepare(loaded, parameters: [:])
        let running = Task { try await runner.run(prepared) }
        while try store.jobs(JobFilter()).first?.status != .running { try await Task.sleep(for: .milliseconds(5)) }
        let other = try AutomationStore.open(folder: folder)
        return (running, try #require(try other.jobs(JobFilter()).first?.id), other)
    }

    /// The suspended wait keeps the time it has left, and the resume waits only that (it says
    /// so as it starts; then a stop ends it, so that nothing here depends on how fast it runs).
    // A hang guard, not a speed check: the suite's synchronous end-to-end tests can hold the
    // cooperative threads for minutes on two cores.
    @Test(.timeLimit(.minutes(5))) func aSuspendInterruptsAWaitAndTheResumeWaitsWhatWasLeft() async throws {
        let store = try AutomationStore.open(folder: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (running, id, other) = try await start(store)
        // Once the wait has begun (it says so), not before.
        while try !store.streams(job: id, kind: .verbose).contains(where: { $0.message == "Waiting 120s" }) {
            try await Task.sleep(for: .milliseconds(5))
        }
        _ = try other.requestSuspend(job: id, at: Date())
        let job = try await running.value
        #expect(job.status == .suspended)
        #expect(job.checkpointStep == 0)
        let left = try #require(job.waitRemaining)
        #expect(left > 0 && left < 120, "\(left)")
        #expect(
            job.exception?.hasPrefix(
                "Suspend requested from the command line: suspended during step 1 'pause'; a resume waits the ")
                == true,
            "\(job.exception ?? "")")
        #expect(try store.streams(job: id, kind: .error).isEmpty)

        let runner = JobRunner(
            store: store, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
            stopPoll: .milliseconds(20))
        let resuming = Task { try await runner.resume(id) }
        let said = { () throws -> Bool in
            try store.streams(job: id, kind: .verbose).contains {
                $0.message.hasPrefix("Waiting the ") && $0.message.hasSuffix(" left of 120s (suspended in the middle)")
            }
        }
        while try !said() { try await Task.sleep(for: .milliseconds(5)) }
        #expect(try other.requestStop(job: id, at: Date()) == .requested)
        #expect(try await resuming.value.status == .stopped)
    }

    @Test(.timeLimit(.minutes(5))) func aStopInterruptsAWaitWithoutAnError() async throws {
        let store = try AutomationStore.open(folder: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (running, id, other) = try await start(store)
        #expect(try other.requestStop(job: id, at: Date()) == .requested)
        let job = try await running.value
        #expect(job.status == .stopped)
        let errors = try store.streams(job: id, kind: .error)
        #expect(errors.isEmpty, "\(errors.map(\.message))")
        #expect(!(try store.streams(job: id).contains { $0.message.contains("CancellationError") }))
    }
}
