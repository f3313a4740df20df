import Foundation

/// Instants written as wall-clock times in a named time zone, or as ISO 8601 UTC, for readable tests.
enum WallClock {
    static func date(_ zone: String, _ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0,
                     _ second: Int = 0) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: zone)!
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute,
                                                  second: second))!
    }

    /// `"2026-11-27T07:00:00Z"`.
    static func utc(_ iso: String) -> Date {
        try! Date(iso, strategy: .iso8601)
    }
}
