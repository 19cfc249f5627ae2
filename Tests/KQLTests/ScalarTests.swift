import Foundation
import GRDB
import Testing

@testable import KQL

/// Scalar operators and functions, each evaluated over the fixture's first row (web1, /etc/hosts,
/// 100, 2024-01-01 10:00) unless the query says otherwise.
@Suite struct ScalarTests {
    static func first(_ expression: String) -> String {
        "ConfigurationChange | take 1 | project x = \(expression)"
    }

    static let cases: [(String, String)] = [
        ("Computer has 'WEB1'", "true"),
        ("'a web1.contoso b' has 'web1'", "true"),
        ("'a web12 b' has 'web1'", "false"),
        ("'a web12 b' !has 'web1'", "true"),
        ("'path /etc/hosts' has '/etc/hosts'", "true"),
        ("'Hello' has_cs 'hello'", "false"),
        ("FileSystemPath contains 'ETC'", "true"),
        ("FileSystemPath !contains 'ETC'", "false"),
        ("FileSystemPath contains_cs 'ETC'", "false"),
        ("FileSystemPath contains_cs 'etc'", "true"),
        ("'50%_off' contains '%_'", "true"),
        ("'50 percent' contains '%'", "false"),
        ("FileSystemPath startswith '/ETC/'", "true"),
        ("FileSystemPath endswith 'HOSTS'", "true"),
        ("FileSystemPath !startswith '/var'", "true"),
        ("FileSystemPath !endswith 'hosts'", "false"),
        ("FileSystemPath matches regex @'^/etc/h[a-z]+$'", "true"),
        ("FileSystemPath matches regex '\\\\d'", "false"),
        ("Computer in ('db1', 'web1')", "true"),
        ("Computer !in ('db1', 'web1')", "false"),
        ("Computer in ('WEB1')", "false"),
        ("Computer in~ ('WEB1')", "true"),
        ("Computer !in~ ('WEB1')", "false"),
        ("FileSize between (50 .. 100)", "true"),
        ("FileSize !between (101 .. 200)", "true"),
        ("TimeGenerated between (datetime(2024-01-01) .. 1d)", "true"),
        ("TimeGenerated between (datetime(2024-01-02) .. datetime(2024-01-03))", "false"),
        ("isempty('')", "true"),
        ("isnotempty(Computer)", "true"),
        ("isnull(FileSize)", "false"),
        ("isnotnull(FileSize)", "true"),
        ("strlen(FileSystemPath)", "10"),
        ("tolower('AbC')", "abc"),
        ("toupper(Computer)", "WEB1"),
        ("substring(FileSystemPath, 1, 3)", "etc"),
        ("substring(FileSystemPath, 5)", "hosts"),
        ("strcat(Computer, ':', FileSize, ':', true)", "web1:100:true"),
        ("replace_string(FileSystemPath, '/', '\\\\')", "\\etc\\hosts"),
        ("split(FileSystemPath, '/')", "[\"\",\"etc\",\"hosts\"]"),
        ("split('a,b,c', ',', 1)", "[\"b\"]"),
        ("iff(FileSize > 50, 'big', 'small')", "big"),
        ("iif(FileSize > 500, 1, 2)", "2"),
        ("case(FileSize > 500, 'huge', FileSize > 50, 'big', 'small')", "big"),
        ("coalesce('', Computer)", "web1"),
        ("coalesce(FileSize, 0)", "100"),
        ("ago(1h)", "2024-01-03T23:00:00Z"),
        ("now()", "2024-01-04T00:00:00Z"),
        ("now(-30m)", "2024-01-03T23:30:00Z"),
        ("datetime(2024-02-29 12:00)", "2024-02-29T12:00:00Z"),
        ("datetime('2024-02-29T12:00:00.5Z')", "2024-02-29T12:00:00.500Z"),
        ("TimeGenerated + 90m", "2024-01-01T11:30:00Z"),
        ("TimeGenerated - 1d", "2023-12-31T10:00:00Z"),
        ("now() - TimeGenerated", "2.14:00:00"),
        ("TimeGenerated - datetime(2024-01-01)", "10:00:00"),
        ("2h + 30m", "02:30:00"),
        ("1d / 2", "12:00:00"),
        ("100ms", "00:00:00.100"),
        ("timespan(10s)", "00:00:10"),
        ("14d", "14.00:00:00"),
        ("bin(TimeGenerated, 1h)", "2024-01-01T10:00:00Z"),
        ("bin(TimeGenerated + 59m, 1h)", "2024-01-01T10:00:00Z"),
        ("bin(TimeGenerated, 7d)", "2023-12-28T00:00:00Z"),
        ("bin(FileSize, 30)", "90"),
        ("bin(-7, 5)", "-10"),
        ("bin(2.5, 1)", "2.0"),
        ("startofday(TimeGenerated)", "2024-01-01T00:00:00Z"),
        ("format_datetime(TimeGenerated, 'yyyy-MM-dd HH:mm:ss.fff')", "2024-01-01 10:00:00.000"),
        ("format_datetime(TimeGenerated, 'M/d/yy h tt')", "1/1/24 10 AM"),
        ("tostring(FileSize)", "100"),
        ("tostring(TimeGenerated)", "2024-01-01T10:00:00Z"),
        ("tostring(1.5)", "1.5"),
        ("toint('42')", "42"),
        ("tolong('x')", "null"),
        ("tolong(2.9)", "2"),
        ("todatetime('2024-01-05')", "2024-01-05T00:00:00Z"),
        ("todatetime(strcat('2024-01-0', '6'))", "2024-01-06T00:00:00Z"),
        ("toreal('2.5') * 2", "5.0"),
        ("7 / 2", "3"),
        ("7 / 2.0", "3.5"),
        ("7 % 4", "3"),
        ("-FileSize", "-100"),
        ("FileSize * 2 - 50", "150"),
        ("(1 + 2) * 3", "9"),
        ("\"a\\\"b\\\\c\\td\"", "a\"b\\c\td"),
        ("@'C:\\temp'", "C:\\temp"),
        ("@\"say \"\"hi\"\"\"", "say \"hi\""),
        ("'it''s'", "its"),
        ("['Computer']", "web1"),
        ("Computer == 'web1' and not(FileSize < 10)", "true"),
    ]

    @Test(arguments: cases)
    func scalar(_ expression: String, _ expected: String) throws {
        let queue = try Fixture.database()
        #expect(try Fixture.run(Self.first(expression), in: queue) == [expected], "\(expression)")
    }

    @Test func datetimeComparisonsUseTheStoredText() throws {
        let queue = try Fixture.database()
        let query = try Fixture.compile("ConfigurationChange | where TimeGenerated >= datetime(2024-01-03) | count")
        #expect(query.sql.contains("\"time\" >= ?"))
        #expect(query.arguments == [.datetime(Date(timeIntervalSince1970: 1_704_240_000))])
        #expect(
            try Fixture.run("ConfigurationChange | where TimeGenerated >= datetime(2024-01-03) | count", in: queue) == [
                "2"
            ])
        #expect(try Fixture.run("ConfigurationChange | where TimeGenerated > '2024-01-03' | count", in: queue) == ["2"])
        #expect(try Fixture.run("ConfigurationChange | where TimeGenerated > ago(2d) | count", in: queue) == ["4"])
    }

    @Test func stringLiteralsAreBoundNeverSpliced() throws {
        let queue = try Fixture.database()
        let text = "ConfigurationChange | where Computer == \"'; DROP TABLE change; --\" | count"
        let query = try Fixture.compile(text)
        #expect(!query.sql.contains("DROP"))
        #expect(query.arguments == [.string("'; DROP TABLE change; --")])
        #expect(try Fixture.run(text, in: queue) == ["0"])
        #expect(
            try Fixture.run("ConfigurationChange | extend x = \"\\\"); DELETE FROM change; --\" | count", in: queue)
                == ["6"])
        #expect(try Fixture.run("ConfigurationChange | count", in: queue) == ["6"])
    }

    @Test func largeInListsBindOneArgument() throws {
        let queue = try Fixture.database()
        let names = (0..<5_000).map { "'m\($0)'" }.joined(separator: ", ")
        let query = try Fixture.compile("ConfigurationChange | where Computer in (\(names), 'db1') | count")
        #expect(query.arguments.count == 1)
        #expect(
            try Fixture.run("ConfigurationChange | where Computer in (\(names), 'db1') | count", in: queue) == ["2"])
    }

    @Test func largeCaselessInListsIgnoreCase() throws {
        let queue = try Fixture.database()
        let names = (0..<20).map { "'M\($0)'" }.joined(separator: ", ")
        #expect(
            try Fixture.run("ConfigurationChange | where Computer in~ (\(names), 'WEB2') | count", in: queue) == ["2"])
        #expect(
            try Fixture.run("ConfigurationChange | where Computer in (\(names), 'WEB2') | count", in: queue) == ["0"])
        #expect(
            try Fixture.run("ConfigurationChange | where Computer !in~ (\(names), 'WEB2') | count", in: queue) == ["4"])
    }

    @Test func compileIsDeterministic() throws {
        let text = """
            let since = ago(7d);
            ConfigurationChange
            | where TimeGenerated > since and ConfigChangeType == "Files" and FileSystemPath contains "etc"
            | summarize arg_max(TimeGenerated, *) by Computer, FileSystemPath
            | join kind=leftouter (Heartbeat | summarize LastSeen = max(TimeGenerated) by Computer) on Computer
            | order by TimeGenerated desc
            | take 100
            """
        let first = try Fixture.compile(text)
        for _ in 0..<5 {
            let again = try Fixture.compile(text)
            #expect(again.sql == first.sql)
            #expect(again.arguments == first.arguments)
            #expect(again.columns == first.columns)
        }
    }
}
