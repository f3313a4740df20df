import Contracts
import Domain
import Foundation
import Logging
import PostgresNIO
import Store

/// The customers a partner admin may act in for an action, each decided like any other call:
/// the candidates are the customers of relationships the admin is assigned to, and each is
/// decided from the facts at this moment (status, expiry, assigned roles, suspension).
struct ReachableTenants: Sendable {
    let database: Database
    let authorizer: Authorizer
    let logger: Logger

    func list(_ request: ReachableTenantsMethod.Request) async throws -> ReachableTenantsMethod.Response {
        let principal = request.principal
        guard let home = UUID(uuidString: principal.tenantID), let admin = UUID(uuidString: principal.adminID) else {
            return .init(tenants: [])
        }
        let candidates = try await database.withTenantTransaction(home) { connection in
            let rows = try await connection.query("""
                SELECT DISTINCT r.customer_tenant_id, t.display_name
                FROM partner_relationships r
                JOIN relationship_assignments a ON a.relationship_id = r.id AND a.admin_id = \(admin)
                JOIN tenants t ON t.id = r.customer_tenant_id
                WHERE r.partner_tenant_id = \(home) AND r.status = 'active'
                ORDER BY t.display_name
                """, logger: logger)
            var found: [(UUID, String)] = []
            for try await (id, name) in rows.decode((UUID, String).self) { found.append((id, name)) }
            return found
        }
        var reachable: [ReachableTenant] = []
        for (tenant, name) in candidates {
            let decision = try await authorizer.decideWithExpiry(
                AuthorizeMethod.Request(principal: principal, tenantID: tenant.uuidString.lowercased(), action: request.action))
            if case .allow(.delegation(let relationship, _)) = decision.decision {
                reachable.append(ReachableTenant(tenantID: tenant.uuidString.lowercased(), name: name, relationshipID: relationship))
            }
        }
        return .init(tenants: reachable)
    }
}

extension ReachableTenants {
    /// Decides with the role service's own database and authorizer.
    init(store: RoleStore) {
        self.init(database: store.database, authorizer: store.authorizer, logger: store.logger)
    }
}
