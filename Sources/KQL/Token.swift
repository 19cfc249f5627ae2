/// A lexical token of a query.
struct Token: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// A name or keyword (`where`, `Computer`, `project-away`, `$left`, `['odd name']`).
        case identifier
        /// A name in brackets, `['Name']`: never a keyword.
        case quotedIdentifier
        /// A word after `!`, such as `!has` or `!in` (text includes the `!`).
        case bangWord
        case string
        case long
        case real
        /// A timespan literal such as `30m`; the value is in seconds.
        case timespan
        /// The raw text inside `datetime(...)`.
        case datetime
        /// The raw text inside `timespan(...)`.
        case timespanCall
        /// Punctuation and operators: `|`, `(`, `==`, `..`, ...
        case symbol
        case end
    }

    var kind: Kind
    /// The name, the decoded string, the symbol or the literal's text.
    var text: String
    var range: SourceRange
    /// For `long`: the value; for `real` and `timespan`: the value (seconds for a timespan).
    var number: Double = 0
    var integer: Int64 = 0

    func isWord(_ word: String) -> Bool { kind == .identifier && text == word }
    func isSymbol(_ symbol: String) -> Bool { kind == .symbol && text == symbol }
}
