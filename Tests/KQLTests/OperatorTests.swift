import Foundation
import GRDB
import Testing

@testable import KQL

/// Each tabular operator, compiled and run over the fixture, with its exact rows.
@Suite struct OperatorTests {
    static let cases: [(String, [String])] = [
        ("ConfigurationChange | where Computer == 'web1' | project FileSystemPath", ["/etc/hosts", "/etc/passwd"]),
        ("ConfigurationChange | where Computer == 'WEB1' | count", ["0"]),
        ("ConfigurationChange | where Computer =~ 'WEB1' | count", ["2"]),
        ("ConfigurationChange | where Computer != 'web1' | count", ["4"]),
        ("ConfigurationChange | where Computer !~ 'WEB1' | count", ["4"]),
        ("ConfigurationChange | count", ["6"]),
        ("ConfigurationChange | where FileSize > 150 | order by FileSize asc | project FileSize", ["200", "300"]),
        (
            "ConfigurationChange | where FileSize >= 150 and FileSize <= 200 | order by FileSize | project FileSize",
            ["200", "150"]
        ),
        (
            "ConfigurationChange | where FileSize < 100 or ConfigChangeType == 'Daemons' | project Computer",
            ["web2", "db1"]
        ),
        ("ConfigurationChange | where not(ConfigChangeType == 'Files') | project Computer", ["web2", "db1"]),
        (
            "ConfigurationChange | project-away TimeGenerated, FileSystemPath, FileSize, ChangeCategory | take 1",
            ["web1|Files"]
        ),
        ("ConfigurationChange | project-rename Machine = Computer | project Machine | take 1", ["web1"]),
        (
            "ConfigurationChange | take 1 | project-rename Machine = Computer | project-away TimeGenerated",
            ["web1|Files|/etc/hosts|100|Modified"]
        ),
        (
            "ConfigurationChange | extend Double = FileSize * 2 | where Double > 300 | project Computer, Double",
            ["web1|400", "db1|600"]
        ),
        ("ConfigurationChange | extend FileSize = FileSize + 1 | project FileSize | take 2", ["101", "201"]),
        ("ConfigurationChange | extend a = 1, b = a + 1 | project b | take 1", ["2"]),
        ("ConfigurationChange | project Computer, Size = FileSize | take 1", ["web1|100"]),
        ("ConfigurationChange | summarize count() by Computer | order by Computer asc", ["db1|2", "web1|2", "web2|2"]),
        (
            "ConfigurationChange | where ConfigChangeType == \"Files\" | summarize count() by Computer | order by count_ desc, Computer asc",
            ["web1|2", "db1|1", "web2|1"]
        ),
        ("ConfigurationChange | summarize countif(FileSize > 100), dcount(ConfigChangeType)", ["3|3"]),
        (
            "ConfigurationChange | summarize sum(FileSize), avg(FileSize), min(FileSize), max(FileSize)",
            ["750|150.0|0|300"]
        ),
        (
            "ConfigurationChange | summarize Total = sum(FileSize) by Computer | order by Total",
            ["web1|300", "db1|300", "web2|150"]
        ),
        (
            "ConfigurationChange | summarize arg_max(TimeGenerated, *) by Computer | order by Computer asc | project Computer, FileSystemPath, TimeGenerated",
            [
                "db1|/var/log/App.log|2024-01-03T23:59:59.999Z", "web1|/etc/passwd|2024-01-01T11:30:00Z",
                "web2||2024-01-02T12:00:00Z",
            ]
        ),
        (
            "ConfigurationChange | summarize arg_min(TimeGenerated, FileSystemPath) by Computer | order by Computer asc",
            [
                "db1|2024-01-03T08:15:00Z|", "web1|2024-01-01T10:00:00Z|/etc/hosts",
                "web2|2024-01-02T09:00:00Z|/etc/hosts",
            ]
        ),
        ("ConfigurationChange | summarize arg_max(FileSize, Computer), count()", ["300|db1|6"]),
        (
            "ConfigurationChange | where Computer == 'web1' | summarize make_set(ConfigChangeType), make_list(ChangeCategory)",
            ["[\"Files\"]|[\"Modified\",\"Added\"]"]
        ),
        ("ConfigurationChange | where Computer == 'web2' | summarize any(Computer)", ["web2"]),
        (
            "ConfigurationChange | summarize count() by bin(TimeGenerated, 1d) | order by TimeGenerated asc",
            [
                "2024-01-01T00:00:00Z|2", "2024-01-02T00:00:00Z|2", "2024-01-03T00:00:00Z|2",
            ]
        ),
        (
            "ConfigurationChange | summarize n = count() by Hour = bin(TimeGenerated, 12h) | order by Hour asc | take 2",
            [
                "2024-01-01T00:00:00Z|2", "2024-01-02T00:00:00Z|1",
            ]
        ),
        ("ConfigurationChange | summarize by Computer | order by Computer asc", ["db1", "web1", "web2"]),
        ("ConfigurationChange | summarize c = count() by Computer | where c > 1 | count", ["3"]),
        (
            "ConfigurationChange | summarize arg_max(TimeGenerated, *) by Computer | where FileSystemPath == '/etc/passwd' | project Computer",
            ["web1"]
        ),
        ("ConfigurationChange | summarize c = count() by Computer, ConfigChangeType | summarize count()", ["5"]),
        ("ConfigurationChange | sort by TimeGenerated desc | take 2 | project Computer", ["db1", "db1"]),
        (
            "ConfigurationChange | order by Computer asc, TimeGenerated desc | project FileSize",
            ["300", "null", "200", "100", "0", "150"]
        ),
        ("ConfigurationChange | top 2 by FileSize | project FileSize", ["300", "200"]),
        ("ConfigurationChange | top 2 by FileSize asc | project FileSize", ["null", "0"]),
        ("ConfigurationChange | top 2 by FileSize asc nulls last | project FileSize", ["0", "100"]),
        ("ConfigurationChange | take 3 | count", ["3"]),
        ("ConfigurationChange | limit 2 | take 5 | count", ["2"]),
        (
            "ConfigurationChange | order by TimeGenerated asc | take 3 | where Computer == 'web2' | project FileSize",
            ["150"]
        ),
        (
            "ConfigurationChange | order by FileSize desc | take 4 | order by FileSize asc | project FileSize",
            ["100", "150", "200", "300"]
        ),
        ("ConfigurationChange | distinct Computer | order by Computer asc", ["db1", "web1", "web2"]),
        ("ConfigurationChange | distinct Computer, ConfigChangeType | count", ["5"]),
        ("ConfigurationChange | project Computer | distinct * | count", ["3"]),
        (
            "union Heartbeat, (ConfigurationChange | where FileSize == 300) | project Computer, OSType, FileSize",
            [
                "web1|Linux|null", "db1|Linux|null", "win1|Windows|null", "db1|null|300",
            ]
        ),
        ("Heartbeat | union (ConfigurationChange | take 1) | count", ["4"]),
        (
            "union withsource=Source Heartbeat, ConfigurationChange | summarize count() by Source | order by Source asc",
            [
                "ConfigurationChange|6", "Heartbeat|3",
            ]
        ),
        (
            "ConfigurationChange | where ConfigChangeType == 'Files' | join kind=inner (Heartbeat) on Computer | project Computer, FileSystemPath, Solutions, Computer1 | order by FileSystemPath asc",
            [
                "web1|/etc/hosts|changeTracking, inventory|web1", "web1|/etc/passwd|changeTracking, inventory|web1",
                "db1|/var/log/App.log|updates|db1",
            ]
        ),
        (
            "ConfigurationChange | join (Heartbeat) on Computer | project Computer | order by Computer asc",
            ["db1", "web1"]
        ),
        (
            "Heartbeat | join kind=leftouter (ConfigurationChange | where FileSize == 300) on Computer | project Computer, FileSize | order by Computer asc",
            [
                "db1|300", "web1|null", "win1|null",
            ]
        ),
        ("Heartbeat | join kind=leftanti (ConfigurationChange) on Computer | project Computer", ["win1"]),
        (
            "Heartbeat | join kind=inner (ConfigurationChange | project Machine = Computer, FileSize) on $left.Computer == $right.Machine | summarize sum(FileSize)",
            ["600"]
        ),
        ("let big = 150; ConfigurationChange | where FileSize > big | count", ["2"]),
        ("let since = ago(1d); ConfigurationChange | where TimeGenerated > since | project Computer", ["db1", "db1"]),
        (
            "let machines = Heartbeat | where OSType == 'Linux' | project Computer;\nConfigurationChange | join kind=inner machines on Computer | distinct Computer | order by Computer asc",
            ["db1", "web1"]
        ),
        ("let T = ConfigurationChange; let n = 2; T | take n | count", ["2"]),
        (
            "let linux = Heartbeat | where OSType == 'Linux' | project Computer; ConfigurationChange | where Computer in (linux) | count",
            ["4"]
        ),
        (
            "let linux = Heartbeat | where OSType == 'Linux' | project Computer; ConfigurationChange | where Computer !in (linux) | count",
            ["2"]
        ),
        ("ConfigurationChange | count | render table", ["6"]),
        ("ConfigurationChange\n// a comment\n| where Computer == \"db1\" // another\n| count", ["2"]),
    ]

    @Test(arguments: cases)
    func operators(_ query: String, _ expected: [String]) throws {
        let queue = try Fixture.database()
        #expect(try Fixture.run(query, in: queue) == expected, "\(query)")
    }

    @Test func columnNamesFollowKusto() throws {
        #expect(try Fixture.columns("ConfigurationChange | count") == "Count:long")
        #expect(
            try Fixture.columns("ConfigurationChange | summarize count(), avg(FileSize), dcount(Computer) by Computer")
                == "Computer:string,count_:long,avg_FileSize:real,dcount_Computer:long")
        #expect(
            try Fixture.columns("ConfigurationChange | summarize make_set(Computer), sum(FileSize), max(TimeGenerated)")
                == "set_Computer:dynamic,sum_FileSize:long,max_TimeGenerated:datetime")
        #expect(
            try Fixture.columns("ConfigurationChange | summarize arg_max(TimeGenerated, *) by Computer")
                == "Computer:string,TimeGenerated:datetime,ConfigChangeType:string,FileSystemPath:string,FileSize:long,ChangeCategory:string"
        )
        #expect(
            try Fixture.columns("ConfigurationChange | summarize count() by bin(TimeGenerated, 1h)")
                == "TimeGenerated:datetime,count_:long")
        #expect(
            try Fixture.columns("ConfigurationChange | extend strlen(Computer) | project Column1") == "Column1:long")
        #expect(
            try Fixture.columns("Heartbeat | join (Heartbeat) on Computer")
                == "TimeGenerated:datetime,Computer:string,Solutions:string,OSType:string,TimeGenerated1:datetime,Computer1:string,Solutions1:string,OSType1:string"
        )
    }

    @Test func renderIsRecorded() throws {
        let query = try Fixture.compile(
            "ConfigurationChange | summarize count() by Computer | render barchart with (title='Changes', xcolumn=Computer)"
        )
        #expect(
            query.render
                == KQLRender(visualization: "barchart", properties: ["title": "Changes", "xcolumn": "Computer"]))
    }

    @Test func timespanOptionFiltersEveryTable() throws {
        let queue = try Fixture.database()
        let day = DateInterval(start: Date(timeIntervalSince1970: 1_704_240_000), duration: 86_400)  // 2024-01-03
        #expect(try Fixture.run("ConfigurationChange | count", in: queue, timespan: day) == ["2"])
        #expect(try Fixture.run("union Heartbeat, ConfigurationChange | count", in: queue, timespan: day) == ["5"])
    }

    @Test func rowLimitTruncates() throws {
        let queue = try Fixture.database()
        let query = try Fixture.compile("ConfigurationChange | project Computer", rowLimit: 4)
        #expect(query.sql.hasSuffix("LIMIT 5"))
        let table = try queue.read { db in try KQLExecutor.run(query, in: db, rowLimit: 4) }
        #expect(table.rows.count == 4)
        #expect(table.stopped == .rowLimit)
        let all = try queue.read { db in
            try KQLExecutor.run(try Fixture.compile("ConfigurationChange | take 4", rowLimit: 4), in: db, rowLimit: 4)
        }
        #expect(all.rows.count == 4)
        #expect(!all.truncated)
    }
}
