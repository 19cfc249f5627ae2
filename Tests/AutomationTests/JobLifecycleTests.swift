import Foundation
import Testing

@testable import Automation

/// The job lifecycle's decisions in every status, without a database.
@Suite struct JobLifecycleTests {
    static let final: [JobStatus] = [.completed, .failed, .stopped]

    @Test(arguments: JobStatus.allCases)
    func stop(_ status: JobStatus) {
        let owned = JobLifecycle.stop(status, owned: true, by: .commandLine)
        let unowned = JobLifecycle.stop(status, owned: false, by: .commandLine)
        if status.isFinal {
            #expect(owned == .alreadyFinal(status))
        } else if [.suspended, .resuming, .new, .stopping].contains(status) {
            // Nobody runs it (a New job no process owns waits for a worker of its group):
            // stopped at once, and says from which status.
            #expect(
                unowned
                    == .stopNow(
                        exception:
                            "Stop requested from the command line: the job was stopped while \(status.rawValue.lowercased())"
                    ))
            #expect(owned == .request(enterStopping: status != .stopping))
        } else {
            #expect(owned == .request(enterStopping: status != .stopping))
            #expect(unowned == owned)
        }
    }

    @Test(arguments: JobStatus.allCases)
    func suspend(_ status: JobStatus) {
        let decision = JobLifecycle.suspend(status)
        switch status {
        case .completed, .failed, .stopped: #expect(decision == .alreadyFinal(status))
        case .suspending, .suspended: #expect(decision == .already(status))
        default: #expect(decision == .request)
        }
    }

    @Test(arguments: JobStatus.allCases)
    func resume(_ status: JobStatus) {
        #expect(JobLifecycle.resume(status) == (status == .suspended ? .queue : .notSuspended(status)))
    }

    @Test(arguments: JobStatus.allCases)
    func recovery(_ status: JobStatus) {
        let decision = JobLifecycle.recover(
            job: "j1", status: status, checkpointStep: 2, diedBecause: "the process ended", committed: "",
            restarts: 0, restartLimit: 0)
        switch status {
        case .new, .activating, .suspending, .resuming:
            #expect(decision.status == .suspended)
            #expect(
                decision
                    == .suspend(
                        beforeStep: 3,
                        exception: "the process ended; suspended by recovery before step 3: a resume runs it from there"
                    ))
        case .stopping:
            #expect(decision == .stopped(exception: "the process ended; marked Stopped by recovery, as was asked"))
        default:
            #expect(decision == .failed(exception: "the process ended; marked Failed by recovery"))
        }
    }

    @Test func aRunningJobIsRestartedFromItsStepWhileRestartsAreLeft() {
        let first = JobLifecycle.recover(
            job: "j1", status: .running, checkpointStep: 2, diedBecause: "node a died", committed: "",
            restarts: 0, restartLimit: 3)
        #expect(
            first
                == .restart(
                    fromStep: 3,
                    exception: "node a died; put back in New by recovery (restart 1 of 3): the next node to claim "
                        + "it runs it again from step 3"))
        #expect(first.status == .new)
        let last = JobLifecycle.recover(
            job: "j1", status: .running, checkpointStep: 2, diedBecause: "node a died", committed: "",
            restarts: 3, restartLimit: 3)
        #expect(last == .failed(exception: "node a died; marked Failed by recovery after 3 restart(s), its limit"))
        // A job for a hybrid worker group runs again on the group's next worker, and past its
        // limit it is Suspended (Azure's rule for hybrid jobs), resumable from its step.
        let onWorker = JobLifecycle.recover(
            job: "j1", status: .running, checkpointStep: 2, diedBecause: "the worker w died", committed: "",
            restarts: 0, restartLimit: 3, runOn: "g1")
        #expect(
            onWorker
                == .restart(
                    fromStep: 3,
                    exception: "the worker w died; put back in New by recovery (restart 1 of 3): the next worker of "
                        + "the group 'g1' to claim it runs it again from step 3"))
        let workerLast = JobLifecycle.recover(
            job: "j1", status: .running, checkpointStep: 2, diedBecause: "the worker w died", committed: "",
            restarts: 3, restartLimit: 3, runOn: "g1")
        #expect(
            workerLast
                == .suspend(
                    beforeStep: 3,
                    exception: "the worker w died; suspended by recovery after 3 restart(s), its limit: a resume "
                        + "runs it again from step 3 on a worker of the group 'g1'"))
        // Restarts never change what happens to a job being stopped or not yet in a step.
        for status in [JobStatus.stopping, .new, .activating, .suspending, .resuming] {
            let withRestarts = JobLifecycle.recover(
                job: "j1", status: status, checkpointStep: 2, diedBecause: "x", committed: "", restarts: 0,
                restartLimit: 3)
            let without = JobLifecycle.recover(
                job: "j1", status: status, checkpointStep: 2, diedBecause: "x", committed: "", restarts: 0,
                restartLimit: 0)
            #expect(withRestarts == without)
        }
        let attempts = JobRestarts.attempts(
            in: [.new, .running, .new, .running, .completed].enumerated().map {
                JobStatusChange(status: $1, at: Date(timeIntervalSince1970: Double($0)))
            })
        #expect(attempts.map(\.restart) == [nil, nil, 1, nil, nil])
    }

    /// A stored wait remainder is data: a hand-edited one turns into time without trapping.
    @Test func aStoredWaitRemainderIsKeptWithinADay() {
        func left(_ seconds: Double?) -> Duration? {
            Job(
                id: "j", runbookName: "r", runbookDigest: "", runbookContent: "", parameters: [:],
                startReason: .manual, accountName: nil, createdAt: Date(), logVerbose: false, logProgress: false,
                waitRemaining: seconds
            ).waitLeft
        }
        #expect(left(nil) == nil)
        #expect(left(.nan) == nil)
        #expect(left(.infinity) == nil)
        #expect(left(1e300) == .seconds(86_400))
        #expect(left(-5) == .zero)
        #expect(left(14.2) == .milliseconds(14_200))
    }

    @Test func recoveryWithoutACheckpointSuspendsBeforeTheFirstStep() {
        let decision = JobLifecycle.recover(
            job: "j1", status: .new, checkpointStep: nil, diedBecause: "x",
            committed: "; before that it had committed: y", restarts: 0, restartLimit: 3)
        guard case .suspend(let step, let exception) = decision else {
            Issue.record("expected a suspension")
            return
        }
        #expect(step == 1)
        #expect(exception.hasSuffix("; before that it had committed: y"))
    }
}
