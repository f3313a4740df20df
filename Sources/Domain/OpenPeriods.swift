import Foundation

/// A business calendar's open periods as instants, in order and without overlap, day after day.
struct OpenPeriods: IteratorProtocol {
    /// An open period: `start` inclusive, `end` exclusive.
    struct Period: Sendable, Equatable {
        var start: Date
        var end: Date
    }

    private let calendar: BusinessCalendar
    private var day: LocalDate
    private var pending: [Period] = []
    private var notBefore = Date.distantPast
    private var closedDays = 0

    /// Starts on the local day before the one `instant` falls on, so that no period containing
    /// `instant` is missed.
    init(_ calendar: BusinessCalendar, around instant: Date) {
        self.calendar = calendar
        self.day = LocalDate(containing: instant, in: calendar.clock.timeZone).adding(days: -1)
    }

    /// The next open period; `nil` only if none comes in more closed days in a row than a valid
    /// calendar can have (each holiday closes at most one day, and every week has open hours).
    mutating func next() -> Period? {
        while pending.isEmpty {
            guard closedDays <= calendar.holidayDates.count + 28 else { return nil }
            pending = calendar.periods(on: day, notBefore: &notBefore).reversed()
            closedDays = pending.isEmpty ? closedDays + 1 : 0
            day = day.adding(days: 1)
        }
        return pending.popLast()
    }
}
