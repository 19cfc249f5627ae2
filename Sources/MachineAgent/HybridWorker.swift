import Automation
import Foundation
import Logging
import RunbookEngine
import Synchronization

/// The agent as a Hybrid Runbook Worker (`--group`): it long-polls the service for its groups'
/// jobs, runs each with the job engine on this machine (at most `--concurrency` at once), and
/// records every status change and stream record through the service, which checks the
/// worker's lease on each. A job the service no longer lets it hold (recovered elsewhere after
/// the worker was cut off, or the credential revoked) is cancelled here.
final class HybridWorker: Sendable {
    let client: AgentClient
    let authorization: String
    let groups: [String]
    let concurrency: Int
    let ownMachine: OwnMachineScans
    let say: @Sendable (String) -> Void

    /// The jobs running now, by id.
    private let running = Mutex<[String: Task<Void, Never>]>([:])
    /// Set when the agent stops (SIGTERM, SIGINT): its jobs' runners record nothing more, and
    /// the service, told so, runs them again from their step on a worker of the group.
    private let stopping = OnceFlag()

    init(
        client: AgentClient, authorization: String, groups: [String], concurrency: Int, ownMachine: OwnMachineScans,
        say: @escaping @Sendable (String) -> Void
    ) {
        self.ownMachine = ownMachine
        self.client = client
        self.authorization = authorization
        self.groups = groups
        self.concurrency = concurrency
        self.say = say
    }

    /// Polls until cancelled; a refused credential ends the agent (`AgentError.refused`).
    func run() async throws {
        say("working for the hybrid worker group(s) \(groups.joined(separator: ", ")), \(concurrency) job(s) at once")
        var backoff = 1.0
        while !Task.isCancelled {
            do {
                try await pollOnce()
                backoff = 1
            } catch let error as AgentError {
                throw error
            } catch {
                if Task.isCancelled { break }
                say("worker poll: \(client.describe(error).text); trying again")
                try? await Task.sleep(for: .milliseconds(Int(backoff * 1000 * Double.random(in: 0.5...1))))
                backoff = min(backoff * 2, 30)
            }
        }
        stopping.set()
        let tasks = running.withLock { Array($0.values) }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        // Said to the service, which gives its jobs up at once (they run again from their step,
        // a restart counted) and lets the agent's next process claim at once (a worker that
        // dies without saying so is free only once its lease has passed).
        _ = try? await Task.detached { [client, authorization] in
            try await client.send(.POST, "agent/v1/worker/stop", authorization: authorization, body: Data("{}".utf8))
        }.value
    }

    private func pollOnce() async throws {
        let ids = running.withLock { Array($0.keys).sorted() }
        let poll = WorkerPoll(
            groups: groups, concurrency: concurrency, running: ids, pid: Int(ProcessInfo.processInfo.processIdentifier),
            waitSeconds: ids.count >= concurrency ? 5 : 30)
        let answer = try await client.send(
            .POST, "agent/v1/worker/poll", authorization: authorization, body: try AgentClient.encoder.encode(poll))
        switch answer.status {
        case 200: break
        case 401, 403:
            throw AgentError.refused("the service refused this worker's credential: \(AgentClient.message(answer))")
        default:
            throw WorkerFailure(message: "poll answered \(AgentClient.message(answer))")
        }
        let result = try AgentClient.decoder.decode(WorkerPollAnswer.self, from: answer.body)
        // Jobs it runs that the service no longer lets it hold: stopped here, their writes
        // would be refused anyway.
        for id in ids where !result.held.contains(id) {
            say("job \(id): this worker no longer holds it (recovered elsewhere); stopping it")
            _ = running.withLock { $0[id] }.map { $0.cancel() }
        }
        for job in result.jobs { start(job) }
        // With every slot taken, the next poll waits for one to free (a job that ended), looking
        // every 20 ms, and at most 5 s: that poll renews the leases of the jobs still running.
        let renewal = ContinuousClock.now + .seconds(5)
        while running.withLock({ $0.count }) >= concurrency && ContinuousClock.now < renewal {
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    private func start(_ job: Job) {
        let recorder = RemoteJobRecorder(client: client, authorization: authorization, stopping: stopping)
        let runner = JobRunner(worker: recorder, ownMachine: ownMachine, logger: Logger(label: "runbook.worker"))
        let say = say
        let stopping = stopping
        say("job \(job.id) (\(job.runbookName)) claimed: running it here")
        let task = Task {
            do {
                let status = try await runner.runClaimed(job)
                say("job \(job.id) (\(job.runbookName)) ended \(status.rawValue)")
            } catch  where stopping.isSet {
                say("job \(job.id) (\(job.runbookName)) interrupted: the service runs it again from its step")
            } catch {
                say("job \(job.id) (\(job.runbookName)) could not be recorded to its end: \(error)")
            }
            _ = self.running.withLock { $0.removeValue(forKey: job.id) }
        }
        running.withLock { $0[job.id] = task }
    }
}

struct WorkerFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
