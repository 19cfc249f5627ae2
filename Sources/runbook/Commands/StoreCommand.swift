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

                Examples:
                  runbook store migrate --store postgresql://runbook@db1:5432/automation
                  runbook store check
                """),
            subcommands: [Migrate.self, Check.self])

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
