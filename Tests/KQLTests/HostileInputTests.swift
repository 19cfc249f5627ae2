import Foundation
import GRDB
import Testing

@testable import KQL

/// Inputs meant to hurt: none crashes, none runs unbounded, none changes the store.
@Suite struct HostileInputTests {
    @Test func tenThousandParenthesesAreAnError() {
        let query =
            "ConfigurationChange | where " + String(repeating: "(", count: 10_000) + "true"
            + String(repeating: ")", count: 10_000)
        #expect(throws: KQLDiagnostic.self) { try Fixture.compile(query) }
        do {
            _ = try Fixture.compile(query)
        } catch let diagnostic as KQLDiagnostic {
            #expect(diagnostic.message == "the query is nested too deeply (more than 200 levels)")
        } catch {}
    }

    @Test func deepTabularNestingIsAnError() {
        let query = String(repeating: "(", count: 5_000) + "ConfigurationChange" + String(repeating: ")", count: 5_000)
        #expect(throws: KQLDiagnostic.self) { try Fixture.compile(query) }
    }

    @Test func longArithmeticChainIsAnError() {
        let query = "ConfigurationChange | extend x = 1" + String(repeating: " + 1", count: 50_000)
        #expect(throws: KQLDiagnostic.self) { try Fixture.compile(query) }
    }

    @Test func aMegabyteQueryCompilesOrFailsFast() throws {
        // A long `or` chain of equalities on one column is an `in` list with one JSON argument.
        let equalities = (0..<45_000).map { "Computer == 'm\($0)'" }.joined(separator: " or ")
        let query = "ConfigurationChange | where " + equalities + " | count"
        #expect(query.utf8.count > 1_000_000)
        #expect(try Fixture.compile(query).arguments.count == 1)
        let queue = try Fixture.database()
        #expect(try Fixture.run(query.replacingOccurrences(of: "'m44999'", with: "'db1'"), in: queue) == ["2"])
        // Any other long chain stays flat (a balanced tree in SQL): it compiles and runs.
        let terms = (0..<45_000).map { "Computer has 'm\($0)'" }.joined(separator: " or ")
        let chain =
            "ConfigurationChange | where " + terms.replacingOccurrences(of: "'m44999'", with: "'db1'") + " | count"
        #expect(chain.utf8.count > 1_000_000)
        #expect(try Fixture.compile(chain).arguments.count == 45_000)
        #expect(try Fixture.run(chain, in: queue) == ["2"])
        // A megabyte of pipes: refused for its number of subqueries, not built in quadratic time.
        let pipes = "ConfigurationChange" + String(repeating: " | take 5 | where FileSize > 1", count: 40_000)
        #expect(pipes.utf8.count > 1_000_000)
        #expect(throws: KQLDiagnostic.self) { try Fixture.compile(pipes) }
        // A megabyte string literal.
        let literal =
            "ConfigurationChange | where Computer == '" + String(repeating: "x", count: 1_100_000) + "' | count"
        #expect(try Fixture.run(literal, in: queue) == ["0"])
    }

    @Test func catastrophicRegexRunsInLinearTime() throws {
        let queue = try Fixture.database()
        let subject = String(repeating: "a", count: 30_000) + "b"
        let query =
            "ConfigurationChange | take 1 | project x = '\(subject)' matches regex '(a+)+$', y = '\(subject)' matches regex '(a|aa)*b'"
        #expect(try Fixture.run(query, in: queue) == ["false|true"])
    }

    @Test func manyRowsStopAtTheLimit() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE n (x INTEGER)")
            try db.execute(
                sql:
                    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000) INSERT INTO n SELECT x FROM c"
            )
        }
        let schema = KQLSchema(tables: [
            KQLTable(name: "N", source: "n", columns: [KQLColumn(name: "x", type: .long, sql: "x")])
        ])
        // A cross join of 3,000 × 3,000 × 3,000 rows: 27 billion, stopped at the limit.
        let query = try KQL.compile(
            "N | join kind=inner (N | join kind=inner (N) on $left.x == $right.x) on $left.x == $right.x | project x",
            schema: schema, options: KQLOptions(now: Fixture.now, rowLimit: 100))
        let table = try queue.read { db in try KQLExecutor.run(query, in: db, rowLimit: 100) }
        #expect(table.rows.count == 100)
        #expect(table.stopped == .rowLimit)
        // A deadline in the past stops a statement that would run long.
        let slow = try KQL.compile(
            "N | extend k = 1 | join kind=inner (N | extend k = 1) on k | summarize count()", schema: schema,
            options: KQLOptions(now: Fixture.now, rowLimit: 100))
        let stopped = try queue.read { db in
            try KQLExecutor.run(slow, in: db, rowLimit: 100, deadline: .now - .seconds(1))
        }
        #expect(stopped.stopped == .deadline)
        #expect(stopped.rows.isEmpty)
    }

    @Test(arguments: [
        "a+", "^a*$", "[a-c]+x", "(foo|bar)baz", "\\d{2,4}-\\w+", "colou?r", "^$", "[^0-9]+", "a{3}", "(?i)HELLO",
        "x*?y", "\\bcat\\b", "[\\d.]+", "a|b|c", ".", "\\.",
    ])
    func regexAgreesWithFoundation(_ pattern: String) throws {
        let program = try RegexProgram(pattern)
        let foundation = try NSRegularExpression(pattern: pattern)
        for subject in [
            "", "a", "aaa", "abcx", "foobaz", "barbaz", "12-ab", "color", "colour", "hello", "xxy", "a cat sat",
            "concat", "3.14", "b", "ccc", "123", "x.y",
        ] {
            let expected =
                foundation.firstMatch(in: subject, range: NSRange(subject.startIndex..., in: subject)) != nil
            #expect(try program.matches(subject) == expected, "\(pattern) on \(subject)")
        }
    }
}
