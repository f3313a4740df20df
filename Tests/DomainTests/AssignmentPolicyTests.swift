import Domain
import Foundation
import Testing

@Suite("Assignment policy")
struct AssignmentPolicyTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let anna = UUID(), bram = UUID(), cas = UUID()

    func member(_ id: UUID, _ languages: [String], open: Int, last: Date? = nil, shift: BusinessCalendar? = nil) -> AssignmentPolicy.Candidate {
        .init(id: id, languages: languages, shift: shift, openRequests: open, lastAssignedAt: last)
    }

    @Test("the least open work wins; ties go to the oldest last assignment")
    func leastLoaded() {
        let members = [member(anna, ["nl"], open: 3), member(bram, ["nl"], open: 1, last: now), member(cas, ["nl"], open: 1)]
        #expect(AssignmentPolicy.choose(for: "nl-BE", among: members, at: now) == .assign(cas))
        #expect(AssignmentPolicy.choose(for: "de", among: members, at: now) == .noLanguageMatch)
        #expect(AssignmentPolicy.choose(for: "nl", among: [], at: now) == .noMembers)
    }

    @Test("the engineer a request was released from is passed over, even when least loaded")
    func passesOverReleasedFrom() {
        let members = [member(anna, ["nl"], open: 0), member(bram, ["nl"], open: 5)]
        #expect(AssignmentPolicy.choose(for: "nl", among: members, at: now, releasedFrom: anna) == .assign(bram))
        #expect(AssignmentPolicy.choose(for: "nl", among: members, at: now, releasedFrom: cas) == .assign(anna))
    }

    @Test("when only that engineer could take it, the outcome says so, not that nobody is on shift")
    func onlyReleasedFrom() throws {
        let members = [member(anna, ["nl"], open: 0), member(bram, ["en"], open: 0)]
        #expect(AssignmentPolicy.choose(for: "nl", among: members, at: now, releasedFrom: anna) == .onlyReleasedFrom)
        #expect(AssignmentPolicy.choose(for: "de", among: members, at: now, releasedFrom: anna) == .noLanguageMatch)

        // Off shift: the whole day is a holiday on that calendar.
        let day = now.formatted(.iso8601.year().month().day())
        let offShift = try #require(try? BusinessCalendar(
            id: "off", name: "Off", timeZone: "UTC", weeklyHours: ["mon": [["09:00", "17:00"]]], holidays: [day]))
        let dutch = [member(anna, ["nl"], open: 0), member(bram, ["nl"], open: 0, shift: offShift)]
        #expect(AssignmentPolicy.choose(for: "nl", among: dutch, at: now, releasedFrom: anna) == .onlyReleasedFrom)
        let allAway = [member(anna, ["nl"], open: 0, shift: offShift), member(bram, ["nl"], open: 0, shift: offShift)]
        #expect(AssignmentPolicy.choose(for: "nl", among: allAway, at: now, releasedFrom: anna) == .nobodyOnShift)
    }
}
