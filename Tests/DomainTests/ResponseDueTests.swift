import Domain
import Foundation
import Testing

@Suite("First-response due times")
struct ResponseDueTests {
    /// Asia/Tokyo, Mon–Fri 09:00–18:00, Mon 2026-11-23 off.
    let tokyo: BusinessCalendar

    init() throws {
        tokyo = try BusinessCalendar(
            id: "tokyo", name: "Tokyo support", timeZone: "Asia/Tokyo",
            weeklyHours: Dictionary(uniqueKeysWithValues: ["mon", "tue", "wed", "thu", "fri"].map { ($0, [["09:00", "18:00"]]) }),
            holidays: ["2026-11-23"])
    }

    func jst(_ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0) -> Date {
        WallClock.date("Asia/Tokyo", 2026, month, day, hour, minute)
    }

    func due(_ plan: SupportPlan, _ severity: Severity, at start: Date, calendar: BusinessCalendar?,
             paused: Int = 0) throws -> ResponseDue {
        let target = try #require(ResponseDue.defaultTargets[plan]?[severity])
        return ResponseDue.compute(plan: plan, severity: severity, targetMinutes: target, startedAt: start,
                                   calendar: calendar, pausedMinutes: paused)
    }

    @Test("the documented default targets")
    func defaults() {
        #expect(ResponseDue.defaultTargets == [
            .premier: [.a: 60, .b: 120, .c: 240],
            .professional: [.a: 120, .b: 240, .c: 480],
            .trial: [.a: 120, .b: 240, .c: 480],
        ])
    }

    @Test("without a calendar every plan and severity runs around the clock", arguments: [
        (SupportPlan.premier, Severity.a, "2026-11-27T08:00:00Z"),
        (.premier, .b, "2026-11-27T09:00:00Z"),
        (.premier, .c, "2026-11-27T11:00:00Z"),
        (.professional, .a, "2026-11-27T09:00:00Z"),
        (.professional, .b, "2026-11-27T11:00:00Z"),
        (.professional, .c, "2026-11-27T15:00:00Z"),
        (.trial, .a, "2026-11-27T09:00:00Z"),
        (.trial, .b, "2026-11-27T11:00:00Z"),
        (.trial, .c, "2026-11-27T15:00:00Z"),
    ])
    func noCalendar(plan: SupportPlan, severity: Severity, expected: String) throws {
        // Fri 2026-11-27 16:00 JST.
        let result = try due(plan, severity, at: WallClock.utc("2026-11-27T07:00:00Z"), calendar: nil)
        #expect(result.dueAt == WallClock.utc(expected))
        #expect(result.targetMinutes == ResponseDue.defaultTargets[plan]?[severity])
        #expect(result.explanation.clock == (severity == .a
            ? "around the clock (severity A)" : "around the clock (no business-hours calendar configured)"))
        #expect(result.explanation.steps.first == "submitted Fri 2026-11-27 07:00 UTC")
    }

    @Test("professional B submitted Friday 16:00 in Tokyo is due Monday 11:00")
    func acrossWeekend() throws {
        let result = try due(.professional, .b, at: jst(11, 27, 16), calendar: tokyo)
        #expect(result.dueAt == jst(11, 30, 11))
        #expect(result.targetMinutes == 240)
        #expect(result.explanation.policy == "professional plan, severity B: first response within 4 h")
        #expect(result.explanation.clock == "business hours (calendar: Tokyo support, Asia/Tokyo)")
        #expect(result.explanation.startedAt == jst(11, 27, 16))
        #expect(result.explanation.steps == [
            "submitted Fri 2026-11-27 16:00 Asia/Tokyo",
            "within business hours: the clock starts at once",
            "counting 4 h of business hours",
            "counted 2 h until Fri 2026-11-27 18:00; closed until Mon 2026-11-30 09:00",
            "due Mon 2026-11-30 11:00",
        ])
    }

    @Test("severity A ignores the calendar: Friday 16:00 is due 17:00 (premier) or 18:00 (professional)")
    func severityA() throws {
        let premier = try due(.premier, .a, at: jst(11, 27, 16), calendar: tokyo)
        #expect(premier.dueAt == jst(11, 27, 17))
        #expect(premier.explanation.clock == "around the clock (severity A)")
        #expect(premier.explanation.steps == [
            "submitted Fri 2026-11-27 16:00 Asia/Tokyo", "adding 1 h around the clock", "due Fri 2026-11-27 17:00",
        ])
        #expect(try due(.professional, .a, at: jst(11, 27, 16), calendar: tokyo).dueAt == jst(11, 27, 18))
        #expect(try due(.professional, .a, at: jst(11, 28, 3), calendar: tokyo).dueAt == jst(11, 28, 5))
    }

    @Test("submitted on Saturday: the clock starts Monday 09:00")
    func saturday() throws {
        let result = try due(.premier, .b, at: jst(11, 28, 10, 30), calendar: tokyo)
        #expect(result.dueAt == jst(11, 30, 11))
        #expect(result.explanation.steps == [
            "submitted Sat 2026-11-28 10:30 Asia/Tokyo",
            "outside business hours: clock starts Mon 2026-11-30 09:00",
            "counting 2 h of business hours",
            "due Mon 2026-11-30 11:00",
        ])
    }

    @Test("a holiday is named where the count passes it")
    func holiday() throws {
        let result = try due(.premier, .c, at: jst(11, 20, 17, 30), calendar: tokyo)
        #expect(result.dueAt == jst(11, 24, 12, 30))
        #expect(result.explanation.steps.contains(
            "counted 30 min until Fri 2026-11-20 18:00; closed until Tue 2026-11-24 09:00 (holiday: 2026-11-23)"))
    }

    @Test("paused minutes push the due time back, in business minutes on a calendar")
    func paused() throws {
        let business = try due(.professional, .c, at: jst(11, 30, 9), calendar: tokyo, paused: 90)
        #expect(business.dueAt == jst(12, 1, 9, 30))
        #expect(business.explanation.pausedMinutes == 90)
        #expect(business.explanation.steps.contains("paused 1 h 30 min: added to the 8 h target"))
        #expect(business.explanation.steps.contains("counting 9 h 30 min of business hours"))
        let wall = try due(.premier, .b, at: jst(11, 28, 10), calendar: nil, paused: 45)
        #expect(wall.dueAt == jst(11, 28, 12, 45))
        #expect(wall.explanation.steps.contains("adding 2 h 45 min around the clock"))
    }

    @Test("durations read as minutes, hours, or both")
    func durations() {
        #expect(ResponseDue.durationText(minutes: 0) == "0 min")
        #expect(ResponseDue.durationText(minutes: 45) == "45 min")
        #expect(ResponseDue.durationText(minutes: 60) == "1 h")
        #expect(ResponseDue.durationText(minutes: 120) == "2 h")
        #expect(ResponseDue.durationText(minutes: 90) == "1 h 30 min")
        #expect(ResponseDue.durationText(minutes: 481) == "8 h 1 min")
    }

    @Test("met at or before the due time, breached after it, pending until then, stopped by a withdrawal before it")
    func status() {
        let due = WallClock.utc("2026-11-30T02:00:00Z")
        let before = due.addingTimeInterval(-1), after = due.addingTimeInterval(1)
        #expect(ResponseDue.status(due: due, firstResponseAt: due, now: after) == .met)
        #expect(ResponseDue.status(due: due, firstResponseAt: before, now: after) == .met)
        #expect(ResponseDue.status(due: due, firstResponseAt: after, now: after) == .breached)
        #expect(ResponseDue.status(due: due, firstResponseAt: nil, now: after) == .breached)
        #expect(ResponseDue.status(due: due, firstResponseAt: nil, now: due) == .pending)
        #expect(ResponseDue.status(due: due, firstResponseAt: nil, now: before) == .pending)
        // Withdrawn (or resolved) without a response: the clock stopped then.
        #expect(ResponseDue.status(due: due, firstResponseAt: nil, stoppedAt: before, now: after) == .stopped)
        #expect(ResponseDue.status(due: due, firstResponseAt: nil, stoppedAt: after, now: after) == .breached)
        #expect(ResponseDue.status(due: due, firstResponseAt: before, stoppedAt: after, now: after) == .met)
    }

    @Test("severities sort most severe first; only A runs around the clock")
    func severities() {
        #expect([Severity.c, .a, .b].sorted() == [.a, .b, .c])
        #expect(Severity.a < .b && Severity.b < .c)
        #expect(Severity.allCases.filter(\.aroundTheClock) == [.a])
        #expect(Severity(rawValue: "B") == .b)
    }

    @Test("a due time survives JSON")
    func codable() throws {
        let result = try due(.professional, .b, at: jst(11, 27, 16), calendar: tokyo)
        let encoder = JSONEncoder(), decoder = JSONDecoder()
        encoder.dateEncodingStrategy = .iso8601
        decoder.dateDecodingStrategy = .iso8601
        #expect(try decoder.decode(ResponseDue.self, from: encoder.encode(result)) == result)
    }
}
