import Foundation
import GRDB
import Testing

@testable import KQL

/// Random pipelines: each compiles to SQL that SQLite accepts and runs, or is a located error.
/// Never a crash, never SQL that SQLite refuses.
@Suite struct RandomQueryTests {
    static let operators = [
        "where FileSize > 100", "where Computer has 'web1'", "where TimeGenerated > ago(2d)", "where Computer == 'db1'",
        "where x > 1", "where isnotempty(FileSystemPath)", "where FileSystemPath matches regex 'e.c'",
        "project Computer, FileSize", "project Computer, TimeGenerated", "project x = FileSize * 2, Computer",
        "project-away FileSystemPath", "project-rename Machine = Computer", "extend x = FileSize + 1",
        "extend Computer = toupper(Computer)", "extend d = bin(TimeGenerated, 1h)", "extend s = strcat(Computer, '/')",
        "summarize count() by Computer", "summarize x = sum(FileSize) by Computer",
        "summarize arg_max(TimeGenerated, *) by Computer", "summarize make_set(Computer), dcount(Computer)",
        "summarize by Computer, FileSize", "summarize count() by bin(TimeGenerated, 1d)",
        "summarize arg_min(FileSize, Computer), count() by ConfigChangeType", "order by TimeGenerated desc",
        "order by Computer asc, FileSize", "sort by x", "top 3 by FileSize", "take 2", "limit 4", "distinct Computer",
        "distinct *", "count", "join kind=inner (Heartbeat) on Computer", "join kind=leftouter (Heartbeat) on Computer",
        "join kind=leftanti (Heartbeat | where OSType == 'Linux') on Computer", "join (Heartbeat) on Computer",
        "union Heartbeat", "union (ConfigurationChange | take 1)", "render timechart",
    ]

    /// A small deterministic generator (SplitMix64), so a failure names its seed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let sources = [
        "ConfigurationChange", "Heartbeat", "union Heartbeat, ConfigurationChange", "(ConfigurationChange | take 3)",
    ]

    @Test func randomQueriesCompileToValidSQLOrFailLocated() throws {
        let queue = try Fixture.database()
        var generator = Generator(state: 42)
        var compiled = 0
        for _ in 0..<3_000 {
            let count = Int.random(in: 1...6, using: &generator)
            let pipeline = (0..<count).map { _ in Self.operators.randomElement(using: &generator) ?? "" }
            let text = ([Self.sources.randomElement(using: &generator) ?? ""] + pipeline).joined(separator: " | ")
            let query: CompiledQuery
            do {
                query = try Fixture.compile(text)
            } catch {
                continue
            }
            compiled += 1
            do {
                _ = try queue.read { db in try KQLExecutor.run(query, in: db, rowLimit: 100) }
            } catch {
                Issue.record("\(text)\n\(query.sql)\n\(error)")
            }
        }
        #expect(compiled > 300)
    }
}
