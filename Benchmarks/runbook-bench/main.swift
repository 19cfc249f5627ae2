import Automation
import CYAML
import Foundation

// Measures runbook loading side by side with its floor (a bare libyaml event loop over the
// same bytes). Usage:
//   runbook-bench generate DIR [COUNT]     write COUNT (default 1000) runbooks of about 60 lines
//   runbook-bench load DIR [ROUNDS]        time both, interleaved, and print the medians

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: runbook-bench generate|load DIR [N]\n".utf8))
    exit(64)
}
let folder = arguments[2]
let number = arguments.count > 3 ? Int(arguments[3]) : nil

switch arguments[1] {
case "generate":
    try Corpus.generate(into: folder, count: number ?? 1000)
case "tree":
    try Breakdown.tree(folder: folder, rounds: number ?? 15)
case "decode":
    try Breakdown.decode(folder: folder, rounds: number ?? 15)
case "tree-generate":
    try TreeGenerator.generate(into: folder, count: number ?? 100_000)
case "diff":
    ScanFigures.diff(count: number ?? 1_000_000)
case "dpkg":
    try ScanFigures.dpkg()
case "sha":
    await ScanFigures.shaThroughput()
case "breakdown":
    try Breakdown.run(folder: folder, rounds: number ?? 15)
case "scheduler-pass":
    try await SchedulerFigures.pass(folder: folder, schedules: number ?? 1000, concurrency: 4)
case "kql-compile":
    try KQLFigures.compile(Array(arguments.dropFirst(2)))
case "job-page":
    // runbook-bench job-page SQLITE_FOLDER POSTGRES_URL
    try await JobPageFigures.run(sqliteFolder: folder, postgresURL: arguments[3])
case "scan-commit":
    // runbook-bench scan-commit SQLITE_FOLDER POSTGRES_URL [ROWS] [ROUNDS]
    try await ScanCommitFigures.run(
        sqliteFolder: folder, postgresURL: arguments[3],
        rows: arguments.count > 4 ? Int(arguments[4]) ?? 100_000 : 100_000,
        rounds: arguments.count > 5 ? Int(arguments[5]) ?? 5 : 5)
case "load":
    try LoadBenchmark.run(folder: folder, rounds: number ?? 15)
default:
    FileHandle.standardError.write(Data("unknown mode '\(arguments[1])'\n".utf8))
    exit(64)
}
