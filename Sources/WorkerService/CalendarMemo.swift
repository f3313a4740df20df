import Domain
import Synchronization

/// Business calendars already built, keyed by every column they are built from: a calendar
/// changed in PostgreSQL has other columns, so it is built anew, and nothing needs invalidating.
/// Holds at most `capacity` calendars (it starts over when full).
final class CalendarMemo: Sendable {
    struct Columns: Hashable, Sendable {
        var id: String
        var name: String
        var timeZone: String
        var weekly: String
        var holidays: [String]
    }

    static let shared = CalendarMemo(capacity: 256)

    let capacity: Int
    private let calendars = Mutex<[Columns: BusinessCalendar]>([:])

    init(capacity: Int) { self.capacity = capacity }

    func calendar(for columns: Columns) -> BusinessCalendar? {
        calendars.withLock { $0[columns] }
    }

    func keep(_ calendar: BusinessCalendar, for columns: Columns) {
        calendars.withLock { known in
            if known.count >= capacity { known.removeAll(keepingCapacity: true) }
            known[columns] = calendar
        }
    }

    var count: Int { calendars.withLock { $0.count } }
}
