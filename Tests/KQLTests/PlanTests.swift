import Foundation
import GRDB
import Testing

@testable import KQL

/// The benchmark's queries compile to flat SQL: filters in the base WHERE, arg_max(*) as one
/// GROUP BY with a MAX (SQLite's bare-column rule), no subquery.
@Suite struct PlanTests {
    @Test func benchmarkQueriesAreFlat() throws {
        let count = try Fixture.compile(
            "ConfigurationChange | where ConfigChangeType == \"Files\" | summarize count() by Computer")
        #expect(
            count.sql
                == "SELECT \"computer\", COUNT(*) FROM change WHERE (\"type\" = ?) GROUP BY \"computer\" LIMIT 1001")
        let latest = try Fixture.compile(
            "ConfigurationChange | summarize arg_max(TimeGenerated, *) by Computer, FileSystemPath")
        #expect(
            latest.sql
                == "SELECT \"computer\", \"path\", MAX(\"time\"), \"type\", \"size\", \"category\" FROM change GROUP BY \"computer\", \"path\" LIMIT 1001"
        )
        let recent = try Fixture.compile(
            "ConfigurationChange | where FileSystemPath contains \"etc\" | order by TimeGenerated desc | take 100")
        #expect(
            recent.sql
                == "SELECT \"time\", \"computer\", \"type\", \"path\", \"size\", \"category\" FROM change WHERE (\"path\" LIKE ? ESCAPE '\\') ORDER BY \"time\" DESC LIMIT 100"
        )
        #expect(recent.arguments == [.string("%etc%")])
    }
}
