/// "Did you mean" hints for misspelt keys, actions and names.
///
/// The cost is bounded whatever the input: words longer than `maxWordLength` get no hint,
/// candidates whose length differs from the word's by more than the allowed distance are skipped
/// without comparing them, and the distance table stops as soon as a row exceeds the limit.
public enum Suggestion {
    /// Longer words get no "did you mean": nobody misspells a 65-character key by one letter, and
    /// comparing a 900,000-character value with every time zone would take minutes.
    public static let maxWordLength = 64

    /// The closest candidate within an edit distance that scales with the word's length.
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let prefix = word.prefix(maxWordLength + 1)
        guard prefix.count <= maxWordLength else { return nil }
        let word = Array(String(prefix).lowercased())
        let limit = max(1, min(3, word.count / 3))
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            // At most word + limit characters can be within `limit`; counting stops there.
            let head = candidate.prefix(word.count + limit + 1)
            guard abs(head.count - word.count) <= limit else { continue }
            let bound = min(limit, (best?.distance ?? limit + 1) - 1)
            guard bound >= 0,
                let found = distance(word, Array(String(head).lowercased()), atMost: bound)
            else { continue }
            best = (candidate, found)
            if found == 0 { break }
        }
        return best?.candidate
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
        return distance(a, b, atMost: max(a.count, b.count)) ?? max(a.count, b.count)
    }

    /// The distance between `a` and `b` when it is at most `limit`, or nil as soon as the table
    /// shows it is larger: every cell is built from cells of the two rows above it (or its left
    /// neighbour) plus a non-negative cost, so once two rows in a row exceed the limit, so does
    /// every later one.
    static func distance(_ a: [Character], _ b: [Character], atMost limit: Int) -> Int? {
        guard abs(a.count - b.count) <= limit else { return nil }
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var beforePrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMinimum = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, beforePrevious[j - 2] + 1)
                }
                current[j] = value
                rowMinimum = min(rowMinimum, value)
            }
            // A transposition reaches back two rows, so both the last two rows must exceed the
            // limit before no later cell can come back under it.
            let previousMinimum = i > 1 ? previous.min() ?? 0 : 0
            if rowMinimum > limit, previousMinimum > limit { return nil }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        let result = previous[b.count]
        return result <= limit ? result : nil
    }
}
