import Automation
import AutomationStore
import Foundation
import PostgresStore

/// A full scan's commit on SQLite and PostgreSQL side by side, through the protocol the scanner
/// calls (`ChangeTrackingStoring.commitScan`): a baseline of `rows` file items (the fields a
/// Linux file item has), then a rescan's commit of 1,000 modified items with their change
/// records. Rounds alternate between the stores; each round starts from a machine with nothing
/// stored (removing it is not timed).
enum ScanCommitFigures {
    static func run(sqliteFolder: String, postgresURL: String, rows: Int, rounds: Int) async throws {
        let sqlite = AsyncAutomationStore(try AutomationStore.open(folder: sqliteFolder))
        try await PostgresStore.withStore(at: try PostgresLocation(url: postgresURL), callTimeout: .seconds(600)) {
            postgres in
            let stores: [(String, any TrackingStoring)] = [("SQLite", sqlite), ("PostgreSQL", postgres)]
            for (_, store) in stores { try await prepare(store) }
            let baseline = items(rows)
            let modified = baseline.prefix(1000).map { change in
                var current = change.current
                current["Size"] = "999999"
                return ItemChange(
                    type: change.type, key: change.key, category: .modified, fieldsChanged: ["Size"],
                    current: current, previous: change.current)
            }
            var times: [String: (baseline: [Double], rescan: [Double])] = [:]
            for _ in 0..<rounds {
                for (label, store) in stores {
                    _ = try await store.removeMachine(named: "bench")
                    try await store.registerMachine(try machine(), replace: false, at: Date())
                    let first = try await time {
                        try await commit(store, baseline, recordChanges: false, expected: 0)
                    }
                    let second = try await time {
                        try await commit(store, Array(modified), recordChanges: true, expected: 1)
                    }
                    times[label, default: ([], [])].baseline.append(first)
                    times[label, default: ([], [])].rescan.append(second)
                }
            }
            print("commit of a scan, median of \(rounds) rounds (\(rows) inventory rows)")
            for (label, _) in stores {
                let (first, second) = times[label] ?? ([], [])
                print(
                    label.padding(toLength: 11, withPad: " ", startingAt: 0)
                        + String(
                            format: "baseline %8.1f ms (%6.0f rows/s)   rescan 1,000 modified %7.1f ms",
                            median(first), Double(rows) / median(first) * 1000, median(second)))
            }
            let ratio = median(times["PostgreSQL"]?.baseline ?? []) / median(times["SQLite"]?.baseline ?? [])
            print(String(format: "PostgreSQL / SQLite, baseline: %.2fx", ratio))
            try await LogQueryStoreFigures.run(sqlite: sqlite.store, postgres: postgres, rounds: rounds)
        }
    }

    struct Unknown: Error {}

    static func known<T>(_ value: T?) throws -> T {
        guard let value else { throw Unknown() }
        return value
    }

    static func machine() throws -> Machine {
        Machine(
            name: "bench", os: try known(OperatingSystem("Debian 12")), subscription: "s", resourceGroup: "g",
            location: try known(Region("EastUS2")), source: .linuxRoot("/nonexistent"))
    }

    static func prepare(_ store: any TrackingStoring) async throws {
        guard try await store.accounts().isEmpty else { return }
        try await store.createAccount(
            Account(
                name: "bench", subscription: "s", resourceGroup: "g", region: try known(Region("EastUS2")),
                workspace: "w"),
            workspace: Workspace(name: "w", subscription: "s", resourceGroup: "g", region: try known(Region("EastUS"))),
            makeDefault: true, at: Date())
    }

    /// File items with a Linux file item's fields and realistic sizes.
    static func items(_ count: Int) -> [ItemChange] {
        (0..<count).map { index in
            let path = "/srv/data/d\(index / 1000)/file-\(index).conf"
            let fields = [
                "FileSystemPath": path,
                "Size": "\(1024 + index % 7000)",
                "DateModified": "2026-11-\(10 + index % 18)T12:\(10 + index % 50):00Z",
                "DateCreated": "2026-11-01T08:00:00Z",
                "FileContentChecksum": String(repeating: String(format: "%02x", index % 256), count: 32),
                "Owner": "root", "Group": "root", "Mode": "0644",
            ]
            return ItemChange(
                type: .files, key: path, category: .added, fieldsChanged: [], current: fields,
                previous: [:])
        }
    }

    static func commit(_ store: any TrackingStoring, _ changes: [ItemChange], recordChanges: Bool, expected: Int)
        async throws
    {
        let now = Date()
        let record = ScanRecord(
            machine: "bench", changes: changes, recordChanges: recordChanges, fileIndex: nil, startedAt: now,
            endedAt: now, jobId: nil, expectedScans: expected)
        let result = try await store.commitScan(record, proceed: { true })
        precondition(result == .committed, "the commit was \(result)")
    }

    static func time(_ body: () async throws -> Void) async throws -> Double {
        let start = ContinuousClock.now
        try await body()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }

    static func median(_ values: [Double]) -> Double {
        values.isEmpty ? .nan : values.sorted()[values.count / 2]
    }
}
