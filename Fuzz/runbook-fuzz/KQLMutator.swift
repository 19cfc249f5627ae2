import AutomationStore

/// Grammar-aware mutation of KQL: the query is cut into tokens (words, strings, numbers,
/// symbols, spaces; tolerant of anything, so a mutated query cuts too), and a round changes it
/// the way a person or an attacker would: another table, column, tabular operator, function or
/// comparison; a `| operator ...` segment repeated many times, or a new one from templates;
/// parentheses around the query; `let xN = xN-1 | union xN-1;` or `strcat` doubling lines;
/// extreme numbers, timespans, datetimes and strings (hostile regular expressions included).
/// Some rounds are the byte mutator's, so that the lexer sees broken text too.
struct KQLMutator: GrammarMutator {
    /// A query is cut at the query API's limit (`AutomationService.maxQueryBytes`, 1 MiB), and
    /// one repetition adds at most half of that.
    static let maxBytes = 1 << 20
    static let growthBytes = maxBytes / 2

    func mutate(_ seed: [UInt8], using random: inout SeededGenerator, bytes: Mutator) -> [UInt8] {
        var text = seed
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            text =
                Int.random(in: 0..<5, using: &random) == 0
                ? bytes.mutateOnce(text, using: &random) : mutateOnce(text, using: &random)
            if text.count > Self.maxBytes { text.removeLast(text.count - Self.maxBytes) }
        }
        return text
    }

    /// One token-level change of a query's text.
    func mutateOnce(_ input: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
        var tokens = KQLTokens.split(input)
        switch Int.random(in: 0..<16, using: &random) {
        case 0: replace(&tokens, where: { $0.isOne(of: Vocabulary.tableSet) }, with: Vocabulary.tables, &random)
        case 1: replace(&tokens, where: { $0.isOne(of: Vocabulary.columnSet) }, with: Vocabulary.columns, &random)
        case 2: replaceOperator(&tokens, &random)
        case 3: replaceFunction(&tokens, &random)
        case 4:
            replace(
                &tokens, where: { $0.isOne(of: Vocabulary.comparisonSet) }, with: Vocabulary.comparisons, &random)
        case 5: return duplicateSegment(tokens, &random)
        case 6: return insertSegment(tokens, &random)
        case 7: return wrapInParentheses(tokens, &random)
        case 8: return letDoubling(tokens, &random)
        case 9: return scalarDoubling(tokens, &random)
        case 10: replace(&tokens, where: { $0.kind == .number }, with: Vocabulary.numbers, &random)
        case 11: replace(&tokens, where: { $0.kind == .string }, with: Vocabulary.strings, &random)
        case 12: replaceExpression(&tokens, &random)
        case 13:
            // A token dropped, doubled, or swapped with its neighbour.
            guard tokens.count > 1 else { break }
            let index = Int.random(in: 0..<(tokens.count - 1), using: &random)
            switch Int.random(in: 0..<3, using: &random) {
            case 0: tokens.remove(at: index)
            case 1: tokens.insert(tokens[index], at: index)
            default: tokens.swapAt(index, index + 1)
            }
        case 14:
            // A literal spliced in anywhere: a number, a string, a timespan, a datetime.
            let index = tokens.isEmpty ? 0 : Int.random(in: 0...tokens.count, using: &random)
            let word = pick(Vocabulary.numbers + Vocabulary.strings, &random)
            tokens.insert(KQLToken(kind: .word, text: " " + word + " "), at: index)
        default:
            // The whole query replaced by a template pipeline over a table.
            var text = pick(Vocabulary.tables, &random)
            for _ in 0..<Int.random(in: 1...4, using: &random) { text += "\n| " + segment(&random) }
            return Array(text.utf8)
        }
        return KQLTokens.join(tokens)
    }

    // MARK: - Token changes

    private func replace(
        _ tokens: inout [KQLToken], where matches: (KQLToken) -> Bool, with words: [String],
        _ random: inout SeededGenerator
    ) {
        let candidates = tokens.indices.filter { matches(tokens[$0]) }
        guard let index = candidates.randomElement(using: &random) else { return }
        tokens[index].text = pick(words, &random)
    }

    /// The word after a `|` (or the operator's own word) becomes another operator, supported or not.
    private func replaceOperator(_ tokens: inout [KQLToken], _ random: inout SeededGenerator) {
        let candidates = tokens.indices.filter { index in
            tokens[index].kind == .word && previousSignificant(tokens, before: index)?.is("|") == true
        }
        guard let index = candidates.randomElement(using: &random) else { return }
        tokens[index].text = pick(Vocabulary.operators, &random)
    }

    /// A word before `(` becomes another function, or an aggregate where a scalar is expected.
    private func replaceFunction(_ tokens: inout [KQLToken], _ random: inout SeededGenerator) {
        let candidates = tokens.indices.filter { index in
            tokens[index].kind == .word && index + 1 < tokens.count && tokens[index + 1].is("(")
        }
        guard let index = candidates.randomElement(using: &random) else { return }
        tokens[index].text = pick(Vocabulary.functions, &random)
    }

    /// A column becomes an expression over it: a function call, a regex match, arithmetic.
    private func replaceExpression(_ tokens: inout [KQLToken], _ random: inout SeededGenerator) {
        let candidates = tokens.indices.filter { tokens[$0].isOne(of: Vocabulary.columnSet) }
        guard let index = candidates.randomElement(using: &random) else { return }
        tokens[index].text = expression(around: tokens[index].text, &random)
    }

    private func previousSignificant(_ tokens: [KQLToken], before index: Int) -> KQLToken? {
        var position = index - 1
        while position >= 0 {
            if tokens[position].kind != .space { return tokens[position] }
            position -= 1
        }
        return nil
    }

    /// The `| operator ...` segments, at every depth of parentheses: ranges of tokens from a
    /// pipe to the next pipe, `;` or `)` of the same depth, or to the end.
    private func segments(_ tokens: [KQLToken]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        // The open segment's start at each depth (an array: its order is the same every run).
        var starts: [Int?] = [nil]
        for (index, token) in tokens.enumerated() where token.kind == .symbol {
            let depth = starts.count - 1
            if token.is("(") {
                starts.append(nil)
            } else if token.is(")") || token.is(";") || token.is("|") {
                if let start = starts[depth] { result.append(start..<index) }
                starts[depth] = nil
                if token.is("|") { starts[depth] = index }
                if token.is(")"), depth > 0 { starts.removeLast() }
            }
        }
        for start in starts.reversed() {
            if let start { result.append(start..<tokens.count) }
        }
        return result
    }

    /// A `| operator ...` segment repeated: 2 to 5,000 copies.
    private func duplicateSegment(_ tokens: [KQLToken], _ random: inout SeededGenerator) -> [UInt8] {
        guard let range = segments(tokens).randomElement(using: &random) else { return KQLTokens.join(tokens) }
        let piece = KQLTokens.join(tokens[range])
        let copies = min(pick([2, 3, 10, 100, 1_000, 5_000], &random), max(1, Self.growthBytes / max(1, piece.count)))
        var result = KQLTokens.join(tokens[..<range.upperBound])
        result.reserveCapacity(result.count + piece.count * copies)
        for _ in 0..<copies { result += [UInt8(ascii: "\n")] + piece }
        return result + KQLTokens.join(tokens[range.upperBound...])
    }

    /// A template segment in place of one, or after one, or at the end.
    private func insertSegment(_ tokens: [KQLToken], _ random: inout SeededGenerator) -> [UInt8] {
        let new = Array(("| " + segment(&random) + "\n").utf8)
        guard let range = segments(tokens).randomElement(using: &random) else {
            return KQLTokens.join(tokens) + [UInt8(ascii: "\n")] + new
        }
        let before = KQLTokens.join(tokens[..<range.lowerBound])
        let after = KQLTokens.join(tokens[range.upperBound...])
        return Int.random(in: 0..<2, using: &random) == 0
            ? before + new + after : before + KQLTokens.join(tokens[range]) + [UInt8(ascii: "\n")] + new + after
    }

    /// Parentheses around the query's first table, or around the expression after `where`: up to
    /// past the parser's nesting limit (200).
    private func wrapInParentheses(_ tokens: [KQLToken], _ random: inout SeededGenerator) -> [UInt8] {
        let count = pick([1, 2, 50, 199, 200, 201, 1_000, 10_000], &random)
        let open = KQLToken(kind: .symbol, text: String(repeating: "(", count: count))
        let close = KQLToken(kind: .symbol, text: String(repeating: ")", count: count))
        var tokens = tokens
        if Int.random(in: 0..<2, using: &random) == 0,
            let table = tokens.firstIndex(where: { $0.isOne(of: Vocabulary.tableSet) })
        {
            tokens.insert(close, at: table + 1)
            tokens.insert(open, at: table)
        } else if let whereIndex = tokens.firstIndex(where: { $0.is("where") }) {
            let end = tokens[(whereIndex + 1)...].firstIndex(where: { $0.is("|") || $0.is(";") }) ?? tokens.count
            tokens.insert(close, at: end)
            tokens.insert(open, at: whereIndex + 1)
        } else {
            tokens.insert(open, at: 0)
            tokens.append(close)
        }
        return KQLTokens.join(tokens)
    }

    /// `let x0 = Table; let x1 = x0 | union x0; ...`: each line doubles the query the compiler
    /// expands (and the rows it reads), up to past the compile budget.
    private func letDoubling(_ tokens: [KQLToken], _ random: inout SeededGenerator) -> [UInt8] {
        let lines = pick([2, 8, 12, 14, 16, 17, 18, 20, 24, 40], &random)
        var tokens = tokens
        let tableIndex = tokens.firstIndex(where: { $0.isOne(of: Vocabulary.tableSet) })
        let table = tableIndex.map { tokens[$0].text } ?? pick(Vocabulary.tables, &random)
        var prefix = "let x0 = \(table);\n"
        let joiner = pick(["union", "join kind=inner", "join kind=fullouter", "union kind=outer"], &random)
        for line in 1...lines {
            let on = joiner.hasPrefix("join") ? " on Computer" : ""
            prefix += "let x\(line) = x\(line - 1) | \(joiner) (x\(line - 1))\(on);\n"
        }
        if let tableIndex {
            tokens[tableIndex].text = "x\(lines)"
            return Array(prefix.utf8) + KQLTokens.join(tokens)
        }
        return Array((prefix + "x\(lines) | count\n").utf8) + KQLTokens.join(tokens)
    }

    /// `let s0 = '..'; let s1 = strcat(s0, s0); ...` (or replace_string), used in an extend.
    private func scalarDoubling(_ tokens: [KQLToken], _ random: inout SeededGenerator) -> [UInt8] {
        let lines = pick([4, 10, 19, 20, 21, 30, 40], &random)
        let grow = pick(
            [
                "strcat(s{p}, s{p})", "replace_string(s{p}, 'e', s{p})", "strcat(s{p}, ',', s{p})",
                "replace_string(s{p}, '', s{p})",
            ],
            &random)
        var prefix = "let s0 = '\(pick(["ab", "eeeeeeeeee", "é", "", "a,b"], &random))';\n"
        for line in 1...lines {
            prefix += "let s\(line) = " + grow.replacingOccurrences(of: "{p}", with: "\(line - 1)") + ";\n"
        }
        let use = pick(
            [
                "| extend v = s\(lines) | project strlen(v)", "| where Computer == s\(lines)",
                "| extend v = split(s\(lines), ',') | summarize make_list(v)",
                "| where s\(lines) matches regex 'e{0,1000}x'",
            ],
            &random)
        let body = tokens.isEmpty ? Array("Heartbeat".utf8) : KQLTokens.join(tokens)
        return Array(prefix.utf8) + body + Array(("\n" + use + "\n").utf8)
    }

    // MARK: - Templates

    /// One tabular operator with its arguments, from the supported subset and past it.
    func segment(_ random: inout SeededGenerator) -> String {
        let column = pick(Vocabulary.columns, &random)
        let other = pick(Vocabulary.columns, &random)
        let literal = pick(Vocabulary.numbers + Vocabulary.strings + Vocabulary.columns, &random)
        let number = pick(Vocabulary.numbers, &random)
        let table = pick(Vocabulary.tables, &random)
        let templates = [
            "where \(column) \(pick(Vocabulary.comparisons, &random)) \(literal)",
            "where \(expression(around: column, &random)) \(pick(Vocabulary.comparisons, &random)) \(literal)",
            "where \(column) matches regex \(pick(Vocabulary.regexes, &random))",
            "where \(column) in (\(literal), \(pick(Vocabulary.strings, &random)))",
            "where \(column) between (\(number) .. \(pick(Vocabulary.numbers, &random)))",
            "extend x = \(expression(around: column, &random))",
            "extend \(column) = \(expression(around: other, &random)), y = \(literal)",
            "project \(column), \(other), z = \(expression(around: column, &random))",
            "project-away \(column)", "project-rename renamed = \(column)",
            "summarize count() by \(column)",
            "summarize \(pick(Vocabulary.aggregates, &random))(\(column)) by bin(TimeGenerated, \(number))",
            "summarize arg_max(TimeGenerated, *) by \(column)",
            "summarize arg_min(\(column), \(other)) by \(pick(Vocabulary.columns, &random))",
            "summarize make_list(\(column)), make_set(\(other)), dcount(\(column)) by \(other)",
            "summarize countif(\(column) \(pick(Vocabulary.comparisons, &random)) \(literal)) by bin(\(column), 1d)",
            "order by \(column) asc", "sort by \(column) desc, \(other) asc nulls first",
            "top \(number) by \(column)", "take \(number)", "limit \(number)", "distinct \(column), \(other)", "count",
            "union \(table)", "union withsource=SourceTable kind=outer \(table), (\(table) | take \(number))",
            "join kind=\(pick(Vocabulary.joinKinds, &random)) (\(table)) on \(column)",
            "join kind=\(pick(Vocabulary.joinKinds, &random)) (\(table) | where \(column) != '') "
                + "on $left.\(column) == $right.\(other)",
            "render \(pick(["timechart", "piechart", "barchart", "table", "columnchart", "nope"], &random))",
            "mv-expand \(column)", "parse \(column) with * 'x' y", "make-series count() on TimeGenerated step 1h",
            "evaluate bag_unpack(\(column))", "search \(literal)", "getschema", "serialize", "as T",
        ]
        return pick(templates, &random)
    }

    /// An expression over a column: a function call, a regex match, arithmetic, a cast.
    func expression(around column: String, _ random: inout SeededGenerator) -> String {
        let literal = pick(Vocabulary.strings, &random)
        let number = pick(Vocabulary.numbers, &random)
        let templates = [
            "strcat(\(column), \(literal), \(column))", "replace_string(\(column), \(literal), \(column))",
            "split(\(column), \(literal))", "extract(\(pick(Vocabulary.regexes, &random)), 1, \(column))",
            "\(column) matches regex \(pick(Vocabulary.regexes, &random))", "bin(\(column), \(number))",
            "ago(\(number))", "now(\(number))", "substring(\(column), \(number), \(pick(Vocabulary.numbers, &random)))",
            "format_datetime(\(column), \(literal))", "tolong(\(column)) * \(number)", "toint(\(column)) / \(number)",
            "todouble(\(column)) % \(number)", "iff(\(column) == \(literal), \(column), \(literal))",
            "case(\(column) has \(literal), 1, \(column) contains \(literal), 2, 3)",
            "coalesce(\(column), \(literal))", "strlen(\(column))", "tostring(\(column))", "todatetime(\(column))",
            "startofday(\(column))", "\(column) + \(number)", "-\(column)", "not(\(column))", "isempty(\(column))",
            "\(pick(Vocabulary.functions, &random))(\(column))",
            "\(pick(Vocabulary.functions, &random))(\(column), \(literal), \(number))",
        ]
        return pick(templates, &random)
    }

    private func pick<T>(_ items: [T], _ random: inout SeededGenerator) -> T {
        items[Int.random(in: 0..<items.count, using: &random)]
    }
}

/// What the KQL mutator splices in. Arrays, never sets or dictionaries, so that a seed picks
/// the same words on every machine (a dictionary's order changes from run to run).
enum Vocabulary {
    static let tableSet = Set(tables.map { Array($0.utf8) })
    static let columnSet = Set(columns.map { Array($0.utf8) })
    static let comparisonSet = Set(comparisons.map { Array($0.utf8) })

    static let tables = LogAnalyticsSchema.tableNames + ["Nope", "heartbeat", "['Heartbeat']", "x0", "T"]

    /// Every table's columns, each name once, then names that are not columns.
    static let columns: [String] = {
        var seen = Set<String>()
        var names: [String] = []
        for table in LogAnalyticsSchema.schema.tables {
            for column in table.columns where seen.insert(column.name).inserted { names.append(column.name) }
        }
        return names + ["count_", "Count", "x", "y", "$left.Computer", "$right.Computer", "['Computer']", "Nope"]
    }()

    static let operators = [
        "where", "filter", "project", "project-away", "project-rename", "extend", "summarize", "order", "sort",
        "top", "take", "limit", "distinct", "count", "union", "join", "render", "mv-expand", "mv-apply", "parse",
        "make-series", "evaluate", "search", "getschema", "serialize", "as", "invoke", "lookup", "sample",
        "top-nested", "project-keep", "project-reorder",
    ]

    static let functions = [
        "isempty", "isnotempty", "isnull", "isnotnull", "strlen", "tolower", "toupper", "substring", "strcat",
        "replace_string", "split", "iff", "iif", "case", "coalesce", "ago", "now", "bin", "floor", "startofday",
        "format_datetime", "tostring", "toint", "tolong", "toreal", "todouble", "todatetime", "not", "count",
        "countif", "dcount", "sum", "avg", "min", "max", "make_set", "make_list", "arg_max", "arg_min", "any",
        "extract", "extract_all", "parse_json", "todynamic", "array_length", "strrep", "repeat", "reverse", "trim",
        "indexof", "countof", "hash", "datetime_add", "datetime_diff", "percentile", "make_bag", "pack",
    ]

    static let aggregates = [
        "count", "countif", "dcount", "sum", "avg", "min", "max", "make_set", "make_list", "any", "arg_max",
    ]

    static let comparisons = [
        "==", "!=", "=~", "!~", "<", "<=", ">", ">=", "<>", "has", "!has", "has_cs", "!has_cs", "contains",
        "!contains", "contains_cs", "startswith", "!startswith", "endswith", "endswith_cs", "in", "!in", "in~",
        "!in~", "matches regex", "and", "or", "+", "-", "*", "/", "%", "..", "has_any", "has_all",
    ]

    static let joinKinds = [
        "inner", "innerunique", "leftouter", "rightouter", "fullouter", "leftanti", "rightanti", "leftsemi",
        "rightsemi", "cross", "nope",
    ]

    static let numbers = [
        "0", "-0", "1", "-1", "2", "1000", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
        "18446744073709551616", "2147483648", "123456789012345678901234567890", "1e308", "1e309", "-1e308",
        "4.9e-324", "0.0000001", "1.5", "0x7fffffffffffffff", "1d", "-1d", "0s", "1h", "1tick", "0.5ms",
        "106751991167300d", "9223372036854775807ms", "1e18d", "365000000d", "datetime(9999-12-31 23:59:59)",
        "datetime(0001-01-01)", "datetime(2026-02-30)", "datetime(1969-12-31T23:59:59.999Z)", "datetime(null)",
        "timespan(1.02:03:04)", "timespan(-9999999999.00:00:00)", "real(nan)", "real(+inf)", "long(null)",
        "int(2147483648)", "true", "false", "dynamic([1, 2])", "dynamic(null)",
    ]

    static let regexes = [
        "'(a+)+$'", "'(a|aa)*b'", "'e{0,1000}x'", "'((((((((((a*)*)*)*)*)*)*)*)*)*)'", "'[a-'", "'(?i)HELLO'",
        "'a{1000}{1000}'", "'(a{100}){100}'", "'a{0,65535}'", "'a{99999999999}'", "'\\\\d{2,4}-\\\\w+'", "'^$'",
        "'.*.*.*.*.*.*=.*'", "'[^\\\\x00-\\\\x7f]+'", "'\\\\bcat\\\\b'", "'(|)*'", "'()*'", "'\\\\'", "'x**'",
        "'[\\\\d.]+'", "'(?P<n>a)'", "'(a)\\\\1'", "'(?=a)'", "'\\\\p{L}+'",
    ]

    static let strings: [String] =
        [
            "''", "'a'", "\"\"", "'e'", "'É'", "'é'", "'\\u0000'", "'\\0'", "'\u{202E}'", "'🙂'", "'%'", "'_'",
            "\"'; DROP TABLE job; --\"", "'%s%n%x'", "@'C:\\Windows\\'", "'\\x'", "h'secret'", "'\\n\\t\\r'",
            "'x\\''", "'\\\\\\\\'", "'.*'", "'/etc/'", "'Files'", "'contoso-lnx01'", "'2026-11-18'",
            "'" + String(repeating: "x", count: 100_000) + "'", "'" + String(repeating: "é", count: 20_000) + "'",
            "'" + String(repeating: "a", count: 1_000_000) + "'",
        ] + regexes
}

/// A token of a query's text, as bytes (a multi-byte character may fall in two tokens); joining
/// the tokens gives the text back byte for byte.
struct KQLToken {
    enum Kind { case space, word, string, number, symbol }
    var kind: Kind
    var bytes: [UInt8]

    init(kind: Kind, text: String) {
        self.kind = kind
        self.bytes = Array(text.utf8)
    }

    init(kind: Kind, bytes: ArraySlice<UInt8>) {
        self.kind = kind
        self.bytes = Array(bytes)
    }

    var text: String {
        get { String(decoding: bytes, as: UTF8.self) }
        set { bytes = Array(newValue.utf8) }
    }

    /// Whether the token is one of `words` (a set, for long queries).
    func isOne(of words: Set<[UInt8]>) -> Bool { kind != .space && words.contains(bytes) }

    func `is`(_ symbol: String) -> Bool { bytes.elementsEqual(symbol.utf8) }
}

enum KQLTokens {
    private static let pairs: Set<[UInt8]> = Set(
        ["==", "!=", "<=", ">=", "=~", "!~", "..", "<>"].map { Array($0.utf8) })

    static func split(_ bytes: [UInt8]) -> [KQLToken] {
        var tokens: [KQLToken] = []
        var index = 0
        func isLetter(_ byte: UInt8) -> Bool {
            (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x5F || byte == 0x24
        }
        func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        while index < bytes.count {
            let start = index
            let byte = bytes[index]
            let kind: KQLToken.Kind
            if isSpace(byte) {
                while index < bytes.count, isSpace(bytes[index]) { index += 1 }
                kind = .space
            } else if byte == 0x2F, index + 1 < bytes.count, bytes[index + 1] == 0x2F {
                while index < bytes.count, bytes[index] != 0x0A { index += 1 }
                kind = .space
            } else if byte == 0x22 || byte == 0x27 {
                index += 1
                while index < bytes.count, bytes[index] != byte {
                    index += bytes[index] == 0x5C ? 2 : 1
                }
                index = min(index + 1, bytes.count)
                kind = .string
            } else if isDigit(byte) {
                while index < bytes.count, isDigit(bytes[index]) || isLetter(bytes[index]) || bytes[index] == 0x2E {
                    // `1..5` is a number, a range and a number.
                    if bytes[index] == 0x2E, index + 1 < bytes.count, bytes[index + 1] == 0x2E { break }
                    index += 1
                }
                kind = .number
            } else if isLetter(byte) {
                while index < bytes.count,
                    isLetter(bytes[index]) || isDigit(bytes[index])
                        || (bytes[index] == 0x2D && index + 1 < bytes.count && isLetter(bytes[index + 1]))
                {
                    index += 1
                }
                kind = .word
            } else {
                index += index + 1 < bytes.count && pairs.contains([byte, bytes[index + 1]]) ? 2 : 1
                kind = .symbol
            }
            tokens.append(KQLToken(kind: kind, bytes: bytes[start..<index]))
        }
        return tokens
    }

    static func join<C: Collection<KQLToken>>(_ tokens: C) -> [UInt8] {
        var bytes: [UInt8] = []
        for token in tokens { bytes += token.bytes }
        return bytes
    }
}
