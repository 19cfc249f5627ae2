import Foundation
import GRDB
import Testing

@testable import KQL

/// Bad queries: each a located error with a message that says what would be right.
@Suite struct DiagnosticTests {
    static let cases: [(String, String)] = [
        ("ConfigurationChange | where Computer == \"web1", "query:1:41: error: unterminated string literal"),
        (
            "ConfigurationChange\n| where FilePath == 'x'",
            "query:2:9: error: unknown column 'FilePath' (did you mean 'FileSystemPath'?)"
        ),
        (
            "ConfigurationChang | count",
            "query:1:1: error: unknown table 'ConfigurationChang' (did you mean 'ConfigurationChange'?)"
        ),
        (
            "ConfigurationChange | where TimeGenerated > \"abc\"",
            "query:1:45: error: cannot compare a datetime with the string \"abc\": it is not a datetime; write datetime(2024-01-31) or ago(1d)"
        ),
        (
            "ConfigurationChange | summarize",
            "query:1:23: error: 'summarize' needs an aggregate (count(), sum(x), ...) or a 'by' clause"
        ),
        (
            "ConfigurationChange | summarize Computer",
            "query:1:33: error: 'summarize' expects an aggregate such as count(), sum(x) or arg_max(x, *) here; supported: count, countif, dcount, sum, avg, min, max, arg_max, arg_min, make_set, make_list, any"
        ),
        (
            "ConfigurationChange | join (Heartbeat)",
            "query:1:23: error: 'join' needs 'on' with the key columns (on Key, or on $left.A == $right.B)"
        ),
        (
            "ConfigurationChange | where sqrt(FileSize) > 1",
            "query:1:29: error: unknown or unsupported function 'sqrt'; supported: not, isempty, isnotempty, isnull, isnotnull, strlen, tolower, toupper, substring, strcat, replace_string, split, iff, iif, case, coalesce, ago, now, bin, floor, startofday, format_datetime, tostring, toint, tolong, toreal, todouble, todatetime; in summarize: count, countif, dcount, sum, avg, min, max, arg_max, arg_min, make_set, make_list, any"
        ),
        (
            "ConfigurationChange | where tolowr(Computer) == 'x'",
            "query:1:29: error: unknown or unsupported function 'tolowr' (did you mean 'tolower'?); supported: not, isempty, isnotempty, isnull, isnotnull, strlen, tolower, toupper, substring, strcat, replace_string, split, iff, iif, case, coalesce, ago, now, bin, floor, startofday, format_datetime, tostring, toint, tolong, toreal, todouble, todatetime; in summarize: count, countif, dcount, sum, avg, min, max, arg_max, arg_min, make_set, make_list, any"
        ),
        (
            "ConfigurationChange | mv-expand x",
            "query:1:23: error: unknown or unsupported tabular operator 'mv-expand'; supported: where, filter, project, project-away, project-rename, extend, summarize, order, sort, top, take, limit, distinct, count, union, join, render"
        ),
        (
            "ConfigurationChange | wher Computer == 'x'",
            "query:1:23: error: unknown or unsupported tabular operator 'wher' (did you mean 'where'?); supported: where, filter, project, project-away, project-rename, extend, summarize, order, sort, top, take, limit, distinct, count, union, join, render"
        ),
        (
            "ConfigurationChange | where FileSize == 'big'",
            "query:1:38: error: cannot compare a long with a string using '=='"
        ),
        ("ConfigurationChange | where FileSize", "query:1:29: error: 'where' needs a true/false condition, not a long"),
        (
            "ConfigurationChange | where Computer + 'x' == 'y'",
            "query:1:38: error: cannot apply '+' to a string and a string; join strings with strcat()"
        ),
        (
            "ConfigurationChange | extend n = count()",
            "query:1:34: error: aggregate 'count()' is only allowed in 'summarize'"
        ),
        ("ConfigurationChange | take -1", "query:1:28: error: expected a non-negative whole number of rows"),
        (
            "ConfigurationChange | where FileSystemPath matches regex '(a)\\\\1'",
            "query:1:58: error: invalid regex: backreferences are not supported at offset 3 of the pattern"
        ),
        (
            "ConfigurationChange | where FileSystemPath matches regex '(?=a)'",
            "query:1:58: error: invalid regex: lookaround assertions are not supported at offset 0 of the pattern"
        ),
        (
            "ConfigurationChange | where TimeGenerated > ago(5x)",
            "query:1:50: error: unknown timespan unit 'x'; expected d, h, m, s, ms, microsecond or tick"
        ),
        (
            "ConfigurationChange | where TimeGenerated > datetime(2024-13-01)",
            "query:1:45: error: '2024-13-01' is not a datetime; write datetime(2024-01-31) or datetime(2024-01-31T10:00:00Z)"
        ),
        (
            "ConfigurationChange | project-away Nope",
            "query:1:36: error: unknown column 'Nope'; expected one of: TimeGenerated, Computer, ConfigChangeType, FileSystemPath, FileSize, ChangeCategory"
        ),
        (
            "ConfigurationChange | join kind=fullouter (Heartbeat) on Computer",
            "query:1:33: error: unsupported join kind 'fullouter'; supported: inner, innerunique, leftouter, leftanti"
        ),
        ("ConfigurationChange | where Computer == 'x' take 1", "query:1:45: error: expected '|' before 'take'"),
        (
            "ConfigurationChange | render piechart | count",
            "query:1:39: error: 'render' must be the last operator of the query"
        ),
        (
            "ConfigurationChange | where Computer == 'a\\qb'",
            "query:1:43: error: unknown escape '\\q' in a string literal; expected \\\\, \\\", \\', \\n, \\t or \\r (or a verbatim @\"...\" string)"
        ),
        ("ConfigurationChange | where Computer ?? 'x'", "query:1:38: error: unexpected character '?'"),
        ("", "query:1:1: error: expected a tabular expression, found the end of the query"),
        (
            "ConfigurationChange | summarize arg_max(TimeGenerated, *), max(FileSize)",
            "query:1:33: error: arg_max()/arg_min() cannot be combined with another min(), max(), arg_max() or arg_min() in the same 'summarize'; use two summarize operators and a join"
        ),
        (
            "let x = 1;\nConfigurationChange | where FileSize > y",
            "query:2:40: error: unknown column 'y' (did you mean 'x'?)"
        ),
    ]

    @Test(arguments: cases)
    func located(_ query: String, _ expected: String) {
        #expect(throws: KQLDiagnostic.self) { try Fixture.compile(query) }
        do {
            _ = try Fixture.compile(query)
        } catch let diagnostic as KQLDiagnostic {
            #expect(diagnostic.description == expected)
            #expect(diagnostic.errorDescription == expected)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func diagnosticsCarryTheirPlace() throws {
        do {
            _ = try Fixture.compile("ConfigurationChange\n  | where FilePath == 1")
            Issue.record("compiled")
        } catch let diagnostic as KQLDiagnostic {
            #expect(diagnostic.line == 2)
            #expect(diagnostic.column == 11)
            #expect(diagnostic.offset == 30)
            #expect(diagnostic.length == 8)
            #expect(diagnostic.kind == .semantic)
        }
    }
}
