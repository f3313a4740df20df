import Foundation

/// The business hours of a support queue: weekly opening intervals in one time zone, and holidays
/// (local dates on which nothing is open).
///
/// Kept in a PostgreSQL `jsonb` column in its stored form: weekly hours keyed `"mon"` … `"sun"`, each a
/// list of `["HH:MM", "HH:MM"]` intervals (end exclusive, `"24:00"` allowed as an end), and holidays as
/// `"YYYY-MM-DD"`. A calendar is validated once, when made or decoded.
///
/// Time is counted in real elapsed minutes in the calendar's time zone, daylight-saving changes
/// included: on a fall-back day 00:00–24:00 lasts 25 h, on a spring-forward day 23 h.
public struct BusinessCalendar: Sendable, Equatable, Codable {
    /// `support_calendars.id`.
    public var id: String
    /// Shown in explanations, e.g. "Tokyo support".
    public var name: String
    /// IANA time zone identifier, e.g. "Asia/Tokyo".
    public let timeZone: String

    /// One day's opening interval, in minutes since local midnight; `end` is exclusive and may be 1440.
    struct Interval: Sendable, Hashable {
        var start: Int
        var end: Int
    }

    /// The weekly-hours keys, Monday first.
    public static let weekdayKeys = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// Opening intervals by ISO weekday (index 0 is Monday), sorted and disjoint.
    let week: [[Interval]]
    let holidayDates: Set<LocalDate>
    let clock: Calendar

    /// Validates the stored form and keeps it parsed.
    ///
    /// A weekday that is missing or has no intervals is closed; duplicate holidays count once.
    public init(id: String, name: String, timeZone: String, weeklyHours: [String: [[String]]],
                holidays: [String] = []) throws(CalendarError) {
        guard let zone = TimeZone(identifier: timeZone) else { throw .unknownTimeZone(timeZone) }
        if let unknown = weeklyHours.keys.sorted().first(where: { !Self.weekdayKeys.contains($0) }) {
            throw .unknownWeekday(unknown)
        }
        var week: [[Interval]] = []
        for key in Self.weekdayKeys {
            week.append(try Self.parseDay(key, weeklyHours[key] ?? []))
        }
        guard week.contains(where: { !$0.isEmpty }) else { throw .noOpenHours }
        var holidayDates: Set<LocalDate> = []
        for text in holidays {
            guard let date = LocalDate(iso: text) else { throw .malformedDate(text) }
            holidayDates.insert(date)
        }
        var clock = Calendar(identifier: .gregorian)
        clock.timeZone = zone
        self.id = id
        self.name = name
        self.timeZone = timeZone
        self.week = week
        self.holidayDates = holidayDates
        self.clock = clock
    }

    /// The weekly hours in stored form: open weekdays only, intervals in order.
    public var weeklyHours: [String: [[String]]] {
        var hours: [String: [[String]]] = [:]
        for (key, intervals) in zip(Self.weekdayKeys, week) where !intervals.isEmpty {
            hours[key] = intervals.map { [Self.format($0.start), Self.format($0.end)] }
        }
        return hours
    }

    /// The holidays in stored form, in date order.
    public var holidays: [String] {
        holidayDates.sorted().map(\.iso)
    }

    /// Whether `instant` falls in an opening interval (start inclusive, end exclusive).
    public func isOpen(at instant: Date) -> Bool {
        var periods = OpenPeriods(self, around: instant)
        while let period = periods.next(), period.start <= instant {
            if instant < period.end { return true }
        }
        return false
    }

    /// The instant `businessMinutes` open minutes after `start`.
    ///
    /// Counting starts at `start` when it is open, otherwise at the next opening; 0 minutes gives that
    /// starting instant. Negative minutes count as 0. Closed days and holidays are skipped.
    public func adding(businessMinutes: Int, to start: Date) -> Date {
        walk(businessMinutes: businessMinutes, from: start, recording: false).due
    }

    /// The open minutes between two instants (whole minutes, after rounding to the second); 0 when
    /// `to` is not after `from`.
    public func businessMinutes(from: Date, to: Date) -> Int {
        guard to > from else { return 0 }
        var seconds: TimeInterval = 0
        var periods = OpenPeriods(self, around: from)
        while let period = periods.next(), period.start < to {
            let overlap = min(period.end, to).timeIntervalSince(max(period.start, from))
            if overlap > 0 { seconds += overlap }
        }
        return Int(seconds.rounded()) / 60
    }

    /// `adding(businessMinutes:to:)`, optionally with the open periods it counted, in order.
    func walk(businessMinutes: Int, from start: Date,
              recording: Bool) -> (due: Date, counted: [OpenPeriods.Period]) {
        var remaining = TimeInterval(max(0, businessMinutes)) * 60
        var counted: [OpenPeriods.Period] = []
        var periods = OpenPeriods(self, around: start)
        while let period = periods.next() {
            guard period.end > start else { continue }
            let begin = max(period.start, start)
            let available = period.end.timeIntervalSince(begin)
            if remaining <= available {
                let due = begin.addingTimeInterval(remaining)
                if recording { counted.append(.init(start: begin, end: due)) }
                return (due, counted)
            }
            remaining -= available
            if recording { counted.append(.init(start: begin, end: period.end)) }
        }
        // Unreachable: init refuses a calendar that is never open, and holidays are finitely many.
        return (.distantFuture, counted)
    }

    /// The open periods of local day `day` as instants, none starting before `notBefore`, which
    /// moves to the end of the last one. (Daylight-saving gaps can make wall-clock intervals touch.)
    func periods(on day: LocalDate, notBefore: inout Date) -> [OpenPeriods.Period] {
        guard !holidayDates.contains(day) else { return [] }
        var periods: [OpenPeriods.Period] = []
        for interval in week[day.isoWeekday - 1] {
            guard let opening = instant(day, interval.start), let closing = instant(day, interval.end) else { continue }
            let start = max(opening, notBefore)
            if closing > start {
                periods.append(.init(start: start, end: closing))
                notBefore = closing
            }
        }
        return periods
    }

    /// The instant of wall-clock `minute` on local `day`; a time skipped by a daylight-saving change
    /// moves forward by the change, a repeated one is taken the first time.
    private func instant(_ day: LocalDate, _ minute: Int) -> Date? {
        if minute >= 1440 { return instant(day.adding(days: 1), minute - 1440) }
        let (year, month, date) = day.components
        return clock.date(from: DateComponents(year: year, month: month, day: date,
                                               hour: minute / 60, minute: minute % 60))
    }
}

// MARK: - Stored form

extension BusinessCalendar {
    private enum CodingKeys: String, CodingKey {
        case id, name, timeZone, weeklyHours, holidays
    }

    /// Decodes the stored form and validates it; an invalid calendar is `DecodingError.dataCorrupted`
    /// with the `CalendarError` as its underlying error.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let id = try container.decode(String.self, forKey: .id)
        let name = try container.decode(String.self, forKey: .name)
        let timeZone = try container.decode(String.self, forKey: .timeZone)
        let weeklyHours = try container.decode([String: [[String]]].self, forKey: .weeklyHours)
        let holidays = try container.decodeIfPresent([String].self, forKey: .holidays) ?? []
        do throws(CalendarError) {
            try self.init(id: id, name: name, timeZone: timeZone, weeklyHours: weeklyHours, holidays: holidays)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: error.description, underlyingError: error))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(timeZone, forKey: .timeZone)
        try container.encode(weeklyHours, forKey: .weeklyHours)
        try container.encode(holidays, forKey: .holidays)
    }

    private static func parseDay(_ key: String, _ raw: [[String]]) throws(CalendarError) -> [Interval] {
        var intervals: [Interval] = []
        for pair in raw {
            guard pair.count == 2 else { throw .malformedInterval(weekday: key, interval: pair) }
            guard let start = parseTime(pair[0]), start < 1440 else { throw .malformedTime(weekday: key, time: pair[0]) }
            guard let end = parseTime(pair[1]) else { throw .malformedTime(weekday: key, time: pair[1]) }
            guard start < end else { throw .emptyInterval(weekday: key, start: pair[0], end: pair[1]) }
            intervals.append(Interval(start: start, end: end))
        }
        intervals.sort { $0.start < $1.start }
        for (earlier, later) in zip(intervals, intervals.dropFirst()) where later.start < earlier.end {
            throw .overlappingIntervals(weekday: key, first: [format(earlier.start), format(earlier.end)],
                                        second: [format(later.start), format(later.end)])
        }
        return intervals
    }

    /// Minutes since midnight of `HH:MM` (00:00 … 23:59, or 24:00 = 1440); `nil` when malformed.
    private static func parseTime(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let hour = Int(parts[0]), let minute = Int(parts[1]), minute < 60,
              hour < 24 || (hour == 24 && minute == 0)
        else { return nil }
        return hour * 60 + minute
    }

    private static func format(_ minutes: Int) -> String {
        "\(LocalDate.padded(minutes / 60, 2)):\(LocalDate.padded(minutes % 60, 2))"
    }
}
