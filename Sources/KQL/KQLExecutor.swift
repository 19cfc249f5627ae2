import Foundation
import GRDB
import GRDBSQLite

/// An error running a compiled query (SQLite refused or failed the statement).
public struct KQLExecutionError: Error, CustomStringConvertible, LocalizedError, Sendable {
    public var message: String

    public var description: String { "query failed: \(message)" }
    public var errorDescription: String? { description }
}

/// Runs a ``CompiledQuery`` on a connection.
public enum KQLExecutor {
    /// Registers ``KQLFunctions``, runs the statement and converts its rows. Stops after
    /// `rowLimit` rows (`stopped: .rowLimit`), or when `deadline` passes while SQLite works
    /// (`stopped: .deadline`, with the rows produced until then).
    public static func run(
        _ query: CompiledQuery, in db: Database, rowLimit: Int, deadline: ContinuousClock.Instant? = nil
    ) throws(KQLExecutionError) -> KQLResultTable {
        KQLFunctions.register(on: db)
        var rows: [[KQLValue]] = []
        var stopped: KQLStop?
        let watch = deadline.map(DeadlineWatch.init)
        if let watch, let connection = db.sqliteConnection {
            let context = Unmanaged.passUnretained(watch).toOpaque()
            sqlite3_progress_handler(
                connection, 1_000,
                { context in
                    guard let context else { return 0 }
                    return Unmanaged<DeadlineWatch>.fromOpaque(context).takeUnretainedValue().expired() ? 1 : 0
                }, context)
        }
        defer {
            if watch != nil, let connection = db.sqliteConnection {
                sqlite3_progress_handler(connection, 0, nil, nil)
            }
        }
        do {
            try withExtendedLifetime(watch) {
                let statement = try db.makeStatement(sql: query.sql)
                statement.arguments = StatementArguments(query.arguments.map(databaseValue))
                let cursor = try Row.fetchCursor(statement)
                let types = query.columns.map(\.type)
                while let row = try cursor.next() {
                    if rows.count >= rowLimit {
                        stopped = .rowLimit
                        break
                    }
                    var values: [KQLValue] = []
                    values.reserveCapacity(types.count)
                    for (index, type) in types.enumerated() {
                        values.append(value(row[index] as DatabaseValue, type))
                    }
                    rows.append(values)
                }
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT && watch?.didExpire == true {
            stopped = .deadline
        } catch let error as DatabaseError {
            throw KQLExecutionError(message: error.message ?? "\(error)")
        } catch {
            throw KQLExecutionError(message: "\(error)")
        }
        return KQLResultTable(
            columns: query.columns, rows: rows, stopped: stopped)
    }

    static func databaseValue(_ value: KQLValue) -> DatabaseValue {
        switch value {
        case .null: return .null
        case .string(let text), .dynamic(let text), .guid(let text): return text.databaseValue
        case .long(let number): return number.databaseValue
        case .real(let number), .timespan(let number): return number.databaseValue
        case .bool(let flag): return (flag ? 1 : 0).databaseValue
        case .datetime(let date): return DateText.format(date).databaseValue
        }
    }

    static func value(_ value: DatabaseValue, _ type: KQLType) -> KQLValue {
        switch (value.storage, type) {
        case (.null, _): return .null
        case (.int64(let number), .long), (.int64(let number), .int): return .long(number)
        case (.double(let number), .long), (.double(let number), .int):
            return number.isFinite && abs(number) < 9.2e18 ? .long(Int64(number)) : .real(number)
        case (.int64(let number), .real): return .real(Double(number))
        case (.double(let number), .real): return .real(number)
        case (.int64(let number), .timespan): return .timespan(Double(number))
        case (.double(let number), .timespan): return .timespan(number)
        case (.int64(let number), .bool): return .bool(number != 0)
        case (.double(let number), .bool): return .bool(number != 0)
        case (.string(let text), .datetime):
            return DateText.parse(text).map { .datetime(DateText.date(millis: $0)) } ?? .null
        case (.string(let text), .dynamic): return .dynamic(text)
        case (.string(let text), .guid): return .guid(text)
        case (.string(let text), _): return .string(text)
        case (.int64(let number), .string): return .string("\(number)")
        case (.int64(let number), .dynamic): return .dynamic("\(number)")
        case (.double(let number), .dynamic): return .dynamic("\(number)")
        case (.double(let number), _): return .string("\(number)")
        case (.int64(let number), _): return .long(number)
        case (.blob(let data), _): return .string(String(decoding: data, as: UTF8.self))
        }
    }
}

/// The progress handler's view of the deadline.
final class DeadlineWatch: @unchecked Sendable {
    let deadline: ContinuousClock.Instant
    private(set) var didExpire = false

    init(_ deadline: ContinuousClock.Instant) {
        self.deadline = deadline
    }

    /// Called by SQLite on the connection's thread only.
    func expired() -> Bool {
        if ContinuousClock.now >= deadline { didExpire = true }
        return didExpire
    }
}
