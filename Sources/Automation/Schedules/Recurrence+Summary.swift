import Foundation

extension Recurrence {
    /// How often it fires, as every front end says it: `daily`, `every 2 hours`,
    /// `weekly on Mon,Fri`, `monthly on the last day`, `cron '*/15 * * * *'`.
    public var summary: String {
        let recurrence = self
        let every = recurrence.interval == 1 ? "" : "every \(recurrence.interval) "
        switch recurrence.frequency {
        case .oneTime: return "once"
        case .minute: return recurrence.interval == 1 ? "every minute" : "\(every)minutes"
        case .hour: return recurrence.interval == 1 ? "hourly" : "\(every)hours"
        case .day: return recurrence.interval == 1 ? "daily" : "\(every)days"
        case .week:
            let days = recurrence.weekDays.map { String($0.rawValue.prefix(3)) }.joined(separator: ",")
            return (recurrence.interval == 1 ? "weekly" : "\(every)weeks") + (days.isEmpty ? "" : " on \(days)")
        case .month:
            let days =
                recurrence.monthDays.map { $0 == -1 ? "the last day" : "day \($0)" }
                + recurrence.occurrences.map(\.description)
            return (recurrence.interval == 1 ? "monthly" : "\(every)months") + " on " + days.joined(separator: ", ")
        case .cron: return "cron '\(recurrence.cron ?? "")'"
        }
    }
}
