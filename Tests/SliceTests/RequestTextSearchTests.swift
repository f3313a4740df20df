import Foundation
import HTTPTypes
import PostgresNIO
import Store
import Testing

/// A list's text search (`q`), found through the search index by `tenantdesk_request_text_matches`
/// (migration 25): each list finds its own requests only, and the function itself answers
/// nothing its caller could not read.
@Suite("Text search in the lists", .serialized, .timeLimit(.minutes(5)))
struct RequestTextSearchTests {
    /// A word no other test writes: the shared database holds every test's requests.
    static func uniqueWord() -> String {
        "zq" + String((0..<10).map { _ in "abcdefghijklmnopqrstuvwxyz".randomElement()! })
    }

    @Test("a search finds the list's own requests: a tenant's, a partner's customers', the support queues'; drafts their author's")
    func listsFindTheirOwn() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let word = Self.uniqueWord()
            let contoso = try await ServiceRequestFlowTests.submitted(api, w, summary: "VPN \(word) not applied", severity: "C")
            let northwind = try await ServiceRequestFlowTests.submitted(
                api, w, summary: "Printer \(word) stuck", severity: "C", token: w.ta2Token, tenant: w.c2)
            _ = try await ServiceRequestFlowTests.submitted(api, w, summary: "Printer queue stuck", severity: "C")
            let draft = try await api.send(.post, "/v1/tenants/\(w.c1)/requests", token: w.ta1Token, json: """
                {"category":"enrollment","summary":"Draft about \(word)","severity":"C","language":"en"}
                """)
            #expect(draft.status == 201, "\(draft.body)")
            let draftID = try draft.string("id")

            func list(_ path: String, _ token: String) async throws -> (ids: Set<String>, counts: [String: Int]) {
                let reply = try await api.send(.get, path, token: token)
                #expect(reply.status == 200, "\(path): \(reply.body)")
                return (Set(try SupportWorkTests.ids(reply)), try reply.json()["counts"] as? [String: Int] ?? [:])
            }
            // A tenant's list: its own request, and the author's own draft beside it.
            let mine = try await list("/v1/tenants/\(w.c1)/requests?q=\(word)&status=all", w.ta1Token)
            #expect(mine.ids == [contoso, draftID])
            #expect(mine.counts == ["submitted": 1, "draft": 1])
            let colleague = try await list("/v1/tenants/\(w.c1)/requests?q=\(word)&status=all", w.sa1Token)
            #expect(colleague.ids == [contoso])
            #expect(colleague.counts == ["submitted": 1])
            // Words are matched as words, in English: "applied" finds "apply".
            #expect(try await list("/v1/tenants/\(w.c1)/requests?q=apply%20\(word)", w.ta1Token).ids == [contoso])
            #expect(try await list("/v1/tenants/\(w.c2)/requests?q=\(word)", w.ta2Token).ids == [northwind])
            // A partner's list: the customers its delegations reach (Contoso), not Northwind.
            let partner = try await list("/v1/tenants/\(w.partner)/customer-requests?q=\(word)", w.paToken)
            #expect(partner.ids == [contoso])
            #expect(partner.counts == ["submitted": 1])
            #expect(try await list("/v1/tenants/\(w.partner)/customer-requests?q=\(word)&customer=\(w.c1)", w.paToken).ids == [contoso])
            // Pages of one, through the cursor: each request once, newest first.
            var seen: [String] = []
            var cursor: String?
            repeat {
                let path = "/v1/tenants/\(w.c1)/requests?q=\(word)&status=all&limit=1" + (cursor.map { "&cursor=\($0)" } ?? "")
                let reply = try await api.send(.get, path, token: w.ta1Token)
                seen += try SupportWorkTests.ids(reply)
                cursor = try reply.json()["next_cursor"] as? String
            } while cursor != nil && seen.count < 5
            #expect(seen == [draftID, contoso])
            // The support queues: every customer, or one.
            #expect(try await list("/v1/support/requests?q=\(word)", w.engineerToken).ids == [contoso, northwind])
            #expect(try await list("/v1/support/requests?q=\(word)&customer=\(w.c2)", w.engineerToken).ids == [northwind])
            // A word found nowhere: an empty list with no counts.
            let none = try await list("/v1/tenants/\(w.c1)/requests?q=\(Self.uniqueWord())&status=all", w.ta1Token)
            #expect(none.ids.isEmpty)
            #expect(none.counts.isEmpty)
        }
    }

    @Test("words in more requests than the index reads well are matched on the rows: the same list, the same counts")
    func manyMatches() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let word = Self.uniqueWord()
            let tenant = try #require(UUID(uuidString: w.c2))
            // 10,001 closed requests of Northwind with the word: more than the function reads by
            // location (at least 10,000, or a quarter of the tenants' requests).
            try await WorkerTestSupport.owner(environment) { db in
                try await Self.insertClosed(10_001, tenant: tenant, word: word, numbersAfter: 1_000_000, on: db)
            }
            let open = try await ServiceRequestFlowTests.submitted(
                api, w, summary: "New \(word) request", severity: "C", token: w.ta2Token, tenant: w.c2)
            try await Database.with(WorkerTestSupport.app(environment), logger: SliceStack.logger) { database in
                let none = try await database.withTenantTransaction(tenant) { connection in
                    try await connection.query(
                        "SELECT tenantdesk_request_text_matches(\([tenant]), \(word)) IS NULL", logger: database.logger
                    ).collect().first?.decode(Bool.self)
                }
                #expect(none == true)
            }
            let base = "/v1/tenants/\(w.c2)/requests"
            let unresolved = try await api.send(.get, "\(base)?q=\(word)", token: w.ta2Token)
            #expect(try SupportWorkTests.ids(unresolved) == [open])
            #expect(try unresolved.json()["counts"] as? [String: Int] == ["closed": 10001, "submitted": 1])
            let all = try await api.send(.get, "\(base)?q=\(word)&status=all&limit=200", token: w.ta2Token)
            let first = try SupportWorkTests.ids(all)
            #expect(first.count == 200)
            #expect(first.first == open)
            // The next page continues where the first stopped.
            let cursor = try #require(try all.json()["next_cursor"] as? String)
            let next = try SupportWorkTests.ids(try await api.send(
                .get, "\(base)?q=\(word)&status=all&limit=200&cursor=\(cursor)", token: w.ta2Token))
            #expect(next.count == 200)
            #expect(Set(first).isDisjoint(with: next))
            // A rarer word of the same requests is read through the index again.
            let one = try await api.send(.get, "\(base)?q=\(word)%205000&status=all", token: w.ta2Token)
            #expect(try one.json()["counts"] as? [String: Int] == ["closed": 1])
            try await Database.with(WorkerTestSupport.app(environment), logger: SliceStack.logger) { database in
                let rare = try await database.withTenantTransaction(tenant) { connection in
                    try await connection.query(
                        "SELECT cardinality(tenantdesk_request_text_matches(\([tenant]), \(word + " 5000")))", logger: database.logger
                    ).collect().first?.decode(Int.self)
                }
                #expect(rare == 1)
            }
        }
    }

    @Test("the search function answers nothing outside the tenants its caller is bound to, listed for, or supports")
    func functionStaysWithinThePolicies() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let word = Self.uniqueWord()
            _ = try await ServiceRequestFlowTests.submitted(api, w, summary: "Laptop \(word) offline", severity: "C")
            _ = try await ServiceRequestFlowTests.submitted(
                api, w, summary: "Laptop \(word) offline", severity: "C", token: w.ta2Token, tenant: w.c2)
            try await Self.checkFunction(environment, a: try #require(UUID(uuidString: w.c1)),
                                         b: try #require(UUID(uuidString: w.c2)), word: word)
        }
    }

    @Test("the search across every tenant asks the planner first: words it expects in very many requests are not read by location")
    func plannerEstimate() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let w = try await PartnerWorld.build(API(client: client), environment: environment)
            let tenant = try #require(UUID(uuidString: w.c2))
            let word = Self.uniqueWord()
            let absent = Self.uniqueWord()
            try await WorkerTestSupport.owner(environment) { db in
                // More requests with the word than all the others and 10,000 more: the planner then
                // expects more than twice what the function reads at most (a quarter of every
                // request, at least 10,000).
                let others = try await db.client.query("SELECT count(*)::int FROM service_requests").collect().first?.decode(Int.self) ?? 0
                let count = max(25_000, others + 10_000)
                try await Self.insertClosed(count, tenant: tenant, word: word, numbersAfter: 3_000_000, on: db)
                try await db.client.query("ANALYZE service_requests")
                func many(_ text: String, most: Int) async throws -> Bool? {
                    try await db.client.query(
                        "SELECT tenantdesk_request_text_many(plainto_tsquery('english', \(text)), \(most))"
                    ).collect().first?.decode(Bool.self)
                }
                #expect(try await many(word, most: 100) == true)
                #expect(try await many(word, most: count) == false)
                #expect(try await many(absent, most: 100) == false)
                // The rows gone in a transaction, the statistics not told: the function answers NULL
                // from the estimate alone, where reading would have found nothing.
                try await db.client.withConnection { connection in
                    _ = try await connection.query("BEGIN", logger: db.logger)
                    _ = try await connection.query(
                        "DELETE FROM service_requests WHERE tenant_id = \(tenant) AND number > 3000000", logger: db.logger)
                    _ = try await connection.query("SELECT set_config('tenantdesk.support_scope', 'all', true)", logger: db.logger)
                    let left = try await connection.query(
                        "SELECT count(*)::int FROM service_requests WHERE search @@ plainto_tsquery('english', \(word))", logger: db.logger
                    ).collect().first?.decode(Int.self)
                    let answer = try await connection.query(
                        "SELECT tenantdesk_request_text_matches(NULL, \(word)) IS NULL", logger: db.logger
                    ).collect().first?.decode(Bool.self)
                    let rare = try await connection.query(
                        "SELECT cardinality(tenantdesk_request_text_matches(NULL, \(absent)))", logger: db.logger
                    ).collect().first?.decode(Int.self)
                    _ = try await connection.query("ROLLBACK", logger: db.logger)
                    #expect(left == 0)
                    #expect(answer == true)
                    #expect(rare == 0)
                }
            }
            // The statistics cover every tenant: the services' role cannot ask for them.
            try await Database.with(WorkerTestSupport.app(environment), logger: SliceStack.logger) { database in
                await #expect(throws: PSQLError.self) {
                    try await database.client.query(
                        "SELECT tenantdesk_request_text_many(plainto_tsquery('english', \(word)), 1)"
                    ).collect()
                }
            }
        }
    }

    /// Inserts `count` closed requests of `tenant` whose summaries hold `word` (as the owner, all in
    /// one statement), numbered from `numbersAfter` + 1.
    static func insertClosed(_ count: Int, tenant: UUID, word: String, numbersAfter base: Int, on db: Database) async throws {
        try await db.client.query("""
            INSERT INTO service_requests (
                id, tenant_id, number, status, category_code, summary, severity, language, contact_name, contact_email,
                contact_method, requested_by, requested_by_name, requested_by_tenant, plan, response_target_minutes,
                response_due_at, response_explanation, first_response_at, submitted_at, resolved_at, closed_at)
            SELECT gen_random_uuid(), \(tenant), \(base) + g, 'closed', 'billing', 'Old ' || \(word) || ' ' || g, 'C', 'en',
                   'Nia', 'nia@northwind.example', 'email', a.id, 'Nia', \(tenant), 'professional', 480,
                   now() - interval '10 days', '{}'::jsonb, now() - interval '11 days', now() - interval '11 days',
                   now() - interval '10 days', now() - interval '9 days'
            FROM generate_series(1, \(count)) AS g, (SELECT id FROM admins WHERE tenant_id = \(tenant) LIMIT 1) AS a
            """)
    }

    /// Calls the function as the services' role, bound to A, listed for B, unbound, and for support:
    /// tenants A and B each hold one request with `word`.
    static func checkFunction(_ environment: SliceStack.Environment, a: UUID, b: UUID, word: String) async throws {
        var app = environment.owner
        app.user = "tenantdesk_app"
        app.password = "tenantdesk_app"
        try await Database.with(app, logger: SliceStack.logger) { database in
            func matches(_ tenants: [UUID]?, on connection: PostgresConnection) async throws -> Int {
                let rows = try await connection.query(
                    "SELECT cardinality(tenantdesk_request_text_matches(\(tenants), \(word)))", logger: database.logger
                ).collect()
                return try rows.first?.decode(Int.self) ?? -1
            }
            let bound = try await database.withTenantTransaction(a) { connection in
                [try await matches([a], on: connection), try await matches([a, b], on: connection),
                 try await matches([b], on: connection), try await matches(nil, on: connection)]
            }
            #expect(bound == [1, 1, 0, 0])
            let unbound = try await database.withTransaction { connection in
                [try await matches([a, b], on: connection), try await matches(nil, on: connection)]
            }
            #expect(unbound == [0, 0])
            let listed = try await database.withTransaction { connection in
                try await connection.query("SELECT set_config('tenantdesk.read_tenant_ids', \(b.uuidString), true)", logger: database.logger)
                return [try await matches([a, b], on: connection), try await matches([a], on: connection)]
            }
            #expect(listed == [1, 0])
            let support = try await database.withTransaction { connection in
                try await connection.query("SELECT set_config('tenantdesk.support_scope', 'all', true)", logger: database.logger)
                return [try await matches([b], on: connection), try await matches(nil, on: connection)]
            }
            #expect(support == [1, 2])
        }
    }
}
