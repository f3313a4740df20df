import Foundation
import HTTPTypes
import Testing

/// The support side through the gateway: the queues across customers, taking and assigning,
/// escalation, severity changes with re-baselined targets, surveys; and a partner's one list
/// across its customers.
@Suite("Support work and cross-tenant lists", .serialized, .timeLimit(.minutes(5)))
struct SupportWorkTests {
    static func ids(_ reply: API.Reply) throws -> [String] {
        (try reply.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    /// A support manager of the vendor tenant: token and id.
    static func manager(_ api: API, _ w: PartnerWorld) async throws -> (token: String, id: String) {
        let member = Member("Max", "support_manager", String(UUID().uuidString.prefix(8)).lowercased())
        let id = try await api.createAdmin(w.operatorToken, tenant: w.vendor, member)
        return (try await api.login(member.email, Member.password).access, id)
    }

    @Test("support queues span customers; take, assign, escalate; customers see neither the queue nor the escalation")
    func queues() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let first = try await ServiceRequestFlowTests.submitted(api, w)
            // A request of another customer (c2), submitted by its own admin.
            let draft = try await api.send(.post, "/v1/tenants/\(w.c2)/requests", token: w.ta2Token, json: """
                {"category":"billing","summary":"Invoice missing","severity":"C","language":"en",
                 "contact":{"name":"Tom","email":"tom@northwind.example"}}
                """)
            let second = try draft.string("id")
            #expect(try await api.send(.post, "/v1/tenants/\(w.c2)/requests/\(second)/submit", token: w.ta2Token).status == 200)

            let queue = try await api.send(.get, "/v1/support/requests?customer=\(w.c1)", token: w.engineerToken)
            #expect(queue.status == 200, "\(queue.body)")
            #expect(try Self.ids(queue) == [first])
            // The queues' counts: one customer's alone, or every customer's (other tests file
            // requests too, so at least these two).
            #expect(try queue.json()["counts"] as? [String: Int] == ["submitted": 1])
            let everyone = try await api.send(.get, "/v1/support/requests", token: w.engineerToken).json()["counts"] as? [String: Int]
            #expect((everyone?["submitted"] ?? 0) >= 2, "\(String(describing: everyone))")
            let all = try await api.send(.get, "/v1/support/requests?assignee=unassigned&limit=200", token: w.engineerToken)
            let rows = try all.json()["items"] as? [[String: Any]] ?? []
            #expect(rows.contains { $0["id"] as? String == first && $0["tenant_name"] as? String == w.names[w.c1] })
            #expect(rows.contains { $0["id"] as? String == second && $0["tenant_name"] as? String == w.names[w.c2] })
            let billing = try await api.send(.get, "/v1/support/requests?queue=billing&customer=\(w.c2)", token: w.engineerToken)
            #expect(try Self.ids(billing) == [second])
            // Most urgent first: severity A (1 h) before C (4 h).
            let urgent = try Self.ids(all).filter { [first, second].contains($0) }
            #expect(urgent == [first, second])
            #expect(try await api.send(.get, "/v1/support/requests", token: w.ta1Token).status == 403)

            // The engineer takes the first; assigning to someone else needs a manager.
            let taken = try await api.send(.put, "/v1/tenants/\(w.c1)/requests/\(first)/assignee", token: w.engineerToken,
                                           json: #"{"admin_id":"\#(w.engineerID)"}"#)
            #expect(taken.status == 200, "\(taken.body)")
            #expect((try taken.json()["assigned_to"] as? [String: Any])?["admin_id"] as? String == w.engineerID)
            // Taking it again changes nothing; an If-Match older than the request is refused
            // (another engineer took it meanwhile), the current one is fine.
            let again = try await api.send(.put, "/v1/tenants/\(w.c1)/requests/\(first)/assignee", token: w.engineerToken,
                                           json: #"{"admin_id":"\#(w.engineerID)"}"#)
            #expect(again.status == 200 && again.etag == taken.etag, "\(again.body)")
            let stale = try await api.send(.put, "/v1/tenants/\(w.c1)/requests/\(first)/assignee", token: w.engineerToken,
                                           json: #"{"admin_id":"\#(w.engineerID)"}"#, headers: ["If-Match": "\"v1\""])
            #expect(stale.status == 412, "\(stale.body)")
            let current = try await api.send(.put, "/v1/tenants/\(w.c1)/requests/\(first)/assignee", token: w.engineerToken,
                                             json: #"{"admin_id":"\#(w.engineerID)"}"#, headers: ["If-Match": taken.etag ?? ""])
            #expect(current.status == 200, "\(current.body)")
            let entries = try await api.send(.get, "/v1/tenants/\(w.c1)/requests/\(first)", token: w.engineerToken).json()["timeline"]
            #expect((entries as? [[String: Any]])?.filter { $0["kind"] as? String == "assigned" }.count == 1)
            let mine = try await api.send(.get, "/v1/support/requests?assignee=me", token: w.engineerToken)
            #expect(try Self.ids(mine).contains(first))
            #expect((try mine.json()["counts"] as? [String: Int])?.values.reduce(0, +) == 1)
            // An engineer's id finds the same; anything else is a mistake, not an empty queue.
            #expect(try Self.ids(try await api.send(.get, "/v1/support/requests?assignee=\(w.engineerID)", token: w.engineerToken))
                .contains(first))
            // Time ranges narrow the queues as they do a tenant's list.
            #expect(try Self.ids(try await api.send(.get, "/v1/support/requests?assignee=me&created_from=2100-01-01T00:00:00Z",
                                                  token: w.engineerToken)).isEmpty)
            #expect(try Self.ids(try await api.send(.get, "/v1/support/requests?assignee=me&created_to=2100-01-01T00:00:00Z",
                                                  token: w.engineerToken)).contains(first))
            for filter in ["assignee=", "assignee=nobody", "queue="] {
                let wrong = try await api.send(.get, "/v1/support/requests?\(filter)", token: w.engineerToken)
                #expect(wrong.status == 400, "\(filter): \(wrong.status)")
            }
            let manager = try await Self.manager(api, w)
            let refused = try await api.send(.put, "/v1/tenants/\(w.c2)/requests/\(second)/assignee", token: w.engineerToken,
                                             json: #"{"admin_id":"\#(manager.id)"}"#)
            #expect(refused.status == 403)
            let assigned = try await api.send(.put, "/v1/tenants/\(w.c2)/requests/\(second)/assignee", token: manager.token,
                                              json: #"{"admin_id":"\#(w.engineerID)"}"#)
            #expect(assigned.status == 200, "\(assigned.body)")
            let notSupport = try await api.send(.put, "/v1/tenants/\(w.c2)/requests/\(second)/assignee", token: manager.token,
                                                json: #"{"admin_id":"\#(w.paID)"}"#)
            #expect(notSupport.status == 422)

            // Escalation: support sees when and why; the customer sees neither, nor the timeline entry.
            let escalated = try await api.send(.post, "/v1/tenants/\(w.c1)/requests/\(first)/escalations", token: w.engineerToken,
                                               json: #"{"reason":"Customer's whole fleet is blocked"}"#)
            #expect(escalated.status == 200, "\(escalated.body)")
            #expect(try escalated.json()["escalation_reason"] as? String == "Customer's whole fleet is blocked")
            let customerView = try await api.send(.get, "/v1/tenants/\(w.c1)/requests/\(first)", token: w.ta1Token)
            #expect(!customerView.body.contains("whole fleet"))
            #expect(!customerView.body.contains("escalat"))
            let supportView = try await api.send(.get, "/v1/tenants/\(w.c1)/requests/\(first)", token: w.engineerToken)
            let supportTimeline = try supportView.json()["timeline"] as? [[String: Any]] ?? []
            #expect(supportTimeline.contains { $0["kind"] as? String == "escalated" && $0["internal_only"] as? Bool == true })

            // Support resolves the second request and may close it: what the answer offers works.
            let transitions = "/v1/tenants/\(w.c2)/requests/\(second)/transitions"
            let resolved = try await api.send(.post, transitions, token: w.engineerToken,
                                              json: #"{"transition":"resolve","resolution_summary":"Sent again"}"#)
            #expect(try resolved.json()["allowed_transitions"] as? [String] == ["close"], "\(resolved.body)")
            let closed = try await api.send(.post, transitions, token: w.engineerToken, json: #"{"transition":"close"}"#)
            #expect(closed.status == 200, "\(closed.body)")
            #expect(try closed.json()["status"] as? String == "closed")
        }
    }

    @Test("the customer directory: every customer by name, with plan, status and open requests; support only")
    func customerDirectory() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            _ = try await ServiceRequestFlowTests.submitted(api, w)
            let suffix = try #require(w.names[w.c1]?.split(separator: " ").last.map(String.init))
            // The world's five customers (not its partner), by name, two a page.
            var names: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let page = try await api.send(
                    .get, "/v1/support/customers?q=\(suffix.uppercased())&limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""),
                    token: w.engineerToken)
                #expect(page.status == 200, "\(page.body)")
                let items = try page.json()["items"] as? [[String: Any]] ?? []
                names += items.compactMap { $0["name"] as? String }
                if let contoso = items.first(where: { $0["tenant_id"] as? String == w.c1 }) {
                    #expect(contoso["open_requests"] as? Int == 1)
                    #expect(contoso["last_submitted_at"] is String)
                    #expect(contoso["status"] as? String == "active" && contoso["plan"] is String)
                }
                cursor = try page.json()["next_cursor"] as? String
                pages += 1
            } while cursor != nil && pages < 10
            #expect(names == ["Contoso", "Ended Co", "Expired Co", "Northwind", "Pending Co"].map { "\($0) \(suffix)" })
            #expect(pages == 3)
            // Wildcards are taken literally; a bad cursor is the client's mistake.
            let percent = try await api.send(.get, "/v1/support/customers?q=%25\(suffix)", token: w.engineerToken)
            #expect((try percent.json()["items"] as? [Any])?.isEmpty == true, "\(percent.body)")
            #expect(try await api.send(.get, "/v1/support/customers?cursor=nope", token: w.engineerToken).status == 400)
            // Customers and partners have no directory of other tenants.
            #expect(try await api.send(.get, "/v1/support/customers", token: w.ta1Token).status == 403)
            #expect(try await api.send(.get, "/v1/support/customers", token: w.paToken).status == 403)
        }
    }

    @Test("severity: support changes it at once; a customer proposes, support accepts and the target is re-baselined")
    func severity() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let base = "/v1/tenants/\(w.c1)/requests"
            let id = try await ServiceRequestFlowTests.submitted(api, w, severity: "C")
            let proposed = try await api.send(.post, "\(base)/\(id)/severity-changes", token: w.ta1Token,
                                              json: #"{"severity":"A","reason":"Now every new laptop is blocked"}"#)
            #expect(proposed.status == 201, "\(proposed.body)")
            #expect(try proposed.json()["status"] as? String == "proposed")
            let change = try proposed.string("id")
            let again = try await api.send(.post, "\(base)/\(id)/severity-changes", token: w.ta1Token,
                                           json: #"{"severity":"B","reason":"or B"}"#)
            #expect(again.status == 409)
            // Still C until support decides; the customer cannot decide.
            let before = try await api.send(.get, "\(base)/\(id)", token: w.ta1Token).json()
            #expect(((before["request"] as? [String: Any])?["fields"] as? [String: Any])?["severity"] as? String == "C")
            #expect(try await api.send(.post, "\(base)/\(id)/severity-changes/\(change)/decision", token: w.ta1Token,
                                       json: #"{"decision":"accept"}"#).status == 403)

            let accepted = try await api.send(.post, "\(base)/\(id)/severity-changes/\(change)/decision", token: w.engineerToken,
                                              json: #"{"decision":"accept","reason":"Confirmed on the call"}"#)
            #expect(accepted.status == 200, "\(accepted.body)")
            #expect(try accepted.json()["status"] as? String == "accepted")
            let after = try await api.send(.get, "\(base)/\(id)", token: w.ta1Token).json()
            let request = try #require(after["request"] as? [String: Any])
            #expect((request["fields"] as? [String: Any])?["severity"] as? String == "A")
            let response = try #require(request["response"] as? [String: Any])
            #expect(response["target_minutes"] as? Int == 60)
            // Re-baselined: the premier A hour runs from the acceptance.
            let decidedAt = try #require(ServiceRequestFlowTests.date(try accepted.json()["decided_at"]))
            let due = try #require(ServiceRequestFlowTests.date(response["due_at"]))
            #expect(abs(due.timeIntervalSince(decidedAt) - 3600) < 1.5)
            let steps = (response["explanation"] as? [String: Any])?["steps"] as? [String] ?? []
            #expect(steps.first?.contains("re-baselined") == true)
            // The clock's start is named as what it is: the change, not the submission.
            #expect(steps.dropFirst().first?.hasPrefix("severity changed ") == true, "\(steps)")
            #expect(!steps.contains { $0.hasPrefix("submitted ") }, "\(steps)")
            #expect((after["severity_changes"] as? [[String: Any]])?.count == 1)
            #expect(try await api.send(.post, "\(base)/\(id)/severity-changes/\(change)/decision", token: w.engineerToken,
                                       json: #"{"decision":"decline"}"#).status == 409)

            // Support lowers it directly, with a reason; the timeline records who and why.
            let lowered = try await api.send(.post, "\(base)/\(id)/severity-changes", token: w.engineerToken,
                                             json: #"{"severity":"B","reason":"Workaround in place"}"#)
            #expect(lowered.status == 201)
            #expect(try lowered.json()["status"] as? String == "applied")
            let timeline = try await api.send(.get, "\(base)/\(id)", token: w.ta1Token).json()["timeline"] as? [[String: Any]] ?? []
            let kinds = timeline.compactMap { $0["kind"] as? String }
            #expect(kinds.filter { $0 == "severity_changed" }.count == 2)
            #expect(kinds.contains("severity_proposed"))
        }
    }

    @Test("surveys: the requester rates a resolved request once; managers see averages per queue and engineer")
    func surveys() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let base = "/v1/tenants/\(w.c1)/requests"
            let id = try await ServiceRequestFlowTests.submitted(api, w)
            #expect(try await api.send(.put, "\(base)/\(id)/survey", token: w.ta1Token, json: #"{"rating":5}"#).status == 409)
            _ = try await api.send(.put, "\(base)/\(id)/assignee", token: w.engineerToken, json: #"{"admin_id":"\#(w.engineerID)"}"#)
            let resolved = try await api.send(.post, "\(base)/\(id)/transitions", token: w.engineerToken,
                                              json: #"{"transition":"resolve","resolution_summary":"Fixed the ESP profile."}"#)
            #expect(resolved.status == 200)
            #expect(try await api.send(.put, "\(base)/\(id)/survey", token: w.sa1Token, json: #"{"rating":1}"#).status == 403)
            #expect(try await api.send(.put, "\(base)/\(id)/survey", token: w.ta1Token, json: #"{"rating":6}"#).status == 422)
            let answered = try await api.send(.put, "\(base)/\(id)/survey", token: w.ta1Token,
                                              json: #"{"rating":4,"comment":"Quick and clear"}"#)
            #expect(answered.status == 201, "\(answered.body)")
            #expect(try await api.send(.put, "\(base)/\(id)/survey", token: w.ta1Token, json: #"{"rating":5}"#).status == 409)
            let detail = try await api.send(.get, "\(base)/\(id)", token: w.ta1Token).json()
            #expect((detail["survey"] as? [String: Any])?["rating"] as? Int == 4)

            #expect(try await api.send(.get, "/v1/support/survey-summary", token: w.engineerToken).status == 403)
            let manager = try await Self.manager(api, w)
            let summary = try await api.send(.get, "/v1/support/survey-summary", token: manager.token)
            #expect(summary.status == 200, "\(summary.body)")
            let byEngineer = try summary.json()["by_engineer"] as? [[String: Any]] ?? []
            let mine = byEngineer.first { $0["key"] as? String == w.engineerID }
            #expect(mine?["responses"] as? Int == 1)
            #expect(mine?["average_rating"] as? Double == 4)
            let byQueue = try summary.json()["by_queue"] as? [[String: Any]] ?? []
            #expect(byQueue.contains { $0["key"] as? String == "device-management-en" })
        }
    }

    @Test("a partner's list spans the customers its active, assigned delegations reach, and no others")
    func partnerList() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let mine = try await ServiceRequestFlowTests.submitted(api, w)
            let list = try await api.send(.get, "/v1/tenants/\(w.partner)/customer-requests?status=all", token: w.paToken)
            #expect(list.status == 200, "\(list.body)")
            let rows = try list.json()["items"] as? [[String: Any]] ?? []
            #expect(rows.map { $0["id"] as? String } == [mine])
            #expect(rows.first?["tenant_name"] as? String == w.names[w.c1])
            #expect(try list.json()["counts"] as? [String: Int] == ["submitted": 1])
            let one = try await api.send(.get, "/v1/tenants/\(w.partner)/customer-requests?customer=\(w.c1)", token: w.paToken)
            #expect(try one.json()["counts"] as? [String: Int] == ["submitted": 1])
            #expect(try Self.ids(try await api.send(.get, "/v1/tenants/\(w.partner)/customer-requests?customer=\(w.c1)",
                                                    token: w.paToken)) == [mine])
            #expect(try await api.send(.get, "/v1/tenants/\(w.partner)/customer-requests?customer=\(w.c4)", token: w.paToken).status == 404)
            // Pia is not assigned to any relationship: an empty list.
            #expect(try Self.ids(try await api.send(.get, "/v1/tenants/\(w.partner)/customer-requests", token: w.pbToken)).isEmpty)
            // Terminating the relationship takes Contoso off the list at the next call.
            let ended = try await api.send(.post, "/v1/tenants/\(w.partner)/relationships/\(w.r1)/terminate", token: w.paToken)
            #expect(ended.status == 200)
            #expect(try Self.ids(try await api.send(.get, "/v1/tenants/\(w.partner)/customer-requests?status=all",
                                                    token: w.paToken)).isEmpty)
        }
    }

    @Test("deflection: sessions that helped, continued or led to a request, overall and per article")
    func deflection() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let manager = try await Self.manager(api, w)
            let before = try await api.send(.get, "/v1/support/deflection", token: manager.token).json()
            func suggest() async throws -> (session: String, top: String) {
                let reply = try await api.send(.post, "/v1/tenants/\(w.c1)/suggestions", token: w.ta1Token, json: """
                    {"category":"enrollment","feature":"windows-autopilot","text":"device stuck at enrollment status page"}
                    """)
                let top = try #require((try reply.json()["articles"] as? [[String: Any]])?.first?["id"] as? String)
                return (try reply.string("session_id"), top)
            }
            let helped = try await suggest()
            #expect(try await api.send(.put, "/v1/tenants/\(w.c1)/suggestions/\(helped.session)/outcome", token: w.ta1Token,
                                       json: #"{"outcome":"helped","article_id":"\#(helped.top)"}"#).status == 204)
            // The second session goes on to a submitted request: that counts as continuing.
            let continued = try await suggest()
            let draft = try await api.send(.post, "/v1/tenants/\(w.c1)/requests", token: w.ta1Token, json: """
                {"category":"enrollment","summary":"ESP","severity":"C","language":"en","suggestion_session_id":"\(continued.session)",
                 "contact":{"name":"Tara","email":"tara@contoso.example"}}
                """)
            #expect(try await api.send(.post, "/v1/tenants/\(w.c1)/requests/\(try draft.string("id"))/submit", token: w.ta1Token).status == 200)

            #expect(try await api.send(.get, "/v1/support/deflection", token: w.engineerToken).status == 403)
            let after = try await api.send(.get, "/v1/support/deflection", token: manager.token)
            #expect(after.status == 200, "\(after.body)")
            let figures = try after.json()
            func delta(_ key: String) -> Int { (figures[key] as? Int ?? 0) - (before[key] as? Int ?? 0) }
            #expect(delta("sessions") == 2)
            #expect(delta("helped") == 1)
            #expect(delta("continued") == 1)
            #expect(delta("submitted") == 1)
            let article = (figures["articles"] as? [[String: Any]])?.first { $0["id"] as? String == helped.top }
            #expect((article?["helped"] as? Int ?? 0) >= 1)
            #expect((article?["shown"] as? Int ?? 0) >= 2)
        }
    }
}
