import Automation

/// "Did you mean" for names in queries: `Suggestion`'s edit distance first, then a name that
/// holds the word's letters in order (`FilePath` → `FileSystemPath`), the shortest such.
enum NameHint {
    static func closest(to word: String, among candidates: [String]) -> String? {
        if let match = Suggestion.closest(to: word, among: candidates) { return match }
        guard word.count >= 3, word.count <= Suggestion.maxWordLength else { return nil }
        let letters = Array(word.lowercased())
        return candidates.filter { candidate in
            let other = Array(candidate.lowercased())
            guard other.first == letters.first, other.count > letters.count else { return false }
            var index = 0
            for character in other where index < letters.count && character == letters[index] { index += 1 }
            return index == letters.count
        }.min { $0.count < $1.count }
    }

    static func hint(for word: String, among candidates: [String]) -> String {
        if let match = closest(to: word, among: candidates) { return " (did you mean '\(match)'?)" }
        return Suggestion.hint(for: word, among: candidates)
    }
}
