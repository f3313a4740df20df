import Domain
import Foundation
import Testing

@Suite("Assignment sweep round")
struct SweepRoundTests {
    let german = SweepRound.Waiting(queue: "billing", language: "de")

    @Test("after nobody could take one, the rest of that queue and language are passed over")
    func passesOverUnserved() {
        for outcome in [AssignmentPolicy.Outcome.noMembers, .noLanguageMatch, .nobodyOnShift] {
            var round = SweepRound()
            #expect(round.shouldOffer(german))
            round.record(outcome, for: german)
            #expect(!round.shouldOffer(german), "\(outcome)")
            #expect(round.shouldOffer(.init(queue: "billing", language: "ja")), "another language of the queue")
            #expect(round.shouldOffer(.init(queue: "billing-de", language: "de")), "the language in another queue")
            #expect(round.offered == 1 && round.assigned == 0)
        }
    }

    @Test("an assignment, a request taken meanwhile, or one only its former engineer could take keeps the pair on offer")
    func keepsServedOnOffer() {
        var round = SweepRound()
        round.record(.assign(UUID()), for: german)
        round.record(nil, for: german)
        #expect(round.shouldOffer(german))
        round.record(.onlyReleasedFrom, for: german)
        #expect(round.shouldOffer(german), "that engineer may take the queue's other requests")
        round.record(.assign(UUID()), for: german)
        #expect(round.offered == 4 && round.assigned == 2)
    }
}
