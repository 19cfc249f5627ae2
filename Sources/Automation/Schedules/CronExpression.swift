/// A 5-field cron expression: minute hour day-of-month month day-of-week, with `*`, lists,
/// ranges and steps (`*/15`, `1-5`, `MON-FRI`). As in Vixie cron, when both day fields are
/// restricted a day matches either.
public struct CronExpression: Sendable, Hashable {
    public var minutes: Set<Int>
    public var hours: Set<Int>
    public var monthDays: Set<Int>
    public var months: Set<Int>
    /// 0 = Sunday.
    public var weekDays: Set<Int>
    public var monthDaysRestricted: Bool
    public var weekDaysRestricted: Bool

    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    static let fields: [(name: String, range: ClosedRange<Int>, names: [String])] = [
        ("minute", 0...59, []), ("hour", 0...23, []), ("day of month", 1...31, []),
        ("month", 1...12, ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]),
        ("day of week", 0...7, ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]),
    ]

    public static func parse(_ text: String) -> Result<CronExpression, ParseError> {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard parts.count == 5 else {
            return .failure(
                ParseError(
                    description:
                        "\(Quoted.clip(text)) has \(parts.count) fields; cron takes 5 (minute hour day month weekday)"))
        }
        var sets: [Set<Int>] = []
        for (index, part) in parts.enumerated() {
            switch field(part, index: index) {
            case .success(let values): sets.append(values)
            case .failure(let error): return .failure(error)
            }
        }
        var weekDays = sets[4]
        if weekDays.contains(7) {
            weekDays.remove(7)
            weekDays.insert(0)
        }
        return .success(
            CronExpression(
                minutes: sets[0], hours: sets[1], monthDays: sets[2], months: sets[3], weekDays: weekDays,
                monthDaysRestricted: parts[2] != "*", weekDaysRestricted: parts[4] != "*"))
    }

    private static func field(_ text: String, index: Int) -> Result<Set<Int>, ParseError> {
        let (name, range, names) = fields[index]
        var values: Set<Int> = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            var body = Substring(item)
            var step = 1
            if let slash = body.firstIndex(of: "/") {
                guard let parsed = Int(body[body.index(after: slash)...]), parsed > 0 else {
                    return .failure(
                        ParseError(
                            description:
                                "\(name) field \(Quoted.clip(text)): the step after '/' must be a positive number")
                    )
                }
                step = parsed
                body = body[..<slash]
            }
            var low = range.lowerBound
            var high = range.upperBound
            if body != "*" {
                let bounds = body.split(separator: "-", omittingEmptySubsequences: false)
                guard (1...2).contains(bounds.count), let first = value(bounds[0], names: names, base: range.lowerBound)
                else {
                    return .failure(
                        ParseError(
                            description:
                                "\(name) field \(Quoted.clip(text)): \(Quoted.clip(body)) is not a value in \(range)"))
                }
                low = first
                high = first
                if bounds.count == 2 {
                    guard let second = value(bounds[1], names: names, base: range.lowerBound) else {
                        return .failure(
                            ParseError(
                                description:
                                    "\(name) field \(Quoted.clip(text)): \(Quoted.clip(bounds[1])) is not a value"))
                    }
                    high = second
                } else if step > 1 {
                    high = range.upperBound
                }
            }
            guard range.contains(low), range.contains(high), low <= high else {
                return .failure(
                    ParseError(
                        description:
                            "\(name) field \(Quoted.clip(text)): values must lie in \(range.lowerBound)-\(range.upperBound)"
                    ))
            }
            values.formUnion(stride(from: low, through: high, by: step))
        }
        return .success(values)
    }

    private static func value(_ text: Substring, names: [String], base: Int) -> Int? {
        if let number = Int(text) { return number }
        guard let index = names.firstIndex(of: text.uppercased()) else { return nil }
        return index + (base == 1 ? 1 : 0)
    }
}
