/// Shortens a column's cells to a width without cutting the part that tells a row from the
/// others: what a cell shares with its nearest neighbours (a common head such as
/// `HKEY_LOCAL_MACHINE\\SOFTWARE\\`, a common tail such as `\\CurrentVersion\\Run`) is what gives
/// way, so `...\\Wow6432Node\\...\\Run` and `...\\Run` stay apart. A cell whose distinct part alone
/// is too long is cut in the middle of that part.
enum TableShortening {
    /// Where words end in paths, keys and lists.
    static let separators: Set<Character> = ["/", "\\", " ", ",", "-", "_", ".", ":"]

    /// Each cell at most `width` characters (an ellipsis `…` marks each cut).
    static func shortened(_ cells: [String], to width: Int) -> [String] {
        let characters = cells.map(Array.init)
        let heads = sharedLengths(characters)
        let tails = sharedLengths(characters.map { Array($0.reversed()) })
        return cells.indices.map { index in
            shortened(characters[index], head: heads[index], tail: tails[index], to: width)
        }
    }

    /// For each cell, the longest prefix it shares with any other cell (found among its
    /// neighbours in sorted order).
    static func sharedLengths(_ cells: [[Character]]) -> [Int] {
        let order = cells.indices.sorted { cells[$0].lexicographicallyPrecedes(cells[$1]) }
        var shared = [Int](repeating: 0, count: cells.count)
        for position in order.indices.dropFirst() {
            let (a, b) = (order[position - 1], order[position])
            let common = zip(cells[a], cells[b]).prefix { $0 == $1 }.count
            shared[a] = max(shared[a], common)
            shared[b] = max(shared[b], common)
        }
        return shared
    }

    static func shortened(_ text: [Character], head: Int, tail: Int, to width: Int) -> String {
        guard text.count > width, width > 1 else { return String(text) }
        // The distinct part: what remains between the shared head and the shared tail, widened
        // to whole words (`RunOnce`, not `Once`; `h0`, not `0`).
        var start = min(head, text.count)
        var end = max(start, text.count - tail)
        while start > 0, head - start < 16, !separators.contains(text[start - 1]) { start -= 1 }
        while end < text.count, end - (text.count - tail) < 16, !separators.contains(text[end]) { end += 1 }
        let distinct = end - start
        guard distinct + 2 <= width else {
            // Too long on its own: cut its middle, keeping its start and its end.
            let keep = width - 1
            let left = (keep + 1) / 2
            return String(text.prefix(left)) + "…" + String(text.suffix(keep - left))
        }
        // Keep the distinct part whole; share the rest between the text's head and its tail (a
        // few characters of the tail, such as a file's extension, first).
        var budget = width - distinct
        let cutHead = start > 0
        let cutTail = end < text.count
        budget -= (cutHead ? 1 : 0) + (cutTail ? 1 : 0)
        let tailKeep = cutTail ? min(text.count - end, max(0, min(8, budget / 2))) : 0
        let headKeep = max(0, min(start, budget - tailKeep))
        let extraTail = cutTail ? min(text.count - end - tailKeep, budget - tailKeep - headKeep) : 0
        let keptTail = tailKeep + max(0, extraTail)
        var result = String(text.prefix(headKeep))
        if headKeep < start { result += "…" }
        result += String(text[start..<end])
        // One mark where the head's cut meets the tail's (no distinct part between them).
        if keptTail < text.count - end, !(distinct == 0 && headKeep < start) {
            result += "…"
        }
        result += String(text.suffix(keptTail))
        return String(result.prefix(width))
    }
}
