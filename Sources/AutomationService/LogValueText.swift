import Foundation
import KQL

/// Query values as text, the way Log Analytics prints them: datetimes in UTC ISO 8601 with
/// milliseconds (`2026-11-26T17:41:55.907Z`), timespans as `[d.]hh:mm:ss[.fff]`.
public enum LogValueText {
    public static func text(_ value: KQLValue) -> String {
        switch value {
        case .null: ""
        case .string(let text), .guid(let text), .dynamic(let text): text
        case .long(let number): String(number)
        case .real(let number):
            number.isFinite ? String(number) : (number.isNaN ? "NaN" : (number > 0 ? "Infinity" : "-Infinity"))
        case .bool(let flag): flag ? "true" : "false"
        case .datetime(let date): datetime(date)
        case .timespan(let seconds): timespan(seconds)
        }
    }

    public static func datetime(_ date: Date) -> String {
        KQLDateFormat.iso(date)
    }

    public static func timespan(_ seconds: Double) -> String {
        guard seconds.isFinite, abs(seconds) < 1e14 else { return String(seconds) }
        let sign = seconds < 0 ? "-" : ""
        let milliseconds = Int64((abs(seconds) * 1000).rounded())
        let days = milliseconds / 86_400_000
        let hours = milliseconds / 3_600_000 % 24
        let minutes = milliseconds / 60_000 % 60
        let secs = milliseconds / 1000 % 60
        let fraction = milliseconds % 1000
        var text = sign + (days > 0 ? "\(days)." : "")
        text += String(format: "%02lld:%02lld:%02lld", hours, minutes, secs)
        if fraction > 0 { text += String(format: ".%03lld", fraction) }
        return text
    }
}
