import Domain
import Foundation
import Testing

@Suite("Business-hours calendars")
struct BusinessCalendarTests {
    static let weekdays = ["mon", "tue", "wed", "thu", "fri"]
    static let everyDay = BusinessCalendar.weekdayKeys

    static func hours(_ intervals: [[String]], on days: [String] = weekdays) -> [String: [[String]]] {
        Dictionary(uniqueKeysWithValues: days.map { ($0, intervals) })
    }

    /// Asia/Tokyo, Mon–Fri 09:00–18:00, Labour Thanksgiving Day (Mon 2026-11-23) off.
    let tokyo: BusinessCalendar
    /// Asia/Tokyo, Mon–Fri 09:00–12:00 and 13:00–18:00.
    let lunch: BusinessCalendar

    init() throws {
        tokyo = try BusinessCalendar(id: "tokyo", name: "Tokyo support", timeZone: "Asia/Tokyo",
                                     weeklyHours: Self.hours([["09:00", "18:00"]]), holidays: ["2026-11-23"])
        lunch = try BusinessCalendar(id: "lunch", name: "Tokyo with lunch", timeZone: "Asia/Tokyo",
                                     weeklyHours: Self.hours([["09:00", "12:00"], ["13:00", "18:00"]]))
    }

    func jst(_ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0, _ second: Int = 0) -> Date {
        WallClock.date("Asia/Tokyo", 2026, month, day, hour, minute, second)
    }

    @Test("Friday 16:00 plus 4 business hours is Monday 11:00: the weekend does not count")
    func acrossWeekend() {
        #expect(tokyo.adding(businessMinutes: 240, to: jst(11, 27, 16)) == jst(11, 30, 11))
        #expect(tokyo.businessMinutes(from: jst(11, 27, 16), to: jst(11, 30, 11)) == 240)
    }

    @Test("the count may end exactly at closing time; from closing time the next opening counts")
    func closingTime() {
        #expect(tokyo.adding(businessMinutes: 120, to: jst(11, 27, 16)) == jst(11, 27, 18))
        #expect(tokyo.adding(businessMinutes: 0, to: jst(11, 27, 18)) == jst(11, 30, 9))
        #expect(tokyo.adding(businessMinutes: 1, to: jst(11, 27, 18)) == jst(11, 30, 9, 1))
    }

    @Test("outside business hours the clock starts at the next opening")
    func outsideHours() {
        #expect(tokyo.adding(businessMinutes: 0, to: jst(11, 28, 10)) == jst(11, 30, 9))
        #expect(tokyo.adding(businessMinutes: 60, to: jst(11, 28, 10)) == jst(11, 30, 10))
        #expect(tokyo.adding(businessMinutes: 30, to: jst(11, 30, 7, 30)) == jst(11, 30, 9, 30))
        #expect(tokyo.adding(businessMinutes: 0, to: jst(11, 30, 10, 15, 7)) == jst(11, 30, 10, 15, 7))
        #expect(tokyo.adding(businessMinutes: -5, to: jst(11, 29, 23)) == jst(11, 30, 9))
    }

    @Test("a holiday is closed all day")
    func holiday() {
        #expect(tokyo.adding(businessMinutes: 120, to: jst(11, 20, 17)) == jst(11, 24, 10))
        #expect(!tokyo.isOpen(at: jst(11, 23, 10)))
        #expect(tokyo.businessMinutes(from: jst(11, 20, 18), to: jst(11, 24, 9)) == 0)
        #expect(tokyo.businessMinutes(from: jst(11, 16, 9), to: jst(11, 21, 0)) == 5 * 540)
        #expect(tokyo.businessMinutes(from: jst(11, 23, 0), to: jst(11, 28, 0)) == 4 * 540)
    }

    @Test("split intervals: the lunch break does not count")
    func lunchBreak() {
        #expect(lunch.adding(businessMinutes: 120, to: jst(11, 30, 11)) == jst(11, 30, 14))
        #expect(lunch.adding(businessMinutes: 60, to: jst(11, 30, 11)) == jst(11, 30, 12))
        #expect(lunch.adding(businessMinutes: 0, to: jst(11, 30, 12, 30)) == jst(11, 30, 13))
        #expect(lunch.businessMinutes(from: jst(11, 30, 9), to: jst(11, 30, 18)) == 480)
        #expect(lunch.isOpen(at: jst(11, 30, 11, 59)))
        #expect(!lunch.isOpen(at: jst(11, 30, 12)))
        #expect(!lunch.isOpen(at: jst(11, 30, 12, 59, 59)))
        #expect(lunch.isOpen(at: jst(11, 30, 13)))
    }

    @Test("isOpen: start inclusive, end exclusive, closed on weekends")
    func openness() {
        #expect(tokyo.isOpen(at: jst(11, 27, 9)))
        #expect(tokyo.isOpen(at: jst(11, 27, 17, 59, 59)))
        #expect(!tokyo.isOpen(at: jst(11, 27, 18)))
        #expect(!tokyo.isOpen(at: jst(11, 27, 8, 59, 59)))
        #expect(!tokyo.isOpen(at: jst(11, 28, 12)))
        #expect(tokyo.businessMinutes(from: jst(11, 27, 12), to: jst(11, 27, 11)) == 0)
        #expect(tokyo.businessMinutes(from: jst(11, 27, 12), to: jst(11, 27, 12)) == 0)
    }

    @Test("24:00 ends an interval, and a night shift continues across midnight")
    func nightShift() throws {
        let night = try BusinessCalendar(id: "night", name: "Night", timeZone: "Asia/Tokyo",
                                         weeklyHours: ["mon": [["18:00", "24:00"]], "tue": [["00:00", "06:00"]]])
        #expect(night.adding(businessMinutes: 120, to: jst(11, 30, 23)) == jst(12, 1, 1))
        #expect(night.businessMinutes(from: jst(11, 30, 12), to: jst(12, 1, 12)) == 720)
        #expect(night.isOpen(at: jst(12, 1, 0)))
        #expect(!night.isOpen(at: jst(12, 1, 6)))
        #expect(night.weeklyHours == ["mon": [["18:00", "24:00"]], "tue": [["00:00", "06:00"]]])
    }

    @Test("daylight saving in Los Angeles: the fall-back weekend adds an hour of wall clock, not of work")
    func fallBackLosAngeles() throws {
        let office = try BusinessCalendar(id: "la", name: "LA", timeZone: "America/Los_Angeles",
                                          weeklyHours: Self.hours([["09:00", "17:00"]]))
        // Fri 2026-10-30 16:00 PDT (UTC-7) + 2 h: 1 h on Friday, 1 h from Mon 2026-11-02 09:00 PST (UTC-8).
        let start = WallClock.utc("2026-10-30T23:00:00Z")
        #expect(office.adding(businessMinutes: 120, to: start) == WallClock.utc("2026-11-02T18:00:00Z"))
        #expect(office.businessMinutes(from: start, to: WallClock.utc("2026-11-02T18:00:00Z")) == 120)

        // Sunday 2026-11-01 lasts 25 hours.
        let always = try BusinessCalendar(id: "always", name: "Always", timeZone: "America/Los_Angeles",
                                          weeklyHours: Self.hours([["00:00", "24:00"]], on: Self.everyDay))
        let sunday = WallClock.utc("2026-11-01T07:00:00Z")
        #expect(always.businessMinutes(from: sunday, to: WallClock.utc("2026-11-02T08:00:00Z")) == 1500)
        #expect(always.adding(businessMinutes: 1440, to: sunday) == WallClock.utc("2026-11-02T07:00:00Z"))

        // 01:00–02:00 on the fall-back day holds the repeated hour: two real hours.
        let early = try BusinessCalendar(id: "early", name: "Early", timeZone: "America/Los_Angeles",
                                         weeklyHours: ["sun": [["01:00", "02:00"]]])
        #expect(early.businessMinutes(from: sunday, to: WallClock.utc("2026-11-02T08:00:00Z")) == 120)
        #expect(early.businessMinutes(from: WallClock.utc("2026-10-25T07:00:00Z"),
                                      to: WallClock.utc("2026-10-26T07:00:00Z")) == 60)
    }

    @Test("daylight saving in Berlin: the spring-forward day is 23 hours, the fall-back day 25")
    func berlin() throws {
        let always = try BusinessCalendar(id: "always", name: "Always", timeZone: "Europe/Berlin",
                                          weeklyHours: Self.hours([["00:00", "24:00"]], on: Self.everyDay))
        #expect(always.businessMinutes(from: WallClock.utc("2026-03-28T23:00:00Z"),
                                       to: WallClock.utc("2026-03-29T22:00:00Z")) == 1380)
        #expect(always.adding(businessMinutes: 1380, to: WallClock.utc("2026-03-28T23:00:00Z"))
            == WallClock.utc("2026-03-29T22:00:00Z"))
        #expect(always.businessMinutes(from: WallClock.utc("2026-10-24T22:00:00Z"),
                                       to: WallClock.utc("2026-10-25T23:00:00Z")) == 1500)

        // Sunday 01:00–04:00 holds 2 h on 2026-03-29, 3 h on an ordinary Sunday, 4 h on 2026-10-25.
        let night = try BusinessCalendar(id: "night", name: "Night", timeZone: "Europe/Berlin",
                                         weeklyHours: ["sun": [["01:00", "04:00"]]])
        func sunday(_ month: Int, _ day: Int) -> Int {
            night.businessMinutes(from: WallClock.date("Europe/Berlin", 2026, month, day, 0),
                                  to: WallClock.date("Europe/Berlin", 2026, month, day, 12))
        }
        #expect(sunday(3, 29) == 120)
        #expect(sunday(3, 22) == 180)
        #expect(sunday(10, 25) == 240)
        // The first hour of 2026-03-29 runs 01:00–02:00 CET, then 03:00 CEST.
        #expect(night.adding(businessMinutes: 61, to: WallClock.utc("2026-03-29T00:00:00Z"))
            == WallClock.utc("2026-03-29T01:01:00Z"))
    }

    @Test("businessMinutes measures exactly what adding added, from a few hundred pseudo-random starts")
    func consistency() throws {
        let losAngeles = try BusinessCalendar(
            id: "la", name: "LA", timeZone: "America/Los_Angeles",
            weeklyHours: ["mon": [["08:00", "12:00"], ["12:30", "17:30"]], "tue": [["00:00", "24:00"]],
                          "wed": [["01:00", "03:00"], ["22:00", "24:00"]], "thu": [["00:00", "02:30"]],
                          "fri": [["09:00", "17:00"]], "sun": [["01:30", "02:30"]]],
            holidays: ["2026-11-26", "2026-12-25", "2026-03-09"])
        var seed: UInt64 = 0x5EED
        func random(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        let year = WallClock.utc("2026-01-01T00:00:00Z")
        for calendar in [tokyo, lunch, losAngeles] {
            for _ in 0..<150 {
                let start = year.addingTimeInterval(TimeInterval(random(365 * 86_400)))
                let minutes = random(4000)
                let due = calendar.adding(businessMinutes: minutes, to: start)
                #expect(due >= start)
                #expect(calendar.businessMinutes(from: start, to: due) == minutes,
                        "\(calendar.id) \(start) + \(minutes) min = \(due)")
                if minutes > 0 { #expect(calendar.isOpen(at: due.addingTimeInterval(-1)), "\(calendar.id) \(start)") }
            }
        }
    }

    @Test("invalid calendars are refused, each with its reason")
    func invalid() {
        func make(zone: String = "Asia/Tokyo", _ hours: [String: [[String]]],
                  holidays: [String] = []) throws(CalendarError) -> BusinessCalendar {
            try BusinessCalendar(id: "x", name: "X", timeZone: zone, weeklyHours: hours, holidays: holidays)
        }
        let nine = ["mon": [["09:00", "18:00"]]]
        #expect(throws: CalendarError.unknownTimeZone("Mars/Olympus")) { try make(zone: "Mars/Olympus", nine) }
        #expect(throws: CalendarError.unknownTimeZone("")) { try make(zone: "", nine) }
        #expect(throws: CalendarError.unknownWeekday("monday")) { try make(["monday": [["09:00", "18:00"]]]) }
        #expect(throws: CalendarError.unknownWeekday("Mon")) { try make(["Mon": [["09:00", "18:00"]]]) }
        #expect(throws: CalendarError.malformedInterval(weekday: "mon", interval: ["09:00"])) {
            try make(["mon": [["09:00"]]])
        }
        for bad in ["9:00", "09:60", "25:00", "24:30", "09-00", "0900", "ab:cd", "09:00:00", "", "٠٩:٠٠"] {
            #expect(throws: CalendarError.malformedTime(weekday: "tue", time: bad)) {
                try make(["tue": [[bad, "23:00"]]])
            }
        }
        #expect(throws: CalendarError.malformedTime(weekday: "mon", time: "24:00")) { try make(["mon": [["24:00", "24:00"]]]) }
        #expect(throws: CalendarError.emptyInterval(weekday: "wed", start: "18:00", end: "09:00")) {
            try make(["wed": [["18:00", "09:00"]]])
        }
        #expect(throws: CalendarError.emptyInterval(weekday: "wed", start: "09:00", end: "09:00")) {
            try make(["wed": [["09:00", "09:00"]]])
        }
        #expect(throws: CalendarError.overlappingIntervals(weekday: "thu", first: ["09:00", "12:00"], second: ["11:00", "13:00"])) {
            try make(["thu": [["11:00", "13:00"], ["09:00", "12:00"]]])
        }
        for bad in ["2026-02-30", "2026-13-01", "26-11-23", "2026/11/23", "2026-11-3", "holiday"] {
            #expect(throws: CalendarError.malformedDate(bad)) { try make(nine, holidays: ["2026-11-23", bad]) }
        }
        #expect(throws: CalendarError.noOpenHours) { try make([:]) }
        #expect(throws: CalendarError.noOpenHours) { try make(["sat": [], "sun": []]) }
        #expect(CalendarError.overlappingIntervals(weekday: "thu", first: ["09:00", "12:00"], second: ["11:00", "13:00"])
            .description == "thu: 09:00–12:00 overlaps 11:00–13:00")
        #expect(CalendarError.unknownTimeZone("Mars/Olympus").description.contains("Mars/Olympus"))
    }

    @Test("touching intervals and leap days are fine")
    func edges() throws {
        let touching = try BusinessCalendar(id: "t", name: "T", timeZone: "UTC",
                                            weeklyHours: ["mon": [["12:00", "13:00"], ["09:00", "12:00"]]],
                                            holidays: ["2028-02-29"])
        #expect(touching.weeklyHours == ["mon": [["09:00", "12:00"], ["12:00", "13:00"]]])
        #expect(touching.holidays == ["2028-02-29"])
    }

    @Test("Codable uses the stored form, sorted, and validates on decoding")
    func codable() throws {
        let json = """
            {"id": "tokyo", "name": "Tokyo", "timeZone": "Asia/Tokyo",
             "weeklyHours": {"mon": [["13:00", "18:00"], ["09:00", "12:00"]], "sat": []},
             "holidays": ["2026-11-23", "2026-11-03", "2026-11-23"]}
            """
        let decoded = try JSONDecoder().decode(BusinessCalendar.self, from: Data(json.utf8))
        #expect(decoded.weeklyHours == ["mon": [["09:00", "12:00"], ["13:00", "18:00"]]])
        #expect(decoded.holidays == ["2026-11-03", "2026-11-23"])
        #expect(decoded.timeZone == "Asia/Tokyo")
        let again = try JSONDecoder().decode(BusinessCalendar.self, from: JSONEncoder().encode(decoded))
        #expect(again == decoded)
        #expect(try JSONDecoder().decode(BusinessCalendar.self, from: JSONEncoder().encode(tokyo)) == tokyo)

        let noHolidays = #"{"id": "a", "name": "A", "timeZone": "UTC", "weeklyHours": {"sun": [["00:00", "24:00"]]}}"#
        #expect(try JSONDecoder().decode(BusinessCalendar.self, from: Data(noHolidays.utf8)).holidays.isEmpty)

        let invalid = #"{"id": "a", "name": "A", "timeZone": "UTC", "weeklyHours": {"sun": [["10:00", "09:00"]]}}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(BusinessCalendar.self, from: Data(invalid.utf8)) }
    }
}
