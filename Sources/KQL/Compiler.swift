import Automation
import Foundation

/// Compiles a parsed query to one SQL statement over the schema's sources.
struct Compiler {
    /// Subqueries a query may stack up (each operator that cannot extend the current `SELECT` adds
    /// one); past it the query is refused rather than built in quadratic time.
    static let maxSubqueries = 256
    /// A column whose SQL grew past this is materialized by a subquery before it is used again, so
    /// `extend a = b + b | extend c = a + a | ...` does not double the SQL at each step.
    static let maxInlineSQL = 4_096
    /// The compile budget: SQL a query may compile to, counting every expansion of a `let`
    /// (`let x1 = x0 | union x0;` doubles it). Past it the query is refused while compiling,
    /// before the string (or SQLite's parse of it) costs memory.
    static let maxSQLBytes = 4 << 20
    /// Columns a relation may have (SQLite's own limit on a result).
    static let maxColumns = 2_000

    let schema: KQLSchema
    let options: KQLOptions
    let source: SourceText
    var arguments: [KQLValue] = []
    var aliasCount = 0
    var scalarLets: [String: Scalar] = [:]
    var tabularLets: [String: Relation] = [:]
    var render: KQLRender?
    /// Inside a `summarize` aggregate item.
    var allowAggregates = false
    /// `min`/`max` calls in the current `summarize` (SQLite keeps arg_max's other columns from the
    /// row of the one `max`, so there may be no other).
    var extremumCount = 0
    /// The key of the current summarize's arg_max/arg_min: its expression and its MAX/MIN.
    var lastExtremumKey: (sql: String, aggregate: String)?
    /// `any(x)` is x taken from the row of the arg_max/arg_min of the same summarize.
    var anyIsBare = false

    init(schema: KQLSchema, options: KQLOptions, source: SourceText) {
        self.schema = schema
        self.options = options
        self.source = source
    }

    func error(_ message: String, _ range: SourceRange, kind: KQLDiagnostic.Kind = .semantic) -> KQLDiagnostic {
        source.diagnostic(message, at: range, kind: kind)
    }

    /// A bound parameter (`?N`).
    mutating func bind(_ value: KQLValue) -> String {
        arguments.append(value)
        return "?\(arguments.count)"
    }

    /// Refuses SQL past the compile budget, pointing at the part of the query that built it.
    func checkBudget(_ sql: String, at range: SourceRange) throws(KQLDiagnostic) {
        try checkBudget(bytes: sql.utf8.count, at: range)
    }

    func checkBudget(bytes: Int, at range: SourceRange) throws(KQLDiagnostic) {
        guard bytes > Self.maxSQLBytes else { return }
        throw error(
            "the query compiles to more than \(Self.maxSQLBytes >> 20) MiB of SQL, the compile budget (each use of a "
                + "'let' name counts as what it stands for); simplify it", range)
    }

    mutating func nextAlias() throws(KQLDiagnostic) -> String {
        aliasCount += 1
        guard aliasCount <= Self.maxSubqueries else {
            throw source.diagnostic(
                "the query needs more than \(Self.maxSubqueries) subqueries; simplify it",
                at: SourceRange(offset: 0, length: 0), kind: .semantic)
        }
        return "t\(aliasCount)"
    }

    // MARK: - Query

    mutating func compile(_ query: Query) throws(KQLDiagnostic) -> CompiledQuery {
        for statement in query.statements {
            switch statement {
            case .letScalar(let name, _, let expr):
                scalarLets[name] = try scalar(expr, in: nil)
                tabularLets[name] = nil
            case .letTabular(let name, _, let tabular):
                if tabular.operators.isEmpty, case .table(let other, let range) = tabular.source,
                    schema.table(named: other) == nil, tabularLets[other] == nil
                {
                    scalarLets[name] = try scalar(.name(other, range), in: nil)
                    tabularLets[name] = nil
                } else {
                    tabularLets[name] = try relation(tabular)
                    scalarLets[name] = nil
                }
            }
        }
        var result = try relation(query.body)
        let cap = options.rowLimit < Int.max ? options.rowLimit + 1 : Int.max
        result.limit = min(result.limit ?? cap, cap)
        let sql = result.select(items: result.columns.map(\.sql))
        try checkBudget(sql, at: SourceRange(offset: 0, length: 0))
        let (positional, values) = Self.positionalParameters(sql, arguments)
        return CompiledQuery(
            sql: positional, arguments: values,
            columns: result.columns.map { KQLResultColumn(name: $0.name, type: $0.type) }, render: render,
            rowLimit: options.rowLimit)
    }

    /// Turns the `?N` references into plain positional `?`s, each with its own copy of the
    /// argument, in the order they appear (a column's SQL may be inlined twice; a `project-away`
    /// may drop one). Plain `?`s cost SQLite nothing to number, where `?N` are looked up one by one.
    static func positionalParameters(_ sql: String, _ arguments: [KQLValue]) -> (String, [KQLValue]) {
        let bytes = Array(sql.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var values: [KQLValue] = []
        var index = 0
        while index < bytes.count {
            guard bytes[index] == 0x3F else {
                output.append(bytes[index])
                index += 1
                continue
            }
            var end = index + 1
            var number = 0
            while end < bytes.count, bytes[end] >= 0x30, bytes[end] <= 0x39, number <= arguments.count {
                number = number * 10 + Int(bytes[end] - 0x30)
                end += 1
            }
            output.append(0x3F)
            if number >= 1, number <= arguments.count { values.append(arguments[number - 1]) }
            index = end
        }
        return (String(decoding: output, as: UTF8.self), values)
    }

    // MARK: - Relations

    mutating func relation(_ tabular: Tabular) throws(KQLDiagnostic) -> Relation {
        var result: Relation
        switch tabular.source {
        case .table(let name, let range):
            result = try table(name, range)
        case .nested(let inner):
            result = try relation(inner)
        case .union(let withSource, let tables, _):
            result = try union(withSource: withSource, tables.map { ($0, nil) })
        }
        for (op, range) in tabular.operators {
            result = try apply(op, to: result, at: range)
        }
        return result
    }

    mutating func table(_ name: String, _ range: SourceRange) throws(KQLDiagnostic) -> Relation {
        if let relation = tabularLets[name] { return relation }
        guard let table = schema.table(named: name) else {
            let names = schema.tables.map(\.name) + tabularLets.keys.sorted()
            throw error("unknown table '\(name)'\(NameHint.hint(for: name, among: names))", range)
        }
        var relation = Relation(
            from: table.source, columns: table.columns.map { .init(name: $0.name, type: $0.type, sql: $0.sql) })
        relation.rowKey = table.rowKey
        if let timespan = options.timespan, let time = relation.column(named: "TimeGenerated"), time.type == .datetime {
            let start = bind(.datetime(timespan.start))
            let end = bind(.datetime(timespan.end))
            relation.filters.append("\(time.sql) >= \(start) AND \(time.sql) <= \(end)")
        }
        return relation
    }

    /// The relation as a subquery, its columns `tN.c0` ...; an order survives as extra result
    /// items the outer query sorts by.
    mutating func wrap(_ relation: Relation) throws(KQLDiagnostic) -> Relation {
        let alias = try nextAlias()
        var items = relation.columns.enumerated().map { "\($0.element.sql) AS c\($0.offset)" }
        var order: [Relation.OrderKey] = []
        if !relation.distinct {
            for (index, key) in relation.order.enumerated() {
                items.append("\(key.sql) AS o\(index)")
                order.append(.init(sql: "\(alias).o\(index)", descending: key.descending, nullsFirst: key.nullsFirst))
            }
        }
        let inner = relation.select(items: items)
        try checkBudget(inner, at: SourceRange(offset: 0, length: 0))
        var wrapped = Relation(
            from: "(\(inner)) AS \(alias)",
            columns: relation.columns.enumerated().map {
                .init(name: $0.element.name, type: $0.element.type, sql: "\(alias).c\($0.offset)")
            })
        wrapped.order = order
        return wrapped
    }

    /// The relation, wrapped first when a column's SQL has grown long. The subquery is marked
    /// so that SQLite keeps it (`OFFSET 0`): its query flattener would otherwise put each
    /// column's expression back wherever the outer query names it, and `extend a = strcat(a, a)`
    /// forty times would build an expression tree of 2^40 nodes while preparing (it took 24 GB).
    mutating func compact(_ relation: Relation) throws(KQLDiagnostic) -> Relation {
        guard relation.columns.contains(where: { $0.sql.utf8.count > Self.maxInlineSQL }) else { return relation }
        var kept = relation
        kept.keepAsSubquery = true
        return try wrap(kept)
    }
}
