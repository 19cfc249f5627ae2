import Automation
import AutomationService
import AutomationStore
import Foundation
import RunbookEngine
import Testing

/// Hybrid Runbook Workers through the application layer, over a real SQLite file: a poll
/// joins the groups and claims a waiting job at once, a long poll is answered as soon as a job
/// arrives, each of the engine's writes is fenced by the worker's lease, and a job for a group
/// no agent joined is Failed saying so.
@Suite struct WorkerServiceTests {
    let folder = NSTemporaryDirectory() + "runbook-service-workers-" + UUID().uuidString
    let uploads = AgentUploadTests()

    func published(_ service: AutomationService) async throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let file = folder + "/hello.yaml"
        try "name: hello\nsteps:\n  - name: say\n    action: log\n    with: { message: hi }\n".write(
            toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try await service.publish(paths: [file])
    }

    @Test func aWorkerClaimsItsGroupsJobsAndRecordsUnderItsLease() async throws {
        defer { try? FileManager.default.removeItem(atPath: uploads.folder) }
        let service = AutomationService(store: try AutomationStore.open(folder: uploads.folder))
        let (agent, _) = try await uploads.enrolled(service)
        try await published(service)
        let nowhere = NoSubmission()

        // No group yet: a job for one fails at once, saying so.
        let early = try await service.startJob(
            runbook: "hello", parameters: [:], jobId: UUID().uuidString, runOn: "g1", startedBy: nil,
            submission: nowhere)
        #expect(early.status == .failed && (early.exception ?? "").contains("group 'g1' does not exist"))

        let poll = WorkerPoll(groups: ["g1"], concurrency: 2, running: [], pid: 4242, waitSeconds: 0)
        #expect(try await service.workerPoll(poll, from: agent).jobs.isEmpty)
        #expect(try await service.hybridWorkers().map(\.group) == ["g1"])

        // A long poll (30 s) that began before the job existed is answered with it: it looks again
        // while it waits.
        async let answer = service.workerPoll(
            WorkerPoll(groups: ["g1"], concurrency: 2, running: [], pid: 4242, waitSeconds: 30), from: agent)
        try await Task.sleep(for: .milliseconds(300))
        let job = try await service.startJob(
            runbook: "hello", parameters: [:], jobId: UUID().uuidString, runOn: "g1", startedBy: nil,
            submission: nowhere)
        #expect(job.status == .new && job.runOn == "g1")
        let claimed = try await answer
        #expect(claimed.jobs.map(\.id) == [job.id])
        #expect(claimed.jobs.first?.runbookContent.contains("name: hello") == true)

        // The engine's writes, as the worker makes them.
        let at = Date()
        let boundary = try await service.workerRecord(
            job: job.id,
            WorkerRecord(operation: .stepBoundary, at: at, step: 0, entering: [.activating, .running]),
            from: agent)
        #expect(boundary.requests?.stop == false)
        let records = try await service.workerRecord(
            job: job.id,
            WorkerRecord(operation: .appendStream, at: at, entries: [.init(kind: .output, at: at, message: "hi")]),
            from: agent)
        #expect(records.records?.count == 1)
        _ = try await service.workerRecord(
            job: job.id, WorkerRecord(operation: .transition, at: at, status: .completed), from: agent)
        let ended = try await service.job(id: job.id)
        #expect(ended.status == .completed)
        #expect(try await service.output(job: job.id).contains("hi"))

        // What a worker says is checked: statuses a runner moves to, names, sizes; and it reads
        // only the jobs it holds.
        let checked = try await service.startJob(
            runbook: "hello", parameters: [:], jobId: UUID().uuidString, runOn: "g1", startedBy: nil,
            submission: nowhere)
        let held = try await service.workerPoll(
            WorkerPoll(groups: ["g1"], concurrency: 2, running: [], pid: 4242, waitSeconds: 0), from: agent)
        #expect(held.jobs.map(\.id) == [checked.id])
        for bad in [
            WorkerRecord(operation: .transition, at: at, status: .new),
            WorkerRecord(operation: .stepBoundary, at: at, step: -5, entering: [.completed]),
            WorkerRecord(operation: .addTargets, at: at, names: ["../../etc"]),
            WorkerRecord(
                operation: .appendStream, at: at,
                entries: [.init(kind: .output, at: at, message: String(repeating: "x", count: 2 * 1024 * 1024))]),
        ] {
            await #expect(throws: ServiceError.self) {
                try await service.workerRecord(job: checked.id, bad, from: agent)
            }
        }
        #expect(try await service.job(id: checked.id).status == .new)
        #expect(try await service.streams(job: checked.id).isEmpty)
        _ = try await service.workerRecord(
            job: checked.id, WorkerRecord(operation: .transition, at: at, status: .completed), from: agent)
        // An ended job is not the worker's to change any more.
        await #expect(throws: ServiceError.self) {
            try await service.workerRecord(
                job: checked.id, WorkerRecord(operation: .addTargets, at: at, names: ["late"]), from: agent)
        }

        // A job it does not hold is not its to write.
        let other = try await service.startJob(
            runbook: "hello", parameters: [:], jobId: UUID().uuidString, runOn: "g1", startedBy: nil,
            submission: nowhere)
        await #expect(throws: ServiceError.self) {
            try await service.workerRecord(
                job: other.id, WorkerRecord(operation: .transition, at: at, status: .completed), from: agent)
        }
        await #expect(throws: ServiceError.self) {
            try await service.workerRecord(
                job: other.id, WorkerRecord(operation: .pendingRequests, at: at), from: agent)
        }
        #expect(try await service.job(id: other.id).status == .new)
        // The next poll reports which of its running jobs it still holds and claims the other.
        let next = try await service.workerPoll(
            WorkerPoll(groups: ["g1"], concurrency: 2, running: [job.id], pid: 4242, waitSeconds: 0), from: agent)
        #expect(next.held.isEmpty && next.jobs.map(\.id) == [other.id])
    }

    /// A worker's `scan` step uploads its machine with the job's id: the changes are the job's
    /// while the worker holds it (answered with the files they touched, for the step's gate),
    /// the machine's alone for a job it does not hold, and a bad job id is refused.
    @Test func aJobsScanUploadIsTheJobsWhileTheWorkerHoldsIt() async throws {
        defer { try? FileManager.default.removeItem(atPath: uploads.folder) }
        let service = AutomationService(store: try AutomationStore.open(folder: uploads.folder))
        let (agent, configuration) = try await uploads.enrolled(service)
        try await published(service)
        _ = try await service.workerPoll(
            WorkerPoll(groups: ["g1"], concurrency: 1, running: [], pid: 4242, waitSeconds: 0), from: agent)
        let job = try await service.startJob(
            runbook: "hello", parameters: [:], jobId: UUID().uuidString, runOn: "g1", startedBy: nil,
            submission: NoSubmission())
        let claimed = try await service.workerPoll(
            WorkerPoll(groups: ["g1"], concurrency: 1, running: [], pid: 4242, waitSeconds: 0), from: agent)
        #expect(claimed.jobs.map(\.id) == [job.id])
        _ = try await service.workerRecord(
            job: job.id,
            WorkerRecord(operation: .stepBoundary, at: Date(), step: 0, entering: [.activating, .running]),
            from: agent)
        // Full uploads of software: each is stored after the last (`agent` is as it was read).
        func upload(_ sequence: Int64, version: String, jobId: String?) -> AgentBatch {
            AgentBatch(
                sequence: sequence, full: true, configurationVersion: configuration.version, collectedAt: Date(),
                items: [InventoryItem(type: .software, key: "curl", fields: ["version": version])], removed: [],
                types: [.software], jobId: jobId)
        }
        let held = try await service.storeAgentBatch(upload(2, version: "2", jobId: job.id), from: agent)
        #expect(held.outcome == .stored && held.changes == 1)
        #expect(held.job == JobScanResult(attributed: true, changedFiles: [], truncated: false))
        #expect(try await service.changes(ChangeFilter(jobId: job.id)).map(\.change.key) == ["curl"])

        let notHeld = try await service.storeAgentBatch(upload(3, version: "3", jobId: "not-a-job"), from: agent)
        #expect(notHeld.outcome == .stored && notHeld.job?.attributed == false, "\(notHeld)")
        #expect(try await service.changes(ChangeFilter(jobId: "not-a-job")).isEmpty)
        #expect(try await service.changes(ChangeFilter(machine: "web1")).count == 2)

        await #expect(throws: ServiceError.self) {
            try await service.storeAgentBatch(upload(4, version: "4", jobId: "bad\u{1}id"), from: agent)
        }
        // The first upload again (its answer was lost): answered with the job's stored changes.
        let resent = try await service.storeAgentBatch(upload(2, version: "2", jobId: job.id), from: agent)
        #expect(resent.outcome == .duplicate && resent.changes == 1 && resent.job?.attributed == true, "\(resent)")

        // A worker hands over only a running job of a runbook that places its steps, at the step
        // it reached, to where that step runs: this one places none.
        await #expect(throws: ServiceError.self) {
            try await service.workerRecord(
                job: job.id, WorkerRecord(operation: .handOver, at: Date(), step: 0, names: []), from: agent)
        }
        #expect(try await service.job(id: job.id).status == .running)
    }
}

/// A job's scan answer stays within what an agent reads (8 MiB): at most 10,000 files and
/// 1 MiB of names, saying when it left some out.
@Test func aJobScanAnswerIsBoundedInFilesAndBytes() {
    let long = (0..<1000).map { "/" + String(repeating: "a", count: 4000) + "\($0)" }
    let byBytes = JobScanResult(attributed: true, files: long)
    let named = byBytes.changedFiles.reduce(0) { $0 + $1.utf8.count }
    #expect(byBytes.truncated && named <= 1024 * 1024)
    // It stops only where the next name would not fit.
    #expect(named + long[byBytes.changedFiles.count].utf8.count > 1024 * 1024)
    let many = JobScanResult(attributed: true, files: (0...10_000).map { "/f\($0)" })
    #expect(many.truncated && many.changedFiles.count == 10_000)
    let few = JobScanResult(attributed: false, files: ["/etc/a", "/etc/b"])
    #expect(!few.truncated && few.changedFiles == ["/etc/a", "/etc/b"])
}

/// Jobs handed to no executor (a worker claims them).
struct NoSubmission: JobSubmission {
    func submit(_ job: Job, _ prepared: PreparedJob) {}
}
