import ArgumentParser
import Automation
import AutomationService
import Foundation
import Logging
import RunbookEngine

extension RunbookCommand {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a runbook as a job and keep it in the job history.",
            discussion: Help.reflow(
                """
                Loads runbooks/NAME.yaml, validates it and its parameters, then runs it as a job
                (New, Activating, Running, then Completed, Failed or Stopped; or Suspended at a step
                boundary by 'runbook jobs suspend' or a step with onError: suspend). Stream records
                are shown as they are written (Output on stdout; Warning, Error, Verbose, Progress on
                stderr, in the order they were written) and stored with the job.

                Parameters: -p NAME=VALUE, once per parameter. Lists are comma-separated
                (-p machines=web01,web02, or -p machines= for an empty list); booleans are true/false.

                A job whose process or node dies in the middle of a step goes back to New and the
                next scheduler or node that claims it runs it again from that step, at most
                --restarts times (default: the runbook's 'restarts', else 3); then it is Failed.

                Exit status: 0 Completed, 1 Failed or Stopped, 3 Suspended ('runbook jobs resume
                latest' goes on), 65 invalid runbook or parameters (nothing is recorded), 64 usage
                error, 66 a file named does not exist, 74 the store cannot be opened.

                With --store postgresql://USER@HOST:PORT/DB the job is only queued (New): the first
                node with a free slot runs it. The command prints its id and exits 0; follow it with
                'runbook jobs show ID --store URL'.

                Examples:
                  runbook run enable-tracking
                  runbook run enable-tracking -p machines=contoso-web01 \\
                      -p solutions=ChangeTracking
                  runbook run scan -p failOnChangesUnder=/etc/
                  runbook run disable-tracking --json
                """))

        @Argument(help: "Runbook name: runs runbooks/NAME.yaml. A path ending in .yaml runs that file.")
        var name: String

        @Option(name: [.customShort("p"), .customLong("param")], help: "A parameter, NAME=VALUE (repeatable).")
        var parameters: [String] = []

        @Option(
            help: ArgumentHelp(
                "How many times the job may be restarted when its process or node dies mid-step (0 to 10; 0: never).",
                valueName: "N"))
        var restarts: Int?

        @Flag(help: "Print the finished job as JSON (with its streams) instead of live lines.")
        var json = false

        @Option(
            name: .customLong("run-on"),
            help: ArgumentHelp(
                "Run on a worker of this Hybrid Runbook Worker group ('runbook agent --group'), not here.",
                valueName: "group"))
        var runOn: String?

        @OptionGroup var store: StoreOptions
        @OptionGroup var runbooks: RunbookFolderOptions

        func validate() throws {
            if let restarts, !JobRestarts.allowed.contains(restarts) {
                throw ValidationError(
                    "--restarts \(restarts) is out of range (allowed: \(JobRestarts.allowed.lowerBound) to "
                        + "\(JobRestarts.allowed.upperBound))")
            }
            _ = try KeyValueArguments.parse(parameters, what: "parameter")
        }

        /// The `-p` values (checked by `validate`).
        var parameterValues: [String: String] { (try? KeyValueArguments.parse(parameters, what: "parameter")) ?? [:] }

        func run() async throws {
            Logs.bootstrap()
            // A file in the runbooks folder wins (an author's test run, like Azure's test pane);
            // otherwise the published version. Input is checked before a job is recorded, and a
            // file's before the store is opened.
            let file = try RunbookInput.loadFile(name, library: runbooks.library)
            let checked = try file.map(prepare)
            try await store.withService(create: true) { service in
                let prepared: PreparedJob
                if let checked {
                    prepared = checked
                } else {
                    prepared = try prepare(
                        await RunbookInput.loadPublished(name, service: service, library: runbooks.library))
                }
                // A job that starts on a worker group (--run-on, or a first step's runOn) waits for
                // the group's workers; a runbook that places its steps is checked here before its
                // first steps run in this process (a step placed elsewhere is handed over).
                let steps = prepared.runbook
                if service.jobsRunOnNodes || runOn != nil || steps.steps.first?.runOn != nil {
                    try await queue(prepared, on: service)
                    return
                }
                if steps.placesSteps {
                    let (_, missing) = try await Terminal.exitOnError { () async throws(ServiceError) in
                        try await service.placement(of: steps, runOn: nil, field: "runOn")
                    }
                    if let missing {
                        Terminal.error(missing)
                        throw ExitCode(1)
                    }
                }
                let logger = Logger(label: "runbook.engine")
                try await LiveJob.run(json: json, service: service) { observer, progress in
                    try await service.runForeground(prepared, logger: logger, observer: observer, progress: progress)
                }
            }
        }

        /// The runbook with its `-p` values bound (exit 65 when they do not fit).
        private func prepare(_ loaded: LoadedRunbook) throws -> PreparedJob {
            do {
                var prepared = try JobRunner.prepare(loaded, parameters: parameterValues)
                prepared.restartLimit = restarts
                return prepared
            } catch {
                Terminal.raw(error.description)
                throw ExitCode(65)
            }
        }

        /// Where the store's nodes run the jobs (a shared store), the job is only queued (New):
        /// the first node with a free slot runs it. Prints its id.
        private func queue(_ prepared: PreparedJob, on service: AutomationService) async throws {
            let job = try await Terminal.exitOnError { () async throws(ServiceError) in
                try await service.queueJob(prepared, runOn: runOn)
            }
            if json {
                try JSONOutput.print(["id": job.id, "status": job.status.rawValue, "runbookName": job.runbookName])
            } else if job.status == .failed {
                Terminal.error("Job \(job.id) Failed: \(job.exception ?? "")")
                throw ExitCode(1)
            } else if let runOn = job.runOn {
                Terminal.out(
                    "Job \(job.id) queued (New) for the hybrid worker group '\(runOn)': the first of its workers "
                        + "with a free slot runs it ('runbook jobs show \(job.id.prefix(8))' shows how far it came).")
            } else {
                Terminal.out(
                    "Job \(job.id) queued (New) in \(try store.location()): the first node with a free slot runs it "
                        + "('runbook nodes list' shows which).")
            }
        }
    }
}

/// Finds the runbook `run` runs; diagnostics go to stderr and exit 65.
enum RunbookInput {
    /// A path, or NAME.yaml in the runbooks folder; nil when there is no such file.
    static func loadFile(_ name: String, library: RunbookLibrary) throws -> LoadedRunbook? {
        do {
            if name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name.contains("/") {
                return try RunbookLoader.load(path: name)
            }
            guard FileManager.default.fileExists(atPath: library.path(for: name)) else { return nil }
            return try library.load(name)
        } catch let error as DiagnosticError {
            Terminal.raw(error.description)
            throw ExitCode(65)
        } catch let error as RunbookLibrary.LibraryError {
            Terminal.raw(error.description)
            throw ExitCode(65)
        }
    }

    /// The account's published version, when no file stands in for it.
    static func loadPublished(_ name: String, service: AutomationService, library: RunbookLibrary) async throws
        -> LoadedRunbook
    {
        do {
            return try await service.publishedRunbook(named: name)
        } catch {
            if case .notFound = error {
                let names = Set(library.names() + ((try? service.runbookNames()) ?? [])).sorted()
                Terminal.error(
                    "no runbook '\(name)': not in \(library.folder)/ and not published"
                        + Suggestion.hint(for: name, among: names))
            } else {
                Terminal.error(error.description)
            }
            throw ExitCode(65)
        }
    }
}
