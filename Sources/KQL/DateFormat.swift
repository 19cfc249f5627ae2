/// Text forms of datetimes and timespans as Kusto prints them.
enum DateFormat {
    /// `2024-01-31T10:00:00Z`, with fractional seconds only when there are some.
    static func iso(millis: Int64) -> String {
        let text = DateText.format(millis: millis)
        let date = text.prefix(10)
        let time = text.dropFirst(11).prefix(8)
        let fraction = text.suffix(3)
        return "\(date)T\(time)" + (fraction == "000" ? "" : ".\(fraction)") + "Z"
    }

    /// `[-][d.]hh:mm:ss[.fff]`, as Kusto prints a timespan.
    static func timespan(_ seconds: Double) -> String {
        guard seconds.isFinite, abs(seconds) < 9e14 else { return "" }
        var millis = Int64((seconds * 1000).rounded())
        let negative = millis < 0
        millis = abs(millis)
        let days = millis / 86_400_000
        let rest = millis % 86_400_000
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        var text = negative ? "-" : ""
        if days > 0 { text += "\(days)." }
        text += "\(two(rest / 3_600_000)):\(two(rest / 60_000 % 60)):\(two(rest / 1000 % 60))"
        let fraction = rest % 1000
        if fraction > 0 {
            let digits = String(fraction + 1000).dropFirst()
            text += ".\(digits)"
        }
        return text
    }

    /// Kusto's `format_datetime` specifiers: `yyyy yy MM M dd d HH H hh h mm m ss s f...fffffff
    /// F... tt`; other characters are copied.
    static func format(millis: Int64, _ format: String) -> String {
        let text = Array(DateText.format(millis: millis).utf8)
        func number(_ from: Int, _ count: Int) -> Int {
            var value = 0
            for index in from..<(from + count) { value = value * 10 + Int(text[index] - 0x30) }
            return value
        }
        let year = number(0, 4)
        let month = number(5, 2)
        let day = number(8, 2)
        let hour = number(11, 2)
        let minute = number(14, 2)
        let second = number(17, 2)
        let fraction = String(decoding: text[20..<23], as: UTF8.self) + "0000"
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        var result = ""
        let characters = Array(format)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            var run = 1
            while index + run < characters.count, characters[index + run] == character { run += 1 }
            index += run
            switch character {
            case "y": result += run >= 4 ? padded(year, 4) : padded(year % 100, run == 1 ? 1 : 2)
            case "M": result += padded(month, min(run, 2))
            case "d": result += padded(day, min(run, 2))
            case "H": result += padded(hour, min(run, 2))
            case "h": result += padded(hour % 12 == 0 ? 12 : hour % 12, min(run, 2))
            case "m": result += padded(minute, min(run, 2))
            case "s": result += padded(second, min(run, 2))
            case "f": result += String(fraction.prefix(min(run, 7)))
            case "F":
                var digits = String(fraction.prefix(min(run, 7)))
                while digits.hasSuffix("0") { digits.removeLast() }
                result += digits
            case "t": result += hour < 12 ? (run == 1 ? "A" : "AM") : (run == 1 ? "P" : "PM")
            default: result += String(repeating: character, count: run)
            }
        }
        return result
    }
}
