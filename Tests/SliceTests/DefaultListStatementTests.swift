import Contracts
import Domain
import Foundation
import HTTPTypes
import Store
import Testing

@testable import WorkerService

/// The default view of the list (a tenant admin's unresolved requests, newest first) runs as
/// prepared statements; every other list is sent as built.
@Suite struct DefaultListStatementTests {
    /// The statements of a list request by a new administrator (the default view unless told).
    static func statements(
        side: RequestSide = .customer, scope: ListScope = .tenant, severities: [Severity]? = nil, requestedByMe: Bool = false,
        text: String? = nil, sort: String = "-created", cursor: String? = nil, limit: Int = PageSize.standard,
        queue: String? = nil, assignee: String? = nil
    ) throws -> RequestQueries.ListStatements {
        let context = ActingContext(
            tenantID: UUID().uuidString, adminID: UUID().uuidString, adminName: "Cara", homeTenantID: UUID().uuidString, side: side,
            viaRelationshipID: nil, requestID: "req")
        return try RequestQueries.listStatements(ListRequestsMethod.Request(
            context: context, statuses: nil, severities: severities, category: nil, requestedByMe: requestedByMe, text: text,
            createdFrom: nil, createdTo: nil, updatedFrom: nil, updatedTo: nil, sort: sort, cursor: cursor, limit: limit, scope: scope,
            queue: queue, assignee: assignee))
    }

    @Test("any admin's default view is the prepared page and counts; another page size only the counts")
    func defaultViewIsPrepared() throws {
        let statements = try Self.statements()
        #expect(statements.page.sql == DefaultListPage.sql)
        #expect(statements.counts.sql == DefaultListCounts.sql)
        // Written into the text, never bound: the default statuses and the page size plus one.
        #expect(DefaultListPage.sql.contains("ANY('{submitted,in_progress,waiting_for_customer}'::text[])"))
        #expect(DefaultListPage.sql.hasSuffix("LIMIT 51"))
        let larger = try Self.statements(limit: 200)
        #expect(larger.page.sql != DefaultListPage.sql)
        #expect(larger.counts.sql == DefaultListCounts.sql)
    }

    @Test("a filter, another sort, a later page, a partner's or support's list are sent as built")
    func otherListsAreNot() throws {
        let others = [
            try Self.statements(severities: [.a]), try Self.statements(requestedByMe: true), try Self.statements(text: "autopilot"),
            try Self.statements(sort: "created"), try Self.statements(sort: "-updated"),
            try Self.statements(cursor: ListCursor(sort: "-created", key: 1, id: UUID()).encoded),
            try Self.statements(scope: .customers([UUID().uuidString])), try Self.statements(side: .support, scope: .support),
        ]
        for statements in others {
            #expect(statements.page.sql != DefaultListPage.sql)
        }
        // Filters change the counts too; a later page or another sort does not.
        #expect(try Self.statements(severities: [.a]).counts.sql != DefaultListCounts.sql)
        #expect(try Self.statements(sort: "-updated").counts.sql == DefaultListCounts.sql)
    }

    @Test("lists without filters take their counts from the counts kept per status, the support queues' too; filtered lists count rows")
    func keptCounts() throws {
        let kept = [
            try Self.statements(), try Self.statements(sort: "-updated", limit: 200),
            try Self.statements(scope: .customers([UUID().uuidString])), try Self.statements(side: .support, scope: .support),
        ]
        for statements in kept {
            #expect(statements.counts.sql.contains("FROM service_request_counts c"))
        }
        let counted = [
            try Self.statements(severities: [.a]), try Self.statements(requestedByMe: true), try Self.statements(text: "vpn"),
            try Self.statements(side: .support, scope: .support, queue: UUID().uuidString),
            try Self.statements(side: .support, scope: .support, assignee: "me"),
        ]
        for statements in counted {
            #expect(!statements.counts.sql.contains("service_request_counts"))
            #expect(statements.counts.sql.contains(#/^(WITH m AS MATERIALIZED \(.*\) )?SELECT r.status, count\(\*\)::int FROM service_requests r/#))
        }
        // Support sees no drafts, so its counts read none; the queues sum every tenant's.
        #expect(!(try Self.statements(side: .support).counts.sql.contains("'draft'")))
        #expect(try Self.statements(side: .support, scope: .support).counts.sql
            == "SELECT c.status, sum(c.count)::int FROM service_request_counts c WHERE c.count > 0 GROUP BY c.status")
        #expect(try Self.statements().counts.sql.contains("r.status = 'draft' AND r.requested_by = $1"))
        // A filtered count reads what is past the draft stage without the drafts' visibility (so
        // that the tenant's covering index answers it alone), and the reader's own drafts apart.
        let severityA = try Self.statements(severities: [.a]).counts.sql
        #expect(severityA == """
            SELECT r.status, count(*)::int FROM service_requests r WHERE r.tenant_id = tenantdesk_current_tenant() AND \
            r.status <> 'draft' AND r.severity = ANY($1) GROUP BY r.status \
            UNION ALL SELECT r.status, count(*)::int FROM service_requests r WHERE r.tenant_id = tenantdesk_current_tenant() AND \
            r.status = 'draft' AND r.requested_by = $2 AND r.draft_expires_at > now() AND r.severity = ANY($3) GROUP BY r.status
            """)
        // A text search finds its rows' locations through the search index (the definer function,
        // within the list's tenants, once per statement), or, if they are too many, matches the
        // rows in turn: two branches, the second run only if the function answered NULL. The
        // reader's few own drafts are matched on the rows.
        let text = try Self.statements(text: "vpn").counts.sql
        #expect(text == """
            WITH m AS MATERIALIZED (SELECT tenantdesk_request_text_matches(ARRAY[tenantdesk_current_tenant()], $1) AS found) \
            SELECT r.status, count(*)::int FROM service_requests r WHERE r.tenant_id = tenantdesk_current_tenant() AND \
            r.status <> 'draft' AND r.ctid = ANY((SELECT m.found FROM m)::tid[]) GROUP BY r.status \
            UNION ALL SELECT r.status, count(*)::int FROM service_requests r WHERE r.tenant_id = tenantdesk_current_tenant() AND \
            r.status <> 'draft' AND (SELECT m.found IS NULL FROM m) AND \
            r.search @@ (plainto_tsquery('english', $2) || plainto_tsquery('simple', tenantdesk_cjk_bigrams($2))) GROUP BY r.status \
            UNION ALL SELECT r.status, count(*)::int FROM service_requests r WHERE r.tenant_id = tenantdesk_current_tenant() AND \
            r.status = 'draft' AND r.requested_by = $3 AND r.draft_expires_at > now() AND \
            r.search @@ (plainto_tsquery('english', $4) || plainto_tsquery('simple', tenantdesk_cjk_bigrams($4))) GROUP BY r.status
            """)
        // The page: the same two branches, each ordered and limited.
        let page = try Self.statements(text: "vpn").page.sql
        #expect(page.hasPrefix(
            "WITH m AS MATERIALIZED (SELECT tenantdesk_request_text_matches(ARRAY[tenantdesk_current_tenant()], $1) AS found) (SELECT "))
        #expect(page.contains(#/ AND r\.ctid = ANY\(\(SELECT m\.found FROM m\)::tid\[\]\) .* LIMIT 51\) UNION ALL \(SELECT /#))
        #expect(page.contains(#/ AND \(SELECT m\.found IS NULL FROM m\) AND r\.search @@ .* LIMIT 51\)$/#))
        // A partner's searches the customers listed, bound; support's every tenant.
        let partner = try Self.statements(scope: .customers([UUID().uuidString]), text: "vpn").page.sql
        #expect(partner.hasPrefix("WITH m AS MATERIALIZED (SELECT tenantdesk_request_text_matches($1, $2) AS found) "))
        #expect(try Self.statements(side: .support, scope: .support, text: "vpn").counts.sql == """
            WITH m AS MATERIALIZED (SELECT tenantdesk_request_text_matches(NULL::uuid[], $1) AS found) \
            SELECT r.status, count(*)::int FROM service_requests r WHERE r.status <> 'draft' AND \
            r.ctid = ANY((SELECT m.found FROM m)::tid[]) GROUP BY r.status \
            UNION ALL SELECT r.status, count(*)::int FROM service_requests r WHERE r.status <> 'draft' AND \
            (SELECT m.found IS NULL FROM m) AND \
            r.search @@ (plainto_tsquery('english', $2) || plainto_tsquery('simple', tenantdesk_cjk_bigrams($2))) GROUP BY r.status
            """)
        // A request number is a condition on the number alone.
        #expect(try Self.statements(text: "#42").counts.sql.contains("r.number = $1 GROUP BY r.status"))
        let supportFiltered = try Self.statements(side: .support, scope: .support, assignee: "me").counts.sql
        #expect(supportFiltered == """
            SELECT r.status, count(*)::int FROM service_requests r WHERE r.status <> 'draft' AND r.assigned_to = $1 \
            GROUP BY r.status
            """)
    }

    @Test("read again and again on one connection (generic plans), each tenant's default view shows only its own requests")
    func preparedViewKeepsTenantsApart() async throws {
        let environment = try await SliceStack.shared.start()
        guard let url = ProcessInfo.processInfo.environment["TD_TEST_DATABASE_APP_URL"],
              let app = DatabaseConfiguration(url: url, maximumConnections: 1)?.with(database: environment.owner.database)
        else { throw SliceError("TD_TEST_DATABASE_APP_URL is not set") }
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let mine = try await ServiceRequestFlowTests.submitted(api, w, summary: "Tenant one's request")
            let theirs = try await ServiceRequestFlowTests.submitted(api, w, summary: "Tenant two's request", token: w.ta2Token, tenant: w.c2)
            var contexts: [ActingContext] = []
            for (tenant, token) in [(w.c1, w.ta1Token), (w.c2, w.ta2Token)] {
                let admin = try await api.send(.get, "/v1/me", token: token).string("admin_id")
                contexts.append(ActingContext(
                    tenantID: tenant, adminID: admin, adminName: "Admin", homeTenantID: tenant, side: .customer,
                    viaRelationshipID: nil, requestID: "req"))
            }
            let readers = contexts
            try await Database.with(app, logger: SliceStack.logger) { database in
                let queries = RequestQueries(
                    database: database, catalogue: SupportCatalogue(database: database, logger: SliceStack.logger), logger: SliceStack.logger)
                // PostgreSQL switches a prepared statement to a generic plan after five runs.
                for round in 0..<8 {
                    for (context, own, other) in [(readers[0], mine, theirs), (readers[1], theirs, mine)] {
                        let page = try await queries.list(.init(
                            context: context, statuses: nil, severities: nil, category: nil, requestedByMe: false, text: nil,
                            createdFrom: nil, createdTo: nil, updatedFrom: nil, updatedTo: nil, sort: "-created", cursor: nil, limit: PageSize.standard))
                        let ids = page.items.map(\.id)
                        #expect(ids.contains(own), "round \(round)")
                        #expect(!ids.contains(other), "round \(round)")
                        #expect(page.items.allSatisfy { $0.tenantID == context.tenantID }, "round \(round)")
                        // The counts are the tenant's own: one request each.
                        #expect(page.counts.values.reduce(0, +) == 1, "round \(round): \(page.counts)")
                    }
                }
            }
        }
    }
}

