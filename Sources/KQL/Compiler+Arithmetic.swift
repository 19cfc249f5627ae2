import Foundation

/// `+ - * / %` on numbers, and datetime/timespan arithmetic (folded when both sides are constant).
extension Compiler {
    mutating func arithmetic(_ op: String, _ left: Scalar, _ right: Scalar, _ range: SourceRange) throws(KQLDiagnostic)
        -> Scalar
    {
        switch (left.type, right.type) {
        case let (a, b) where a.isNumeric && b.isNumeric:
            if let folded = Self.fold(op, left.constant, right.constant) { return constant(folded) }
            let type: KQLType = a == .real || b == .real ? .real : .long
            if op == "/" || op == "%" {
                // SQLite answers NULL for a division by zero, as Kusto's long division does not;
                // a NULL is the safe answer for a query.
                return Scalar(sql: "(\(left.sql) \(op) \(right.sql))", type: type)
            }
            return Scalar(sql: "(\(left.sql) \(op) \(right.sql))", type: type)
        case (.datetime, .timespan) where op == "+" || op == "-",
            (.timespan, .datetime) where op == "+":
            let (date, span) = left.type == .datetime ? (left, right) : (right, left)
            if case .datetime(let instant)? = date.constant, case .timespan(let seconds)? = span.constant {
                return constant(.datetime(instant.addingTimeInterval(op == "-" ? -seconds : seconds)))
            }
            let seconds = op == "-" ? "(-(\(span.sql)))" : span.sql
            return Scalar(sql: "kql_dt_add(\(date.sql), \(seconds))", type: .datetime)
        case (.datetime, .datetime) where op == "-":
            if case .datetime(let a)? = left.constant, case .datetime(let b)? = right.constant {
                return constant(.timespan(a.timeIntervalSince(b)))
            }
            return Scalar(sql: "kql_dt_diff(\(left.sql), \(right.sql))", type: .timespan)
        case (.timespan, .timespan) where op == "+" || op == "-" || op == "/" || op == "%":
            if case .timespan(let a)? = left.constant, case .timespan(let b)? = right.constant {
                switch op {
                case "+": return constant(.timespan(a + b))
                case "-": return constant(.timespan(a - b))
                default: break
                }
            }
            return Scalar(sql: "(\(left.sql) \(op) \(right.sql))", type: op == "/" ? .real : .timespan)
        case let (.timespan, b) where b.isNumeric && (op == "*" || op == "/"),
            let (b, .timespan) where b.isNumeric && op == "*":
            if case .timespan(let a)? = left.constant, let factor = Self.number(right.constant) {
                return constant(.timespan(op == "*" ? a * factor : a / factor))
            }
            return Scalar(sql: "(\(left.sql) \(op) \(right.sql))", type: .timespan)
        default:
            throw error(
                "cannot apply '\(op)' to a \(left.type.rawValue) and a \(right.type.rawValue)"
                    + (left.type == .string || right.type == .string ? "; join strings with strcat()" : ""), range)
        }
    }

    static func number(_ value: KQLValue?) -> Double? {
        switch value {
        case .long(let number)?: return Double(number)
        case .real(let number)?: return number
        default: return nil
        }
    }

    /// Constant arithmetic; nil when it is not constant, would overflow or divides by zero.
    static func fold(_ op: String, _ left: KQLValue?, _ right: KQLValue?) -> KQLValue? {
        if case .long(let a)? = left, case .long(let b)? = right {
            switch op {
            case "+":
                let (value, overflow) = a.addingReportingOverflow(b)
                return overflow ? nil : .long(value)
            case "-":
                let (value, overflow) = a.subtractingReportingOverflow(b)
                return overflow ? nil : .long(value)
            case "*":
                let (value, overflow) = a.multipliedReportingOverflow(by: b)
                return overflow ? nil : .long(value)
            case "/":
                let (value, overflow) = a.dividedReportingOverflow(by: b)
                return overflow || b == 0 ? nil : .long(value)
            default:
                let (value, overflow) = a.remainderReportingOverflow(dividingBy: b)
                return overflow || b == 0 ? nil : .long(value)
            }
        }
        guard let a = number(left), let b = number(right) else { return nil }
        switch op {
        case "+": return .real(a + b)
        case "-": return .real(a - b)
        case "*": return .real(a * b)
        case "/": return b == 0 ? nil : .real(a / b)
        default: return b == 0 ? nil : .real(a.truncatingRemainder(dividingBy: b))
        }
    }
}
