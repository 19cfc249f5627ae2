import ArgumentParser
import Automation
import AutomationService
import Foundation

extension RunbookCommand.JobsCommand {
    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete finished jobs older than a duration, with their streams and history.",
            discussion: "Jobs still running are never deleted. Azure keeps job history 30 days by default.")

        @Option(help: "Age, such as 30d or 12h.") var olderThan: String
        @OptionGroup var store: StoreOptions

        func validate() throws {
            do {
                _ = try DurationText.read(olderThan)
            } catch {
                throw ValidationError("--older-than: \(error)")
            }
        }

        func run() async throws {
            let age = DurationText.parse(olderThan) ?? .zero
            let cutoff = age.before(Date())
            let deleted = try await store.withService(create: false) { service in
                try await Terminal.exitOnError { () async throws(ServiceError) in
                    try await service.purgeJobs(before: cutoff)
                }
            }
            Terminal.out("Deleted \(deleted) job(s) created before \(cutoff.formatted(.iso8601)).")
        }
    }
}
