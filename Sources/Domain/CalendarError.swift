/// Why a business-hours calendar is not acceptable. `description` says what to fix.
public enum CalendarError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The time zone is not a known IANA identifier.
    case unknownTimeZone(String)
    /// A weekly-hours key other than `mon` … `sun`.
    case unknownWeekday(String)
    /// An interval that is not exactly two times.
    case malformedInterval(weekday: String, interval: [String])
    /// A time that is not `HH:MM` from `00:00` to `23:59`, or `24:00` used as a start.
    case malformedTime(weekday: String, time: String)
    /// An interval whose start is not before its end.
    case emptyInterval(weekday: String, start: String, end: String)
    /// Two intervals of one day that share some time.
    case overlappingIntervals(weekday: String, first: [String], second: [String])
    /// A holiday that is not a real `YYYY-MM-DD` date.
    case malformedDate(String)
    /// No weekday has any opening interval: nothing could ever fall due.
    case noOpenHours

    public var description: String {
        switch self {
        case .unknownTimeZone(let zone):
            return "unknown time zone \"\(zone)\": use an IANA identifier such as \"Asia/Tokyo\""
        case .unknownWeekday(let key):
            return "unknown weekday \"\(key)\": use mon, tue, wed, thu, fri, sat or sun"
        case .malformedInterval(let weekday, let interval):
            return "\(weekday): an interval is two times [\"HH:MM\", \"HH:MM\"], not \(interval)"
        case .malformedTime(let weekday, let time):
            return "\(weekday): \"\(time)\" is not a time: write HH:MM from 00:00 to 23:59 (24:00 only as an end)"
        case .emptyInterval(let weekday, let start, let end):
            return "\(weekday): \(start)–\(end) is empty: the start must come before the end"
        case .overlappingIntervals(let weekday, let first, let second):
            return "\(weekday): \(first.joined(separator: "–")) overlaps \(second.joined(separator: "–"))"
        case .malformedDate(let date):
            return "holiday \"\(date)\" is not a date: write YYYY-MM-DD"
        case .noOpenHours:
            return "the calendar is never open: give at least one opening interval"
        }
    }
}
