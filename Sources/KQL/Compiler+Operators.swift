import Automation

/// The tabular operators other than `summarize`, `join` and `union`.
extension Compiler {
    mutating func apply(_ op: Operator, to input: Relation, at range: SourceRange) throws(KQLDiagnostic) -> Relation {
        var relation = try compact(input)
        switch op {
        case .filter(let expr):
            // After a summarize the filter goes to an outer query (not HAVING): arg_max's bare
            // columns are only defined in the result.
            if !relation.isPlain { relation = try wrap(relation) }
            let condition = try scalar(expr, in: relation)
            guard condition.type == .bool else {
                throw error("'where' needs a true/false condition, not a \(condition.type.rawValue)", expr.range)
            }
            relation.filters.append(condition.sql)
        case .project(let items):
            // After a summarize: dropping an aggregate would turn the grouping off (no GROUP BY)
            // or free arg_max's bare columns from the maximum's row, so project the result.
            if relation.distinct || relation.groupBy != nil { relation = try wrap(relation) }
            var columns: [Relation.Column] = []
            for (index, item) in items.enumerated() {
                let value = try scalar(item.expr, in: relation)
                let name = try columnName(item, index: index, taken: columns.map(\.name))
                columns.append(.init(name: name, type: value.type, sql: value.sql))
            }
            relation.columns = columns
        case .extend(let items):
            if relation.distinct || relation.groupBy != nil { relation = try wrap(relation) }
            for (index, item) in items.enumerated() {
                let value = try scalar(item.expr, in: relation)
                let name = try columnName(item, index: index, taken: relation.columns.map(\.name))
                let column = Relation.Column(name: name, type: value.type, sql: value.sql)
                if let existing = relation.columns.firstIndex(where: { $0.name == name }) {
                    relation.columns[existing] = column
                } else {
                    relation.columns.append(column)
                }
            }
        case .projectAway(let names):
            if relation.groupBy != nil { relation = try wrap(relation) }
            for (name, nameRange) in names {
                guard relation.column(named: name) != nil else { throw unknownColumn(name, nameRange, in: relation) }
                relation.columns.removeAll { $0.name == name }
            }
        case .projectRename(let pairs):
            for pair in pairs {
                guard let index = relation.columns.firstIndex(where: { $0.name == pair.old }) else {
                    throw unknownColumn(pair.old, pair.range, in: relation)
                }
                relation.columns.removeAll { $0.name == pair.new && $0.name != pair.old }
                if let moved = relation.columns.firstIndex(where: { $0.name == pair.old }) {
                    relation.columns[moved].name = pair.new
                } else {
                    relation.columns[index].name = pair.new
                }
            }
        case .summarize(let aggregates, let by):
            relation = try summarize(relation, aggregates: aggregates, by: by)
        case .sort(let keys):
            if relation.limit != nil || relation.distinct { relation = try wrap(relation) }
            relation.order = try keys.map { (key) throws(KQLDiagnostic) in try orderKey(key, in: relation) }
        case .top(let count, let key):
            if relation.limit != nil || relation.distinct { relation = try wrap(relation) }
            relation.order = [try orderKey(key, in: relation)]
            relation.limit = try rowCount(count)
        case .take(let count):
            let limit = try rowCount(count)
            relation.limit = min(relation.limit ?? limit, limit)
        case .distinct(let expressions):
            if !relation.isPlain { relation = try wrap(relation) }
            if let expressions {
                var columns: [Relation.Column] = []
                for (index, expr) in expressions.enumerated() {
                    let value = try scalar(expr, in: relation)
                    let item = NamedExpr(name: nil, nameRange: nil, expr: expr)
                    columns.append(
                        .init(
                            name: try columnName(item, index: index, taken: columns.map(\.name)), type: value.type,
                            sql: value.sql))
                }
                relation.columns = columns
            }
            relation.distinct = true
            relation.order = []
        case .count:
            if !relation.isPlain { relation = try wrap(relation) }
            relation.columns = [.init(name: "Count", type: .long, sql: "COUNT(*)")]
            relation.groupBy = []
            relation.order = []
        case .union(let withSource, let tables):
            relation = try union(withSource: withSource, [(nil, relation)] + tables.map { ($0, nil) })
        case .join(let kind, let right, let keys):
            relation = try join(relation, kind: kind, right: right, on: keys)
        case .render(let visualization, let properties):
            render = KQLRender(visualization: visualization, properties: properties)
        }
        return relation
    }

    /// The name of a projected or extended item: its own, the column it is, or `ColumnN`.
    func columnName(_ item: NamedExpr, index: Int, taken: [String]) throws(KQLDiagnostic) -> String {
        if let name = item.name { return name }
        if let name = Self.impliedName(item.expr) { return name }
        var number = index + 1
        while taken.contains("Column\(number)") { number += 1 }
        return "Column\(number)"
    }

    /// `Computer` for `Computer` and for `bin(Computer, ...)`-like calls whose first argument is a
    /// column, as Kusto names `summarize ... by bin(TimeGenerated, 1h)`.
    static func impliedName(_ expr: Expr) -> String? {
        switch expr {
        case .name(let name, _): return name
        case .call(let function, let arguments, _) where ["bin", "startofday", "floor"].contains(function):
            if case .name(let name, _)? = arguments.first { return name }
            return nil
        default: return nil
        }
    }

    func unknownColumn(_ name: String, _ range: SourceRange, in relation: Relation) -> KQLDiagnostic {
        let names = relation.columns.map(\.name)
        return error("unknown column '\(name)'\(NameHint.hint(for: name, among: names))", range)
    }

    mutating func orderKey(_ key: SortKey, in relation: Relation) throws(KQLDiagnostic) -> Relation.OrderKey {
        let value = try scalar(key.expr, in: relation)
        return .init(sql: value.sql, descending: key.descending, nullsFirst: key.nullsFirst)
    }

    /// The N of `take N` / `top N`: a constant non-negative long.
    mutating func rowCount(_ expr: Expr) throws(KQLDiagnostic) -> Int {
        let value = try scalar(expr, in: nil)
        guard case .long(let count)? = value.constant, count >= 0, let result = Int(exactly: count) else {
            throw error("expected a non-negative whole number of rows", expr.range)
        }
        return result
    }
}
