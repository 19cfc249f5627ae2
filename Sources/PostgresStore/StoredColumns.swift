import Automation
import Foundation
import PostgresNIO

/// What is wrong with one column of a stored row.
struct ColumnProblem: Error, CustomStringConvertible {
    var column: String
    var message: String
    var description: String { "\(column) \(message)" }
}

/// Reads a row by column name; a value that is not what the column must hold throws a
/// `ColumnProblem` naming the column (the SQLite store's `StoredRow`, for PostgreSQL's rows).
struct StoredColumns {
    let row: PostgresRandomAccessRow

    init(_ row: PostgresRow) { self.row = row.makeRandomAccess() }

    func decode<T: PostgresDecodable>(_ type: T.Type, _ column: String, _ expected: String) throws -> T {
        guard row.contains(column) else { throw ColumnProblem(column: column, message: "is missing") }
        do {
            return try row[column].decode(T.self)
        } catch {
            let cell = row[column]
            throw ColumnProblem(
                column: column, message: cell.bytes == nil ? "is empty (NULL)" : "does not hold \(expected)")
        }
    }

    func text(_ column: String) throws -> String { try decode(String.self, column, "text") }
    func optionalText(_ column: String) throws -> String? { try decode(String?.self, column, "text") }
    func date(_ column: String) throws -> Date { try decode(Date.self, column, "a date") }
    func optionalDate(_ column: String) throws -> Date? { try decode(Date?.self, column, "a date") }
    func bool(_ column: String) throws -> Bool { try decode(Bool.self, column, "true or false") }
    func integer(_ column: String) throws -> Int { try decode(Int.self, column, "a whole number") }
    func optionalInteger(_ column: String) throws -> Int? { try decode(Int?.self, column, "a whole number") }
    func optionalDouble(_ column: String) throws -> Double? { try decode(Double?.self, column, "a number") }

    /// UTF-8 text kept as bytes (it may hold NUL).
    func bytesText(_ column: String) throws -> String {
        guard let text = try optionalBytesText(column) else {
            throw ColumnProblem(column: column, message: "is empty (NULL)")
        }
        return text
    }

    func optionalBytesText(_ column: String) throws -> String? {
        guard let data = try decode(Data?.self, column, "bytes") else { return nil }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ColumnProblem(column: column, message: "holds bytes that are not UTF-8 text")
        }
        return text
    }

    func enumeration<T: RawRepresentable>(_ type: T.Type, _ column: String) throws -> T where T.RawValue == String {
        let text = try text(column)
        guard let value = T(rawValue: text) else {
            throw ColumnProblem(column: column, message: "holds '\(Self.clip(text))', which this version does not know")
        }
        return value
    }

    func json<T: Decodable>(_ type: T.Type, _ column: String, _ expected: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(try text(column).utf8))
        } catch let problem as ColumnProblem {
            throw problem
        } catch {
            throw ColumnProblem(column: column, message: "is not \(expected)")
        }
    }

    static func clip(_ text: String) -> String {
        let line = text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : String($0) }.joined()
        return line.count > 40 ? String(line.prefix(40)) + "..." : line
    }
}

/// JSON as the stores keep it (sorted keys, so equal values are equal text).
enum JSONText {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

extension PostgresStore {
    /// All rows of a statement run on a pooled connection.
    func rows(_ query: PostgresQuery, timeout: Duration? = nil) async throws -> [PostgresRow] {
        let (client, logger) = (client, logger)
        return try await bounded(timeout: timeout) {
            do {
                return try await client.query(query, logger: logger).collect()
            } catch {
                throw Self.storeError(error)
            }
        }
    }

    /// Runs one statement of the store's own text (DDL, tests' setup).
    func execute(_ sql: String) async throws {
        _ = try await rows(PostgresQuery(unsafeSQL: sql))
    }

    /// One transaction on one pooled connection: committed when `body` returns, rolled back when
    /// it throws.
    func transaction<T: Sendable>(
        timeout: Duration? = nil, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let (client, logger) = (client, logger)
        return try await bounded(timeout: timeout) {
            do {
                return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
            } catch let error as PostgresTransactionError {
                throw Self.storeError(error.closureError ?? error.beginError ?? error.commitError ?? error)
            } catch {
                throw Self.storeError(error)
            }
        }
    }

    /// Decodes each row on its own: a row that cannot be read is reported and skipped.
    func readable<T>(_ rows: [PostgresRow], table: String, key: String, _ decode: (StoredColumns) throws -> T) -> [T] {
        rows.compactMap { row in
            let columns = StoredColumns(row)
            do {
                return try decode(columns)
            } catch {
                reportUnreadable(Self.unreadable(columns, table: table, key: key, error))
                return nil
            }
        }
    }

    /// One row, or `StoreError.unreadable` saying what is wrong with it.
    func readOne<T>(_ row: PostgresRow, table: String, key: String, _ decode: (StoredColumns) throws -> T) throws -> T {
        let columns = StoredColumns(row)
        do {
            return try decode(columns)
        } catch {
            throw StoreError.unreadable(Self.unreadable(columns, table: table, key: key, error))
        }
    }

    static func unreadable(_ columns: StoredColumns, table: String, key: String, _ error: any Error) -> UnreadableRow {
        let name = (try? columns.optionalText(key)).flatMap { $0 }.map(StoredColumns.clip) ?? "?"
        return UnreadableRow(table: table, key: name, problem: "\(error)")
    }
}

extension PostgresConnection {
    /// All rows of a statement in the caller's transaction.
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        try await self.query(query, logger: logger).collect()
    }
}
