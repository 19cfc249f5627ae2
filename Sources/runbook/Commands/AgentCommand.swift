import ArgumentParser
import Automation
import AutomationService
import Foundation
import MachineAgent

extension RunbookCommand {
    struct AgentCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "agent",
            abstract:
                "Run the agent of this machine ('runbook agent run --help' lists its options), or list and revoke agents.",
            subcommands: [AgentRun.self, AgentList.self, AgentRevoke.self], defaultSubcommand: AgentRun.self)
    }

    struct AgentRun: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Report this machine to a 'runbook serve': enrol, collect, spool and upload what changed.",
            discussion: Help.reflow(
                """
                One foreground process per machine (docs/AGENTS.md has a systemd unit). The first \
                start enrols: --token is an agent token ('runbook token create NAME --role agent' on \
                the service), and the service registers the machine and returns a credential for this \
                agent alone, kept in --state (mode 0600); later starts need no token. The agent then \
                asks for the account's tracking settings every 3 minutes, collects the tracked files, \
                packages and daemons on Azure's schedule (software and daemons every 5 minutes, files \
                every 15, a full inventory every 10 hours; --interval overrides), keeps what changed \
                in a spool in --state and uploads it in order; a heartbeat goes every minute. Nothing \
                collected is lost while the service or the network is down, within --spool-max.

                --group makes the agent a Hybrid Runbook Worker of that group: it asks the service for \
                the jobs created with runOn GROUP ('runbook run NAME --run-on GROUP', or the API's \
                properties.runOn), runs them here (at most --concurrency at once) and records their \
                statuses and streams on the service. Steps that work on the account's store \
                (enable-tracking, scan, ...) fail on a worker, saying so; log and wait run.

                --proxy sends everything through a Log Analytics gateway ('runbook gateway'), an HTTP \
                CONNECT tunnel: TLS stays between the agent and the service. A gateway tunnels to port \
                443 only, as Azure's does: the service listens there ('runbook serve --port 443').

                Examples:
                  runbook agent --server https://automation.example:8443 --ca service.pem \\
                      --token rbk_... --state /var/lib/runbook-agent
                  runbook agent --server https://10.0.0.3 --ca ca.pem \\
                      --state /var/lib/runbook-agent --proxy http://10.0.0.2:8080
                """))

        @Option(help: ArgumentHelp("The service: https://HOST[:PORT] of 'runbook serve'.", valueName: "url"))
        var server: String
        @Option(help: "An agent token, for the first start (enrolment).") var token: String?
        @Option(help: ArgumentHelp("Folder of the agent's credential, state and spool.", valueName: "dir"))
        var state: String
        @Option(help: ArgumentHelp("PEM certificate(s) to trust for the service.", valueName: "file")) var ca: String?
        @Option(help: ArgumentHelp("A Log Analytics gateway to go through: http://HOST:PORT.", valueName: "url"))
        var proxy: String?
        @Option(help: "The machine's name (default: the host name).") var name: String?
        @Option(help: ArgumentHelp("The folder that stands for / (tests and demos).", valueName: "dir"))
        var root = "/"
        @Option(help: "Collect every DURATION instead of Azure's frequencies (at least 1s).") var interval: String?
        @Option(help: "The spool's cap, a number of bytes (at least 65536); past it the oldest upload is dropped.")
        var spoolMax = 100_000_000
        @Option(
            name: .customLong("group"),
            help: ArgumentHelp(
                "Work for this Hybrid Runbook Worker group: run the jobs created with runOn GROUP (repeatable).",
                valueName: "group"))
        var groups: [String] = []
        @Option(help: "As a worker, how many jobs run at once (1 to 64).") var concurrency = 4

        func validate() throws {
            guard let url = URL(string: server), let scheme = url.scheme, ["https", "http"].contains(scheme),
                let host = url.host, url.path.isEmpty || url.path == "/"
            else { throw ValidationError("--server '\(server)' is not https://HOST[:PORT]") }
            // Plain http only where nothing can listen in: this machine.
            if scheme == "http" && !(host == "localhost" || host.hasPrefix("127.") || host == "::1") {
                throw ValidationError(
                    "--server '\(server)': the agent speaks https to the service (http only on this machine's loopback)"
                )
            }
            if let proxy {
                guard let url = URL(string: proxy), url.scheme == "http", url.host != nil else {
                    throw ValidationError("--proxy '\(proxy)' is not http://HOST:PORT")
                }
            }
            if let interval {
                guard let duration = DurationText.parse(interval), duration >= .seconds(1) else {
                    throw ValidationError(
                        "--interval '\(interval)' is not a duration of at least 1s, such as 30s or 5m")
                }
            }
            for group in groups {
                if let problem = ResourceName.problem(group, kind: "hybrid worker group") {
                    throw ValidationError("--group: \(problem)")
                }
            }
            guard groups.count <= 16 else { throw ValidationError("--group is given at most 16 times") }
            guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency is 1 to 64") }
            guard spoolMax >= 65_536 else { throw ValidationError("--spool-max is at least 65536 bytes") }
            if let ca, !FileManager.default.isReadableFile(atPath: ca) {
                throw ValidationError("--ca \(ca) cannot be read")
            }
        }

        func run() async throws {
            guard let serverURL = URL(string: server) else { throw ExitCode(64) }
            let every = interval.flatMap(DurationText.parse)
            let settings = AgentSettings(
                server: serverURL, token: token, state: state, caFile: ca, proxy: proxy.flatMap(URL.init(string:)),
                name: name ?? ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init)
                    ?? "localhost",
                root: root, interval: every, spoolMax: spoolMax,
                // With --interval (demos, tests) the settings are asked for as often (an unchanged
                // answer is a 304 of a few bytes); else every 3 minutes.
                configurationPoll: every.map { min($0, .seconds(180)) } ?? .seconds(180))
            var withGroups = settings
            withGroups.groups = groups
            withGroups.concurrency = concurrency
            let agent = MachineAgent(settings: withGroups) { line in
                Terminal.out(line)
                // A long-running process's log: each line as it happens, even into a file or a pipe.
                fflush(nil)
            }
            let task = Task { try await agent.run() }
            let stop = StopSignal(onSignal: { task.cancel() })
            do {
                try await task.value
            } catch is CancellationError {
                // SIGINT or SIGTERM before the agent had enrolled: a stop, not a failure.
            } catch let error as AgentError {
                Terminal.error(error.description)
                throw ExitCode(77)
            }
            _ = stop
        }
    }

    struct AgentList: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the machines that report through an agent.")

        @Flag(help: "JSON for scripts.") var json = false
        @OptionGroup var layout: TableLayout
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let agents = try await store.withService(create: false) { service in try await service.agents() }
            try ListOutput<AgentInfo>(
                headers: ["MACHINE", "ROUTE", "ADDRESS", "VERSION", "LAST HEARTBEAT", "UPLOADS", "DROPPED", "STATE"],
                empty: "No agent machines. Enrol one: runbook agent --server URL --token TOKEN --state DIR"
            ) { agent in
                [
                    agent.machine, agent.route.rawValue, agent.address, agent.version, Terminal.time(agent.lastSeenAt),
                    String(agent.lastSequence), String(agent.droppedBatches),
                    agent.revokedAt == nil ? "active" : "revoked",
                ]
            }.print(agents, json: json, width: layout.width, document: AgentRow.init)
        }
    }

    struct AgentRevoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke",
            abstract: "Make a machine's agent credential useless at once (the agent must enrol again).")

        @Argument(help: "The machine's name.") var name: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await store.withService(create: false) { service in try await service.revokeAgent(machine: name) }
            Terminal.out("The agent of '\(name)' can no longer report; it must enrol again with an agent token.")
        }
    }
}

extension AgentInfo {
    /// Its version and last heartbeat, for a column or a line.
    var summary: String {
        if revokedAt != nil { return "\(version), revoked" }
        return "\(version), heartbeat \(lastSeenAt.map { Terminal.time($0) } ?? "never")"
    }
}

/// One agent as `runbook agent list --json` prints it.
struct AgentRow: Encodable {
    var machine: String
    var version: String
    var route: String
    var address: String
    @ExplicitNull var lastSeen: Date?
    var enrolled: Date
    var lastUpload: Int64
    var droppedUploads: Int64
    var revoked: Bool

    init(_ agent: AgentInfo) {
        machine = agent.machine
        version = agent.version
        route = agent.route.rawValue
        address = agent.address
        lastSeen = agent.lastSeenAt
        enrolled = agent.enrolledAt
        lastUpload = agent.lastSequence
        droppedUploads = agent.droppedBatches
        revoked = agent.revokedAt != nil
    }
}
