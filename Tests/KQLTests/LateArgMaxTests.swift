import Foundation
import GRDB
import Testing

@testable import KQL

/// `summarize arg_max(x, *)` over a table with a row key finds each group's row by its key and
/// computes the columns for those rows only; the answer is the bare-column one, row for row.
@Suite struct LateArgMaxTests {
    static var keyed: KQLSchema {
        var schema = Fixture.schema
        schema.tables[0].rowKey = "id"
        return schema
    }

    static func rows(_ text: String, schema: KQLSchema, in queue: DatabaseQueue) throws -> [String] {
        let query = try KQL.compile(text, schema: schema, options: KQLOptions(now: Fixture.now))
        let table = try queue.read { db in try KQLExecutor.run(query, in: db, rowLimit: 1_000) }
        return table.rows.map { $0.map(Fixture.show).joined(separator: "|") }.sorted()
    }

    @Test(arguments: [
        "ConfigurationChange | summarize arg_max(TimeGenerated, *) by Computer",
        "ConfigurationChange | where FileSize > 120 | summarize arg_min(TimeGenerated, *) by ConfigChangeType",
        "ConfigurationChange | extend Big = FileSize > 120 | summarize arg_max(FileSize, Computer, Big) by Big2 = Big",
        "ConfigurationChange | summarize arg_max(TimeGenerated, *) | project Computer, FileSystemPath",
        "ConfigurationChange | summarize arg_max(TimeGenerated, FileSystemPath) by Computer | project-away TimeGenerated",
    ])
    func keyedAndBareAnswerTheSame(_ text: String) throws {
        let queue = try Fixture.database()
        let keyed = try Self.rows(text, schema: Self.keyed, in: queue)
        #expect(!keyed.isEmpty)
        let bare = try Self.rows(text, schema: Fixture.schema, in: queue)
        #expect(keyed == bare, "\(keyed) vs \(bare)")
        let sql = try KQL.compile(text, schema: Self.keyed, options: KQLOptions(now: Fixture.now)).sql
        #expect(sql.contains("id IN (SELECT k FROM"), "\(sql)")
    }

    /// Dropping the aggregate after a summarize keeps the summarize's rows (it once dropped the
    /// grouping: one row a table row, and bare columns from any row).
    @Test func projectAfterSummarizeKeepsItsRows() throws {
        let queue = try Fixture.database()
        #expect(
            try Fixture.run("ConfigurationChange | summarize arg_max(TimeGenerated, *) | project Computer", in: queue)
                == ["db1"])
        #expect(
            try Fixture.run(
                "ConfigurationChange | summarize arg_max(TimeGenerated, FileSystemPath) by Computer "
                    + "| project Computer, FileSystemPath | order by Computer asc", in: queue)
                == ["db1|/var/log/App.log", "web1|/etc/passwd", "web2|"])
        #expect(try Fixture.run("ConfigurationChange | summarize count() | project n = 1", in: queue) == ["1"])
    }

    @Test func aggregatesBesideArgMaxKeepTheBareColumnForm() throws {
        let text = "ConfigurationChange | summarize arg_max(TimeGenerated, Computer), n = count() by ConfigChangeType"
        let sql = try KQL.compile(text, schema: Self.keyed, options: KQLOptions(now: Fixture.now)).sql
        #expect(!sql.contains("IN (SELECT k"))
        let queue = try Fixture.database()
        let keyed = try Self.rows(text, schema: Self.keyed, in: queue)
        #expect(keyed == (try Self.rows(text, schema: Fixture.schema, in: queue)))
    }
}
