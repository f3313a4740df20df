import Domain
import Foundation
import Testing

@Suite("Service-request lifecycle")
struct RequestLifecycleTests {
    let now = WallClock.utc("2026-12-01T00:00:00Z")

    /// What each side may do from each status, and where it leads. Every cell not listed is refused.
    static let table: [RequestStatus: [RequestSide: [RequestTransition: RequestStatus]]] = [
        .draft: [
            .customer: [.submit: .submitted, .discard: .closed],
            .support: [:],
            .system: [:],
        ],
        .submitted: [
            .customer: [.withdraw: .closed],
            .support: [.start: .inProgress, .askForInformation: .waitingForCustomer, .resolve: .resolved],
            .system: [:],
        ],
        .inProgress: [
            .customer: [.withdraw: .closed],
            .support: [.askForInformation: .waitingForCustomer, .resolve: .resolved],
            .system: [:],
        ],
        .waitingForCustomer: [
            .customer: [.customerReply: .inProgress, .withdraw: .closed],
            .support: [.resolve: .resolved],
            .system: [.customerReply: .inProgress],
        ],
        .resolved: [
            .customer: [.reopen: .inProgress, .close: .closed],
            .support: [.close: .closed],
            .system: [.close: .closed],
        ],
        .closed: [
            .customer: [:],
            .support: [:],
            .system: [:],
        ],
    ]

    @Test("every status × transition × side against the table (reopen inside its window)")
    func everyCell() {
        let resolvedAt = now.addingTimeInterval(-86_400)
        var cells = 0
        for status in RequestStatus.allCases {
            for side in RequestSide.allCases {
                let expected = Self.table[status]?[side] ?? [:]
                let allowed = RequestLifecycle.allowed(from: status, by: side, resolvedAt: resolvedAt, now: now)
                #expect(allowed == RequestTransition.allCases.filter { expected[$0] != nil }, "\(status) \(side)")
                for transition in RequestTransition.allCases {
                    cells += 1
                    let result = RequestLifecycle.apply(transition, to: status, by: side, resolvedAt: resolvedAt, now: now)
                    switch (result, expected[transition]) {
                    case (.success(let next), let target?):
                        #expect(next == target, "\(status) \(transition) by \(side)")
                    case (.failure(let refusal), nil):
                        #expect(refusal.from == status && refusal.transition == transition)
                        #expect(refusal.allowed == allowed, "\(status) \(transition) by \(side)")
                        #expect(!refusal.reason.isEmpty)
                    default:
                        Issue.record("\(status) \(transition) by \(side): got \(result), expected \(String(describing: expected[transition]))")
                    }
                }
            }
        }
        #expect(cells == 6 * 9 * 3)
    }

    @Test("a refusal says why and names what is allowed instead")
    func refusals() {
        let wrongSide = RequestLifecycle.apply(.resolve, to: .inProgress, by: .customer, resolvedAt: nil, now: now)
        #expect(wrongSide == .failure(TransitionRefusal(
            from: .inProgress, transition: .resolve, reason: "resolve is done by support, not by the customer",
            allowed: [.withdraw])))
        let wrongStatus = RequestLifecycle.apply(.start, to: .closed, by: .support, resolvedAt: nil, now: now)
        #expect(wrongStatus == .failure(TransitionRefusal(
            from: .closed, transition: .start, reason: "cannot start work on a closed request", allowed: [])))
        let reply = RequestLifecycle.apply(.customerReply, to: .waitingForCustomer, by: .support, resolvedAt: nil, now: now)
        if case .failure(let refusal) = reply {
            #expect(refusal.reason == "customer_reply is done by the customer or the system, not by support")
            #expect(refusal.allowed == [.resolve])
        } else {
            Issue.record("support cannot record a customer reply")
        }
    }

    @Test("the performers of each transition are the sides the table lets perform it somewhere")
    func performers() {
        for transition in RequestTransition.allCases {
            let sides = Set(RequestSide.allCases.filter { side in
                RequestStatus.allCases.contains { Self.table[$0]?[side]?[transition] != nil }
            })
            #expect(RequestLifecycle.performers(of: transition) == sides, "\(transition)")
        }
        let unknown = RequestLifecycle.apply(.reopen, to: .resolved, by: .customer, resolvedAt: nil, now: now)
        #expect(unknown == .failure(TransitionRefusal(
            from: .resolved, transition: .reopen,
            reason: "the time of resolution is unknown, so the reopen window cannot be checked", allowed: [.close])))
    }

    @Test("reopen: allowed until 14 days after resolution, refused after")
    func reopenWindow() {
        #expect(RequestLifecycle.reopenWindow == 14 * 86_400)
        let resolvedAt = now.addingTimeInterval(-RequestLifecycle.reopenWindow)
        let inside = RequestLifecycle.apply(.reopen, to: .resolved, by: .customer, resolvedAt: resolvedAt.addingTimeInterval(1), now: now)
        #expect(inside == .success(.inProgress))
        let outside = RequestLifecycle.apply(.reopen, to: .resolved, by: .customer, resolvedAt: resolvedAt.addingTimeInterval(-1), now: now)
        guard case .failure(let refusal) = outside else {
            Issue.record("reopen after 14 days + 1 s must be refused")
            return
        }
        #expect(refusal.reason.contains("14-day reopen window passed"))
        #expect(refusal.allowed == [.close])
        #expect(RequestLifecycle.allowed(from: .resolved, by: .customer, resolvedAt: resolvedAt, now: now) == [.close])
        #expect(RequestLifecycle.allowed(from: .resolved, by: .customer, resolvedAt: nil, now: now) == [.close])
    }

    @Test("unresolved means support still owes work")
    func unresolved() {
        #expect(RequestStatus.allCases.filter(\.isUnresolved) == [.submitted, .inProgress, .waitingForCustomer])
        #expect(RequestStatus(rawValue: "waiting_for_customer") == .waitingForCustomer)
        #expect(RequestTransition(rawValue: "ask_for_information") == .askForInformation)
    }
}
