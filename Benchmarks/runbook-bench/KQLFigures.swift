import AutomationStore
import Foundation
import KQL

/// The compile time of KQL alone: parse, bind against the workspace's tables, write the SQL.
enum KQLFigures {
    static func compile(_ queries: [String], rounds: Int = 2_000) throws {
        let clock = ContinuousClock()
        for query in queries {
            var times: [Duration] = []
            for _ in 0..<rounds {
                let started = clock.now
                _ = try KQL.compile(query, schema: LogAnalyticsSchema.schema, options: KQLOptions(now: Date()))
                times.append(started.duration(to: clock.now))
            }
            times.sort()
            let median = times[times.count / 2]
            let microseconds = Double(median.components.attoseconds) / 1e12 + Double(median.components.seconds) * 1e6
            print(String(format: "compile %8.1f µs (median of %d)  %@", microseconds, rounds, query))
        }
    }
}
