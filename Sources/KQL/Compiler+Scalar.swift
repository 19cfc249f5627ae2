import Automation
import Foundation

/// A compiled scalar: SQL, its Kusto type, and its value when it is a constant.
struct Scalar: Sendable {
    var sql: String
    var type: KQLType
    var constant: KQLValue?
    /// Contains an aggregate call (only allowed in `summarize`).
    var aggregated = false
}

extension KQLType {
    /// Types a comparison accepts side by side.
    func isComparable(with other: KQLType) -> Bool {
        if self == other || self == .dynamic || other == .dynamic { return true }
        if isNumeric && other.isNumeric { return true }
        let textual: Set<KQLType> = [.string, .guid]
        return textual.contains(self) && textual.contains(other)
    }
}

extension Compiler {
    mutating func constant(_ value: KQLValue) -> Scalar {
        switch value {
        case .null: return Scalar(sql: "NULL", type: .dynamic, constant: value)
        case .long(let number): return Scalar(sql: "\(number)", type: .long, constant: value)
        case .real(let number): return Scalar(sql: Self.realLiteral(number), type: .real, constant: value)
        case .bool(let flag): return Scalar(sql: flag ? "1" : "0", type: .bool, constant: value)
        case .timespan(let seconds): return Scalar(sql: Self.realLiteral(seconds), type: .timespan, constant: value)
        case .string: return Scalar(sql: bind(value), type: .string, constant: value)
        case .datetime: return Scalar(sql: bind(value), type: .datetime, constant: value)
        case .dynamic: return Scalar(sql: bind(value), type: .dynamic, constant: value)
        case .guid: return Scalar(sql: bind(value), type: .guid, constant: value)
        }
    }

    static func realLiteral(_ number: Double) -> String {
        guard number.isFinite else { return "NULL" }
        let text = "\(number)"
        return text.contains(".") || text.contains("e") ? text : text + ".0"
    }

    /// An expression's SQL, refused when it has grown past the compile budget (each use of a
    /// `let` name inlines what it stands for, so ten `let`s can double a string ten times).
    mutating func scalar(_ expr: Expr, in relation: Relation?) throws(KQLDiagnostic) -> Scalar {
        let result = try buildScalar(expr, in: relation)
        try checkBudget(result.sql, at: expr.range)
        return result
    }

    private mutating func buildScalar(_ expr: Expr, in relation: Relation?) throws(KQLDiagnostic) -> Scalar {
        switch expr {
        case .name(let name, let range):
            if let column = relation?.column(named: name) { return Scalar(sql: column.sql, type: column.type) }
            if let value = scalarLets[name] { return value }
            let names = (relation?.columns.map(\.name) ?? []) + scalarLets.keys.sorted()
            if relation == nil {
                throw error("unknown name '\(name)'\(NameHint.hint(for: name, among: names))", range)
            }
            throw error("unknown column '\(name)'\(NameHint.hint(for: name, among: names))", range)
        case .string(let text, _): return constant(.string(text))
        case .long(let number, _): return constant(.long(number))
        case .real(let number, _): return constant(.real(number))
        case .bool(let flag, _): return constant(.bool(flag))
        case .timespan(let seconds, _): return constant(.timespan(seconds))
        case .datetime(let text, let range):
            guard let millis = DateText.parse(text) else {
                throw error(
                    "'\(text)' is not a datetime; write datetime(2024-01-31) or datetime(2024-01-31T10:00:00Z)", range)
            }
            return constant(.datetime(DateText.date(millis: millis)))
        case .star(let range):
            throw error("'*' is only allowed in arg_max(x, *) and arg_min(x, *)", range)
        case .unary(_, let operand, let range):
            let value = try scalar(operand, in: relation)
            switch value.constant {
            case .long(let number)?:
                if number != .min { return constant(.long(-number)) }
            case .real(let number)?: return constant(.real(-number))
            case .timespan(let seconds)?: return constant(.timespan(-seconds))
            default: break
            }
            guard value.type.isNumeric || value.type == .timespan else {
                throw error("cannot negate a \(value.type.rawValue)", range)
            }
            return Scalar(sql: "(-(\(value.sql)))", type: value.type, aggregated: value.aggregated)
        case .logical(let op, let operands, let range):
            if op == "or", let list = Self.equalityList(operands) {
                return try inList("in", list.subject, list.values, range, in: relation)
            }
            var parts: [String] = []
            var aggregated = false
            for operand in operands {
                let value = try scalar(operand, in: relation)
                guard value.type == .bool else {
                    throw error("'\(op)' needs true/false operands, not a \(value.type.rawValue)", operand.range)
                }
                parts.append("(\(value.sql))")
                aggregated = aggregated || value.aggregated
            }
            var sql = Self.balanced(parts[...], op == "and" ? " AND " : " OR ")
            if parts.count > Self.maxOpenChain {
                // SQLite's WHERE analysis of a long OR chain is quadratic: hide it in a CASE.
                sql = "(CASE WHEN \(sql) THEN 1 ELSE 0 END)"
            }
            return Scalar(sql: sql, type: .bool, aggregated: aggregated)
        case .binary(let op, let left, let right, let range):
            return try binary(op, left, right, range, in: relation)
        case .inList(let op, let left, let items, let range):
            return try inList(op, left, items, range, in: relation)
        case .between(let negated, let value, let low, let high, let range):
            let subject = try scalar(value, in: relation)
            let lower = try scalar(low, in: relation)
            var upper = try scalar(high, in: relation)
            if subject.type == .datetime, lower.type == .datetime, upper.type == .timespan {
                upper = try arithmetic("+", lower, upper, range)
            }
            for bound in [(lower, low), (upper, high)] {
                let converted = try coerce(bound.0, toCompareWith: subject, bound.1.range)
                guard subject.type.isComparable(with: converted.type) else {
                    throw error(
                        "cannot compare a \(subject.type.rawValue) with a \(bound.0.type.rawValue) in 'between'",
                        bound.1.range)
                }
            }
            let lowSQL = try coerce(lower, toCompareWith: subject, low.range).sql
            let highSQL = try coerce(upper, toCompareWith: subject, high.range).sql
            return Scalar(
                sql: "(\(subject.sql) \(negated ? "NOT " : "")BETWEEN \(lowSQL) AND \(highSQL))", type: .bool,
                aggregated: subject.aggregated)
        case .call(let name, let arguments, let range):
            return try call(name, arguments, range, in: relation)
        }
    }

    /// Longer `and`/`or` chains are wrapped so SQLite does not analyse each term.
    static let maxOpenChain = 64

    /// `x == 'a' or x == 'b' or ...` (more than a few, one column, constants): an `in` list.
    static func equalityList(_ operands: [Expr]) -> (subject: Expr, values: [Expr])? {
        guard operands.count > 8 else { return nil }
        var subjectName: String?
        var subject: Expr?
        var values: [Expr] = []
        for operand in operands {
            guard case .binary("==", let left, let right, _) = operand, case .name(let name, _) = left else {
                return nil
            }
            switch right {
            case .string, .long, .real, .bool: break
            default: return nil
            }
            if subjectName == nil {
                subjectName = name
                subject = left
            }
            guard name == subjectName else { return nil }
            values.append(right)
        }
        return subject.map { ($0, values) }
    }

    /// `(a OR b) OR (c OR d)`: a long chain as a balanced tree, so SQLite's expression depth limit
    /// (1,000) is not reached by 40,000 `or`s.
    static func balanced(_ parts: ArraySlice<String>, _ separator: String) -> String {
        guard parts.count > 4 else { return "(" + parts.joined(separator: separator) + ")" }
        let middle = parts.startIndex + parts.count / 2
        return "(" + balanced(parts[..<middle], separator) + separator + balanced(parts[middle...], separator) + ")"
    }

    /// A string constant compared with a datetime becomes a datetime (or is an error).
    mutating func coerce(_ value: Scalar, toCompareWith other: Scalar, _ range: SourceRange) throws(KQLDiagnostic)
        -> Scalar
    {
        guard other.type == .datetime, value.type == .string else { return value }
        guard case .string(let text)? = value.constant, let millis = DateText.parse(text) else {
            throw error(
                "cannot compare a datetime with the string \(Self.quoted(value)): it is not a datetime; write datetime(2024-01-31) or ago(1d)",
                range)
        }
        return constant(.datetime(DateText.date(millis: millis)))
    }

    static func quoted(_ value: Scalar) -> String {
        if case .string(let text)? = value.constant { return "\"\(text.prefix(64))\"" }
        return "value"
    }

    mutating func binary(
        _ op: String, _ leftExpr: Expr, _ rightExpr: Expr, _ range: SourceRange, in relation: Relation?
    ) throws(KQLDiagnostic) -> Scalar {
        var left = try scalar(leftExpr, in: relation)
        var right = try scalar(rightExpr, in: relation)
        let aggregated = left.aggregated || right.aggregated
        switch op {
        case "+", "-", "*", "/", "%":
            var result = try arithmetic(op, left, right, range)
            result.aggregated = aggregated
            return result
        case "==", "!=", "<", "<=", ">", ">=", "=~", "!~":
            right = try coerce(right, toCompareWith: left, rightExpr.range)
            left = try coerce(left, toCompareWith: right, leftExpr.range)
            guard left.type.isComparable(with: right.type) else {
                throw error(
                    "cannot compare a \(left.type.rawValue) with a \(right.type.rawValue) using '\(op)'", range)
            }
            var sql: String
            switch op {
            case "==": sql = "\(left.sql) = \(right.sql)"
            case "!=": sql = "\(left.sql) <> \(right.sql)"
            case "=~": sql = "\(left.sql) = \(right.sql) COLLATE NOCASE"
            case "!~": sql = "\(left.sql) <> \(right.sql) COLLATE NOCASE"
            default: sql = "\(left.sql) \(op) \(right.sql)"
            }
            return Scalar(sql: "(\(sql))", type: .bool, aggregated: aggregated)
        case "matches regex":
            guard right.type == .string else { throw error("'matches regex' needs a string pattern", rightExpr.range) }
            if case .string(let pattern)? = right.constant {
                do {
                    _ = try RegexProgram(pattern)
                } catch let failure {
                    throw error(
                        "invalid regex: \(failure.message) at offset \(failure.offset) of the pattern", rightExpr.range)
                }
            }
            return Scalar(sql: "kql_regex(\(left.sql), \(right.sql))", type: .bool, aggregated: aggregated)
        default:
            return try stringOperator(op, left, right, rightExpr.range, aggregated: aggregated)
        }
    }

    /// `has`, `contains`, `startswith`, `endswith` and their `!` and `_cs` forms.
    mutating func stringOperator(
        _ op: String, _ left: Scalar, _ right: Scalar, _ range: SourceRange, aggregated: Bool
    ) throws(KQLDiagnostic) -> Scalar {
        let negated = op.hasPrefix("!")
        let name = negated ? String(op.dropFirst()) : op
        let subject = negated ? "IFNULL(\(left.sql), '')" : left.sql
        let needle = right.sql
        var sql: String
        let literal: String? = if case .string(let text)? = right.constant { text } else { nil }
        switch name {
        case "has": sql = "kql_has(\(subject), \(needle))"
        case "has_cs": sql = "kql_has_cs(\(subject), \(needle))"
        case "contains":
            sql =
                literal.map { "\(subject) LIKE \(bind(.string("%" + Self.likeEscaped($0) + "%"))) ESCAPE '\\'" }
                ?? "instr(lower(\(subject)), lower(\(needle))) > 0"
        case "contains_cs": sql = "instr(\(subject), \(needle)) > 0"
        case "startswith":
            sql =
                literal.map { "\(subject) LIKE \(bind(.string(Self.likeEscaped($0) + "%"))) ESCAPE '\\'" }
                ?? "lower(substr(\(subject), 1, length(\(needle)))) = lower(\(needle))"
        case "startswith_cs": sql = "substr(\(subject), 1, length(\(needle))) = \(needle)"
        case "endswith":
            sql =
                literal.map { "\(subject) LIKE \(bind(.string("%" + Self.likeEscaped($0)))) ESCAPE '\\'" }
                ?? "(length(\(needle)) = 0 OR lower(substr(\(subject), -length(\(needle)))) = lower(\(needle)))"
        case "endswith_cs":
            sql = "(length(\(needle)) = 0 OR substr(\(subject), -length(\(needle))) = \(needle))"
        default:
            throw error("unsupported operator '\(op)'", range, kind: .syntax)
        }
        return Scalar(sql: negated ? "(NOT \(sql))" : "(\(sql))", type: .bool, aggregated: aggregated)
    }

    static func likeEscaped(_ text: String) -> String {
        var result = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { result.append("\\") }
            result.append(character)
        }
        return result
    }

    mutating func inList(
        _ op: String, _ leftExpr: Expr, _ items: [Expr], _ range: SourceRange, in relation: Relation?
    ) throws(KQLDiagnostic) -> Scalar {
        let left = try scalar(leftExpr, in: relation)
        if items.count == 1, case .name(let name, let nameRange) = items[0], relation?.column(named: name) == nil,
            scalarLets[name] == nil, let table = tabularLets[name]
        {
            // `x in (T)`: the values of T's first column.
            guard let column = table.columns.first else { throw error("'\(name)' has no columns", nameRange) }
            guard left.type.isComparable(with: column.type) else {
                throw error("cannot look for a \(left.type.rawValue) among \(column.type.rawValue) values", nameRange)
            }
            let subject = op.hasSuffix("~") ? "(\(left.sql) COLLATE NOCASE)" : left.sql
            let negated = op.hasPrefix("!")
            let values = "(SELECT c0 FROM (\(table.select())))"
            return Scalar(
                sql: negated ? "(IFNULL(\(subject), '') NOT IN \(values))" : "(\(subject) IN \(values))", type: .bool,
                aggregated: left.aggregated)
        }
        var values: [Scalar] = []
        for item in items {
            let value = try coerce(try scalar(item, in: relation), toCompareWith: left, item.range)
            guard left.type.isComparable(with: value.type) else {
                throw error("cannot look for a \(value.type.rawValue) among \(left.type.rawValue) values", item.range)
            }
            values.append(value)
        }
        let negated = op.hasPrefix("!")
        let caseless = op.hasSuffix("~")
        guard !values.isEmpty else { return constant(.bool(negated)) }
        let subject = caseless ? "(\(left.sql) COLLATE NOCASE)" : left.sql
        let list: String
        if values.count > 16, values.allSatisfy({ $0.constant != nil && $0.type == values[0].type }),
            let json = Self.jsonArray(values.compactMap(\.constant))
        {
            // One JSON argument rather than thousands of parameters.
            list = "(SELECT value FROM json_each(\(bind(.dynamic(json)))))"
        } else {
            list = "(" + values.map(\.sql).joined(separator: ", ") + ")"
        }
        return Scalar(
            sql: "(\(subject) \(negated ? "NOT IN" : "IN") \(list))", type: .bool, aggregated: left.aggregated)
    }

    /// JSON array text of constants as the store keeps them (datetimes as their text).
    static func jsonArray(_ values: [KQLValue]) -> String? {
        var parts: [String] = []
        for value in values {
            switch value {
            case .string(let text), .guid(let text): parts.append(jsonString(text))
            case .datetime(let date): parts.append(jsonString(DateText.format(date)))
            case .long(let number): parts.append("\(number)")
            case .real(let number), .timespan(let number): parts.append(realLiteral(number))
            case .bool(let flag): parts.append(flag ? "1" : "0")
            case .null, .dynamic: return nil
            }
        }
        return "[" + parts.joined(separator: ",") + "]"
    }

    static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    result += String(format: "\\u%04x", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
