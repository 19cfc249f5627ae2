import Automation
import Foundation

/// Log Analytics' `timespan`: an ISO 8601 duration back from now (`PT3600.0S`, `P7D`,
/// `PT1H30M`), a `start/end` or `start/duration` interval, or this project's short form (`7d`).
public enum QueryTimespan {
    /// The longest timespan accepted (ten years): beyond it dates leave what the store holds.
    static let maxSeconds = 3650.0 * 86_400

    public static func parse(_ text: String, now: Date) throws(ServiceError) -> DateInterval {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1:
            let seconds = try seconds(parts[0], whole: text)
            return DateInterval(start: now.addingTimeInterval(-seconds), end: now)
        case 2:
            guard let start = date(parts[0]) else { throw invalid(text) }
            if let end = date(parts[1]) {
                guard end >= start else {
                    throw ServiceError.invalid(
                        "timespan \(Quoted.clip(text)) ends before it starts", target: "timespan")
                }
                return DateInterval(start: start, end: end)
            }
            return DateInterval(start: start, duration: try seconds(parts[1], whole: text))
        default:
            throw invalid(text)
        }
    }

    private static func seconds(_ text: String, whole: String) throws(ServiceError) -> TimeInterval {
        let value: TimeInterval
        if let duration = DurationText.parse(text) {
            value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        } else if let iso = isoDuration(text) {
            value = iso
        } else {
            throw invalid(whole)
        }
        guard value.isFinite, value >= 0, value <= maxSeconds else {
            throw ServiceError.invalid(
                "timespan \(Quoted.clip(whole)) is out of range; at most 3650 days", target: "timespan")
        }
        return value
    }

    /// `P[nD][T[nH][nM][n.nS]]` with fractional seconds, as Azure's clients send it.
    static func isoDuration(_ text: String) -> TimeInterval? {
        var rest = Substring(text.uppercased())
        guard rest.hasPrefix("P"), rest.count > 1, rest.count <= 64 else { return nil }
        rest = rest.dropFirst()
        var total = 0.0
        var inTime = false
        var number = ""
        var sawUnit = false
        for character in rest {
            if character == "T" {
                guard !inTime, number.isEmpty else { return nil }
                inTime = true
            } else if character.isASCII, character.isNumber || character == "." {
                number.append(character)
            } else {
                guard let value = Double(number), value.isFinite else { return nil }
                let unit: Double? =
                    switch (inTime, character) {
                    case (false, "W"): 604_800
                    case (false, "D"): 86_400
                    case (true, "H"): 3_600
                    case (true, "M"): 60
                    case (true, "S"): 1
                    default: nil
                    }
                guard let unit else { return nil }
                total += value * unit
                number = ""
                sawUnit = true
            }
        }
        return sawUnit && number.isEmpty ? total : nil
    }

    private static func date(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    private static func invalid(_ text: String) -> ServiceError {
        .invalid(
            "timespan \(Quoted.clip(text)) is not an ISO 8601 duration (PT1H, P7D, PT3600.0S), "
                + "a start/end interval or a duration such as 7d", target: "timespan")
    }
}
