import Automation
import Foundation

/// Scalar functions (aggregates are in Compiler+Aggregates.swift).
extension Compiler {
    static let scalarFunctions = [
        "not", "isempty", "isnotempty", "isnull", "isnotnull", "strlen", "tolower", "toupper", "substring",
        "strcat", "replace_string", "split", "iff", "iif", "case", "coalesce", "ago", "now", "bin", "floor",
        "startofday", "format_datetime", "tostring", "toint", "tolong", "toreal", "todouble", "todatetime",
    ]

    mutating func call(
        _ name: String, _ arguments: [Expr], _ range: SourceRange, in relation: Relation?
    ) throws(KQLDiagnostic) -> Scalar {
        if Self.aggregateFunctions.contains(name) {
            guard allowAggregates else {
                throw error("aggregate '\(name)()' is only allowed in 'summarize'", range)
            }
            return try aggregate(name, arguments, range, in: relation)
        }
        guard Self.scalarFunctions.contains(name) else {
            let all = Self.scalarFunctions + Self.aggregateFunctions
            let hint = NameHint.closest(to: name, among: all).map { " (did you mean '\($0)'?)" } ?? ""
            throw error(
                "unknown or unsupported function '\(name)'\(hint); supported: \(Self.scalarFunctions.joined(separator: ", ")); in summarize: \(Self.aggregateFunctions.joined(separator: ", "))",
                range)
        }
        var values: [Scalar] = []
        for argument in arguments { values.append(try scalar(argument, in: relation)) }
        var result = try scalarFunction(name, values, arguments, range)
        result.aggregated = values.contains { $0.aggregated }
        return result
    }

    func expectCount(_ name: String, _ values: [Scalar], _ counts: ClosedRange<Int>, _ range: SourceRange)
        throws(KQLDiagnostic)
    {
        guard counts.contains(values.count) else {
            let expected =
                counts.lowerBound == counts.upperBound
                ? "\(counts.lowerBound)" : "\(counts.lowerBound) to \(counts.upperBound)"
            throw error(
                "'\(name)' takes \(expected) argument\(counts.upperBound == 1 ? "" : "s"), not \(values.count)", range)
        }
    }

    func expectType(_ name: String, _ value: Scalar, _ types: Set<KQLType>, _ range: SourceRange) throws(KQLDiagnostic)
    {
        guard types.contains(value.type) else {
            let list = types.map(\.rawValue).sorted().joined(separator: " or ")
            throw error("'\(name)' expects a \(list), not a \(value.type.rawValue)", range)
        }
    }

    mutating func scalarFunction(
        _ name: String, _ values: [Scalar], _ arguments: [Expr], _ range: SourceRange
    ) throws(KQLDiagnostic) -> Scalar {
        let numeric: Set<KQLType> = [.long, .int, .real]
        func at(_ index: Int) -> SourceRange { index < arguments.count ? arguments[index].range : range }
        switch name {
        case "not":
            try expectCount(name, values, 1...1, range)
            try expectType(name, values[0], [.bool], at(0))
            return Scalar(sql: "(NOT IFNULL(\(values[0].sql), 0))", type: .bool)
        case "isempty", "isnotempty":
            try expectCount(name, values, 1...1, range)
            let sql = values[0].sql
            return Scalar(
                sql: name == "isempty" ? "(\(sql) IS NULL OR \(sql) = '')" : "(\(sql) IS NOT NULL AND \(sql) <> '')",
                type: .bool)
        case "isnull", "isnotnull":
            try expectCount(name, values, 1...1, range)
            return Scalar(sql: "(\(values[0].sql) IS \(name == "isnull" ? "" : "NOT ")NULL)", type: .bool)
        case "strlen":
            try expectCount(name, values, 1...1, range)
            return Scalar(sql: "length(\(try text(values[0], at(0))))", type: .long)
        case "tolower", "toupper":
            try expectCount(name, values, 1...1, range)
            return Scalar(sql: "\(name == "tolower" ? "lower" : "upper")(\(try text(values[0], at(0))))", type: .string)
        case "substring":
            try expectCount(name, values, 2...3, range)
            for index in 1..<values.count { try expectType(name, values[index], numeric, at(index)) }
            let subject = try text(values[0], at(0))
            let length = values.count == 3 ? ", \(values[2].sql)" : ""
            return Scalar(sql: "substr(\(subject), (\(values[1].sql)) + 1\(length))", type: .string)
        case "strcat":
            guard !values.isEmpty else { throw error("'strcat' takes at least 1 argument", range) }
            var parts: [String] = []
            for (index, value) in values.enumerated() { parts.append(try text(value, at(index))) }
            return Scalar(sql: "(" + parts.map { "IFNULL(\($0), '')" }.joined(separator: " || ") + ")", type: .string)
        case "replace_string":
            try expectCount(name, values, 3...3, range)
            var parts: [String] = []
            for (index, value) in values.enumerated() { parts.append(try text(value, at(index))) }
            return Scalar(sql: "replace(\(parts.joined(separator: ", ")))", type: .string)
        case "split":
            try expectCount(name, values, 2...3, range)
            var parts = [try text(values[0], at(0)), try text(values[1], at(1))]
            if values.count == 3 {
                try expectType(name, values[2], numeric, at(2))
                parts.append(values[2].sql)
            }
            return Scalar(sql: "kql_split(\(parts.joined(separator: ", ")))", type: .dynamic)
        case "iff", "iif":
            try expectCount(name, values, 3...3, range)
            try expectType(name, values[0], [.bool], at(0))
            let type = try commonType(name, [values[1], values[2]], range)
            return Scalar(
                sql: "(CASE WHEN \(values[0].sql) THEN \(values[1].sql) ELSE \(values[2].sql) END)", type: type)
        case "case":
            guard values.count >= 3, values.count % 2 == 1 else {
                throw error("'case' takes pairs of condition and value, then the value for 'else'", range)
            }
            var sql = "(CASE"
            var results: [Scalar] = []
            for index in stride(from: 0, to: values.count - 1, by: 2) {
                try expectType(name, values[index], [.bool], at(index))
                sql += " WHEN \(values[index].sql) THEN \(values[index + 1].sql)"
                results.append(values[index + 1])
            }
            results.append(values[values.count - 1])
            let type = try commonType(name, results, range)
            return Scalar(sql: sql + " ELSE \(values[values.count - 1].sql) END)", type: type)
        case "coalesce":
            guard !values.isEmpty else { throw error("'coalesce' takes at least 1 argument", range) }
            let type = try commonType(name, values, range)
            if type == .string {
                // Kusto's coalesce skips empty strings too.
                let parts = values.map { "NULLIF(\($0.sql), '')" }
                return Scalar(sql: "coalesce(\(parts.joined(separator: ", ")), '')", type: .string)
            }
            return Scalar(
                sql: values.count == 1 ? values[0].sql : "coalesce(\(values.map(\.sql).joined(separator: ", ")))",
                type: type)
        case "ago":
            try expectCount(name, values, 1...1, range)
            try expectType(name, values[0], [.timespan], at(0))
            return try arithmetic("-", constant(.datetime(options.now)), values[0], range)
        case "now":
            try expectCount(name, values, 0...1, range)
            if values.count == 1 {
                try expectType(name, values[0], [.timespan], at(0))
                return try arithmetic("+", constant(.datetime(options.now)), values[0], range)
            }
            return constant(.datetime(options.now))
        case "bin", "floor":
            try expectCount(name, values, 2...2, range)
            return try bin(values[0], values[1], at(0), at(1))
        case "startofday":
            try expectCount(name, values, 1...1, range)
            try expectType(name, values[0], [.datetime], at(0))
            return Scalar(sql: "(substr(\(values[0].sql), 1, 10) || ' 00:00:00.000')", type: .datetime)
        case "format_datetime":
            try expectCount(name, values, 2...2, range)
            try expectType(name, values[0], [.datetime], at(0))
            try expectType(name, values[1], [.string], at(1))
            return Scalar(sql: "kql_format_datetime(\(values[0].sql), \(values[1].sql))", type: .string)
        case "tostring":
            try expectCount(name, values, 1...1, range)
            return Scalar(sql: "IFNULL(\(try text(values[0], at(0))), '')", type: .string)
        case "toint", "tolong":
            try expectCount(name, values, 1...1, range)
            let type: KQLType = name == "toint" ? .int : .long
            switch values[0].type {
            case .long, .int, .bool: return Scalar(sql: values[0].sql, type: type)
            case .real, .timespan: return Scalar(sql: "CAST(\(values[0].sql) AS INTEGER)", type: type)
            default: return Scalar(sql: "kql_tolong(\(values[0].sql))", type: type)
            }
        case "toreal", "todouble":
            try expectCount(name, values, 1...1, range)
            switch values[0].type {
            case .long, .int, .bool, .real, .timespan: return Scalar(sql: "CAST(\(values[0].sql) AS REAL)", type: .real)
            default: return Scalar(sql: "kql_toreal(\(values[0].sql))", type: .real)
            }
        default:  // todatetime
            try expectCount(name, values, 1...1, range)
            if values[0].type == .datetime { return values[0] }
            if case .string(let text)? = values[0].constant {
                guard let millis = DateText.parse(text) else { return Scalar(sql: "NULL", type: .datetime) }
                return constant(.datetime(DateText.date(millis: millis)))
            }
            try expectType(name, values[0], [.string, .dynamic], at(0))
            return Scalar(sql: "kql_todatetime(\(values[0].sql))", type: .datetime)
        }
    }

    /// SQL that yields a value as Kusto's `tostring` would print it.
    func text(_ value: Scalar, _ range: SourceRange) throws(KQLDiagnostic) -> String {
        switch value.type {
        case .string, .guid, .dynamic: return value.sql
        case .long, .int: return "CAST(\(value.sql) AS TEXT)"
        case .real: return "kql_real_text(\(value.sql))"
        case .bool: return "(CASE \(value.sql) WHEN 1 THEN 'true' WHEN 0 THEN 'false' END)"
        case .datetime: return "kql_dt_iso(\(value.sql))"
        case .timespan: return "kql_ts_text(\(value.sql))"
        }
    }

    func commonType(_ name: String, _ values: [Scalar], _ range: SourceRange) throws(KQLDiagnostic) -> KQLType {
        let known = values.filter { $0.constant != .null }
        guard let first = known.first else { return .dynamic }
        var type = first.type
        for value in known.dropFirst() {
            if value.type == type { continue }
            if value.type.isNumeric && type.isNumeric {
                type = .real
                continue
            }
            throw error("'\(name)' mixes a \(type.rawValue) and a \(value.type.rawValue)", range)
        }
        return type
    }

    /// `bin(value, size)`: floors numbers, timespans and datetimes (since 1970) to multiples of size.
    mutating func bin(_ value: Scalar, _ size: Scalar, _ valueRange: SourceRange, _ sizeRange: SourceRange)
        throws(KQLDiagnostic) -> Scalar
    {
        switch value.type {
        case .datetime:
            guard size.type == .timespan else {
                throw error("bin() of a datetime needs a timespan size such as 1h", sizeRange)
            }
            if case .timespan(let seconds)? = size.constant {
                guard seconds > 0 else { throw error("bin() needs a positive size", sizeRange) }
                if seconds == 86_400 {
                    return Scalar(sql: "(substr(\(value.sql), 1, 10) || ' 00:00:00.000')", type: .datetime)
                }
            }
            return Scalar(sql: "kql_bin_dt(\(value.sql), \(size.sql))", type: .datetime)
        case .long, .int:
            guard size.type.isNumeric else { throw error("bin() of a number needs a number size", sizeRange) }
            if size.type != .real, case .long(let step)? = size.constant {
                guard step > 0 else { throw error("bin() needs a positive size", sizeRange) }
                return Scalar(
                    sql: "((\(value.sql) / \(step) - (\(value.sql) % \(step) < 0)) * \(step))", type: value.type)
            }
            return Scalar(sql: "kql_bin(\(value.sql), \(size.sql))", type: size.type == .real ? .real : value.type)
        case .real, .timespan:
            guard size.type.isNumeric || size.type == value.type else {
                throw error("bin() needs a size of the value's kind", sizeRange)
            }
            return Scalar(sql: "kql_bin(\(value.sql), \(size.sql))", type: value.type)
        default:
            throw error("bin() works on numbers, datetimes and timespans, not a \(value.type.rawValue)", valueRange)
        }
    }
}
