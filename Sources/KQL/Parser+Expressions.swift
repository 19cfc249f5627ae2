/// Scalar expressions, loosest first: `or`, `and`, comparisons and string operators, `+ -`,
/// `* / %`, unary minus, then literals, names, calls and parentheses.
extension Parser {
    mutating func expression() throws(KQLDiagnostic) -> Expr {
        try enter()
        defer { depth -= 1 }
        let first = try conjunction()
        guard current.isWord("or") else { return first }
        var operands = [first]
        while acceptWord("or") { operands.append(try conjunction()) }
        return .logical(op: "or", operands, first.range)
    }

    private mutating func conjunction() throws(KQLDiagnostic) -> Expr {
        let first = try comparison()
        guard current.isWord("and") else { return first }
        var operands = [first]
        while acceptWord("and") { operands.append(try comparison()) }
        return .logical(op: "and", operands, first.range)
    }

    private mutating func comparison() throws(KQLDiagnostic) -> Expr {
        let left = try additive()
        let token = current
        if token.kind == .symbol, ["==", "!=", "<", "<=", ">", ">=", "=~", "!~", "<>"].contains(token.text) {
            _ = advance()
            let op = token.text == "<>" ? "!=" : token.text
            return .binary(op: op, left, try additive(), token.range)
        }
        if token.kind == .identifier || token.kind == .bangWord {
            if Self.wordOperators.contains(token.text) {
                _ = advance()
                return .binary(op: token.text, left, try additive(), token.range)
            }
            switch token.text {
            case "in", "!in", "in~", "!in~":
                _ = advance()
                try expectSymbol("(", "after '\(token.text)'")
                var items: [Expr] = []
                if !current.isSymbol(")") {
                    repeat { items.append(try additive()) } while acceptSymbol(",")
                }
                try expectSymbol(")", "to close the '\(token.text)' list")
                return .inList(op: token.text, left, items, token.range)
            case "between", "!between":
                _ = advance()
                try expectSymbol("(", "after '\(token.text)'")
                let low = try additive()
                try expectSymbol("..", "between the bounds of '\(token.text)' (a .. b)")
                let high = try additive()
                try expectSymbol(")", "to close '\(token.text)'")
                return .between(negated: token.text == "!between", left, low, high, token.range)
            case "matches":
                _ = advance()
                guard acceptWord("regex") else { throw error("expected 'regex' after 'matches'") }
                return .binary(op: "matches regex", left, try additive(), token.range)
            default:
                if token.kind == .bangWord {
                    throw error(
                        "unknown operator '\(token.text)'; supported: !in, !in~, !has, !contains, !contains_cs, !startswith, !endswith, !between"
                    )
                }
            }
        }
        return left
    }

    private mutating func additive() throws(KQLDiagnostic) -> Expr {
        var left = try multiplicative()
        var chain = 0
        while current.isSymbol("+") || current.isSymbol("-") {
            let token = advance()
            chain += 1
            guard depth + chain <= Self.maxDepth else {
                throw error("the expression is nested too deeply", token.range)
            }
            left = .binary(op: token.text, left, try multiplicative(), token.range)
        }
        return left
    }

    private mutating func multiplicative() throws(KQLDiagnostic) -> Expr {
        var left = try unary()
        var chain = 0
        while current.isSymbol("*") || current.isSymbol("/") || current.isSymbol("%") {
            let token = advance()
            chain += 1
            guard depth + chain <= Self.maxDepth else {
                throw error("the expression is nested too deeply", token.range)
            }
            left = .binary(op: token.text, left, try unary(), token.range)
        }
        return left
    }

    private mutating func unary() throws(KQLDiagnostic) -> Expr {
        if current.isSymbol("-") || current.isSymbol("+") {
            let token = advance()
            try enter()
            defer { depth -= 1 }
            let operand = try unary()
            return token.text == "-" ? .unary(op: "-", operand, token.range) : operand
        }
        return try primary()
    }

    private mutating func primary() throws(KQLDiagnostic) -> Expr {
        let token = current
        switch token.kind {
        case .string:
            _ = advance()
            // Adjacent string literals are one string, as in Kusto.
            var text = token.text
            while current.kind == .string { text += advance().text }
            return .string(text, token.range)
        case .long:
            _ = advance()
            return .long(token.integer, token.range)
        case .real:
            _ = advance()
            return .real(token.number, token.range)
        case .timespan:
            _ = advance()
            return .timespan(token.number, token.range)
        case .datetime:
            _ = advance()
            return .datetime(token.text, token.range)
        case .timespanCall:
            _ = advance()
            var lexer = Lexer(token.text)
            guard let inner = try? lexer.next(), inner.kind == .timespan || inner.kind == .long,
                (try? lexer.next())?.kind == .end
            else {
                throw error("expected a timespan such as timespan(1h) or timespan(30m)", token.range)
            }
            return .timespan(inner.kind == .long ? inner.number * 86_400 : inner.number, token.range)
        case .quotedIdentifier:
            _ = advance()
            return .name(token.text, token.range)
        case .identifier:
            _ = advance()
            if token.text == "true" || token.text == "false" { return .bool(token.text == "true", token.range) }
            if current.isSymbol("(") {
                _ = advance()
                try enter()
                defer { depth -= 1 }
                var arguments: [Expr] = []
                if !current.isSymbol(")") {
                    repeat {
                        if current.isSymbol("*") {
                            arguments.append(.star(advance().range))
                        } else {
                            arguments.append(try expression())
                        }
                    } while acceptSymbol(",")
                }
                try expectSymbol(")", "to close the arguments of '\(token.text)('")
                return .call(token.text, arguments, token.range)
            }
            return .name(token.text, token.range)
        case .symbol where token.text == "(":
            _ = advance()
            let inner = try expression()
            try expectSymbol(")", "to close '('")
            return inner
        default:
            throw error("expected a value, a column or a function call, found \(describe(token))")
        }
    }
}
