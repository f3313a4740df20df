import Domain
import Foundation
import Testing
@testable import WorkerService

/// Calendars kept by their columns: a change in any column gives the changed calendar, never the
/// one kept; the memo starts over when full.
@Suite("Calendar memo")
struct CalendarMemoTests {
    static let weekly = #"{"mon": [["08:00", "17:00"]], "tue": [["08:00", "17:00"]]}"#

    @Test("a calendar changed in any column is built anew")
    func changedColumns() throws {
        let first = try #require(try SupportCatalogue.calendar(
            id: "memo-check", name: "Memo check", timeZone: "Asia/Tokyo", weekly: Self.weekly, holidays: ["2026-12-31"]))
        let again = try SupportCatalogue.calendar(
            id: "memo-check", name: "Memo check", timeZone: "Asia/Tokyo", weekly: Self.weekly, holidays: ["2026-12-31"])
        #expect(again == first)
        let longer = try SupportCatalogue.calendar(
            id: "memo-check", name: "Memo check", timeZone: "Asia/Tokyo",
            weekly: Self.weekly.replacingOccurrences(of: "17:00", with: "19:00"), holidays: ["2026-12-31"])
        #expect(longer != first)
        #expect(longer == (try BusinessCalendar(
            id: "memo-check", name: "Memo check", timeZone: "Asia/Tokyo",
            weeklyHours: try SupportCatalogue.weeklyHours(Self.weekly.replacingOccurrences(of: "17:00", with: "19:00")),
            holidays: ["2026-12-31"])))
        let elsewhere = try SupportCatalogue.calendar(
            id: "memo-check", name: "Memo check", timeZone: "Europe/Dublin", weekly: Self.weekly, holidays: ["2026-12-31"])
        #expect(elsewhere?.timeZone == "Europe/Dublin")
        let noHolidays = try SupportCatalogue.calendar(
            id: "memo-check", name: "Memo check", timeZone: "Asia/Tokyo", weekly: Self.weekly, holidays: [])
        #expect(noHolidays != first)
        #expect(try SupportCatalogue.calendar(id: nil, name: nil, timeZone: nil, weekly: nil, holidays: nil) == nil)
    }

    @Test("the memo keeps at most its capacity")
    func capacity() throws {
        let memo = CalendarMemo(capacity: 3)
        let calendar = try BusinessCalendar(
            id: "c", name: "C", timeZone: "UTC", weeklyHours: try SupportCatalogue.weeklyHours(Self.weekly), holidays: [])
        for index in 0..<3 {
            memo.keep(calendar, for: .init(id: "c\(index)", name: "C", timeZone: "UTC", weekly: Self.weekly, holidays: []))
        }
        #expect(memo.count == 3)
        #expect(memo.calendar(for: .init(id: "c1", name: "C", timeZone: "UTC", weekly: Self.weekly, holidays: [])) == calendar)
        memo.keep(calendar, for: .init(id: "c3", name: "C", timeZone: "UTC", weekly: Self.weekly, holidays: []))
        #expect(memo.count == 1)
        #expect(memo.calendar(for: .init(id: "c1", name: "C", timeZone: "UTC", weekly: Self.weekly, holidays: [])) == nil)
    }
}
