import Domain
import Foundation
import Logging
import PostgresNIO
import Store

/// The demo's partner world: a partner with two customers, one relationship active (the
/// partner admin assigned to it) and one awaiting the customer's approval. Fixed ids make it
/// idempotent: a second run changes nothing.
public enum DemoPartners {
    public struct Account: Sendable {
        public var id: UUID
        public var name: String
        public var email: String
        public var password: String
        public var role: Role
    }

    public struct DemoTenant: Sendable {
        public var id: UUID
        public var kind: TenantKind
        public var name: String
        public var country: String
        public var language: String
        public var plan: String
        public var admin: Account
    }

    static func uuid(_ text: String) -> UUID { UUID(uuidString: text) ?? UUID() }

    public static let fabrikam = DemoTenant(
        id: uuid("7e1d0000-0000-4000-8000-00000000fab1"), kind: .partner, name: "Fabrikam Managed Services", country: "US",
        language: "en", plan: "professional",
        admin: Account(id: uuid("7e1d0000-0000-4000-8000-0000000a0001"), name: "Pat Partner",
                       email: "pat@fabrikam.demo.tenantdesk.test", password: "fabrikam-partner-passphrase", role: .partnerAdmin))
    public static let contoso = DemoTenant(
        id: uuid("7e1d0000-0000-4000-8000-0000000c0a01"), kind: .customer, name: "Contoso Japan", country: "JP",
        language: "ja", plan: "premier",
        admin: Account(id: uuid("7e1d0000-0000-4000-8000-0000000a0002"), name: "Cara Customer",
                       email: "cara@contoso.demo.tenantdesk.test", password: "contoso-admin-passphrase", role: .tenantAdmin))
    public static let northwind = DemoTenant(
        id: uuid("7e1d0000-0000-4000-8000-0000000c0a02"), kind: .customer, name: "Northwind Traders", country: "GB",
        language: "en", plan: "professional",
        admin: Account(id: uuid("7e1d0000-0000-4000-8000-0000000a0003"), name: "Nina Customer",
                       email: "nina@northwind.demo.tenantdesk.test", password: "northwind-admin-passphrase", role: .tenantAdmin))
    public static let activeRelationship = uuid("7e1d0000-0000-4000-8000-0000000e1a01")
    public static let pendingRelationship = uuid("7e1d0000-0000-4000-8000-0000000e1a02")

    /// Creates what is missing; returns how many tenants were created.
    public static func seed(_ database: Database, hasher: PasswordHasher) async throws -> Int {
        var created = 0
        let ids = [fabrikam, contoso, northwind].map(\.id)
        let existing = Set(try await database.client.query("SELECT id FROM tenants WHERE id = ANY(\(ids))", logger: database.logger)
            .collect().map { try $0.decode(UUID.self) })
        // bcrypt only for what is missing: a re-run costs one query, not three hashes.
        for tenant in [fabrikam, contoso, northwind] where !existing.contains(tenant.id) {
            let hash = try await hasher.hash(tenant.admin.password)
            let inserted = try await database.withTransaction { connection -> Bool in
                let rows = try await connection.query("""
                    INSERT INTO tenants (id, kind, display_name, country, default_language, support_plan)
                    VALUES (\(tenant.id), \(tenant.kind.rawValue), \(tenant.name), \(tenant.country), \(tenant.language), \(tenant.plan))
                    ON CONFLICT (id) DO NOTHING RETURNING id
                    """, logger: database.logger).collect()
                guard !rows.isEmpty else { return false }
                let admin = tenant.admin
                try await connection.query("""
                    INSERT INTO admins (id, tenant_id, name, email, roles)
                    VALUES (\(admin.id), \(tenant.id), \(admin.name), \(admin.email), \([admin.role.rawValue]))
                    """, logger: database.logger)
                try await connection.query("""
                    INSERT INTO login_identities (email, admin_id, tenant_id, password_hash)
                    VALUES (\(admin.email), \(admin.id), \(tenant.id), \(hash))
                    """, logger: database.logger)
                return true
            }
            if inserted { created += 1 }
        }
        try await database.withTransaction { connection in
            try await connection.query("""
                INSERT INTO partner_relationships (id, partner_tenant_id, customer_tenant_id, roles, duration_days, auto_extend, status,
                                                   requested_by, decided_by, decided_at, starts_at, ends_at)
                VALUES (\(activeRelationship), \(fabrikam.id), \(contoso.id), \(["service_admin", "tenant_admin"]), 365, false, 'active',
                        \(fabrikam.admin.id), \(contoso.admin.id), now(), now(), now() + interval '365 days')
                ON CONFLICT (id) DO NOTHING
                """, logger: database.logger)
            try await connection.query("""
                INSERT INTO relationship_assignments (relationship_id, admin_id, partner_tenant_id, customer_tenant_id, roles, assigned_by)
                VALUES (\(activeRelationship), \(fabrikam.admin.id), \(fabrikam.id), \(contoso.id), \(["tenant_admin"]), \(fabrikam.admin.id))
                ON CONFLICT DO NOTHING
                """, logger: database.logger)
            try await connection.query("""
                INSERT INTO partner_relationships (id, partner_tenant_id, customer_tenant_id, roles, duration_days, auto_extend, requested_by)
                VALUES (\(pendingRelationship), \(fabrikam.id), \(northwind.id), \(["service_admin"]), 180, true, \(fabrikam.admin.id))
                ON CONFLICT (id) DO NOTHING
                """, logger: database.logger)
        }
        return created
    }
}
