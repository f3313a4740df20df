import Foundation
import PostgresNIO
import Store
import Testing

/// The counts of service requests kept per tenant and status (`service_request_counts`, kept by
/// triggers): always what counting the rows gives, whatever the statements do.
@Suite("Service request counts", .serialized, .timeLimit(.minutes(2)))
struct RequestCountsTests {
    /// Inserts `count` requests into `tenant` in one statement, their statuses in turn from
    /// `statuses` (drafts get no number).
    static func insert(_ count: Int, into tenant: UUID, statuses: [String], on database: Database) async throws {
        try await database.client.query("""
            INSERT INTO service_requests (
                id, tenant_id, number, status, summary, requested_by, requested_by_name, requested_by_tenant,
                submitted_at, response_due_at, draft_expires_at)
            SELECT gen_random_uuid(), \(tenant),
                   CASE WHEN s.status = 'draft' THEN NULL ELSE (SELECT coalesce(max(number), 0) FROM service_requests) + g END,
                   s.status, 'Request ' || g, gen_random_uuid(), 'Requester', \(tenant),
                   now(), now() + interval '4 hours', now() + interval '7 days'
            FROM generate_series(1, \(count)) AS g
            CROSS JOIN LATERAL (SELECT (\(statuses))[1 + (g - 1) % \(statuses.count)] AS status) AS s
            """)
    }

    /// The rows where the kept counts and counting the requests disagree (none when right).
    static func disagreements(_ database: Database) async throws -> [String] {
        let rows = try await database.client.query("""
            WITH kept AS (SELECT tenant_id, status, count FROM service_request_counts WHERE count <> 0),
                 counted AS (SELECT tenant_id, status, count(*) AS count FROM service_requests WHERE status <> 'draft'
                             GROUP BY tenant_id, status)
            SELECT coalesce(k.status, c.status) || ': kept ' || coalesce(k.count, 0) || ', counted ' || coalesce(c.count, 0)
            FROM kept k FULL JOIN counted c ON c.tenant_id = k.tenant_id AND c.status = k.status
            WHERE k.count IS DISTINCT FROM c.count
            """).collect()
        return try rows.map { try $0.decode(String.self) }
    }

    @Test("inserts, status changes both ways, other updates and deletes keep the counts equal to counting the rows")
    func keptAsCounted() async throws {
        let (owner, a, b) = try await RowLevelSecurityTests.twoTenants()
        try await Database.with(owner, logger: TestDatabase.logger) { database in
            try await Self.insert(
                30, into: a, statuses: ["draft", "submitted", "in_progress", "waiting_for_customer", "resolved", "closed"], on: database)
            try await Self.insert(7, into: b, statuses: ["submitted", "closed"], on: database)
            #expect(try await Self.disagreements(database) == [])
            let kept = try await database.client.query(
                "SELECT count::int FROM service_request_counts WHERE tenant_id = \(a) AND status = 'in_progress'"
            ).collect().first?.decode(Int.self)
            #expect(kept == 5)

            // One statement moving requests both ways between two statuses, across two tenants.
            try await database.client.query("""
                UPDATE service_requests SET status = CASE status WHEN 'in_progress' THEN 'resolved' ELSE 'in_progress' END
                WHERE status IN ('in_progress', 'resolved') OR (tenant_id = \(b) AND status = 'submitted')
                """)
            #expect(try await Self.disagreements(database) == [])
            // Drafts submitted, an update that changes no status, drafts and a closed request deleted.
            try await database.client.query("""
                UPDATE service_requests r SET status = 'submitted', number = 900000 + d.n
                FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM service_requests WHERE status = 'draft' LIMIT 2) AS d
                WHERE r.id = d.id
                """)
            try await database.client.query("UPDATE service_requests SET summary = 'Edited', version = version + 1")
            try await database.client.query("DELETE FROM service_requests WHERE status = 'draft'")
            try await database.client.query(
                "DELETE FROM service_requests WHERE id = (SELECT id FROM service_requests WHERE status = 'closed' LIMIT 1)")
            #expect(try await Self.disagreements(database) == [])
        }
    }

    @Test("transitions in opposite directions in one tenant, at the same time, neither deadlock nor miscount")
    func concurrentTransitions() async throws {
        let (owner, a, _) = try await RowLevelSecurityTests.twoTenants()
        try await Database.with(owner, logger: TestDatabase.logger) { database in
            try await Self.insert(40, into: a, statuses: ["in_progress", "resolved"], on: database)
            let ids = try await database.client.query(
                "SELECT id, status FROM service_requests ORDER BY id").collect().map { try $0.decode((UUID, String).self) }
            // Each task flips its own requests, one transaction per request, while the other flips
            // the opposite way: every transaction locks both count rows of the tenant.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (from, to) in [("in_progress", "resolved"), ("resolved", "in_progress")] {
                    let mine = ids.filter { $0.1 == from }.map(\.0)
                    group.addTask {
                        for id in mine {
                            try await database.withTransaction { connection in
                                try await connection.query(
                                    "UPDATE service_requests SET status = \(to) WHERE id = \(id)", logger: database.logger)
                                try await connection.query("SELECT pg_sleep(0.002)", logger: database.logger)
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await Self.disagreements(database) == [])
        }
    }

    @Test("the services' role reads the counts of its bound tenant, of a partner's listed customers, or with the support scope every tenant's; and cannot write them")
    func appReadsOwnOnly() async throws {
        let (owner, a, b) = try await RowLevelSecurityTests.twoTenants()
        try await Database.with(owner, logger: TestDatabase.logger) { database in
            try await Self.insert(4, into: a, statuses: ["submitted"], on: database)
            try await Self.insert(3, into: b, statuses: ["closed"], on: database)
        }
        let app = try TestDatabase.app().with(database: owner.database)
        try await Database.with(app, logger: TestDatabase.logger) { database in
            let seen = try await database.withTenantTransaction(a) { connection in
                try await connection.query("SELECT status, count::int FROM service_request_counts", logger: database.logger)
                    .collect().map { try $0.decode((String, Int).self) }
            }
            #expect(seen.map(\.0) == ["submitted"])
            #expect(seen.map(\.1) == [4])
            func tenants(readTenants: [UUID] = [], supportScope: Bool = false) async throws -> Set<UUID> {
                try await database.withTenantTransaction(
                    a, supportAudience: supportScope, readTenants: readTenants, supportScope: supportScope
                ) { connection in
                    try await Set(connection.query("SELECT tenant_id FROM service_request_counts", logger: database.logger)
                        .collect().map { try $0.decode(UUID.self) })
                }
            }
            #expect(try await tenants() == [a])
            #expect(try await tenants(readTenants: [b]) == [a, b])
            #expect(try await tenants(supportScope: true) == [a, b])
            // The support audience alone, without the queues' scope, is still bound to its tenant.
            #expect(try await database.withTenantTransaction(a, supportAudience: true) { connection in
                try await Set(connection.query("SELECT tenant_id FROM service_request_counts", logger: database.logger)
                    .collect().map { try $0.decode(UUID.self) })
            } == [a])
            await #expect(throws: PSQLError.self) {
                try await database.withTenantTransaction(a) { connection in
                    try await connection.query("UPDATE service_request_counts SET count = 0", logger: database.logger)
                }
            }
        }
    }
}
