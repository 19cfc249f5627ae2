/// `join` and `union`.
extension Compiler {
    mutating func join(
        _ left: Relation, kind: JoinKind, right rightTabular: Tabular, on keys: [JoinKey]
    ) throws(KQLDiagnostic) -> Relation {
        let right = try relation(rightTabular)
        // Each self-join doubles the columns: refused before naming them costs anything (SQLite
        // allows 2,000 columns in a result).
        guard left.columns.count + right.columns.count <= Self.maxColumns else {
            throw error(
                "the join would have \(left.columns.count + right.columns.count) columns; at most \(Self.maxColumns) "
                    + "are allowed (project the columns you need before joining)",
                keys.first?.rightRange ?? .init(offset: 0, length: 0))
        }
        for key in keys {
            guard let leftColumn = left.column(named: key.left) else {
                throw unknownColumn(key.left, key.leftRange, in: left)
            }
            guard let rightColumn = right.column(named: key.right) else {
                throw unknownColumn(key.right, key.rightRange, in: right)
            }
            guard leftColumn.type.isComparable(with: rightColumn.type) else {
                throw error(
                    "join key '\(key.left)' is a \(leftColumn.type.rawValue) on the left and a \(rightColumn.type.rawValue) on the right",
                    key.rightRange)
            }
        }
        let leftIndexes = keys.map { key in left.columns.firstIndex { $0.name == key.left } ?? 0 }
        let rightIndexes = keys.map { key in right.columns.firstIndex { $0.name == key.right } ?? 0 }
        var leftSide = left
        if kind == .innerunique {
            // Kusto's default join keeps one left row per key.
            if !leftSide.isPlain { leftSide = try wrap(leftSide) }
            leftSide.order = []
            let partition = leftIndexes.map { leftSide.columns[$0].sql }.joined(separator: ", ")
            let alias = try nextAlias()
            let items = leftSide.columns.enumerated().map { "\($0.element.sql) AS c\($0.offset)" }
            let numbered = leftSide.select(items: items + ["ROW_NUMBER() OVER (PARTITION BY \(partition)) AS kql_rn"])
            leftSide = Relation(
                from: "(\(numbered)) AS \(alias)",
                columns: leftSide.columns.enumerated().map {
                    .init(name: $0.element.name, type: $0.element.type, sql: "\(alias).c\($0.offset)")
                })
            leftSide.filters = ["\(alias).kql_rn = 1"]
        }
        let leftWrapped = try wrap(leftSide)
        let rightWrapped = try wrap(right)
        let condition = zip(leftIndexes, rightIndexes).map {
            "\(leftWrapped.columns[$0.0].sql) = \(rightWrapped.columns[$0.1].sql)"
        }.joined(separator: " AND ")
        let rightFrom = rightWrapped.from
        switch kind {
        case .leftanti:
            var result = Relation(from: leftWrapped.from, columns: leftWrapped.columns)
            result.filters = ["NOT EXISTS (SELECT 1 FROM \(rightFrom) WHERE \(condition))"]
            return result
        case .inner, .innerunique, .leftouter:
            var result = Relation(
                from: "\(leftWrapped.from) \(kind == .leftouter ? "LEFT JOIN" : "JOIN") \(rightFrom) ON \(condition)",
                columns: leftWrapped.columns)
            var names = UniqueNames(result.columns.map(\.name))
            for column in rightWrapped.columns {
                result.columns.append(.init(name: names.claim(column.name), type: column.type, sql: column.sql))
            }
            return result
        }
    }

    /// `union A, B` (or `A | union B`): every column of every input, by name, NULL where an input
    /// lacks it; `withsource=Name` adds the input's table name first.
    mutating func union(withSource: String?, _ inputs: [(Tabular?, Relation?)]) throws(KQLDiagnostic) -> Relation {
        var branches: [(relation: Relation, name: String)] = []
        for (index, input) in inputs.enumerated() {
            if let relation = input.1 {
                branches.append((relation, "union_arg\(index)"))
            } else if let tabular = input.0 {
                var name = "union_arg\(index)"
                if tabular.operators.isEmpty, case .table(let table, _) = tabular.source { name = table }
                branches.append((try relation(tabular), name))
            }
        }
        var columns: [(name: String, type: KQLType)] = []
        if let withSource { columns.append((withSource, .string)) }
        for branch in branches {
            for column in branch.relation.columns where !columns.contains(where: { $0.name == column.name }) {
                columns.append((column.name, column.type))
            }
        }
        var selects: [String] = []
        for var branch in branches {
            if branch.relation.limit != nil || !branch.relation.order.isEmpty {
                branch.relation = try wrap(branch.relation)
                branch.relation.order = []
            }
            var items: [String] = []
            for (index, column) in columns.enumerated() {
                if index == 0, withSource != nil {
                    items.append("\(bind(.string(branch.name))) AS c0")
                } else if let own = branch.relation.column(named: column.name) {
                    items.append("\(own.sql) AS c\(index)")
                } else {
                    items.append("NULL AS c\(index)")
                }
            }
            selects.append(branch.relation.select(items: items))
            try checkBudget(bytes: selects.reduce(0) { $0 + $1.utf8.count }, at: SourceRange(offset: 0, length: 0))
        }
        let alias = try nextAlias()
        return Relation(
            from: "(\(selects.joined(separator: " UNION ALL "))) AS \(alias)",
            columns: columns.enumerated().map {
                .init(name: $0.element.name, type: $0.element.type, sql: "\(alias).c\($0.offset)")
            })
    }
}
