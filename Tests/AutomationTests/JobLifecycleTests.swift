import Testing

@testable import Automation

/// The job lifecycle's decisions in every status, without a database.
@Suite struct JobLifecycleTests {
    static let final: [JobStatus] = [.completed, .failed, .stopped]

    @Test(arguments: JobStatus.allCases)
    func stop(_ status: JobStatus) {
        let owned = JobLifecycle.stop(status, owned: true)
        let unowned = JobLifecycle.stop(status, owned: false)
        if status.isFinal {
            #expect(owned == .alreadyFinal(status))
        } else if status == .suspended || status == .resuming {
            // Nobody runs it: stopped at once, and says from which status.
            #expect(
                unowned
                    == .stopNow(exception: "Stop requested: the job was stopped while \(status.rawValue.lowercased())"))
            #expect(owned == .request(enterStopping: true))
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
            job: "j1", status: status, checkpointStep: 2, diedBecause: "the process ended", committed: "")
        switch status {
        case .new, .activating, .suspending, .resuming:
            #expect(decision.status == .suspended)
            #expect(
                decision
                    == .suspend(
                        beforeStep: 3,
                        exception: "the process ended; suspended by recovery before step 3: "
                            + "'runbook jobs resume j1' runs it from there"))
        case .stopping:
            #expect(decision == .stopped(exception: "the process ended; marked Stopped by recovery, as was asked"))
        default:
            #expect(decision == .failed(exception: "the process ended; marked Failed by recovery"))
        }
    }

    @Test func recoveryWithoutACheckpointSuspendsBeforeTheFirstStep() {
        let decision = JobLifecycle.recover(
            job: "j1", status: .new, checkpointStep: nil, diedBecause: "x",
            committed: "; before that it had committed: y")
        guard case .suspend(let step, let exception) = decision else {
            Issue.record("expected a suspension")
            return
        }
        #expect(step == 1)
        #expect(exception.hasSuffix("; before that it had committed: y"))
    }
}
