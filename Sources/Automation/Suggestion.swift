/// "Did you mean" hints for misspelt keys, actions and names.
public enum Suggestion {
    /// The closest candidate within an edit distance that scales with the word's length.
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let limit = max(1, min(3, word.count / 3))
        let scored = candidates.map { ($0, distance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= limit else { return nil }
        return best.0
    }

    /// ` (did you mean 'x'?)`, or a list of the valid choices when nothing is close.
    public static func hint(for word: String, among candidates: [String]) -> String {
        if let match = closest(to: word, among: candidates) {
            return " (did you mean '\(match)'?)"
        }
        guard !candidates.isEmpty, candidates.count <= 12 else { return "" }
        return "; expected one of: " + candidates.joined(separator: ", ")
    }

    /// Edit distance where swapping two neighbours counts as one edit ("wiht" -> "with"),
    /// the optimal-string-alignment form of Damerau-Levenshtein.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}
