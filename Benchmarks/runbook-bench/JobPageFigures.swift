import Automation
import AutomationStore
import Foundation
import PostgresStore

/// The API's job list (`JobStoring.jobPage`, 50 newest, then 50 newest Failed) on a store of
/// 1,000,000 jobs, on SQLite and PostgreSQL side by side: the median and p99 of 200 calls each,
/// through the same protocol the API calls. The stores are filled by bench/node-benchmarks.sh.
enum JobPageFigures {
    static func run(sqliteFolder: String, postgresURL: String) async throws {
        let sqlite = AsyncAutomationStore(try AutomationStore.open(folder: sqliteFolder))
        try await measure("SQLite", sqlite)
        try await PostgresStore.withStore(at: try PostgresLocation(url: postgresURL), migrate: false) { store in
            try await measure("PostgreSQL", store)
        }
    }

    static func measure(_ label: String, _ store: any JobStoring) async throws {
        let queries: [(String, JobQuery)] = [
            ("newest 50", JobQuery(limit: 50)),
            (
                "newest 50 Failed",
                JobQuery(conditions: [.init(field: .status, comparison: .eq, value: "Failed")], limit: 50)
            ),
        ]
        for (name, query) in queries {
            var times: [Double] = []
            for _ in 0..<200 {
                let start = ContinuousClock.now
                let page = try await store.jobPage(query)
                times.append((ContinuousClock.now - start).seconds * 1000)
                precondition(page.count == 50, "the store holds fewer jobs than a page")
            }
            times.sort()
            let figures = String(format: "p50 %6.2f ms  p99 %6.2f ms", times[100], times[197])
            print(
                label.padding(toLength: 11, withPad: " ", startingAt: 0)
                    + name.padding(toLength: 18, withPad: " ", startingAt: 0) + figures)
        }
    }
}

extension Duration {
    fileprivate var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
