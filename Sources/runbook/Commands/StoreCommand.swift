import ArgumentParser
import Automation
import AutomationService
import Foundation

extension RunbookCommand {
    struct StoreCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "store",
            abstract: "Bring the store's schema up to date, or check it (SQLite folder or PostgreSQL).",
            discussion: Help.reflow(
                """
                --store (or RUNBOOK_STORE) names a folder, for the embedded SQLite store, or a \
                PostgreSQL database: postgresql://USER@HOST:PORT/DATABASE. Every command migrates \
                the embedded store when it opens it; 'store migrate' does it on purpose, for a \
                database several nodes share. Running it again changes nothing.

                'store copy --to postgresql://...' copies the embedded store into an empty PostgreSQL \
                store in one transaction: accounts, runbooks, schedules with their fire history, jobs \
                with their status history and streams, tokens, machines with their gateways and \
                enablement, tracking settings, snapshots, file indexes, changes and heartbeats; every \
                table's count is checked after. A table PostgreSQL does not hold (none today) stays \
                in the embedded store, and the copy says how many rows that is.

                Examples:
                  runbook store migrate --store postgresql://runbook@db1:5432/automation
                  runbook store check
                  runbook store copy --to postgresql://runbook@db1/automation
                """),
            subcommands: [Migrate.self, Check.self, Copy.self])

        struct Copy: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Copy the embedded store into an empty PostgreSQL store (one transaction, counts checked).")

            @Option(help: ArgumentHelp("The PostgreSQL store: postgresql://USER@HOST:PORT/DATABASE.", valueName: "url"))
            var to: String
            @Flag(help: "Print JSON.") var json = false
            @OptionGroup var store: StoreOptions

            func run() async throws {
                let target: StoreLocation
                do {
                    target = try StoreLocation(to)
                } catch {
                    Terminal.error("--to: \(error.description)")
                    throw ExitCode(64)
                }
                let report: StoreCopyReport
                let source = try store.location()
                do throws(ServiceError) {
                    report = try await AutomationService.copyStore(from: source, to: target, note: StoreOptions.say)
                } catch {
                    Terminal.error(error.description)
                    // The wrong kind of target is a usage error; a job that cannot move, data.
                    if case .invalid(_, let field, _) = error, field == "--to" { throw ExitCode(64) }
                    throw ExitCode(error.exitCode)
                }
                if json {
                    struct Document: Encodable {
                        var copied: [String: Int]
                        var leftBehind: [String: Int]
                    }
                    try JSONOutput.print(
                        Document(
                            copied: Dictionary(uniqueKeysWithValues: report.copied.map { ($0.table, $0.rows) }),
                            leftBehind: Dictionary(uniqueKeysWithValues: report.leftBehind.map { ($0.table, $0.rows) }))
                    )
                    return
                }
                let rows = report.copied.map { "\($0.table) \($0.rows)" }.joined(separator: ", ")
                Terminal.out("Copied into \(target): \(rows).")
                let behind = report.leftBehind.filter { $0.rows > 0 }
                if !behind.isEmpty {
                    Terminal.note(
                        "not copied (PostgreSQL does not hold them yet; they stay in \(store.resolvedFolder)): "
                            + behind.map { "\($0.table) \($0.rows)" }.joined(separator: ", "))
                }
            }
        }

        struct Migrate: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Apply the store's migrations that are not applied yet (idempotent).")

            @OptionGroup var store: StoreOptions

            func run() async throws {
                let location = try store.location()
                do {
                    let report = try await AutomationService.migrateStore(location)
                    if report.applied.isEmpty {
                        Terminal.out("The store at \(location) is up to date.")
                    } else {
                        Terminal.out("Applied to \(location): \(report.applied.joined(separator: ", ")).")
                    }
                } catch {
                    Terminal.error(error.description)
                    throw ExitCode(74)
                }
            }
        }

        struct Check: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Check the store: SQLite's integrity check, or PostgreSQL's catalog and constraints.")

            @OptionGroup var store: StoreOptions

            func run() async throws {
                let location = try store.location()
                let problems: [String]
                do {
                    problems = try await AutomationService.checkStore(location)
                } catch {
                    Terminal.error(error.description)
                    throw ExitCode(error.exitCode == 1 ? 66 : 74)
                }
                guard !problems.isEmpty else {
                    Terminal.out("The store at \(location) is sound.")
                    return
                }
                for problem in problems { Terminal.error(problem) }
                throw ExitCode(65)
            }
        }
    }
}
