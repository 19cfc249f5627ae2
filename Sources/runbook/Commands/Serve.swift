import ArgumentParser
import Automation
import AutomationServer
import AutomationService
import Foundation
import Logging
import Scheduler
import ServiceLifecycle

extension RunbookCommand {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the account over Azure's Resource Manager API, and run its jobs and schedules.",
            discussion: Help.reflow(
                """
                One process serves the ARM API (api-version 2024-10-23, the paths Azure's SDKs use \
                under /subscriptions/.../automationAccounts/NAME), runs the jobs started through it \
                and the schedules' fires in --concurrency shared slots, and deletes old history, like \
                'runbook scheduler'. SIGTERM or Ctrl-C drains it as the scheduler does. Every request \
                needs a bearer token: 'runbook token create NAME' makes one. The OpenAPI document is \
                at /openapi.json.

                A non-loopback address needs TLS: --tls-cert and --tls-key, or --tls-self-signed, \
                which makes a certificate for localhost, 127.0.0.1 and an IPv4 --address in the store folder and prints \
                its path (trust it with REQUESTS_CA_BUNDLE=PATH for Azure's Python SDK).

                With --store postgresql://USER@HOST:PORT/DB the process is also a node of several \
                sharing that database (as 'runbook scheduler' is): every node serves the same account, \
                a job started through any node's API waits in New for the first free slot of any node, \
                and a node's jobs are recovered by another after --lease seconds without its heartbeat. \
                The API, Log Analytics' queries and the portal read and write the database as they do \
                a folder. --tls-self-signed needs a store folder: give --tls-cert and --tls-key.

                Examples:
                  runbook serve --tls-self-signed
                  runbook serve --port 8080             # plain http on 127.0.0.1
                  runbook serve --store postgresql://runbook@db1/automation --lease 30
                """))

        @Option(help: "Address to listen on.") var address = "127.0.0.1"
        @Option(help: "Port (0: any free port; default 8443 with TLS, 8080 without).") var port: Int?
        @Option(help: "PEM certificate (chain) for TLS.") var tlsCert: String?
        @Option(help: "PEM private key for TLS.") var tlsKey: String?
        @Flag(help: "Make (once) and use a self-signed certificate for localhost in the store folder.")
        var tlsSelfSigned = false
        @Option(help: "Seconds between scheduler passes, 0.05 to 3600.") var poll = 1.0
        @Option(help: "Jobs that run at once; the others wait in New for a slot.") var concurrency = 4
        @Option(help: "On SIGINT/SIGTERM, seconds running jobs get to finish (0 to 86400).") var grace = 30.0
        @Option(help: "Delete finished jobs older than this (30d, 12h); 'off' keeps them all.")
        var retention = "30d"
        @Option(help: "Rows a Log Analytics query answers at most; past it the answer is partial (PartialError).")
        var queryRowLimit = LogQuery.defaultRowLimit
        @OptionGroup var nodeOptions: NodeOptions
        @OptionGroup var store: StoreOptions
        @OptionGroup var runbooks: RunbookFolderOptions

        var usesTLS: Bool { tlsSelfSigned || tlsCert != nil }

        func validate() throws {
            if let port, !(0...65535).contains(port) { throw ValidationError("--port must be 0 to 65535") }
            do { try ListenAddress.validate(address) } catch { throw ValidationError(error.description) }
            if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
            if tlsSelfSigned && tlsCert != nil {
                throw ValidationError("--tls-self-signed makes its own certificate; leave out --tls-cert and --tls-key")
            }
            if !usesTLS && !RunbookServer.isLoopback(address) {
                throw ValidationError(
                    "refusing to serve on \(address) without TLS: bearer tokens would cross the network in clear; "
                        + "add --tls-self-signed or --tls-cert/--tls-key, or listen on 127.0.0.1")
            }
            guard RunbookCommand.SchedulerCommand.pollRange.contains(poll) else {
                throw ValidationError("--poll \(poll) is out of range: 0.05 to 3600 seconds")
            }
            guard (1...10_000_000).contains(queryRowLimit) else {
                throw ValidationError("--query-row-limit must be 1 to 10000000")
            }
            guard (1...256).contains(concurrency) else {
                throw ValidationError("--concurrency must be between 1 and 256")
            }
            guard RunbookCommand.SchedulerCommand.graceRange.contains(grace) else {
                throw ValidationError("--grace \(grace) is out of range: 0 to 86400 seconds (a day)")
            }
            if retention != "off" {
                do { _ = try DurationText.read(retention) } catch {
                    throw ValidationError("--retention: \(error) (or 'off')")
                }
            }
        }

        func run() async throws {
            DaemonServices.bootstrapLogging()
            // Before anything starts or registers: a port in use is said at once.
            do {
                try ListenAddress.probe(address, port: port ?? (usesTLS ? 8443 : 8080))
            } catch {
                Terminal.error(error.description)
                throw ExitCode(69)
            }
            let location = try store.location()
            if tlsSelfSigned && location.folder == nil {
                Terminal.error(
                    "--tls-self-signed keeps its certificate in the store folder, and \(location) is a database: "
                        + "give --tls-cert and --tls-key (the same files on every node)")
                throw ExitCode(64)
            }
            let given = tlsCert.flatMap { cert in tlsKey.map { RunbookServer.TLSFiles(certificate: cert, key: $0) } }
            let selfSigned = tlsSelfSigned
            let logger = Logger(label: "runbook.serve")
            let (host, port, rowLimit) = (address, self.port ?? (usesTLS ? 8443 : 8080), queryRowLimit)
            let announce = announce
            try await DaemonServices.exitOnError {
                try await AutomationService.runDaemon(
                    at: location,
                    settings: DaemonServices.settings(
                        nodeOptions, runbooks: runbooks, poll: poll, concurrency: concurrency, grace: grace,
                        retention: retention),
                    logger: Logger(label: "runbook.scheduler"), note: StoreOptions.say
                ) { service, submission in
                    var service = service
                    service.queryRowLimit = rowLimit
                    // A self-signed certificate is made (once) in the store folder, now that it exists.
                    var tls = given
                    if selfSigned, let folder = service.storeFolder {
                        let files = try SelfSignedCertificate.ensure(in: folder, address: host)
                        tls = RunbookServer.TLSFiles(certificate: files.certificate, key: files.key)
                    }
                    let served = tls
                    // The account a client names: the store's default (made first when it had none).
                    let account = try await service.account(namedOrDefault: nil)?.account ?? DefaultAccount.account
                    let server = RunbookServer(
                        host: host, port: port, tls: tls, service: service, submission: submission,
                        logger: Logger(label: "runbook.http"))
                    return [
                        .init(
                            service: try server.application(onRunning: { await announce(served, $0, account) }),
                            successTerminationBehavior: .gracefullyShutdownGroup, serviceName: "http")
                    ]
                }
            }
            logger.info("serve stopped")
        }

        /// Prints where the server listens once it does: written at once (not buffered), since
        /// scripts and tests wait for this line to learn the port. The lines say what a client
        /// needs: the base URL, the certificate to trust, and the default account's names.
        private var announce: @Sendable (RunbookServer.TLSFiles?, Int, Account) async -> Void {
            let address = self.address
            return { tls, bound, account in
                let scheme = tls == nil ? "http" : "https"
                let certificate = tls.map { URL(fileURLWithPath: $0.certificate).standardizedFileURL.path }
                var lines =
                    "Serving \(scheme)://\(address):\(bound) (Azure Automation ARM API, api-version 2024-10-23)\n"
                if let certificate {
                    lines += "TLS certificate: \(certificate) (clients: REQUESTS_CA_BUNDLE=\(certificate))\n"
                }
                lines += ClientSnippet.summary(account, url: "\(scheme)://\(address):\(bound)")
                FileHandle.standardOutput.write(Data(lines.utf8))
            }
        }

    }
}
