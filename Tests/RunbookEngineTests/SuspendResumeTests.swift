import Automation
import AutomationService
import AutomationStore
import Foundation
import Logging
import Testing

@testable import RunbookEngine

/// Stands in for an action (by the catalog name it replaces): fails `failures` times, then
/// writes "finally" and succeeds.
actor FailsThenSucceeds: ActionHandler {
    nonisolated let name: String
    private var failuresLeft: Int

    init(as name: String, failures: Int) {
        self.name = name
        failuresLeft = failures
    }

    func run(_ inputs: Value, context: ActionContext) async throws -> StepResult {
        if failuresLeft > 0 {
            failuresLeft -= 1
            return .failed("the share is offline")
        }
        await context.sink.write(.output, "finally")
        return .succeeded
    }
}

/// Asks for its own job to be suspended, as `runbook jobs suspend` does from another process.
struct SuspendsItsJob: ActionHandler {
    let name: String

    func run(_ inputs: Value, context: ActionContext) async throws -> StepResult {
        guard let embedded = try context.store as? AsyncAutomationStore else {
            return .failed("needs the embedded store")
        }
        _ = try embedded.store.requestSuspend(job: context.jobId, at: Date())
        await context.sink.write(.output, "asked to suspend")
        return .succeeded
    }
}

/// Writes `total` bytes to the Output stream in 64 KiB records.
struct Floods: ActionHandler {
    let name: String
    let total: Int

    func run(_ inputs: Value, context: ActionContext) async throws -> StepResult {
        let record = String(repeating: "x", count: 64 * 1024)
        for _ in 0..<(total / record.utf8.count) { await context.sink.write(.output, record) }
        return .succeeded
    }
}

@Suite struct SuspendResumeTests {
    let folder = NSTemporaryDirectory() + "runbook-suspend-" + UUID().uuidString
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Three steps: log "one", a stand-in for report-changes, log "three".
    func prepared(middle onError: String) throws -> PreparedJob {
        let yaml = """
            name: three-steps
            steps:
              - name: first
                action: log
                with: { message: one }
              - name: middle
                action: report-changes
                onError: \(onError)
              - name: last
                action: log
                with: { message: three }
            """
        let loaded = try RunbookLoader.load(content: yaml, label: "three-steps.yaml")
        return try JobRunner.prepare(loaded, parameters: [:])
    }

    func runner(_ store: AutomationStore, middle: any ActionHandler, streamCap: Int = JobStreamWriter.defaultCap)
        -> JobRunner
    {
        var actions = BuiltinActions.byName
        actions[middle.name] = middle
        return JobRunner(store: store, logger: logger, actions: actions, streamCap: streamCap)
    }

    func outputs(_ store: AutomationStore, _ id: String) throws -> [String] {
        try store.streams(job: id, kind: .output).map(\.message)
    }

    @Test func onErrorSuspendSuspendsBeforeTheStepAndResumeRunsItAgain() async throws {
        let store = try AutomationStore.open(folder: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let runner = runner(store, middle: FailsThenSucceeds(as: "report-changes", failures: 1))
        let suspended = try await runner.run(try prepared(middle: "suspend"))
        #expect(suspended.status == .suspended)
        #expect(suspended.checkpointStep == 1)
        #expect(suspended.resumesBeforeStep == 2)
        #expect(suspended.endedAt == nil)
        #expect(suspended.exception?.contains("step 'middle' failed: the share is offline") == true)
        #expect(suspended.exception?.contains("onError: suspend") == true)
        #expect(try outputs(store, suspended.id) == ["one"])

        let resumed = try await runner.resume(suspended.id)
        #expect(resumed.status == .completed)
        #expect(resumed.exception == nil)
        // The first step is not run again; the failed one is, then the rest.
        #expect(try outputs(store, resumed.id) == ["one", "finally", "three"])
        #expect(
            try store.statusHistory(job: resumed.id).map(\.status) == [
                .new, .activating, .running, .suspended, .resuming, .running, .completed,
            ])
    }

    @Test func onErrorFailAndContinueKeepTheirMeaning() async throws {
        let store = try AutomationStore.open(folder: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let failing = try await runner(store, middle: FailsThenSucceeds(as: "report-changes", failures: 1))
            .run(try prepared(middle: "fail"))
        #expect(failing.status == .failed)
        #expect(try outputs(store, failing.id) == ["one"])
        let continuing = try await runner(store, middle: FailsThenSucceeds(as: "report-changes", failures: 1))
            .run(try prepared(middle: "continue"))
        #expect(continuing.status == .completed)
        #expect(try outputs(store, continuing.id) == ["one", "three"])
    }

    @Test func aRequestedSuspendTakesEffectAtTheNextStepBoundary() async throws {
        let store = try AutomationStore.open(folder: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let runner = runner(store, middle: SuspendsItsJob(name: "report-changes"))
        let suspended = try await runner.run(try prepared(middle: "fail"))
        #expect(suspended.status == .suspended)
        #expect(suspended.checkpointStep == 2)
        #expect(suspended.exception == "Suspend requested from the command line: suspended before step 3 'last'")
        #expect(try outputs(store, suspended.id) == ["one", "asked to suspend"])
        #expect(
            try store.statusHistory(job: suspended.id).map(\.status) == [
                .new, .activating, .running, .suspending, .suspended,
            ])
        let resumed = try await runner.resume(suspended.id)
        #expect(resumed.status == .completed)
        #expect(try outputs(store, resumed.id) == ["one", "asked to suspend", "three"])
    }

    @Test func requestsMadeWhileAJobWaitsInNewTakeEffectBeforeItsFirstStep() async throws {
        let store = try AutomationStore.open(folder: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let runner = runner(store, middle: FailsThenSucceeds(as: "report-changes", failures: 0))
        let job = try prepared(middle: "fail")

        let toStop = try await runner.create(job)
        #expect(try store.requestStop(job: toStop.id, at: Date()) == .requested)
        let stopped = try await runner.start(toStop, job)
        #expect(stopped.status == .stopped)
        #expect(stopped.exception == "Stop requested from the command line: the job was stopped before step 1")
        #expect(try outputs(store, stopped.id).isEmpty)
        #expect(try store.statusHistory(job: stopped.id).map(\.status) == [.new, .stopping, .stopped])

        let toSuspend = try await runner.create(job)
        #expect(try store.requestSuspend(job: toSuspend.id, at: Date()) == .requested)
        let suspended = try await runner.start(toSuspend, job)
        #expect(suspended.status == .suspended)
        #expect(suspended.resumesBeforeStep == 1)
        #expect(try outputs(store, suspended.id).isEmpty)
    }

    @Test func onlyASuspendedJobResumes() async throws {
        let store = try AutomationStore.open(folder: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let runner = runner(store, middle: FailsThenSucceeds(as: "report-changes", failures: 0))
        let completed = try await runner.run(try prepared(middle: "suspend"))
        #expect(completed.status == .completed)
        let error = await #expect(throws: ResumeError.self) { try await runner.resume(completed.id) }
        #expect(error?.description == "job \(completed.id) is Completed; only a Suspended job resumes")
        #expect(try store.job(completed.id)?.status == .completed)
    }

    @Test func aResumedJobKeepsItsStreamCap() async throws {
        let store = try AutomationStore.open(folder: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // The first run fills the Output stream past its cap, then the request suspends it.
        let yaml = """
            name: flood
            steps:
              - name: flood
                action: report-changes
              - name: pause
                action: scan
              - name: after
                action: log
                with: { message: after the pause }
            """
        let prepared = try JobRunner.prepare(
            try RunbookLoader.load(content: yaml, label: "flood.yaml"), parameters: [:])
        var actions = BuiltinActions.byName
        actions["report-changes"] = Floods(name: "report-changes", total: 256 * 1024)
        actions["scan"] = SuspendsItsJob(name: "scan")
        let runner = JobRunner(store: store, logger: logger, actions: actions, streamCap: 100 * 1024)
        let suspended = try await runner.run(prepared)
        #expect(suspended.status == .suspended)
        let resumed = try await runner.resume(suspended.id)
        #expect(resumed.status == .completed)
        let output = try outputs(store, resumed.id)
        #expect(output.filter { $0.hasPrefix("[truncated:") }.count == 1)
        #expect(!output.contains("after the pause"))  // the stream stays capped after the resume
    }

    @Test func aJobThatWrites100MegabytesKeepsOneMebibyteAndSaysSo() async throws {
        let store = try AutomationStore.open(folder: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let yaml = "name: flood\nsteps:\n  - name: flood\n    action: report-changes\n"
        let prepared = try JobRunner.prepare(
            try RunbookLoader.load(content: yaml, label: "flood.yaml"), parameters: [:])
        var actions = BuiltinActions.byName
        actions["report-changes"] = Floods(name: "report-changes", total: 100 * 1024 * 1024)
        let job = try await JobRunner(store: store, logger: logger, actions: actions).run(prepared)
        #expect(job.status == .completed)
        let output = try outputs(store, job.id)
        let kept = output.dropLast().reduce(0) { $0 + $1.utf8.count }
        #expect(kept <= JobStreamWriter.defaultCap)
        #expect(kept == 16 * 64 * 1024)
        #expect(output.last?.hasPrefix("[truncated: the Output stream reached its 1048576-byte cap") == true)
        #expect(try store.integrityCheck() == "ok")
    }
}
