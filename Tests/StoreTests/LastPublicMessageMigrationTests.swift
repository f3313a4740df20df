import Foundation
import PostgresNIO
import Store
import Testing

/// Migration 29 fills who wrote the latest public message for the unresolved requests already
/// there: internal notes do not count, and resolved or closed requests are left for their next
/// message.
@Suite("Migration 29: the latest public message", .timeLimit(.minutes(2)))
struct LastPublicMessageMigrationTests {
    @Test("open requests get their latest public message; notes, empty threads and closed requests stay empty")
    func backfill() async throws {
        let configuration = try await TestDatabase.fresh()
        let migrations = try Migration.load(from: TestDatabase.migrationsDirectory)
        let before = migrations.filter { $0.version < 29 }
        let tenant = UUID(), admin = UUID()
        let open = UUID(), quiet = UUID(), closed = UUID()
        let base = Date(timeIntervalSince1970: 1_795_000_000)
        try await Database.with(configuration, logger: TestDatabase.logger) { database in
            let runner = MigrationRunner(database: database)
            _ = try await runner.migrate(before)
            let client = database.client
            try await client.query("""
                INSERT INTO tenants (id, kind, display_name, country, default_language, support_plan)
                VALUES (\(tenant), 'customer', 'Contoso', 'JP', 'en', 'premier')
                """)
            for (number, (id, status)) in [(open, "in_progress"), (quiet, "submitted"), (closed, "closed")].enumerated() {
                try await client.query("""
                    INSERT INTO service_requests (id, tenant_id, number, status, requested_by, requested_by_name,
                                                  requested_by_tenant, submitted_at, response_due_at)
                    VALUES (\(id), \(tenant), \(number + 1), \(status), \(admin), 'Cara', \(tenant), \(base), \(base + 3600))
                    """)
            }
            // The open request: the customer, then support, then support's internal note (last,
            // and not counted). The closed one: a customer message.
            let messages: [(UUID, String, String, Double)] = [
                (open, "public", "customer", 60), (open, "public", "support", 120), (open, "internal", "support", 180),
                (closed, "public", "customer", 240),
            ]
            for (request, visibility, side, after) in messages {
                try await client.query("""
                    INSERT INTO request_messages (id, tenant_id, request_id, visibility, author_admin_id, author_name, author_side, body, created_at)
                    VALUES (\(UUID()), \(tenant), \(request), \(visibility), \(admin), 'Someone', \(side), 'text', \(base + after))
                    """)
            }

            let report = try await runner.migrate(migrations)
            #expect(report.applied == migrations.filter { $0.version >= 29 }.map(\.version))
            var found: [UUID: (Date?, String?)] = [:]
            let rows = try await client.query("SELECT id, last_public_message_at, last_public_message_side FROM service_requests")
            for try await (id, at, side) in rows.decode((UUID, Date?, String?).self) { found[id] = (at, side) }
            #expect(found[open]?.0 == base + 120 && found[open]?.1 == "support")
            #expect(found[quiet]?.0 == nil && found[quiet]?.1 == nil)
            #expect(found[closed]?.0 == nil && found[closed]?.1 == nil)
        }
    }
}
