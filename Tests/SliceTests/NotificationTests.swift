import Contracts
import Domain
import Foundation
import HTTPTypes
import Testing

/// The notification feed: the requester and the assigned engineer hear of what concerns them,
/// nobody hears of their own actions, internal notes reach support only, and each feed is its
/// owner's alone.
@Suite("Notifications", .timeLimit(.minutes(3)))
struct NotificationTests {
    static func feed(_ api: API, _ token: String, unread: Bool = false) async throws -> [[String: Any]] {
        let reply = try await api.send(.get, "/v1/me/notifications?limit=200\(unread ? "&unread=true" : "")", token: token)
        guard reply.status == 200 else { throw SliceError("feed: \(reply.status) \(reply.body)") }
        return try reply.json()["items"] as? [[String: Any]] ?? []
    }

    static func kinds(_ items: [[String: Any]], request: UUID) -> [String] {
        items.filter { $0["request_id"] as? String == request.uuidString.lowercased() }.compactMap { $0["kind"] as? String }.sorted()
    }

    @Test("messages, assignment, status changes and the survey request reach the right people, once")
    func feed() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let queue = try await WorkerTestSupport.privateQueue(language: "fr", environment: environment)
            try await WorkerTestSupport.addMember(w.engineerID, to: queue, languages: ["fr"], environment: environment)
            let id = try await WorkerTestSupport.submit(api, w, language: "fr", summary: "Facture en double")
            let path = "/v1/tenants/\(w.c1)/requests/\(id.uuidString.lowercased())"

            // The engineer hears of the assignment.
            #expect(try await WorkerTestSupport.eventually { Self.kinds(try await Self.feed(api, w.engineerToken), request: id) == ["assigned"] })

            // Support answers publicly and adds an internal note; the customer replies.
            #expect(try await api.send(.post, "\(path)/messages", token: w.engineerToken,
                                       json: #"{"body":"Nous regardons.","visibility":"public"}"#).status == 201)
            #expect(try await api.send(.post, "\(path)/messages", token: w.engineerToken,
                                       json: #"{"body":"Internal: check the ledger","visibility":"internal"}"#).status == 201)
            #expect(try await api.send(.post, "\(path)/messages", token: w.ta1Token, json: #"{"body":"Merci"}"#).status == 201)
            // Support resolves it: the requester is asked to rate the help.
            let resolved = try await api.send(.post, "\(path)/transitions", token: w.engineerToken,
                                              json: #"{"transition":"resolve","resolution_summary":"Duplicate removed"}"#)
            #expect(resolved.status == 200, "\(resolved.body)")

            let settled = try await WorkerTestSupport.eventually {
                let requesterKinds = Self.kinds(try await Self.feed(api, w.ta1Token), request: id)
                let engineerKinds = Self.kinds(try await Self.feed(api, w.engineerToken), request: id)
                return requesterKinds.contains("survey_requested") && engineerKinds.count == 2
            }
            #expect(settled)
            let requester = try await Self.feed(api, w.ta1Token)
            // Support's public answer, and the resolution as a survey request; their own message brought
            // them nothing; the internal note never reaches them.
            #expect(Self.kinds(requester, request: id) == ["message", "survey_requested"], "\(requester)")
            // Pages of one, each before the previous page's cursor, are the feed in order; a cursor
            // no server wrote is refused.
            var paged: [String] = []
            var before: String?
            repeat {
                let reply = try await api.send(.get, "/v1/me/notifications?limit=1" + (before.map { "&before=\($0)" } ?? ""), token: w.ta1Token)
                #expect(reply.status == 200, "\(reply.body)")
                paged += (try reply.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                before = try reply.json()["next_cursor"] as? String
            } while before != nil && paged.count < 50
            #expect(paged == requester.compactMap { $0["id"] as? String })
            let forged = try await api.send(.get, "/v1/me/notifications?before=\(Int64.max)_\(UUID().uuidString)", token: w.ta1Token)
            #expect(forged.status == 422, "\(forged.body)")
            #expect(!String(describing: requester).contains("Internal"))
            // The engineer: the assignment and the customer's reply (not their own messages or transition).
            #expect(Self.kinds(try await Self.feed(api, w.engineerToken), request: id) == ["assigned", "message"])
            // Another admin of the same tenant sees none of Tara's.
            #expect(Self.kinds(try await Self.feed(api, w.sa1Token), request: id).isEmpty)
            #expect(Self.kinds(try await Self.feed(api, w.ta2Token), request: id).isEmpty)

            // Reading: one, then all.
            let first = try #require(requester.first { $0["request_id"] as? String == id.uuidString.lowercased() }?["id"] as? String)
            let marked = try await api.send(.post, "/v1/me/notifications/read", token: w.ta1Token, json: #"{"ids":["\#(first)"]}"#)
            #expect(marked.status == 200)
            #expect(!Self.kinds(try await Self.feed(api, w.ta1Token, unread: true), request: id).isEmpty)
            #expect(Self.kinds(try await Self.feed(api, w.ta1Token, unread: true), request: id).count == 1)
            let all = try await api.send(.post, "/v1/me/notifications/read", token: w.ta1Token, json: #"{"all":true}"#)
            #expect(try all.json()["unread_count"] as? Int == 0)
            #expect(try await api.send(.post, "/v1/me/notifications/read", token: w.ta1Token, json: #"{"ids":["nope"]}"#).status == 422)
            // Marking someone else's notification changes nothing for them.
            let engineerItem = try #require(try await Self.feed(api, w.engineerToken).first?["id"] as? String)
            _ = try await api.send(.post, "/v1/me/notifications/read", token: w.ta1Token, json: #"{"ids":["\#(engineerItem)"]}"#)
            #expect(try await Self.feed(api, w.engineerToken, unread: true).contains { $0["id"] as? String == engineerItem })

            // The requester reopens it: the engineer hears of the status change.
            let reopened = try await api.send(.post, "\(path)/transitions", token: w.ta1Token, json: #"{"transition":"reopen"}"#)
            #expect(reopened.status == 200, "\(reopened.body)")
            #expect(try await WorkerTestSupport.eventually {
                Self.kinds(try await Self.feed(api, w.engineerToken), request: id) == ["assigned", "message", "status_changed"]
            })
        }
    }

    @Test("a requester who may no longer read the request (the delegation ended) hears nothing more of it; support still does")
    func endedDelegation() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let queue = try await WorkerTestSupport.privateQueue(language: "it", environment: environment)
            try await WorkerTestSupport.addMember(w.engineerID, to: queue, languages: ["it"], environment: environment)
            // Pat files a request in Contoso through the active relationship.
            let draft = try await api.send(.post, "/v1/tenants/\(w.c1)/requests", token: w.paToken, json: """
                {"category":"billing","summary":"Fattura doppia","severity":"C","language":"it",
                 "contact":{"name":"Pat","email":"pat@fabrikam.example"}}
                """)
            #expect(draft.status == 201, "\(draft.body)")
            let id = try #require(UUID(uuidString: try draft.string("id")))
            let path = "/v1/tenants/\(w.c1)/requests/\(id.uuidString.lowercased())"
            #expect(try await api.send(.post, "\(path)/submit", token: w.paToken).status == 200)
            #expect(try await WorkerTestSupport.eventually { Self.kinds(try await Self.feed(api, w.engineerToken), request: id) == ["assigned"] })

            // While the delegation holds, support's answer reaches Pat.
            #expect(try await api.send(.post, "\(path)/messages", token: w.engineerToken,
                                       json: #"{"body":"Stiamo verificando.","visibility":"public"}"#).status == 201)
            #expect(try await WorkerTestSupport.eventually { Self.kinds(try await Self.feed(api, w.paToken), request: id) == ["message"] })

            // The relationship ends; support answers again, and Contoso's admin writes too.
            let ended = try await api.send(.post, "/v1/tenants/\(w.partner)/relationships/\(w.r1)/terminate", token: w.paToken)
            #expect(ended.status == 200, "\(ended.body)")
            #expect(try await api.send(.post, "\(path)/messages", token: w.engineerToken,
                                       json: #"{"body":"Risolto?","visibility":"public"}"#).status == 201)
            #expect(try await api.send(.post, "\(path)/messages", token: w.ta1Token, json: #"{"body":"Grazie"}"#).status == 201)
            // The engineer hears of Contoso's message (the later event): by then the earlier one
            // was handled too.
            #expect(try await WorkerTestSupport.eventually {
                Self.kinds(try await Self.feed(api, w.engineerToken), request: id) == ["assigned", "message"]
            })
            try await Task.sleep(for: .seconds(1))
            #expect(Self.kinds(try await Self.feed(api, w.paToken), request: id) == ["message"], "nothing after the delegation ended")
        }
    }
}
