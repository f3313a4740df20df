import Domain
import Foundation
import HTTPTypes
import Testing

/// Whose turn it is: each request shows who wrote its latest public message, and every list
/// filters on `awaiting` — the support queues find requests where the customer replied, a
/// customer finds the ones support is waiting on them for.
@Suite("Whose turn it is", .serialized, .timeLimit(.minutes(5)))
struct AwaitingReplyTests {
    @Test("the latest public message and the awaiting filter follow the thread; notes do not count; other tenants' requests never show")
    func followsTheThread() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let base = "/v1/tenants/\(w.c1)"
            let id = try await ServiceRequestFlowTests.submitted(api, w)

            /// The request's row in the support queue narrowed to it by customer and `awaiting`,
            /// or nil when the filter leaves it out.
            func supportRow(awaiting: String) async throws -> [String: Any]? {
                let reply = try await api.send(.get, "/v1/support/requests?customer=\(w.c1)&awaiting=\(awaiting)", token: w.engineerToken)
                #expect(reply.status == 200, "\(reply.body)")
                let rows = try reply.json()["items"] as? [[String: Any]] ?? []
                return rows.first { $0["id"] as? String == id }
            }
            func customerListed(awaiting: String, tenant: String? = nil, token: String? = nil) async throws -> Bool {
                let reply = try await api.send(
                    .get, "/v1/tenants/\(tenant ?? w.c1)/requests?awaiting=\(awaiting)", token: token ?? w.ta1Token)
                #expect(reply.status == 200, "\(reply.body)")
                return try SupportWorkTests.ids(reply).contains(id)
            }
            func lastMessage() async throws -> [String: Any]? {
                let detail = try await api.send(.get, "\(base)/requests/\(id)", token: w.ta1Token)
                return (try detail.json()["request"] as? [String: Any])?["last_public_message"] as? [String: Any]
            }
            func post(_ token: String, _ body: String) async throws {
                let reply = try await api.send(.post, "\(base)/requests/\(id)/messages", token: token, json: body)
                #expect(reply.status == 201, "\(reply.body)")
            }

            // Submitted, nobody has written: support's turn.
            let fresh = try #require(try await supportRow(awaiting: "support"))
            #expect(fresh["last_public_message"] == nil)
            #expect(try await supportRow(awaiting: "customer") == nil)
            #expect(try await lastMessage() == nil)

            // An internal note changes nothing anyone can see.
            try await post(w.engineerToken, #"{"body":"checking the tenant's policies","visibility":"internal"}"#)
            #expect(try await supportRow(awaiting: "support") != nil)
            #expect(try await lastMessage() == nil)

            // Support answers: the customer's turn, on both sides.
            try await post(w.engineerToken, #"{"body":"Please send the ESP log."}"#)
            let answered = try #require(try await supportRow(awaiting: "customer"))
            let supportLast = try #require(answered["last_public_message"] as? [String: Any])
            #expect(supportLast["side"] as? String == "support")
            #expect(try await supportRow(awaiting: "support") == nil)
            #expect(try await customerListed(awaiting: "customer"))
            #expect(try await !customerListed(awaiting: "support"))

            // The customer replies: support's turn again, shown in the customer's detail too.
            try await post(w.ta1Token, #"{"body":"Attached it to the request."}"#)
            let replied = try #require(try await supportRow(awaiting: "support"))
            let customerLast = try #require(replied["last_public_message"] as? [String: Any])
            #expect(customerLast["side"] as? String == "customer")
            let repliedAt = try #require(ServiceRequestFlowTests.date(customerLast["at"]))
            let answeredAt = try #require(ServiceRequestFlowTests.date(supportLast["at"]))
            #expect(repliedAt >= answeredAt)
            #expect(try await lastMessage()?["side"] as? String == "customer")
            // The counts follow the filter.
            let queue = try await api.send(.get, "/v1/support/requests?customer=\(w.c1)&awaiting=support", token: w.engineerToken)
            #expect(try queue.json()["counts"] as? [String: Int] == ["in_progress": 1])

            // Asking for information waits for the customer whoever wrote last.
            let asked = try await api.send(.post, "\(base)/requests/\(id)/transitions", token: w.engineerToken,
                                           json: #"{"transition":"ask_for_information","reason":"Which devices?"}"#)
            #expect(asked.status == 200, "\(asked.body)")
            #expect(try await supportRow(awaiting: "customer") != nil)
            #expect(try await supportRow(awaiting: "support") == nil)

            // Another customer's list, with either filter, never shows it; its admin cannot ask
            // for c1's list at all.
            #expect(try await !customerListed(awaiting: "customer", tenant: w.c2, token: w.ta2Token))
            #expect(try await !customerListed(awaiting: "support", tenant: w.c2, token: w.ta2Token))
            let foreign = try await api.send(.get, "\(base)/requests?awaiting=customer", token: w.ta2Token)
            #expect(foreign.status == 403 || foreign.status == 404, "\(foreign.status)")

            // A partner's list across customers filters the same way.
            let partner = try await api.send(.get, "/v1/tenants/\(w.partner)/customer-requests?awaiting=customer", token: w.paToken)
            #expect(partner.status == 200, "\(partner.body)")
            #expect(try SupportWorkTests.ids(partner).contains(id))

            // Anything else is a mistake, not an empty list.
            for path in ["/v1/support/requests?awaiting=nobody", "\(base)/requests?awaiting=", "\(base)/requests?awaiting=Support"] {
                let token = path.hasPrefix("/v1/support") ? w.engineerToken : w.ta1Token
                let refused = try await api.send(.get, path, token: token)
                #expect(refused.status == 400, "\(path): \(refused.status) \(refused.body)")
                #expect(refused.problemType == ProblemType.malformedRequest, "\(path)")
            }
        }
    }

    @Test("response_due_before lists what is about to breach: unanswered requests due before the time, until support answers")
    func aboutToBreach() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let base = "/v1/tenants/\(w.c1)"
            let urgent = try await ServiceRequestFlowTests.submitted(api, w, summary: "Nobody can sign in", severity: "A")
            let later = try await ServiceRequestFlowTests.submitted(api, w, summary: "A report is slow", severity: "C")
            func due(_ id: String) async throws -> Date {
                let detail = try await api.send(.get, "\(base)/requests/\(id)", token: w.ta1Token)
                let request = try #require(try detail.json()["request"] as? [String: Any])
                return try #require(ServiceRequestFlowTests.date((request["response"] as? [String: Any])?["due_at"]))
            }
            let urgentDue = try await due(urgent), laterDue = try await due(later)
            try #require(urgentDue < laterDue)
            let formatter = ISO8601DateFormatter()
            func listed(before time: Date, support: Bool = true) async throws -> [String] {
                let query = "response_due_before=\(formatter.string(from: time))&customer=\(w.c1)"
                let reply = support
                    ? try await api.send(.get, "/v1/support/requests?\(query)&sort=response_due", token: w.engineerToken)
                    : try await api.send(.get, "\(base)/requests?response_due_before=\(formatter.string(from: time))", token: w.ta1Token)
                #expect(reply.status == 200, "\(reply.body)")
                return try SupportWorkTests.ids(reply).filter { [urgent, later].contains($0) }
            }
            let between = urgentDue + (laterDue.timeIntervalSince(urgentDue) / 2)
            #expect(try await listed(before: between) == [urgent])
            #expect(try await listed(before: between, support: false) == [urgent])
            #expect(try await listed(before: laterDue + 60) == [urgent, later])
            #expect(try await listed(before: urgentDue - 60).isEmpty)

            // Answered: no longer at risk, whatever its due time; the other still is.
            let answer = try await api.send(.post, "\(base)/requests/\(urgent)/messages", token: w.engineerToken,
                                            json: #"{"body":"On it: which sign-in method fails?"}"#)
            #expect(answer.status == 201, "\(answer.body)")
            #expect(try await listed(before: laterDue + 60) == [later])
        }
    }
}
