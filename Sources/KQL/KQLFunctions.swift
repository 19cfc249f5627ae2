import Foundation
import GRDB
import Synchronization

/// The SQL functions compiled queries call, registered on a connection by
/// ``KQLFunctions/register(on:)`` (``KQLExecutor`` does it before each run).
///
/// `kql_has(text, term)` / `kql_has_cs`: whole-term match (a term is bounded by characters
/// that are not ASCII letters or digits; case-insensitive for ASCII); `kql_regex(text, pattern)`:
/// the linear-time engine, each pattern compiled once per connection (a small cache);
/// `kql_split(text, delimiter[, index])`: a JSON array; `kql_dt_add(datetime, seconds)`,
/// `kql_dt_diff(a, b)` (seconds), `kql_bin_dt(datetime, seconds)`, `kql_bin(x, size)`;
/// `kql_format_datetime(datetime, format)`; `kql_dt_iso(datetime)` (`2024-01-31T10:00:00Z`);
/// `kql_ts_text(seconds)` (`1.02:03:04`); `kql_real_text`, `kql_tolong`, `kql_toreal`,
/// `kql_todatetime`.
public enum KQLFunctions {
    public static func register(on db: Database, budget: KQLBudget = KQLBudget()) {
        for function in functions(budget) { db.add(function: function) }
    }

    static func functions(_ budget: KQLBudget) -> [DatabaseFunction] {
        let cache = RegexCache()
        return [
            DatabaseFunction("kql_has", argumentCount: 2, pure: true) { values in
                guard let text = String.fromDatabaseValue(values[0]), let term = String.fromDatabaseValue(values[1])
                else {
                    return false
                }
                return TermMatch.has(text, term, caseless: true)
            },
            DatabaseFunction("kql_has_cs", argumentCount: 2, pure: true) { values in
                guard let text = String.fromDatabaseValue(values[0]), let term = String.fromDatabaseValue(values[1])
                else {
                    return false
                }
                return TermMatch.has(text, term, caseless: false)
            },
            DatabaseFunction("kql_regex", argumentCount: 2, pure: true) { values in
                guard let text = String.fromDatabaseValue(values[0]), let pattern = String.fromDatabaseValue(values[1])
                else {
                    return false
                }
                return try cache.program(pattern).matches(text, budget: budget)
            },
            DatabaseFunction("kql_split", argumentCount: -1, pure: true) { values in
                guard values.count >= 2, let text = String.fromDatabaseValue(values[0]),
                    let delimiter = String.fromDatabaseValue(values[1])
                else { return nil }
                var parts = delimiter.isEmpty ? [text] : text.components(separatedBy: delimiter)
                if values.count > 2 {
                    guard let index = Int.fromDatabaseValue(values[2]) else { return nil }
                    let position = index < 0 ? parts.count + index : index
                    parts = parts.indices.contains(position) ? [parts[position]] : []
                }
                return "[" + parts.map(Compiler.jsonString).joined(separator: ",") + "]"
            },
            DatabaseFunction("kql_dt_add", argumentCount: 2, pure: true) { values in
                guard let millis = datetime(values[0]), let seconds = Double.fromDatabaseValue(values[1]) else {
                    return nil
                }
                let sum = Double(millis) + (seconds * 1000).rounded()
                guard sum >= Double(DateText.range.lowerBound), sum <= Double(DateText.range.upperBound) else {
                    return nil
                }
                return DateText.format(millis: Int64(sum))
            },
            DatabaseFunction("kql_dt_diff", argumentCount: 2, pure: true) { values in
                guard let a = datetime(values[0]), let b = datetime(values[1]) else { return nil }
                return Double(a - b) / 1000
            },
            DatabaseFunction("kql_bin_dt", argumentCount: 2, pure: true) { values in
                guard let millis = datetime(values[0]), let seconds = Double.fromDatabaseValue(values[1]) else {
                    return nil
                }
                let step = (seconds * 1000).rounded()
                guard step >= 1, step < 1e15 else { return nil }
                let size = Int64(step)
                let floored = millis >= 0 ? millis / size * size : -((-millis + size - 1) / size) * size
                guard DateText.range.contains(floored) else { return nil }
                return DateText.format(millis: floored)
            },
            DatabaseFunction("kql_bin", argumentCount: 2, pure: true) { values in
                guard let size = Double.fromDatabaseValue(values[1]), size > 0 else { return nil }
                if case .int64(let value) = values[0].storage, case .int64(let step) = values[1].storage {
                    let quotient = value / step - (value % step < 0 ? 1 : 0)
                    return quotient * step
                }
                guard let value = Double.fromDatabaseValue(values[0]) else { return nil }
                return (value / size).rounded(.down) * size
            },
            DatabaseFunction("kql_format_datetime", argumentCount: 2, pure: true) { values in
                guard let millis = datetime(values[0]), let format = String.fromDatabaseValue(values[1]) else {
                    return nil
                }
                return DateFormat.format(millis: millis, format)
            },
            DatabaseFunction("kql_dt_iso", argumentCount: 1, pure: true) { values in
                guard let millis = datetime(values[0]) else { return nil }
                return DateFormat.iso(millis: millis)
            },
            DatabaseFunction("kql_ts_text", argumentCount: 1, pure: true) { values in
                guard let seconds = Double.fromDatabaseValue(values[0]) else { return nil }
                return DateFormat.timespan(seconds)
            },
            DatabaseFunction("kql_real_text", argumentCount: 1, pure: true) { values in
                guard let value = Double.fromDatabaseValue(values[0]) else { return nil }
                return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
            },
            DatabaseFunction("kql_tolong", argumentCount: 1, pure: true) { values in
                switch values[0].storage {
                case .int64(let value): return value
                case .double(let value): return value.isFinite && abs(value) < 9e18 ? Int64(value) : nil
                case .string(let text):
                    let trimmed = text.trimmingSpaces()
                    if let value = Int64(trimmed) { return value }
                    if let value = Double(trimmed), value.isFinite, abs(value) < 9e18 { return Int64(value) }
                    return nil
                default: return nil
                }
            },
            DatabaseFunction("kql_toreal", argumentCount: 1, pure: true) { values in
                switch values[0].storage {
                case .int64(let value): return Double(value)
                case .double(let value): return value
                case .string(let text): return Double(text.trimmingSpaces())
                default: return nil
                }
            },
            DatabaseFunction("kql_todatetime", argumentCount: 1, pure: true) { values in
                guard let text = String.fromDatabaseValue(values[0]) else { return nil }
                var trimmed = text.trimmingSpaces()
                if trimmed.count >= 2, trimmed.first == "\"", trimmed.last == "\"" {
                    trimmed = String(trimmed.dropFirst().dropLast())
                }
                return DateText.parse(trimmed).map { DateText.format(millis: $0) }
            },
        ]
    }

    static func datetime(_ value: DatabaseValue) -> Int64? {
        guard case .string(let text) = value.storage else { return nil }
        return DateText.parse(text)
    }
}

/// Compiled patterns of one connection, at most `capacity` of them.
final class RegexCache: Sendable {
    static let capacity = 64
    private let programs = Mutex<[String: RegexProgram]>([:])

    func program(_ pattern: String) throws -> RegexProgram {
        if let program = programs.withLock({ $0[pattern] }) { return program }
        let program: RegexProgram
        do {
            program = try RegexProgram(pattern)
        } catch {
            throw DatabaseError(message: "invalid regex '\(pattern.prefix(100))': \(error.message)")
        }
        programs.withLock {
            if $0.count >= Self.capacity { $0.removeAll() }
            $0[pattern] = program
        }
        return program
    }
}
