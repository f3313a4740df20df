import Domain
import Foundation
import HTTPTypes
import PostgresNIO
import Store
import Testing

/// The edges of the service-request API: hostile text, concurrent retries, stale cursors,
/// internal traces, re-baselining rules, and bodies sent without credentials.
@Suite("Service requests: edge cases", .serialized, .timeLimit(.minutes(5)))
struct ServiceRequestEdgeTests {
    @Test("text PostgreSQL would refuse, long in code points, or a country no one has, gets 422, never 500; a withdrawal stops the clock")
    func hostileText() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let base = "/v1/tenants/\(w.c1)/requests"
            // 150 family emoji: 150 characters, 1,050 code points.
            let family = String(repeating: "👨‍👩‍👧", count: 150)
            for body in [#"{"summary":"nul \u0000 here"}"#, #"{"summary":"\#(family)"}"#, #"{"category":"BILLING"}"#,
                         #"{"contact":{"country":"ZZ"}}"#] {
                let reply = try await api.send(.post, base, token: w.ta1Token, json: body)
                #expect(reply.status == 422, "\(body.prefix(40)): \(reply.status) \(reply.body)")
            }
            let id = try await ServiceRequestFlowTests.submitted(api, w)
            let message = try await api.send(.post, "\(base)/\(id)/messages", token: w.ta1Token, json: #"{"body":"a\u0000b"}"#)
            #expect(message.status == 422)
            // Withdrawn before anyone answered: the clock stopped; it never counts as breached.
            let withdrawn = try await api.send(.post, "\(base)/\(id)/transitions", token: w.ta1Token, json: #"{"transition":"withdraw"}"#)
            #expect((try withdrawn.json()["response"] as? [String: Any])?["status"] as? String == "stopped", "\(withdrawn.body)")
            let search = try await api.send(.get, "\(base)?q=%00", token: w.ta1Token)
            #expect(search.status == 422 || search.status == 400, "\(search.body)")
            let suggestion = try await api.send(.post, "/v1/tenants/\(w.c1)/suggestions", token: w.ta1Token,
                                                json: #"{"category":"enrollment","text":"x\u0000"}"#)
            #expect(suggestion.status == 422)
            #expect(try await api.send(.get, "/v1/support/categories/%00/features", token: w.ta1Token).status == 404)
        }
    }

    @Test("two calls with one Idempotency-Key at once: one request, the other gets its answer or 409")
    func concurrentKey() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let base = "/v1/tenants/\(w.c1)/requests"
            let key = ["Idempotency-Key": "race-\(UUID().uuidString)"]
            let body = ServiceRequestFlowTests.enrollmentDraft
            let replies = try await withThrowingTaskGroup(of: API.Reply.self) { group in
                for _ in 0..<4 { group.addTask { try await api.send(.post, base, token: w.ta1Token, json: body, headers: key) } }
                var all: [API.Reply] = []
                for try await reply in group { all.append(reply) }
                return all
            }
            let created = replies.filter { $0.status == 201 }
            #expect(!created.isEmpty)
            #expect(replies.allSatisfy { $0.status == 201 || $0.status == 409 }, "\(replies.map(\.status))")
            #expect(Set(try created.map { try $0.string("id") }).count == 1)
            let drafts = try await api.send(.get, "\(base)?status=draft", token: w.ta1Token)
            #expect((try drafts.json()["items"] as? [Any])?.count == 1)
        }
    }

    @Test("internal work leaves no trace for the customer: same ETag, same updated_at")
    func internalTraces() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let base = "/v1/tenants/\(w.c1)/requests"
            let id = try await ServiceRequestFlowTests.submitted(api, w)
            let before = try await api.send(.get, "\(base)/\(id)", token: w.ta1Token)
            _ = try await api.send(.post, "\(base)/\(id)/messages", token: w.engineerToken, json: #"{"body":"x","visibility":"internal"}"#)
            _ = try await api.sendBytes(.post, "\(base)/\(id)/attachments?filename=t.log&visibility=internal", token: w.engineerToken,
                                        bytes: Array("trace\n".utf8))
            _ = try await api.send(.post, "\(base)/\(id)/escalations", token: w.engineerToken, json: #"{"reason":"VIP"}"#)
            let after = try await api.send(.get, "\(base)/\(id)", token: w.ta1Token)
            #expect(before.etag == after.etag)
            let updated = { (reply: API.Reply) in (try? reply.json()["request"] as? [String: Any])?["updated_at"] as? String }
            #expect(updated(before) == updated(after))
        }
    }

    @Test("a cursor keeps its sort; transitions that are not the caller's to ask for are refused")
    func cursorsAndTransitions() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let base = "/v1/tenants/\(w.c1)/requests"
            _ = try await ServiceRequestFlowTests.submitted(api, w)
            let id = try await ServiceRequestFlowTests.submitted(api, w)
            let page = try await api.send(.get, "\(base)?limit=1&sort=created", token: w.ta1Token).json()
            let cursor = try #require(page["next_cursor"] as? String)
            #expect(try await api.send(.get, "\(base)?limit=1&sort=-updated&cursor=\(cursor)", token: w.ta1Token).status == 422)
            #expect(try await api.send(.get, "\(base)?limit=1&sort=created&cursor=\(cursor)", token: w.ta1Token).status == 200)
            // A filter that names nothing is refused, not read as "no request matches".
            for filter in ["status=", "status=,,", "severity=", "status=bogus"] {
                let refused = try await api.send(.get, "\(base)?\(filter)", token: w.ta1Token)
                #expect(refused.status == 400, "\(filter)")
                #expect(refused.problemType == ProblemType.malformedRequest)
            }
            _ = try await api.send(.post, "\(base)/\(id)/transitions", token: w.engineerToken, json: #"{"transition":"ask_for_information"}"#)
            let reply = try await api.send(.post, "\(base)/\(id)/transitions", token: w.ta1Token, json: #"{"transition":"customer_reply"}"#)
            #expect(reply.status == 422)
        }
    }

    @Test("severity: a decision names its own request; A needs a phone; a breach is not undone; raising keeps the earlier due time")
    func severityRules() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let base = "/v1/tenants/\(w.c1)/requests"
            let first = try await ServiceRequestFlowTests.submitted(api, w, severity: "C")
            let second = try await ServiceRequestFlowTests.submitted(api, w, severity: "C")
            let proposal = try await api.send(.post, "\(base)/\(first)/severity-changes", token: w.ta1Token,
                                              json: #"{"severity":"B","reason":"worse"}"#)
            let change = try proposal.string("id")
            // The same proposal retried with its Idempotency-Key is the same proposal, not a 409.
            let key = ["Idempotency-Key": "severity-\(change)"]
            let once = try await api.send(.post, "\(base)/\(second)/severity-changes", token: w.ta1Token,
                                          json: #"{"severity":"B","reason":"worse"}"#, headers: key)
            let twice = try await api.send(.post, "\(base)/\(second)/severity-changes", token: w.ta1Token,
                                           json: #"{"severity":"B","reason":"worse"}"#, headers: key)
            #expect(once.status == 201)
            #expect(twice.status == 201)
            #expect(try once.string("id") == twice.string("id"))
            _ = try await api.send(.post, "\(base)/\(second)/severity-changes/\(try once.string("id"))/decision", token: w.engineerToken,
                                   json: #"{"decision":"decline"}"#)
            let crossed = try await api.send(.post, "\(base)/\(second)/severity-changes/\(change)/decision", token: w.engineerToken,
                                             json: #"{"decision":"accept"}"#)
            #expect(crossed.status == 404)
            let secondView = try await api.send(.get, "\(base)/\(second)", token: w.ta1Token).json()
            #expect(((secondView["request"] as? [String: Any])?["fields"] as? [String: Any])?["severity"] as? String == "C")

            // Without a phone on the request, A is refused.
            let draft = try await api.send(.post, base, token: w.ta1Token, json: """
                {"category":"billing","summary":"x","severity":"C","language":"en","contact":{"name":"T","email":"t@contoso.example"}}
                """)
            let noPhone = try draft.string("id")
            _ = try await api.send(.post, "\(base)/\(noPhone)/submit", token: w.ta1Token)
            let refused = try await api.send(.post, "\(base)/\(noPhone)/severity-changes", token: w.ta1Token,
                                             json: #"{"severity":"A","reason":"down"}"#)
            #expect(refused.problemType == ProblemType.phoneRequired)

            // Raising C (due in 4 h) to A (1 h) moves the due time earlier, to one hour from now.
            let raised = try await api.send(.post, "\(base)/\(second)/severity-changes", token: w.engineerToken,
                                            json: #"{"severity":"A","reason":"outage"}"#)
            #expect(raised.status == 201)
            func due(_ id: String) async throws -> Date? {
                let view = try await api.send(.get, "\(base)/\(id)", token: w.ta1Token).json()
                return ServiceRequestFlowTests.date(((view["request"] as? [String: Any])?["response"] as? [String: Any])?["due_at"])
            }
            let raisedDue = try #require(try await due(second))
            #expect(abs(raisedDue.timeIntervalSinceNow - 3600) < 60)
            // Lowering A back to C re-baselines from now (4 h), still pending.
            _ = try await api.send(.post, "\(base)/\(second)/severity-changes", token: w.engineerToken, json: #"{"severity":"C","reason":"ok"}"#)
            let loweredDue = try #require(try await due(second))
            #expect(loweredDue > raisedDue)

            // A breached request stays breached when its severity changes.
            let firstID = try #require(UUID(uuidString: first))
            try await Database.with(environment.owner, logger: SliceStack.logger) { owner in
                try await owner.client.query(
                    "UPDATE service_requests SET response_due_at = now() - interval '1 minute' WHERE id = \(firstID)")
            }
            let accepted = try await api.send(.post, "\(base)/\(first)/severity-changes/\(change)/decision", token: w.engineerToken,
                                              json: #"{"decision":"accept"}"#)
            #expect(accepted.status == 200)
            let view = try await api.send(.get, "\(base)/\(first)", token: w.ta1Token).json()
            let response = (view["request"] as? [String: Any])?["response"] as? [String: Any]
            #expect(response?["status"] as? String == "breached")
        }
    }

    @Test("without valid credentials an upload is refused before its body is read")
    func uploadNeedsCredentials() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let path = "/v1/tenants/\(w.c1)/requests/\(UUID().uuidString.lowercased())/attachments?filename=a.log"
            let big = Array(repeating: UInt8(ascii: "a"), count: SliceStack.attachmentMaxBytes + 10)
            #expect(try await api.sendBytes(.post, path, token: nil, bytes: big).status == 401)
            #expect(try await api.sendBytes(.post, path, token: "not-a-token", bytes: big).status == 401)
            #expect(try await api.sendBytes(.post, path, token: w.ta1Token, bytes: big).status == 413)
        }
    }

    @Test("routing: a Japanese device-management request goes to the Tokyo queue, on its calendar; the tenant's language picks the hours shown")
    func routing() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let base = "/v1/tenants/\(w.c1)/requests"
            let draft = try await api.send(.post, base, token: w.ta1Token, json: """
                {"category":"enrollment","summary":"ESP で停止","severity":"B","language":"ja",
                 "contact":{"name":"Tara","email":"tara@contoso.example"}}
                """)
            let submitted = try await api.send(.post, "\(base)/\(try draft.string("id"))/submit", token: w.ta1Token)
            #expect(try submitted.json()["queue"] as? String == "device-management-ja")
            let clock = ((try submitted.json()["response"] as? [String: Any])?["explanation"] as? [String: Any])?["clock"] as? String
            #expect(clock?.contains("Asia/Tokyo") == true, "\(String(describing: clock))")
            func enrollmentZone() async throws -> String? {
                let options = try await api.send(.get, "/v1/tenants/\(w.c1)/support/intake-options", token: w.ta1Token).json()
                let categories = options["categories"] as? [[String: Any]] ?? []
                return (categories.first { $0["code"] as? String == "enrollment" }?["hours"] as? [String: Any])?["time_zone"] as? String
            }
            #expect(try await enrollmentZone() == "America/Los_Angeles")
            let patched = try await api.send(.patch, "/v1/tenants/\(w.c1)", token: w.operatorToken, json: #"{"default_language":"ja"}"#)
            #expect(patched.status == 200, "\(patched.body)")
            #expect(try await enrollmentZone() == "Asia/Tokyo")
        }
    }
}
