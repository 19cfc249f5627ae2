import Foundation
import GRDB
import Testing

@testable import KQL

/// Issue 20: what one query may spend, in compile and in execution, with a reader's queries.
@Suite struct QueryBudgetTests {
    /// `replace_string` grows a value to 1,000,000 characters; the regex over it costs the
    /// pattern's size times that, inside one SQLite step. The deadline stops it there.
    @Test func aRegexOverAGrownStringStopsAtTheDeadline() throws {
        let queue = try Fixture.database()
        let query = try Fixture.compile(
            """
            Heartbeat | take 1 | extend a = "eeeeeeeeee" | extend b = replace_string(a, "e", a)
            | extend c = replace_string(b, "e", b) | extend d = replace_string(c, "e", b)
            | where d matches regex "e{0,1000}x" | count
            """)
        let budget = KQLBudget(deadline: .now + .milliseconds(300))
        let table = try queue.read { db in try KQLExecutor.run(query, in: db, rowLimit: 10, budget: budget) }
        #expect(table.stopped == .deadline)
        #expect(table.rows.isEmpty)
    }

    @Test func aCancelledRunEndsSayingSo() throws {
        let queue = try Fixture.database()
        let query = try Fixture.compile(
            "Heartbeat | extend a = strcat('x', Computer) | where a matches regex 'y{0,500}z' | count")
        let budget = KQLBudget()
        budget.cancel()
        #expect(throws: KQLExecutionError.self) {
            try queue.read { db in try KQLExecutor.run(query, in: db, rowLimit: 10, budget: budget) }
        }
    }

    /// Each `extend` doubles the value: past 1 MiB the query fails naming the limit (it took
    /// the server to 900 MB, and forty doublings to 24 GB, before values were capped).
    @Test(arguments: [
        "Heartbeat | extend a = 'ab'" + String(repeating: " | extend a = strcat(a, a)", count: 40)
            + " | project strlen(a)",
        "Heartbeat | take 1 | extend a = 'eeeeeeeeee' | extend b = replace_string(a, 'e', a) "
            + "| extend c = replace_string(b, 'e', b) | extend d = replace_string(c, 'e', c) | project strlen(d)",
        "Heartbeat | extend a = 'ab'" + String(repeating: " | extend a = strcat(a, a)", count: 19)
            + " | summarize make_list(a)",
    ])
    func aValuePastTheCapFailsNamingIt(_ text: String) throws {
        let queue = try Fixture.database()
        let query = try Fixture.compile(text)
        do {
            _ = try queue.read { db in try KQLExecutor.run(query, in: db, rowLimit: 10, budget: KQLBudget()) }
            Issue.record("expected the value limit")
        } catch let error as KQLExecutionError {
            #expect(error.description.contains("1 MiB, the limit on one value"), "\(error)")
        }
    }

    @Test func rowsStopAtTheResultBytes() throws {
        let queue = try Fixture.database()
        let query = try Fixture.compile(
            "Heartbeat | extend a = strcat(Computer, '0123456789012345678901234567890123456789')")
        let budget = KQLBudget(maxResultBytes: 200)
        let table = try queue.read { db in try KQLExecutor.run(query, in: db, rowLimit: 10, budget: budget) }
        #expect(table.stopped == .resultBytes)
        #expect(table.rows.count < 3)
    }

    /// `let x1 = x0 | union x0;` doubles the query each line: 18 lines took 1.8 GB and a 500,
    /// 40 lines 15 GB. Refused while compiling, at the line that passes the budget.
    @Test func letExpansionCountsAgainstTheCompileBudget() throws {
        var text = "let x0 = Heartbeat;\n"
        for index in 1...40 { text += "let x\(index) = x\(index - 1) | union x\(index - 1);\n" }
        text += "x40 | count"
        #expect {
            try Fixture.compile(text)
        } throws: { error in
            "\(error)".contains("compile budget")
        }
        var scalars = "let s0 = 'ab';\n"
        for index in 1...40 { scalars += "let s\(index) = strcat(s\(index - 1), s\(index - 1));\n" }
        scalars += "Heartbeat | project strlen(s40)"
        #expect {
            try Fixture.compile(scalars)
        } throws: { error in
            let text = "\(error)"
            return text.contains("compile budget") && text.contains("query:")
        }
    }

    /// A long regex over a long string stays linear and in budget, and still answers right.
    @Test func aRegexWithinItsBudgetAnswers() throws {
        let program = try RegexProgram("e{0,100}x")
        let subject = String(repeating: "e", count: 100_000) + "x"
        #expect(try program.matches(subject, budget: KQLBudget(deadline: .now + .seconds(600))))
    }

    /// Each self-join doubles the columns; naming them cost the square of their number (72 s
    /// for nine levels, found by the fuzzer). Refused at SQLite's column limit, in linear time.
    @Test func selfJoinsStopAtTheColumnLimit() throws {
        var text = "let x0 = ConfigurationChange;\n"
        for index in 1...12 {
            text += "let x\(index) = x\(index - 1) | join kind=inner (x\(index - 1)) on Computer;\n"
        }
        text += "x12 | count"
        #expect {
            try Fixture.compile(text)
        } throws: { error in
            "\(error)".contains("at most 2000 are allowed")
        }
        // Below the limit, repeated names get numbered once each.
        let compiled = try Fixture.compile(
            "ConfigurationChange | join kind=inner (ConfigurationChange) on Computer "
                + "| join kind=inner (ConfigurationChange) on Computer")
        let names = compiled.columns.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(names.contains("Computer2"))
    }
}
