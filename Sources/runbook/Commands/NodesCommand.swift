import ArgumentParser
import Automation
import AutomationService
import Foundation

extension RunbookCommand {
    struct NodesCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "nodes",
            abstract: "The nodes of a store (schedulers and servers): heartbeats and the jobs they hold.",
            discussion: Help.reflow(
                """
                A node is a 'runbook scheduler' or 'runbook serve' process with an id (--node) that \
                renews a heartbeat; each job it runs is held by a lease renewed with it (--lease). \
                When a node stops heartbeating, another node recovers its jobs once their leases \
                expire. Nodes share a PostgreSQL store across hosts; on the embedded store they are \
                the processes of one host.

                STATE: live (heartbeating), stale (silent for longer than its lease: killed, hung \
                or cut off; its jobs are recovered), stopped (it stopped cleanly; its id is free at \
                once). Stopped nodes are listed for 7 days, then pruned.

                Examples:
                  runbook nodes list
                  runbook nodes list --store postgresql://runbook@db1:5432/automation
                """),
            subcommands: [List.self])

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List nodes with their last heartbeat and the jobs they hold.")

            @Flag(help: "Print JSON.") var json = false
            @OptionGroup var layout: TableLayout
            @OptionGroup var store: StoreOptions

            func run() async throws {
                let location = try store.location()
                let nodes: [NodeInfo]
                do {
                    nodes = try await AutomationService.nodes(location)
                } catch {
                    Terminal.error(error.description)
                    if case .notFound = error { throw ExitCode(66) }
                    throw ExitCode(74)
                }
                let now = Date()
                try ListOutput<NodeInfo>(
                    headers: ["NODE", "STATE", "HOST", "PID", "STARTED", "LAST HEARTBEAT", "JOBS"],
                    empty: "No nodes have registered with \(location)."
                ) { node in
                    [
                        node.id, node.state(at: now).rawValue, node.host, String(node.pid),
                        Terminal.time(node.startedAt),
                        Terminal.time(node.heartbeatAt), node.jobs.isEmpty ? "-" : node.jobs.joined(separator: ", "),
                    ]
                }.print(nodes, json: json, width: layout.width, document: NodeDocument.init)
            }
        }
    }
}

/// A node for `nodes list --json` (schemas/json/node.schema.json).
struct NodeDocument: Encodable {
    var id: String
    var host: String
    var pid: Int
    var startedAt: Date
    var heartbeatAt: Date
    var jobs: [String]
    var state: NodeInfo.State
    @ExplicitNull var stoppedAt: Date?
    var leaseSeconds: Double

    init(_ node: NodeInfo) {
        id = node.id
        host = node.host
        pid = node.pid
        startedAt = node.startedAt
        heartbeatAt = node.heartbeatAt
        jobs = node.jobs
        state = node.state(at: Date())
        stoppedAt = node.stoppedAt
        leaseSeconds = node.leaseSeconds
    }

    enum CodingKeys: String, CodingKey {
        case id, host, pid, startedAt, heartbeatAt, jobs, state, stoppedAt, leaseSeconds
    }
}
