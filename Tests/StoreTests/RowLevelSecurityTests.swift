import Foundation
import PostgresNIO
import Store
import Testing

@Suite("Row-level security for the services' role", .serialized, .timeLimit(.minutes(2)))
struct RowLevelSecurityTests {
    /// A migrated database with two tenants of one admin each; returns the database and tenant ids.
    static func twoTenants() async throws -> (owner: DatabaseConfiguration, a: UUID, b: UUID) {
        let owner = try await TestDatabase.fresh()
        let a = UUID(), b = UUID()
        try await Database.with(owner, logger: TestDatabase.logger) { database in
            _ = try await MigrationRunner(database: database).migrate(try Migration.load(from: TestDatabase.migrationsDirectory))
            for (tenant, email) in [(a, "a@example.com"), (b, "b@example.com")] {
                try await database.client.query(
                    "INSERT INTO tenants (id, kind, display_name, country) VALUES (\(tenant), 'customer', 'T', 'JP')")
                try await database.client.query(
                    "INSERT INTO admins (id, tenant_id, name, email, roles) VALUES (\(UUID()), \(tenant), 'N', \(email), \(["tenant_admin"]))")
            }
        }
        return (owner, a, b)
    }

    @Test("with no tenant bound the services' role sees no tenant rows")
    func nothingWithoutTenant() async throws {
        let (owner, _, _) = try await Self.twoTenants()
        let app = try TestDatabase.app().with(database: owner.database)
        try await Database.with(app, logger: TestDatabase.logger) { database in
            let admins = try await database.client.query("SELECT count(*) FROM admins").collect().first?.decode(Int.self)
            let tenants = try await database.client.query("SELECT count(*) FROM tenants").collect().first?.decode(Int.self)
            #expect(admins == 0)
            #expect(tenants == 0)
        }
    }

    @Test("a bound tenant sees its own rows only, and the binding ends with the transaction")
    func ownRowsOnly() async throws {
        let (owner, a, b) = try await Self.twoTenants()
        let app = try TestDatabase.app().with(database: owner.database)
        try await Database.with(app, logger: TestDatabase.logger) { database in
            let emails = try await database.withTenantTransaction(a) { connection in
                try await connection.query("SELECT email FROM admins", logger: database.logger).collect().map { try $0.decode(String.self) }
            }
            #expect(emails == ["a@example.com"])
            // A pooled connection does not carry the binding into the next statement.
            let after = try await database.client.query("SELECT count(*) FROM admins").collect().first?.decode(Int.self)
            #expect(after == 0)
            _ = b
        }
    }

    @Test("a bound tenant cannot write rows of another tenant")
    func noCrossTenantWrites() async throws {
        let (owner, a, b) = try await Self.twoTenants()
        let app = try TestDatabase.app().with(database: owner.database)
        try await Database.with(app, logger: TestDatabase.logger) { database in
            await #expect(throws: (any Error).self) {
                try await database.withTenantTransaction(a) { connection in
                    try await connection.query(
                        "INSERT INTO admins (id, tenant_id, name, email, roles) VALUES (\(UUID()), \(b), 'X', 'x@example.com', \(["tenant_admin"]))",
                        logger: database.logger)
                }
            }
            let updated = try await database.withTenantTransaction(a) { connection in
                try await connection.query("UPDATE admins SET name = 'hijacked' WHERE tenant_id = \(b) RETURNING id", logger: database.logger)
                    .collect().count
            }
            #expect(updated == 0)
        }
        try await Database.with(owner, logger: TestDatabase.logger) { database in
            let names = try await database.client.query("SELECT name FROM admins WHERE tenant_id = \(b)").collect().map { try $0.decode(String.self) }
            #expect(names == ["N"])
        }
    }

    @Test("the services' role owns nothing, cannot bypass RLS, and cannot touch the migration log")
    func roleHasNoPower() async throws {
        let (owner, _, _) = try await Self.twoTenants()
        let app = try TestDatabase.app().with(database: owner.database)
        try await Database.with(app, logger: TestDatabase.logger) { database in
            let bypass = try await database.client.query("SELECT rolbypassrls OR rolsuper FROM pg_roles WHERE rolname = current_user")
                .collect().first?.decode(Bool.self)
            #expect(bypass == false)
            await #expect(throws: (any Error).self) {
                try await database.client.query("DELETE FROM schema_migrations")
            }
            await #expect(throws: (any Error).self) {
                try await database.client.query("ALTER TABLE admins DISABLE ROW LEVEL SECURITY")
            }
        }
    }
}

@Suite("Row-level security of partner and audit data", .serialized, .timeLimit(.minutes(2)))
struct PartnerDataSecurityTests {
    @Test("under tenant A's binding a hand-written WHERE tenant_id = B finds nothing; the audit log is append-only")
    func handWrittenWhereAndAppendOnly() async throws {
        let (owner, a, b) = try await RowLevelSecurityTests.twoTenants()
        try await Database.with(owner, logger: TestDatabase.logger) { database in
            for tenant in [a, b] {
                try await database.client.query("""
                    INSERT INTO audit_events (tenant_id, action, target_type, target_id) VALUES (\(tenant), 'tenant.created', 'tenant', \(tenant.uuidString))
                    """)
                try await database.client.query("""
                    INSERT INTO api_keys (id, tenant_id, admin_id, name, roles, key_hash)
                    SELECT \(UUID()), \(tenant), id, 'k', ARRAY['tenant_admin'], gen_random_uuid()::text::bytea FROM admins WHERE tenant_id = \(tenant)
                    """)
            }
        }
        let app = try TestDatabase.app().with(database: owner.database)
        try await Database.with(app, logger: TestDatabase.logger) { database in
            let counts = try await database.withTenantTransaction(a) { connection in
                var counts: [Int] = []
                for table in ["audit_events", "api_keys", "admins", "refresh_tokens"] {
                    let rows = try await connection.query("SELECT count(*) FROM \(unescaped: table) WHERE tenant_id = \(b)", logger: database.logger)
                    counts.append(try await rows.collect().first?.decode(Int.self) ?? -1)
                }
                let relationships = try await connection.query(
                    "SELECT count(*) FROM partner_relationships WHERE \(b) IN (partner_tenant_id, customer_tenant_id)", logger: database.logger)
                counts.append(try await relationships.collect().first?.decode(Int.self) ?? -1)
                let own = try await connection.query("SELECT count(*) FROM audit_events WHERE tenant_id = \(a)", logger: database.logger)
                counts.append(try await own.collect().first?.decode(Int.self) ?? -1)
                return counts
            }
            #expect(counts == [0, 0, 0, 0, 0, 1])
            for statement in ["UPDATE audit_events SET action = 'forged'", "DELETE FROM audit_events"] {
                await #expect(throws: (any Error).self, "\(statement)") {
                    try await database.withTenantTransaction(a) { connection in
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: database.logger)
                    }
                }
            }
            let after = try await database.withTenantTransaction(a) { connection in
                try await connection.query("SELECT action FROM audit_events", logger: database.logger).collect().map { try $0.decode(String.self) }
            }
            #expect(after == ["tenant.created"])
        }
    }
}
