import Automation
import Foundation

/// The store's datetime text, `YYYY-MM-DD HH:MM:SS.SSS` in UTC, to and from milliseconds since
/// 1970 — with integer arithmetic only, so results are exact and fast enough for a SQL function
/// called once per row.
enum DateText {
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        Int64(CivilDate.days(year: Int(year), month: Int(month), day: Int(day)))
    }

    static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let (year, month, day) = CivilDate.date(days: Int(days))
        return (Int64(year), Int64(month), Int64(day))
    }

    /// Years outside 0001...9999 are not datetimes (as in Kusto).
    static let range: ClosedRange<Int64> =
        days(year: 1, month: 1, day: 1)
        * 86_400_000...(days(
            year: 10_000, month: 1, day: 1) * 86_400_000 - 1)

    static func format(millis: Int64) -> String {
        let day = millis >= 0 ? millis / 86_400_000 : (millis - 86_399_999) / 86_400_000
        let rest = millis - day * 86_400_000
        let (y, m, d) = civil(days: day)
        var bytes = [UInt8](repeating: 0x30, count: 23)
        func put(_ value: Int64, _ at: Int, _ width: Int) {
            var value = value
            for index in stride(from: at + width - 1, through: at, by: -1) {
                bytes[index] = UInt8(0x30 + value % 10)
                value /= 10
            }
        }
        put(y, 0, 4)
        bytes[4] = 0x2D
        put(m, 5, 2)
        bytes[7] = 0x2D
        put(d, 8, 2)
        bytes[10] = 0x20
        put(rest / 3_600_000, 11, 2)
        bytes[13] = 0x3A
        put(rest / 60_000 % 60, 14, 2)
        bytes[16] = 0x3A
        put(rest / 1000 % 60, 17, 2)
        bytes[19] = 0x2E
        put(rest % 1000, 20, 3)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func format(_ date: Date) -> String {
        format(millis: millis(date))
    }

    static func millis(_ date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1000).rounded(.down)
        guard value.isFinite, value > Double(range.lowerBound), value < Double(range.upperBound) else {
            return value > 0 ? range.upperBound : range.lowerBound
        }
        return Int64(value)
    }

    static func date(millis: Int64) -> Date {
        Date(timeIntervalSince1970: Double(millis) / 1000)
    }

    /// Parses the store's text and the ISO 8601 forms a query writes: `2024-01-15`,
    /// `2024-01-15 10:20`, `2024-01-15T10:20:30.1234567Z`, with an optional `Z` or `+hh:mm`.
    static func parse(_ text: String) -> Int64? {
        var utf8 = Array(text.utf8)
        while let last = utf8.last, last == 0x20 { utf8.removeLast() }
        var index = 0
        func number(_ width: Int) -> Int64? {
            guard index + width <= utf8.count else { return nil }
            var value: Int64 = 0
            for offset in 0..<width {
                let byte = utf8[index + offset]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            index += width
            return value
        }
        func accept(_ byte: UInt8) -> Bool {
            guard index < utf8.count, utf8[index] == byte else { return false }
            index += 1
            return true
        }
        guard let year = number(4), accept(0x2D), let month = number(2), accept(0x2D), let day = number(2),
            (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), year >= 1
        else { return nil }
        var millis = days(year: year, month: month, day: day) * 86_400_000
        if accept(0x20) || accept(0x54) {
            guard let hour = number(2), hour < 24, accept(0x3A), let minute = number(2), minute < 60 else { return nil }
            millis += hour * 3_600_000 + minute * 60_000
            if accept(0x3A) {
                guard let second = number(2), second < 60 else { return nil }
                millis += second * 1000
                if accept(0x2E) {
                    var scale: Int64 = 100
                    var digits = 0
                    while index < utf8.count, utf8[index] >= 0x30, utf8[index] <= 0x39 {
                        millis += Int64(utf8[index] - 0x30) * scale
                        scale /= 10
                        digits += 1
                        index += 1
                    }
                    guard digits > 0 else { return nil }
                }
            }
            if accept(0x5A) {
                // UTC
            } else if index < utf8.count, utf8[index] == 0x2B || utf8[index] == 0x2D {
                let sign: Int64 = utf8[index] == 0x2B ? 1 : -1
                index += 1
                guard let hours = number(2), accept(0x3A), let minutes = number(2) else { return nil }
                millis -= sign * (hours * 3_600_000 + minutes * 60_000)
            }
        }
        guard index == utf8.count, range.contains(millis) else { return nil }
        return millis
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
