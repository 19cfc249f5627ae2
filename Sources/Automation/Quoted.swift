/// A user's value quoted in a diagnostic. Values can be any length (a 900,000-character region,
/// `1d` repeated 100,000 times): a message shows the first `maxCharacters` of a long one, then
/// `…` and its length, so an error stays one readable line.
public enum Quoted {
    /// Values up to this many characters are quoted whole.
    public static let maxCharacters = 80

    /// `'eastus3'`, or `'xxxx…' (900000 characters)` for a long value.
    public static func clip(_ text: some StringProtocol) -> String {
        guard let end = text.index(text.startIndex, offsetBy: maxCharacters, limitedBy: text.endIndex),
            end != text.endIndex
        else { return "'\(text)'" }
        return "'\(text[..<end])…' (\(text.count) characters)"
    }
}
