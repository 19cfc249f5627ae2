import Foundation
import GRDB
import Testing

@testable import KQL

/// A tiny ConfigurationChange-like store (text datetimes as the real store keeps them) and a
/// matching schema.
enum Fixture {
    static let now = Date(timeIntervalSince1970: 1_704_326_400)  // 2024-01-04T00:00:00Z

    static let schema = KQLSchema(tables: [
        KQLTable(
            name: "ConfigurationChange", source: "change",
            columns: [
                KQLColumn(name: "TimeGenerated", type: .datetime, sql: "\"time\""),
                KQLColumn(name: "Computer", type: .string, sql: "\"computer\""),
                KQLColumn(name: "ConfigChangeType", type: .string, sql: "\"type\""),
                KQLColumn(name: "FileSystemPath", type: .string, sql: "\"path\""),
                KQLColumn(name: "FileSize", type: .long, sql: "\"size\""),
                KQLColumn(name: "ChangeCategory", type: .string, sql: "\"category\""),
            ]),
        KQLTable(
            name: "Heartbeat", source: "heartbeat AS h",
            columns: [
                KQLColumn(name: "TimeGenerated", type: .datetime, sql: "h.time"),
                KQLColumn(name: "Computer", type: .string, sql: "h.computer"),
                KQLColumn(name: "Solutions", type: .string, sql: "h.solutions"),
                KQLColumn(name: "OSType", type: .string, sql: "h.os"),
            ]),
    ])

    static func database() throws -> DatabaseQueue {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE change (id INTEGER PRIMARY KEY, time TEXT NOT NULL, computer TEXT NOT NULL,
                        type TEXT NOT NULL, path TEXT NOT NULL, size INTEGER, category TEXT NOT NULL);
                    INSERT INTO change (time, computer, type, path, size, category) VALUES
                        ('2024-01-01 10:00:00.000', 'web1', 'Files', '/etc/hosts', 100, 'Modified'),
                        ('2024-01-01 11:30:00.000', 'web1', 'Files', '/etc/passwd', 200, 'Added'),
                        ('2024-01-02 09:00:00.000', 'web2', 'Files', '/etc/hosts', 150, 'Modified'),
                        ('2024-01-02 12:00:00.000', 'web2', 'Software', '', 0, 'Added'),
                        ('2024-01-03 08:15:00.000', 'db1', 'Daemons', '', NULL, 'Removed'),
                        ('2024-01-03 23:59:59.999', 'db1', 'Files', '/var/log/App.log', 300, 'Modified');
                    CREATE TABLE heartbeat (time TEXT NOT NULL, computer TEXT NOT NULL, solutions TEXT NOT NULL,
                        os TEXT NOT NULL);
                    INSERT INTO heartbeat VALUES
                        ('2024-01-03 12:00:00.000', 'web1', 'changeTracking, inventory', 'Linux'),
                        ('2024-01-03 12:00:00.000', 'db1', 'updates', 'Linux'),
                        ('2024-01-03 13:00:00.000', 'win1', 'changeTracking', 'Windows');
                    """)
        }
        return queue
    }

    static func compile(_ text: String, timespan: DateInterval? = nil, rowLimit: Int = 1_000) throws -> CompiledQuery {
        try KQL.compile(text, schema: schema, options: KQLOptions(now: now, timespan: timespan, rowLimit: rowLimit))
    }

    /// Runs a query and prints each row as `a|b|c` (datetimes in Kusto's ISO form).
    static func run(
        _ text: String, in queue: DatabaseQueue, timespan: DateInterval? = nil, rowLimit: Int = 1_000
    ) throws -> [String] {
        let query = try compile(text, timespan: timespan, rowLimit: rowLimit)
        let table = try queue.read { db in try KQLExecutor.run(query, in: db, rowLimit: rowLimit) }
        return table.rows.map { $0.map(show).joined(separator: "|") }
    }

    static func columns(_ text: String) throws -> String {
        try compile(text).columns.map { "\($0.name):\($0.type.rawValue)" }.joined(separator: ",")
    }

    static func show(_ value: KQLValue) -> String {
        switch value {
        case .null: return "null"
        case .string(let text), .dynamic(let text), .guid(let text): return text
        case .long(let number): return "\(number)"
        case .real(let number): return "\(number)"
        case .bool(let flag): return "\(flag)"
        case .datetime(let date): return DateFormat.iso(millis: DateText.millis(date))
        case .timespan(let seconds): return DateFormat.timespan(seconds)
        }
    }
}
