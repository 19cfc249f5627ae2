import Automation

/// A recursive-descent parser for the supported KQL subset. Nesting is bounded (`maxDepth`), so
/// 10,000 parentheses are an error, not a stack overflow.
struct Parser {
    static let maxDepth = 200

    static let tabularOperators = [
        "where", "filter", "project", "project-away", "project-rename", "extend", "summarize", "order", "sort",
        "top", "take", "limit", "distinct", "count", "union", "join", "render",
    ]

    /// Word operators between two scalars.
    static let wordOperators: Set<String> = [
        "has", "!has", "has_cs", "!has_cs", "contains", "!contains", "contains_cs", "!contains_cs",
        "startswith", "!startswith", "startswith_cs", "!startswith_cs", "endswith", "!endswith",
        "endswith_cs", "!endswith_cs",
    ]

    var tokens: [Token]
    let source: SourceText
    var position = 0
    var depth = 0

    init(tokens: [Token], source: SourceText) {
        self.tokens = tokens
        self.source = source
    }

    static func parse(_ text: String) throws(KQLDiagnostic) -> (Query, SourceText) {
        let (tokens, source) = try Lexer.tokens(of: text)
        var parser = Parser(tokens: tokens, source: source)
        return (try parser.query(), source)
    }

    // MARK: - Tokens

    var current: Token { tokens[position] }
    func peek(_ ahead: Int) -> Token { tokens[min(position + ahead, tokens.count - 1)] }

    mutating func advance() -> Token {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    func error(_ message: String, _ range: SourceRange? = nil) -> KQLDiagnostic {
        source.diagnostic(message, at: range ?? current.range, kind: .syntax)
    }

    func describe(_ token: Token) -> String {
        switch token.kind {
        case .end: return "the end of the query"
        case .string: return "a string"
        default: return "'\(token.text)'"
        }
    }

    mutating func expectSymbol(_ symbol: String, _ context: String) throws(KQLDiagnostic) {
        guard current.isSymbol(symbol) else {
            throw error("expected '\(symbol)' \(context), found \(describe(current))")
        }
        _ = advance()
    }

    mutating func acceptSymbol(_ symbol: String) -> Bool {
        guard current.isSymbol(symbol) else { return false }
        _ = advance()
        return true
    }

    mutating func acceptWord(_ word: String) -> Bool {
        guard current.isWord(word) else { return false }
        _ = advance()
        return true
    }

    mutating func name(_ context: String) throws(KQLDiagnostic) -> (String, SourceRange) {
        guard current.kind == .identifier || current.kind == .quotedIdentifier else {
            throw error("expected a name \(context), found \(describe(current))")
        }
        let token = advance()
        return (token.text, token.range)
    }

    mutating func enter() throws(KQLDiagnostic) {
        depth += 1
        guard depth <= Self.maxDepth else {
            throw error("the query is nested too deeply (more than \(Self.maxDepth) levels)")
        }
    }

    // MARK: - Statements

    mutating func query() throws(KQLDiagnostic) -> Query {
        var statements: [Query.Statement] = []
        while current.isWord("let") {
            _ = advance()
            let (name, range) = try name("after 'let'")
            try expectSymbol("=", "after 'let \(name)'")
            if startsTabular() {
                statements.append(.letTabular(name, range, try tabular()))
            } else {
                statements.append(.letScalar(name, range, try expression()))
            }
            try expectSymbol(";", "after a 'let' statement")
        }
        guard current.kind != .end else { throw error("expected a tabular expression, found the end of the query") }
        let body = try tabular()
        while acceptSymbol(";") {}
        guard current.kind == .end else {
            if current.kind == .identifier, Self.tabularOperators.contains(current.text) {
                throw error("expected '|' before '\(current.text)'")
            }
            throw error("expected '|' or the end of the query, found \(describe(current))")
        }
        return Query(statements: statements, body: body)
    }

    /// A `let` right-hand side is tabular when it starts with `union`, a parenthesis, or a name
    /// followed by a pipe or the end of the statement.
    func startsTabular() -> Bool {
        if current.isWord("union") || current.isSymbol("(") { return current.isWord("union") || parenthesisedTabular() }
        guard current.kind == .identifier || current.kind == .quotedIdentifier else { return false }
        return peek(1).isSymbol("|") || peek(1).isSymbol(";")
    }

    /// `(T | ...)`: a parenthesis whose first token is a name followed by a pipe.
    func parenthesisedTabular() -> Bool {
        peek(1).kind == .identifier && peek(2).isSymbol("|")
    }

    // MARK: - Tabular expressions

    mutating func tabular() throws(KQLDiagnostic) -> Tabular {
        try enter()
        defer { depth -= 1 }
        var result = Tabular(source: try tabularSource(), operators: [])
        while current.isSymbol("|") {
            let pipe = advance()
            result.operators.append((try tabularOperator(), pipe.range))
        }
        return result
    }

    mutating func tabularSource() throws(KQLDiagnostic) -> Tabular.Source {
        if current.isSymbol("(") {
            _ = advance()
            let inner = try tabular()
            try expectSymbol(")", "to close a tabular expression")
            return .nested(inner)
        }
        if current.isWord("union") {
            let start = advance().range
            let (source, tables) = try unionArguments()
            return .union(withSource: source, tables, start)
        }
        guard current.kind == .identifier || current.kind == .quotedIdentifier else {
            throw error("expected a table name, found \(describe(current))")
        }
        let token = advance()
        return .table(token.text, token.range)
    }

    mutating func unionArguments() throws(KQLDiagnostic) -> (String?, [Tabular]) {
        var withSource: String?
        while current.kind == .identifier, peek(1).isSymbol("=") {
            let (option, range) = try name("")
            _ = advance()
            switch option {
            case "withsource": withSource = try name("after 'withsource='").0
            case "kind", "isfuzzy": _ = advance()
            default: throw error("unknown union option '\(option)'; expected withsource, kind or isfuzzy", range)
            }
        }
        var tables = [Tabular(source: try tabularSource(), operators: [])]
        while acceptSymbol(",") { tables.append(Tabular(source: try tabularSource(), operators: [])) }
        return (withSource, tables)
    }

    mutating func tabularOperator() throws(KQLDiagnostic) -> Operator {
        let token = current
        guard token.kind == .identifier else {
            throw error("expected a tabular operator after '|', found \(describe(token))")
        }
        _ = advance()
        switch token.text {
        case "where", "filter":
            return .filter(try expression())
        case "project":
            return .project(try namedList())
        case "extend":
            return .extend(try namedList())
        case "project-away":
            var names = [try name("after 'project-away'")]
            while acceptSymbol(",") { names.append(try name("in 'project-away'")) }
            return .projectAway(names)
        case "project-rename":
            var pairs: [(new: String, old: String, range: SourceRange)] = []
            repeat {
                let (new, _) = try name("in 'project-rename'")
                try expectSymbol("=", "in 'project-rename' (new = old)")
                let (old, range) = try name("in 'project-rename'")
                pairs.append((new, old, range))
            } while acceptSymbol(",")
            return .projectRename(pairs)
        case "summarize":
            return try summarize(token)
        case "order", "sort":
            guard acceptWord("by") else { throw error("expected 'by' after '\(token.text)'") }
            var keys = [try sortKey()]
            while acceptSymbol(",") { keys.append(try sortKey()) }
            return .sort(keys)
        case "top":
            let count = try expression()
            guard acceptWord("by") else { throw error("expected 'by' in 'top N by column'") }
            return .top(count: count, key: try sortKey())
        case "take", "limit":
            return .take(try expression())
        case "distinct":
            if acceptSymbol("*") { return .distinct(nil) }
            var columns = [try expression()]
            while acceptSymbol(",") { columns.append(try expression()) }
            return .distinct(columns)
        case "count":
            return .count
        case "union":
            let (source, tables) = try unionArguments()
            return .union(withSource: source, tables)
        case "join":
            return try join(token)
        case "render":
            return try render()
        default:
            let hint = NameHint.hint(for: token.text, among: Self.tabularOperators)
            let list =
                hint.hasPrefix(" (")
                ? hint + "; supported: " + Self.tabularOperators.joined(separator: ", ")
                : "; supported: " + Self.tabularOperators.joined(separator: ", ")
            throw error("unknown or unsupported tabular operator '\(token.text)'\(list)", token.range)
        }
    }

    mutating func namedList() throws(KQLDiagnostic) -> [NamedExpr] {
        var items = [try namedExpr()]
        while acceptSymbol(",") { items.append(try namedExpr()) }
        return items
    }

    mutating func namedExpr() throws(KQLDiagnostic) -> NamedExpr {
        if current.kind == .identifier || current.kind == .quotedIdentifier, peek(1).isSymbol("=") {
            let token = advance()
            _ = advance()
            return NamedExpr(name: token.text, nameRange: token.range, expr: try expression())
        }
        return NamedExpr(name: nil, nameRange: nil, expr: try expression())
    }

    mutating func summarize(_ token: Token) throws(KQLDiagnostic) -> Operator {
        var aggregates: [NamedExpr] = []
        if !current.isWord("by") {
            guard !current.isSymbol("|"), current.kind != .end else {
                throw error("'summarize' needs an aggregate (count(), sum(x), ...) or a 'by' clause", token.range)
            }
            aggregates = try namedList()
        }
        var by: [NamedExpr] = []
        if acceptWord("by") { by = try namedList() }
        return .summarize(aggregates: aggregates, by: by)
    }

    mutating func sortKey() throws(KQLDiagnostic) -> SortKey {
        let expr = try expression()
        var descending = true
        if acceptWord("asc") {
            descending = false
        } else if acceptWord("desc") {
            descending = true
        }
        var nullsFirst: Bool?
        if acceptWord("nulls") {
            if acceptWord("first") {
                nullsFirst = true
            } else if acceptWord("last") {
                nullsFirst = false
            } else {
                throw error("expected 'first' or 'last' after 'nulls'")
            }
        }
        return SortKey(expr: expr, descending: descending, nullsFirst: nullsFirst)
    }

    mutating func join(_ token: Token) throws(KQLDiagnostic) -> Operator {
        var kind = JoinKind.innerunique
        while current.kind == .identifier, peek(1).isSymbol("=") || current.text.hasPrefix("hint.") {
            let (option, range) = try name("")
            try expectSymbol("=", "after '\(option)'")
            let value = advance()
            if option == "kind" {
                guard let parsed = JoinKind(rawValue: value.text) else {
                    throw error(
                        "unsupported join kind '\(value.text)'; supported: inner, innerunique, leftouter, leftanti",
                        value.range)
                }
                kind = parsed
            } else if !option.hasPrefix("hint") {
                throw error("unknown join option '\(option)'; expected kind", range)
            }
        }
        let rightTabular = Tabular(source: try tabularSource(), operators: [])
        guard acceptWord("on") else {
            throw error("'join' needs 'on' with the key columns (on Key, or on $left.A == $right.B)", token.range)
        }
        var keys = [try joinKey()]
        while acceptSymbol(",") { keys.append(try joinKey()) }
        return .join(kind: kind, right: rightTabular, on: keys)
    }

    mutating func joinKey() throws(KQLDiagnostic) -> JoinKey {
        if current.isWord("$left") || current.isWord("$right") {
            let first = try sideColumn()
            try expectSymbol("==", "between the join's $left and $right columns")
            let second = try sideColumn()
            guard first.side != second.side else {
                throw error("a join key compares a $left column with a $right column", second.range)
            }
            let (left, right) = first.side == "$left" ? (first, second) : (second, first)
            return JoinKey(left: left.name, leftRange: left.range, right: right.name, rightRange: right.range)
        }
        let (column, range) = try name("after 'on'")
        return JoinKey(left: column, leftRange: range, right: column, rightRange: range)
    }

    mutating func sideColumn() throws(KQLDiagnostic) -> (side: String, name: String, range: SourceRange) {
        let side = try name("in a join key").0
        guard side == "$left" || side == "$right" else { throw error("expected $left or $right") }
        try expectSymbol(".", "after \(side)")
        let (column, range) = try name("after '\(side).'")
        return (side, column, range)
    }

    mutating func render() throws(KQLDiagnostic) -> Operator {
        let (visualization, _) = try name("after 'render'")
        var properties: [String: String] = [:]
        if acceptWord("with") {
            try expectSymbol("(", "after 'render ... with'")
            repeat {
                let (key, _) = try name("in 'render ... with (...)'")
                try expectSymbol("=", "after '\(key)'")
                let value = advance()
                guard value.kind != .end, value.kind != .symbol else {
                    throw error("expected a value for '\(key)'", value.range)
                }
                properties[key] = value.text
            } while acceptSymbol(",")
            try expectSymbol(")", "to close 'render ... with ('")
        }
        guard current.kind == .end || current.isSymbol(";") else {
            throw error("'render' must be the last operator of the query")
        }
        return .render(visualization, properties)
    }
}
