/// `summarize` and its aggregates.
extension Compiler {
    static let aggregateFunctions = [
        "count", "countif", "dcount", "sum", "avg", "min", "max", "arg_max", "arg_min", "make_set", "make_list", "any",
    ]

    static let aggregatePrefixes = [
        "count": "count_", "countif": "countif_", "dcount": "dcount_", "sum": "sum_", "avg": "avg_", "min": "min_",
        "max": "max_", "make_set": "set_", "make_list": "list_", "any": "any_",
    ]

    mutating func summarize(
        _ input: Relation, aggregates: [NamedExpr], by: [NamedExpr]
    ) throws(KQLDiagnostic) -> Relation {
        var relation = input.isPlain ? input : try wrap(input)
        relation.order = []
        var columns: [Relation.Column] = []
        var groupBy: [String] = []
        var names: [String] = []
        func unique(_ name: String) -> String {
            guard names.contains(name) else { return name }
            var suffix = 1
            while names.contains("\(name)\(suffix)") { suffix += 1 }
            return "\(name)\(suffix)"
        }
        for (index, item) in by.enumerated() {
            let value = try scalar(item.expr, in: relation)
            let name = unique(try columnName(item, index: index, taken: names))
            names.append(name)
            columns.append(.init(name: name, type: value.type, sql: value.sql))
            groupBy.append(value.sql)
        }
        let hasArgExtremum = aggregates.contains {
            if case .call(let name, _, _) = $0.expr { return name == "arg_max" || name == "arg_min" }
            return false
        }
        extremumCount = 0
        lastExtremumKey = nil
        anyIsBare = hasArgExtremum
        defer {
            allowAggregates = false
            anyIsBare = false
        }
        var argRange: SourceRange?
        for (index, item) in aggregates.enumerated() {
            if case .call(let function, let arguments, let callRange) = item.expr,
                function == "arg_max" || function == "arg_min"
            {
                argRange = callRange
                for column in try argExtremum(
                    function, arguments, callRange, name: item.name, byNames: names, in: relation)
                {
                    let name = unique(column.name)
                    names.append(name)
                    columns.append(.init(name: name, type: column.type, sql: column.sql))
                }
                continue
            }
            allowAggregates = true
            let value = try scalar(item.expr, in: relation)
            allowAggregates = false
            guard value.aggregated else {
                throw error(
                    "'summarize' expects an aggregate such as count(), sum(x) or arg_max(x, *) here; supported: \(Self.aggregateFunctions.joined(separator: ", "))",
                    item.expr.range)
            }
            var name = item.name ?? Self.aggregateName(item.expr) ?? "Column\(index + 1)"
            name = unique(name)
            names.append(name)
            columns.append(.init(name: name, type: value.type, sql: value.sql))
        }
        if let argRange, extremumCount > 1 {
            throw error(
                "arg_max()/arg_min() cannot be combined with another min(), max(), arg_max() or arg_min() in the same 'summarize'; use two summarize operators and a join",
                argRange)
        }
        if aggregates.count == 1, hasArgExtremum, let rowKey = relation.rowKey, let key = lastExtremumKey {
            return Self.lateArgExtremum(relation, columns: columns, groupBy: groupBy, rowKey: rowKey, key: key)
        }
        relation.columns = columns
        relation.groupBy = groupBy
        relation.rowKey = nil
        return relation
    }

    /// `summarize arg_max(k, *) by g` over a table's own rows: the winners' row keys come from a
    /// narrow `GROUP BY` (key, k and g only), then the other columns are computed for those rows
    /// alone. SQLite's bare-column rule would evaluate every column for every new maximum and
    /// sort whole rows; this sorts three values a row.
    static func lateArgExtremum(
        _ relation: Relation, columns: [Relation.Column], groupBy: [String], rowKey: String,
        key: (sql: String, aggregate: String)
    ) -> Relation {
        var inner = "SELECT \(rowKey) AS k, \(key.aggregate) FROM \(relation.from)"
        if !relation.filters.isEmpty { inner += " WHERE " + Relation.conjunction(relation.filters) }
        if !groupBy.isEmpty { inner += " GROUP BY " + groupBy.joined(separator: ", ") }
        var result = relation
        result.filters = ["\(rowKey) IN (SELECT k FROM (\(inner)))"]
        // The winner's own key value stands for MAX(k): it is that maximum.
        result.columns = columns.map { column in
            column.sql == key.aggregate ? .init(name: column.name, type: column.type, sql: key.sql) : column
        }
        result.groupBy = nil
        result.order = []
        result.rowKey = nil
        return result
    }

    /// `count_`, `avg_Duration`, ... as Kusto names an unnamed aggregate.
    static func aggregateName(_ expr: Expr) -> String? {
        guard case .call(let function, let arguments, _) = expr, let prefix = aggregatePrefixes[function] else {
            return nil
        }
        if function == "count" || function == "countif" { return prefix }
        return prefix + (arguments.first.flatMap(impliedName) ?? "")
    }

    /// The columns of `arg_max(key, a, b)` / `arg_max(key, *)`: the key's `MAX`, and the other
    /// columns bare, which SQLite takes from the row of that maximum.
    mutating func argExtremum(
        _ function: String, _ arguments: [Expr], _ range: SourceRange, name: String?, byNames: [String],
        in relation: Relation
    ) throws(KQLDiagnostic) -> [Relation.Column] {
        guard let keyExpr = arguments.first, arguments.count >= 2 else {
            throw error(
                "'\(function)' takes the expression to \(function == "arg_max" ? "maximize" : "minimize") and the columns to return (or *)",
                range)
        }
        let key = try scalar(keyExpr, in: relation)
        extremumCount += 1
        let keyName = name ?? Self.impliedName(keyExpr) ?? (function == "arg_max" ? "max_" : "min_")
        let aggregate = "\(function == "arg_max" ? "MAX" : "MIN")(\(key.sql))"
        lastExtremumKey = (key.sql, aggregate)
        var columns: [Relation.Column] = [.init(name: keyName, type: key.type, sql: aggregate)]
        for (index, argument) in arguments.dropFirst().enumerated() {
            if case .star = argument {
                // Kusto's * leaves out the key and the `by` columns, which the result already has.
                for column in relation.columns where column.name != keyName && !byNames.contains(column.name) {
                    columns.append(column)
                }
                continue
            }
            let value = try scalar(argument, in: relation)
            let item = NamedExpr(name: nil, nameRange: nil, expr: argument)
            columns.append(
                .init(
                    name: try columnName(item, index: index + 1, taken: columns.map(\.name)), type: value.type,
                    sql: value.sql))
        }
        return columns
    }

    mutating func aggregate(
        _ name: String, _ arguments: [Expr], _ range: SourceRange, in relation: Relation?
    ) throws(KQLDiagnostic) -> Scalar {
        if name == "arg_max" || name == "arg_min" {
            throw error(
                "'\(name)' must be a whole item of 'summarize' (summarize arg_max(TimeGenerated, *) by Computer)", range
            )
        }
        allowAggregates = false
        defer { allowAggregates = true }
        var values: [Scalar] = []
        for argument in arguments { values.append(try scalar(argument, in: relation)) }
        func at(_ index: Int) -> SourceRange { index < arguments.count ? arguments[index].range : range }
        switch name {
        case "count":
            try expectCount(name, values, 0...1, range)
            return Scalar(sql: values.isEmpty ? "COUNT(*)" : "COUNT(\(values[0].sql))", type: .long, aggregated: true)
        case "countif":
            try expectCount(name, values, 1...1, range)
            try expectType(name, values[0], [.bool], at(0))
            return Scalar(sql: "COUNT(CASE WHEN \(values[0].sql) THEN 1 END)", type: .long, aggregated: true)
        case "dcount":
            try expectCount(name, values, 1...2, range)
            return Scalar(sql: "COUNT(DISTINCT \(values[0].sql))", type: .long, aggregated: true)
        case "sum", "avg":
            try expectCount(name, values, 1...1, range)
            try expectType(name, values[0], [.long, .int, .real, .timespan, .bool], at(0))
            let type: KQLType =
                values[0].type == .timespan
                ? .timespan : name == "avg" ? .real : values[0].type == .real ? .real : .long
            return Scalar(sql: "\(name == "sum" ? "SUM" : "AVG")(\(values[0].sql))", type: type, aggregated: true)
        case "min", "max":
            try expectCount(name, values, 1...1, range)
            extremumCount += 1
            return Scalar(sql: "\(name.uppercased())(\(values[0].sql))", type: values[0].type, aggregated: true)
        case "make_set", "make_list":
            try expectCount(name, values, 1...2, range)
            let element = try jsonElement(values[0], at(0))
            let distinct = name == "make_set" ? "DISTINCT " : ""
            return Scalar(
                sql: "json_group_array(\(distinct)\(element)) FILTER (WHERE \(values[0].sql) IS NOT NULL)",
                type: .dynamic, aggregated: true)
        default:  // any
            try expectCount(name, values, 1...1, range)
            if anyIsBare { return Scalar(sql: values[0].sql, type: values[0].type, aggregated: true) }
            return Scalar(sql: "MIN(\(values[0].sql))", type: values[0].type, aggregated: true)
        }
    }

    /// A value as an element of a JSON array built by `make_set` / `make_list`.
    func jsonElement(_ value: Scalar, _ range: SourceRange) throws(KQLDiagnostic) -> String {
        switch value.type {
        case .dynamic: return "json(\(value.sql))"
        case .bool: return "json(CASE WHEN \(value.sql) THEN 'true' ELSE 'false' END)"
        case .datetime, .timespan: return try text(value, range)
        default: return value.sql
        }
    }
}
