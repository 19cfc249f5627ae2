import ArgumentParser
import Automation
import AutomationService
import Foundation

extension RunbookCommand {
    struct WorkersCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "workers",
            abstract: "Hybrid Runbook Worker groups: their workers, when each was last seen, the jobs it runs.",
            discussion: Help.reflow(
                """
                A worker is a machine's 'runbook agent' started with --group NAME: it runs the jobs \
                created with runOn NAME ('runbook run RUNBOOK --run-on NAME'). A group exists once an \
                agent joins it. A worker polls the service at least every 30 seconds; one not seen \
                for 90 seconds has its jobs recovered and run again on another worker of the group.

                Examples:
                  runbook workers list
                  runbook workers list --json
                """),
            subcommands: [List.self], defaultSubcommand: List.self)

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List each group's workers, when each was last seen and the jobs it runs.")

            @Flag(help: "Print JSON.") var json = false
            @OptionGroup var layout: TableLayout
            @OptionGroup var store: StoreOptions

            func run() async throws {
                let workers = try await store.withService(create: false) { try await $0.hybridWorkers() }
                try ListOutput<HybridWorkerInfo>(
                    headers: ["GROUP", "WORKER", "STATE", "LAST SEEN", "SLOTS", "JOBS"],
                    empty: "No hybrid worker groups: an agent joins one with 'runbook agent ... --group NAME'."
                ) { worker in
                    [
                        worker.group, worker.machine,
                        // Polls come at least every 30 s; silent past the lease, it is gone.
                        Date().timeIntervalSince(worker.lastSeenAt) > AutomationService.workerLease.inSeconds
                            ? "silent" : "live",
                        Terminal.time(worker.lastSeenAt),
                        "\(worker.jobs.count)/\(worker.concurrency)",
                        worker.jobs.isEmpty ? "-" : worker.jobs.map { String($0.prefix(8)) }.joined(separator: " "),
                    ]
                }.print(workers, json: json, width: layout.width, document: WorkerDocument.init)
            }
        }
    }
}

/// One worker of one group as `runbook workers list --json` prints it.
struct WorkerDocument: Encodable {
    var group: String
    var machine: String
    var registeredAt: Date
    var lastSeenAt: Date
    var concurrency: Int
    var jobs: [String]

    init(_ worker: HybridWorkerInfo) {
        group = worker.group
        machine = worker.machine
        registeredAt = worker.registeredAt
        lastSeenAt = worker.lastSeenAt
        concurrency = worker.concurrency
        jobs = worker.jobs
    }
}
