import Foundation
import GRDB
import GRDBSQLite

/// An error running a compiled query (SQLite refused or failed the statement).
public struct KQLExecutionError: Error, CustomStringConvertible, LocalizedError, Sendable {
    public var message: String

    /// The run was cancelled (its client went away, or the server is stopping).
    public static let cancelled = KQLExecutionError(message: "the query was cancelled")

    public var description: String { "query failed: \(message)" }
    public var errorDescription: String? { description }
}

/// Runs a ``CompiledQuery`` on a connection.
public enum KQLExecutor {
    /// Registers ``KQLFunctions``, runs the statement and converts its rows. Stops after
    /// `rowLimit` rows (`stopped: .rowLimit`), when `deadline` passes while SQLite works
    /// (`stopped: .deadline`, with the rows produced until then), or at the budget's result
    /// bytes (`stopped: .resultBytes`).
    public static func run(
        _ query: CompiledQuery, in db: Database, rowLimit: Int, deadline: ContinuousClock.Instant? = nil
    ) throws(KQLExecutionError) -> KQLResultTable {
        try run(query, in: db, rowLimit: rowLimit, budget: KQLBudget(deadline: deadline))
    }

    /// As above, under `budget`'s limits (its deadline, value and result sizes, cancellation).
    public static func run(
        _ query: CompiledQuery, in db: Database, rowLimit: Int, budget: KQLBudget
    ) throws(KQLExecutionError) -> KQLResultTable {
        if budget.isCancelled { throw .cancelled }
        KQLFunctions.register(on: db, budget: budget)
        var rows: [[KQLValue]] = []
        var stopped: KQLStop?
        let connection = db.sqliteConnection
        var previousLength: Int32 = -1
        if let connection {
            let context = Unmanaged.passUnretained(budget).toOpaque()
            sqlite3_progress_handler(
                connection, 1_000,
                { context in
                    guard let context else { return 0 }
                    return Unmanaged<KQLBudget>.fromOpaque(context).takeUnretainedValue().exhausted() ? 1 : 0
                }, context)
            previousLength = sqlite3_limit(connection, SQLITE_LIMIT_LENGTH, -1)
        }
        defer {
            if let connection {
                sqlite3_progress_handler(connection, 0, nil, nil)
                sqlite3_limit(connection, SQLITE_LIMIT_LENGTH, previousLength)
            }
        }
        do {
            try withExtendedLifetime(budget) {
                let statement = try db.makeStatement(sql: query.sql)
                // The query's own literals are bound first (the query text is bounded on its own),
                // and a literal longer than the cap raises it to its own length: the cap is for
                // what the statement makes.
                try statement.setArguments(StatementArguments(query.arguments.map(databaseValue)))
                let longestLiteral = query.arguments.map(\.approximateBytes).max() ?? 0
                if let connection {
                    sqlite3_limit(
                        connection, SQLITE_LIMIT_LENGTH, Int32(clamping: max(budget.maxValueBytes, longestLiteral)))
                }
                let cursor = try Row.fetchCursor(statement)
                let types = query.columns.map(\.type)
                var resultBytes = 0
                while let row = try cursor.next() {
                    if rows.count >= rowLimit {
                        stopped = .rowLimit
                        break
                    }
                    var values: [KQLValue] = []
                    values.reserveCapacity(types.count)
                    for (index, type) in types.enumerated() {
                        let value = value(row[index] as DatabaseValue, type)
                        resultBytes += value.approximateBytes
                        values.append(value)
                    }
                    if resultBytes > budget.maxResultBytes {
                        stopped = .resultBytes
                        break
                    }
                    rows.append(values)
                }
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT {
            if budget.isCancelled { throw KQLExecutionError.cancelled }
            guard budget.didExpire else { throw KQLExecutionError(message: error.message ?? "\(error)") }
            stopped = .deadline
        } catch let error as DatabaseError where error.resultCode == .SQLITE_TOOBIG {
            throw KQLExecutionError(
                message:
                    "a value grew past \(ByteText.describe(budget.maxValueBytes)), the limit on one value in a query "
                    + "(a string built by replace_string or strcat, or a list from make_list or make_set)")
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

/// Sizes in words: `1 MiB`, `64 MiB`, `512 KiB`.
enum ByteText {
    static func describe(_ bytes: Int) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }
}

extension KQLValue {
    /// About what the value holds in memory, for the result's byte limit.
    var approximateBytes: Int {
        switch self {
        case .string(let text), .dynamic(let text), .guid(let text): 16 + text.utf8.count
        default: 16
        }
    }
}
