import Contracts
import Domain
import Foundation
import HTTPTypes
import Testing

/// Support managers configure queues, members, shifts, routing and calendars through the API,
/// and read the first-response figures; nobody else may.
@Suite("Support administration", .timeLimit(.minutes(3)))
struct SupportAdminTests {
    @Test("queues, members, routing rules and calendars through the API; the next request follows them")
    func configure() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let (manager, managerID) = try await SupportWorkTests.manager(api, w)
            let suffix = String(UUID().uuidString.prefix(6)).lowercased()

            // Only a support manager: an engineer, a customer's tenant admin and a partner admin are refused.
            for token in [w.engineerToken, w.ta1Token, w.paToken] {
                #expect(try await api.send(.get, "/v1/support/queues", token: token).status == 403)
                #expect(try await api.send(.put, "/v1/support/calendars/x-\(suffix)", token: token, json: """
                    {"name":"X","time_zone":"UTC","weekly_hours":{"mon":[["09:00","17:00"]]}}
                    """).status == 403)
            }

            // A calendar: validated (unknown zone, no hours), then stored.
            let calendar = "shift-\(suffix)"
            let badZone = try await api.send(.put, "/v1/support/calendars/\(calendar)", token: manager, json: """
                {"name":"Shift","time_zone":"Mars/Olympus","weekly_hours":{"mon":[["09:00","17:00"]]}}
                """)
            #expect(badZone.status == 422, "\(badZone.body)")
            let never = try await api.send(.put, "/v1/support/calendars/\(calendar)", token: manager, json: """
                {"name":"Shift","time_zone":"UTC","weekly_hours":{}}
                """)
            #expect(never.status == 422)
            let allWeek = (["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map { #""\#($0)":[["00:00","24:00"]]"# }).joined(separator: ",")
            let stored = try await api.send(.put, "/v1/support/calendars/\(calendar)", token: manager, json: """
                {"name":"Always","time_zone":"Europe/Lisbon","weekly_hours":{\(allWeek)},"holidays":[]}
                """)
            #expect(stored.status == 200, "\(stored.body)")
            #expect(stored.body.contains(calendar))

            // A queue with that calendar and the manager.
            let queue = "pt-\(suffix)"
            let created = try await api.send(.put, "/v1/support/queues/\(queue)", token: manager, json: """
                {"name":"Portuguese billing","calendar_id":"\(calendar)","manager_id":"\(managerID)"}
                """)
            #expect(created.status == 200, "\(created.body)")
            #expect(try await api.send(.put, "/v1/support/queues/\(queue)", token: manager, json: """
                {"name":"X","calendar_id":"no-such-calendar"}
                """).status == 422)
            #expect(try await api.send(.put, "/v1/support/queues/Bad_Id", token: manager, json: #"{"name":"X"}"#).status == 422)

            // Members: support staff only, valid languages, known shift calendars.
            let member = "/v1/support/queues/\(queue)/members"
            let customerAdmin = try await api.send(.get, "/v1/me", token: w.ta1Token).string("admin_id")
            #expect(try await api.send(.put, "\(member)/\(customerAdmin)", token: manager, json: #"{"languages":["pt"]}"#).status == 422)
            #expect(try await api.send(.put, "\(member)/\(w.engineerID)", token: manager, json: #"{"languages":["p t"]}"#).status == 422)
            #expect(try await api.send(.put, "\(member)/\(w.engineerID)", token: manager, json: #"{"languages":[]}"#).status == 422)
            #expect(try await api.send(.put, "/v1/support/queues/none-\(suffix)/members/\(w.engineerID)", token: manager,
                                       json: #"{"languages":["pt"]}"#).status == 404)
            let added = try await api.send(.put, "\(member)/\(w.engineerID)", token: manager, json: """
                {"languages":["PT","en"],"shift_calendar_id":"\(calendar)"}
                """)
            #expect(added.status == 200, "\(added.body)")
            let members = try added.json()["members"] as? [[String: Any]] ?? []
            #expect(members.count == 1)
            #expect(members.first?["languages"] as? [String] == ["en", "pt"])
            #expect(members.first?["on_shift"] as? Bool == true)

            // A routing rule sends Portuguese billing requests to the queue; the next one is assigned to the member.
            let bad = try await api.send(.post, "/v1/support/routing-rules", token: manager, json: """
                {"position":1,"category":"billing","language":"pt","queue":"none-\(suffix)"}
                """)
            #expect(bad.status == 422)
            #expect(try await api.send(.post, "/v1/support/routing-rules", token: manager, json: #"{"position":1,"queue":"\#(queue)"}"#).status == 422)
            let rules = try await api.send(.post, "/v1/support/routing-rules", token: manager, json: """
                {"position":1,"category":"billing","language":"pt","queue":"\(queue)"}
                """)
            #expect(rules.status == 200, "\(rules.body)")
            let rule = try #require((try rules.json()["rules"] as? [[String: Any]] ?? []).first { $0["queue"] as? String == queue })
            let id = try await WorkerTestSupport.submit(api, w, language: "pt")
            let assigned = try await WorkerTestSupport.eventually {
                try await WorkerTestSupport.timelineCounts("assigned", of: [id], environment: environment)[id] == 1
            }
            #expect(assigned)
            let detail = try await api.send(.get, "/v1/tenants/\(w.c1)/requests/\(id.uuidString.lowercased())", token: w.engineerToken)
            let request = try detail.json()["request"] as? [String: Any]
            #expect(request?["queue"] as? String == queue)
            #expect((request?["assigned_to"] as? [String: Any])?["admin_id"] as? String == w.engineerID)

            let listed = try await api.send(.get, "/v1/support/queues", token: manager)
            let mine = (try listed.json()["queues"] as? [[String: Any]] ?? []).first { $0["id"] as? String == queue }
            #expect(mine?["open_requests"] as? Int == 1, "\(listed.status) \(listed.body.prefix(600))")
            #expect(((mine?["members"] as? [[String: Any]])?.first?["open_requests"] as? Int ?? 0) >= 1)

            // Removing the rule and the member.
            let ruleID = try #require(rule["id"] as? Int)
            let removed = try await api.send(.delete, "/v1/support/routing-rules/\(ruleID)", token: manager)
            #expect(removed.status == 200)
            #expect(!removed.body.contains(queue))
            #expect(try await api.send(.delete, "/v1/support/routing-rules/\(ruleID)", token: manager).status == 404)
            #expect(try await api.send(.delete, "\(member)/\(w.engineerID)", token: manager).status == 204)
            #expect(try await api.send(.delete, "\(member)/\(w.engineerID)", token: manager).status == 404)

            // The figures: the manager only.
            #expect(try await api.send(.get, "/v1/support/sla-figures", token: w.engineerToken).status == 403)
            let figures = try await api.send(.get, "/v1/support/sla-figures", token: manager)
            #expect(figures.status == 200, "\(figures.body)")
            let open = try figures.json()["open_by_severity"] as? [String: Int] ?? [:]
            #expect((open["C"] ?? 0) >= 1)
        }
    }

    @Test("the figures per engineer: open requests, first responses in time, resolutions and their minutes")
    func figuresPerEngineer() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let manager = try await SupportWorkTests.manager(api, w)
            let member = Member("Noor", "support_engineer", String(UUID().uuidString.prefix(8)).lowercased())
            let noor = try await api.createAdmin(w.operatorToken, tenant: w.vendor, member)
            let token = try await api.login(member.email, Member.password).access
            func figures() async throws -> [String: Any]? {
                let reply = try await api.send(.get, "/v1/support/sla-figures", token: manager.token)
                #expect(reply.status == 200, "\(reply.body)")
                return (try reply.json()["by_engineer"] as? [[String: Any]] ?? []).first { $0["admin_id"] as? String == noor }
            }
            #expect(try await figures() == nil, "an engineer without requests is not listed")

            // Two requests given to Noor; one answered and resolved, one left open.
            let done = try await ServiceRequestFlowTests.submitted(api, w, summary: "Resolved one")
            let waiting = try await ServiceRequestFlowTests.submitted(api, w, summary: "Open one")
            for id in [done, waiting] {
                let assigned = try await api.send(.put, "/v1/tenants/\(w.c1)/requests/\(id)/assignee", token: manager.token,
                                                  json: #"{"admin_id":"\#(noor)"}"#)
                #expect(assigned.status == 200, "\(assigned.body)")
            }
            #expect(try await api.send(.post, "/v1/tenants/\(w.c1)/requests/\(done)/messages", token: token,
                                       json: #"{"body":"Fixed in the policy"}"#).status == 201)
            #expect(try await api.send(.post, "/v1/tenants/\(w.c1)/requests/\(done)/transitions", token: token,
                                       json: #"{"transition":"resolve","resolution_summary":"Policy corrected"}"#).status == 200)

            let row = try #require(try await figures())
            #expect(row["name"] as? String == "Noor")
            #expect(row["open"] as? Int == 1)
            #expect(row["met"] as? Int == 1 && row["breached"] as? Int == 0, "only the answered one is decided: \(row)")
            #expect(row["rate"] as? Double == 1)
            #expect(row["resolved"] as? Int == 1)
            let minutes = try #require(row["median_minutes_to_resolution"] as? Double)
            #expect(minutes >= 0 && minutes < 10, "resolved moments after submission: \(minutes)")
            // Engineers see none of it.
            #expect(try await api.send(.get, "/v1/support/sla-figures", token: token).status == 403)
        }
    }
}
