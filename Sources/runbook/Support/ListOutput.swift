/// How a list command prints its items: with `--json`, each item's document; else a table
/// fitted to the terminal, or one line that says the list is empty and what to do about it.
struct ListOutput<Item> {
    var headers: [String]
    /// The line printed instead of an empty table.
    var empty: String
    var row: (Item) -> [String]
    /// The last column goes under each row when it does not fit (`Table.lastColumnBelow`).
    var lastColumnBelow = false

    func print<Document: Encodable>(
        _ items: [Item], json: Bool, width: Int?, document: (Item) -> Document
    ) throws {
        if json {
            try JSONOutput.print(items.map(document))
            return
        }
        guard !items.isEmpty else {
            Terminal.out(empty)
            return
        }
        var table = Table(headers: headers, lastColumnBelow: lastColumnBelow)
        table.rows = items.map(row)
        Terminal.out(table.render(width: width))
    }
}
