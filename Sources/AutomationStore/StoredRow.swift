import Automation
import Foundation
import GRDB

/// What is wrong with one column of a stored row.
struct RowProblem: Error, CustomStringConvertible {
    var column: String
    var message: String
    var description: String { "\(column) \(message)" }
}

/// Reads a row strictly: every column is checked for the type it must hold, and a value that
/// does not fit throws a `RowProblem` naming the column. GRDB's typed subscripts trap on such a
/// value (`try!`), and its fast integer path reads 'abc' as 0; neither may meet a row that a
/// file edit can change. Every record decoding in the store goes through here.
struct StoredRow {
    let row: Row

    init(_ row: Row) { self.row = row }

    /// Dates the store can print and subtract: years 1 to 9999.
    static let dateRange: ClosedRange<TimeInterval> = -62_135_596_800...253_402_300_799

    func value(_ column: String) -> DatabaseValue {
        (try? row.decode(DatabaseValue.self, forColumn: column)) ?? .null
    }

    func text(_ column: String) throws -> String {
        guard let text = try optionalText(column) else { throw RowProblem(column: column, message: "is empty (NULL)") }
        return text
    }

    func optionalText(_ column: String) throws -> String? {
        let value = value(column)
        switch value.storage {
        case .null: return nil
        case .string(let text): return text
        case .blob(let data):
            // Text holding NUL is stored as bytes (StoredText).
            guard let text = String(data: data, encoding: .utf8) else {
                throw RowProblem(column: column, message: "holds bytes that are not UTF-8 text")
            }
            return text
        case .int64(let number): return String(number)
        case .double(let number): return String(number)
        }
    }

    func integer(_ column: String) throws -> Int {
        guard let number = try optionalInteger(column) else {
            throw RowProblem(column: column, message: "is empty (NULL), not a number")
        }
        return number
    }

    func optionalInteger(_ column: String) throws -> Int? {
        let value = value(column)
        switch value.storage {
        case .null: return nil
        case .int64(let number):
            guard let number = Int(exactly: number) else {
                throw RowProblem(column: column, message: "holds \(number), out of range")
            }
            return number
        default:
            throw RowProblem(column: column, message: "holds \(Self.shown(value)), which is not a whole number")
        }
    }

    /// A number of seconds or the like: a real or a whole number, not negative, or NULL.
    func optionalDouble(_ column: String) throws -> Double? {
        let value = value(column)
        switch value.storage {
        case .null: return nil
        case .int64(let number) where number >= 0: return Double(number)
        case .double(let number) where number >= 0 && number.isFinite: return number
        default:
            throw RowProblem(column: column, message: "holds \(Self.shown(value)), which is not a number of seconds")
        }
    }

    func bool(_ column: String) throws -> Bool {
        let value = value(column)
        guard case .int64(let number) = value.storage, number == 0 || number == 1 else {
            throw RowProblem(column: column, message: "holds \(Self.shown(value)), which is not true (1) or false (0)")
        }
        return number == 1
    }

    func date(_ column: String) throws -> Date {
        guard let date = try optionalDate(column) else {
            throw RowProblem(column: column, message: "is empty (NULL), not a date")
        }
        return date
    }

    func optionalDate(_ column: String) throws -> Date? {
        let value = value(column)
        if value.isNull { return nil }
        guard let date = Date.fromDatabaseValue(value), Self.dateRange.contains(date.timeIntervalSince1970) else {
            throw RowProblem(
                column: column, message: "holds \(Self.shown(value)), which is not a date in years 1 to 9999")
        }
        return date
    }

    func json<T: Decodable>(_ type: T.Type, _ column: String) throws -> T {
        let text = try text(column)
        do {
            return try JSONColumn.decode(type, text)
        } catch {
            throw RowProblem(
                column: column, message: "holds \(Self.shown(.init(text))), which is not the JSON expected")
        }
    }

    func enumeration<T: RawRepresentable>(_ type: T.Type, _ column: String) throws -> T where T.RawValue == String {
        let text = try text(column)
        guard let value = T(rawValue: text) else {
            throw RowProblem(column: column, message: "holds '\(Self.clip(text))', which this version does not know")
        }
        return value
    }

    /// A stored value as an error shows it: short, one line.
    static func shown(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: return "NULL"
        case .int64(let number): return String(number)
        case .double(let number): return String(number)
        case .string(let text): return "'\(clip(text))'"
        case .blob(let data): return "\(data.count) bytes"
        }
    }

    static func clip(_ text: String) -> String {
        let line = text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : String($0) }.joined()
        return line.count > 40 ? String(line.prefix(40)) + "..." : line
    }
}

extension DatabaseValue {
    fileprivate init(_ text: String) { self = text.databaseValue }
}
