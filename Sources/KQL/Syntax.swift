/// A scalar expression as written.
indirect enum Expr: Sendable {
    case name(String, SourceRange)
    case string(String, SourceRange)
    case long(Int64, SourceRange)
    case real(Double, SourceRange)
    case bool(Bool, SourceRange)
    /// Seconds.
    case timespan(Double, SourceRange)
    /// The raw text inside `datetime(...)`.
    case datetime(String, SourceRange)
    case unary(op: String, Expr, SourceRange)
    /// Arithmetic and comparison: `+ - * / % == != < <= > >= =~ !~` and the string operators
    /// (`has`, `!contains`, `matches regex`, ...).
    case binary(op: String, Expr, Expr, SourceRange)
    /// `and` / `or` chains, kept flat so long chains do not nest.
    case logical(op: String, [Expr], SourceRange)
    /// `x in (a, b)`, `!in`, `in~`, `!in~`.
    case inList(op: String, Expr, [Expr], SourceRange)
    case between(negated: Bool, Expr, Expr, Expr, SourceRange)
    case call(String, [Expr], SourceRange)
    /// `*` as a function argument (`arg_max(TimeGenerated, *)`, `count(*)` is not needed).
    case star(SourceRange)

    var range: SourceRange {
        switch self {
        case .name(_, let r), .string(_, let r), .long(_, let r), .real(_, let r), .bool(_, let r),
            .timespan(_, let r), .datetime(_, let r), .unary(_, _, let r), .binary(_, _, _, let r),
            .logical(_, _, let r), .inList(_, _, _, let r), .between(_, _, _, _, let r), .call(_, _, let r),
            .star(let r):
            return r
        }
    }
}

/// `Name = expression` or a bare expression, as in `extend`, `project` and `summarize`.
struct NamedExpr: Sendable {
    var name: String?
    var nameRange: SourceRange?
    var expr: Expr
}

struct SortKey: Sendable {
    var expr: Expr
    var descending: Bool
    var nullsFirst: Bool?
}

enum JoinKind: String, Sendable {
    case inner, innerunique, leftouter, leftanti
}

/// `on Key` or `on $left.A == $right.B`.
struct JoinKey: Sendable {
    var left: String
    var leftRange: SourceRange
    var right: String
    var rightRange: SourceRange
}

/// A tabular operator after a pipe.
enum Operator: Sendable {
    case filter(Expr)
    case project([NamedExpr])
    case projectAway([(String, SourceRange)])
    case projectRename([(new: String, old: String, range: SourceRange)])
    case extend([NamedExpr])
    case summarize(aggregates: [NamedExpr], by: [NamedExpr])
    case sort([SortKey])
    case top(count: Expr, key: SortKey)
    case take(Expr)
    case distinct([Expr]?)
    case count
    case union(withSource: String?, [Tabular])
    case join(kind: JoinKind, right: Tabular, on: [JoinKey])
    case render(String, [String: String])
}

/// A tabular expression: a source and its piped operators (kept in an array, so a long pipeline
/// neither recurses nor nests).
struct Tabular: Sendable {
    indirect enum Source: Sendable {
        case table(String, SourceRange)
        case union(withSource: String?, [Tabular], SourceRange)
        case nested(Tabular)
    }

    var source: Source
    var operators: [(op: Operator, range: SourceRange)]
}

/// `let` statements and the query they lead to.
struct Query: Sendable {
    enum Statement: Sendable {
        case letScalar(String, SourceRange, Expr)
        case letTabular(String, SourceRange, Tabular)
    }

    var statements: [Statement]
    var body: Tabular
}
