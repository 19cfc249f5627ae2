import Foundation

extension Recurrence {
    /// The first fire time strictly after `instant`, or nil when the schedule has none left.
    /// A pure function of the definition: the scheduler and `schedule preview` both use it.
    /// A definition outside its bounds (`boundsProblems`) has none, whatever a store holds, and
    /// no fire lies past the last supported year.
    public func nextFire(after instant: Date) -> Date? {
        guard boundsProblems().isEmpty, instant < Self.dates.upperBound, let zone = TimeZone(identifier: timeZone)
        else { return nil }
        let clock = ZonedClock(zone)
        let candidate: Date?
        switch frequency {
        case .oneTime:
            candidate = startTime > instant ? startTime : nil
        case .minute, .hour:
            let (seconds, overflow) = interval.multipliedReportingOverflow(by: frequency == .minute ? 60 : 3600)
            guard !overflow else { return nil }
            let step = Double(seconds)
            if instant < startTime {
                candidate = startTime
            } else {
                let steps = (instant.timeIntervalSince(startTime) / step).rounded(.down) + 1
                candidate = startTime.addingTimeInterval(steps * step)
            }
        case .day:
            candidate = nextDaily(after: instant, clock: clock)
        case .week:
            candidate = nextWeekly(after: instant, clock: clock)
        case .month:
            candidate = nextMonthly(after: instant, clock: clock)
        case .cron:
            candidate = cron.flatMap { try? CronExpression.parse($0).get() }.flatMap {
                nextCron($0, after: instant, clock: clock)
            }
        }
        guard let candidate, candidate <= Self.dates.upperBound else { return nil }
        if let expiryTime, candidate > expiryTime { return nil }
        return candidate
    }

    /// The next `count` fire times after `instant`.
    public func preview(after instant: Date, count: Int) -> [Date] {
        var fires: [Date] = []
        var cursor = instant
        while fires.count < count, let next = nextFire(after: cursor) {
            fires.append(next)
            cursor = next
        }
        return fires
    }

    /// The earliest time a fire may happen: never before the start.
    private func fires(_ date: Date, after instant: Date) -> Bool { date > instant && date >= startTime }

    private func nextDaily(after instant: Date, clock: ZonedClock) -> Date? {
        let start = clock.local(startTime)
        let first = start.civilDay
        var day = max(first, clock.local(instant).civilDay - 1)
        day += (interval - (day - first) % interval) % interval
        for _ in 0..<4 {
            let fire = clock.instant(start.with(day: day))
            if fires(fire, after: instant) { return fire }
            day += interval
        }
        return nil
    }

    private func nextWeekly(after instant: Date, clock: ZonedClock) -> Date? {
        let start = clock.local(startTime)
        let firstDay = start.civilDay
        let weekStart = firstDay - CivilDate.weekday(days: firstDay)
        let wanted = weekDays.isEmpty ? [CivilDate.weekday(days: firstDay)] : weekDays.map { $0.calendarIndex - 1 }
        var day = max(firstDay, clock.local(instant).civilDay - 1)
        for _ in 0..<(7 * interval * 3 + 7) {
            let week = (day - weekStart) / 7
            if week % interval == 0 && wanted.contains(CivilDate.weekday(days: day)) {
                let fire = clock.instant(start.with(day: day))
                if fires(fire, after: instant) { return fire }
            }
            day += 1
        }
        return nil
    }

    private func nextMonthly(after instant: Date, clock: ZonedClock) -> Date? {
        let start = clock.local(startTime)
        let firstMonth = start.year * 12 + start.month - 1
        let now = clock.local(instant)
        var month = max(firstMonth, now.year * 12 + now.month - 2)
        month += (interval - (month - firstMonth) % interval) % interval
        // Some month days exist only now and then (the 31st, a fifth Monday): look far enough ahead.
        for _ in 0..<(12 * 8) {
            let year = month / 12
            guard year <= Self.years.upperBound else { return nil }
            let number = month % 12 + 1
            for day in days(year: year, month: number) {
                let local = LocalDateTime(
                    year: year, month: number, day: day, hour: start.hour, minute: start.minute, second: start.second)
                let fire = clock.instant(local)
                if fires(fire, after: instant) { return fire }
            }
            month += interval
        }
        return nil
    }

    /// The month's firing days, sorted; a day the month does not have is skipped.
    func days(year: Int, month: Int) -> [Int] {
        let length = CivilDate.daysInMonth(year: year, month: month)
        var days = Set(monthDays.compactMap { $0 == -1 ? length : ($0 <= length ? $0 : nil) })
        let firstWeekday = CivilDate.weekday(days: CivilDate.days(year: year, month: month, day: 1))
        for rule in occurrences {
            let first = 1 + (rule.day.calendarIndex - 1 - firstWeekday + 7) % 7
            let all = Array(stride(from: first, through: length, by: 7))
            if rule.occurrence == -1, let last = all.last {
                days.insert(last)
            } else if rule.occurrence >= 1, rule.occurrence <= all.count {
                days.insert(all[rule.occurrence - 1])
            }
        }
        return days.sorted()
    }

    private func nextCron(_ cron: CronExpression, after instant: Date, clock: ZonedClock) -> Date? {
        let now = clock.local(instant)
        let hours = cron.hours.sorted()
        let minutes = cron.minutes.sorted()
        var day = now.civilDay - 1
        for _ in 0..<(366 * 5) {
            defer { day += 1 }
            let (year, month, dayOfMonth) = CivilDate.date(days: day)
            guard cron.months.contains(month) else { continue }
            let domMatch = cron.monthDays.contains(dayOfMonth)
            let dowMatch = cron.weekDays.contains(CivilDate.weekday(days: day))
            let matches =
                cron.monthDaysRestricted && cron.weekDaysRestricted
                ? (domMatch || dowMatch) : (domMatch && dowMatch)
            guard matches else { continue }
            for hour in hours {
                for minute in minutes {
                    let fire = clock.instant(
                        LocalDateTime(year: year, month: month, day: dayOfMonth, hour: hour, minute: minute, second: 0))
                    if fires(fire, after: instant) { return fire }
                }
            }
        }
        return nil
    }
}
