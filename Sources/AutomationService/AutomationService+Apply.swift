import Automation
import AutomationStore
import Foundation

/// Automation files: account, workspace, gateways, machines and schedules in one transaction, on
/// either store.
extension AutomationService {
    /// What `apply(_:path:runbooks:)` did, in the order it did it.
    public struct FileApplied: Sendable {
        /// Runbooks of the folder published because the file's schedules may start them.
        public var published: [String]
        public var summary: ApplySummary
        /// What the "future machines" scopes did to each machine of the file.
        public var scopeLines: [String]
    }

    /// The problems of a file's schedule links, checked against the runbooks folder as `runbook
    /// run` would bind them, each at the link's line and column. Needs no store, so a file with
    /// problems creates none.
    public static func linkProblems(of file: AutomationFile, path: String, runbooks: RunbookLibrary) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        for schedule in file.schedules {
            for link in schedule.links {
                let messages: [String]
                do {
                    messages = ScheduleLinks.problems(link, runbook: try runbooks.load(link.runbook).runbook)
                } catch {
                    let text = error.description.replacingOccurrences(of: "error: ", with: "")
                    messages = ["link to '\(link.runbook)': \(text)"]
                }
                problems += messages.map {
                    file.linkDiagnostic(
                        schedule: schedule.name, file: path, message: "schedule '\(schedule.name)': \($0)")
                }
            }
        }
        return problems
    }

    /// Applies an automation file: its links are checked first (nothing is stored when one is
    /// wrong), the folder's runbooks not yet published are published (so a scheduler started in
    /// any folder runs them), then the file is stored in one transaction, and each machine
    /// joins the scopes that enable solutions on future machines.
    public func apply(_ file: AutomationFile, path: String, runbooks: RunbookLibrary) async throws(ServiceError)
        -> FileApplied
    {
        let problems = Self.linkProblems(of: file, path: path, runbooks: runbooks)
        guard problems.isEmpty else {
            throw .invalid("\(path): the schedule links have problems", diagnostics: problems)
        }
        let published = await publishUnpublished(from: runbooks).map(\.runbook.name)
        let summary: ApplySummary
        do {
            summary = try await fileStore.apply(file, at: now())
        } catch {
            let failure = Self.storeError(error)
            if case .storeUnreachable = failure { throw failure }
            throw .invalid("\(path): \(failure.description); nothing was applied")
        }
        var lines: [String] = []
        for machine in file.machines { lines += try await applyFutureScopes(to: machine.name) }
        return FileApplied(published: published, summary: summary, scopeLines: lines)
    }
}
