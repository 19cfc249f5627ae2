import Foundation

/// Query values as text, the way Log Analytics prints them: datetimes in UTC ISO 8601
/// (`2026-11-26T17:41:55.907Z`), timespans as `[d.]hh:mm:ss[.fff]`. One formatter for every
/// front end: `runbook query`, the query API, the portal's Logs page and runbook gates.
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
        DateFormat.iso(millis: DateText.millis(date))
    }

    public static func timespan(_ seconds: Double) -> String {
        DateFormat.timespan(seconds)
    }
}
