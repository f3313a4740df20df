import Domain
import Foundation
import Logging
import PostgresNIO
import Store

/// Administrators and their login identities in PostgreSQL.
public struct AdminDirectory: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// What login needs to know about an email.
    public struct Identity: Sendable {
        public var adminID: UUID
        public var tenantID: UUID
        public var passwordHash: String
    }

    public func identity(email: String) async throws -> Identity? {
        let rows = try await database.client.query(
            "SELECT admin_id, tenant_id, password_hash FROM login_identities WHERE email = \(email)",
            logger: database.logger)
        for try await (adminID, tenantID, hash) in rows.decode((UUID, UUID, String).self) {
            return Identity(adminID: adminID, tenantID: tenantID, passwordHash: hash)
        }
        return nil
    }

    /// The active administrator of an active tenant, read under that tenant's row-level security.
    public func activePrincipal(adminID: UUID, tenantID: UUID) async throws -> Principal? {
        try await database.withTenantTransaction(tenantID) { connection in
            let rows = try await connection.query("""
                SELECT a.name, a.email, a.roles FROM admins a JOIN tenants t ON t.id = a.tenant_id
                WHERE a.id = \(adminID) AND a.status = 'active' AND t.status = 'active'
                """, logger: database.logger)
            for try await (name, email, roles) in rows.decode((String, String, [String]).self) {
                return Principal(
                    adminID: adminID.uuidString.lowercased(), tenantID: tenantID.uuidString.lowercased(),
                    name: name, email: email, roles: roles.compactMap(Role.init(rawValue:)))
            }
            return nil
        }
    }
}
