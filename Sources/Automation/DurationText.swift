/// Durations as runbooks and options write them: `30s`, `15m`, `1h30m`, `2d`, `500ms`.
///
/// This is the one place where text becomes a `Duration`: every timeout, retry delay, `since`,
/// retention and purge age goes through `read`, so every one of them is bounded by `maximum`.
public enum DurationText {
    /// The longest duration accepted anywhere: ten years, far beyond any sane timeout or
    /// retention, and far below what `Duration`, `Date` arithmetic or `Clock.sleep` can hold
    /// (a sleep of `Int64.max` seconds traps).
    public static let maximum: Duration = .seconds(maximumSeconds)
    public static let maximumSeconds: Int64 = 3650 * 86_400
    public static let maximumText = "3650d"

    /// Why text is not a duration; the description says what would be right.
    public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
        case notADuration(String)
        case tooLong(String)

        public var description: String {
            switch self {
            case .notADuration(let text):
                return "\(Quoted.clip(text)) is not a duration such as 30s, 15m or 1h30m"
            case .tooLong(let text):
                return
                    "duration \(Quoted.clip(text)) is longer than the maximum of \(DurationText.maximumText) (10 years)"
            }
        }
    }

    /// The duration, or nil for text that is not one or is longer than `maximum`.
    public static func parse(_ text: String) -> Duration? { try? read(text) }

    /// The duration, or the reason it is not one; never more than `maximum`.
    public static func read(_ text: String) throws(Problem) -> Duration {
        let limit = maximumSeconds * 1000
        var totalMilliseconds: Int64 = 0
        var digits = ""
        var sawUnit = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character.isASCII && character.isNumber {
                digits.append(character)
                index = text.index(after: index)
                continue
            }
            guard !digits.isEmpty else { throw .notADuration(text) }
            let rest = text[index...]
            let unitMilliseconds: Int64
            if rest.hasPrefix("ms") {
                unitMilliseconds = 1
                index = text.index(index, offsetBy: 2)
            } else {
                switch character {
                case "s": unitMilliseconds = 1000
                case "m": unitMilliseconds = 60_000
                case "h": unitMilliseconds = 3_600_000
                case "d": unitMilliseconds = 86_400_000
                default: throw .notADuration(text)
                }
                index = text.index(after: index)
            }
            // Digits only, so a failed conversion is a number past Int64: too long, not malformed.
            guard let amount = Int64(digits) else { throw .tooLong(text) }
            let (part, overflow) = amount.multipliedReportingOverflow(by: unitMilliseconds)
            guard !overflow, part <= limit - totalMilliseconds else { throw .tooLong(text) }
            totalMilliseconds += part
            digits = ""
            sawUnit = true
        }
        guard digits.isEmpty, sawUnit else { throw .notADuration(text) }
        return .milliseconds(totalMilliseconds)
    }

    /// `1h30m`, `45s`, `250ms`.
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if seconds == 0 { return "\(attoseconds / 1_000_000_000_000_000)ms" }
        var rest = seconds
        var text = ""
        for (unit, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        return text
    }
}
