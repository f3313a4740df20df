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
        .init(tenants: try await reachable(request.principal, action: request.action, order: .byName))
    }

    /// The ids of the first `most` customers after `after` (in id order) the admin may act in
    /// for `action`: the candidates are decided in id order only until `most` are found, so a
    /// page of a partner's many customers costs the decisions of that page, not of them all.
    func ids(_ principal: Principal, action: Action, after: UUID?, most: Int) async throws -> [UUID] {
        try await reachable(principal, action: action, order: .byID(after: after), most: most)
            .compactMap { UUID(uuidString: $0.tenantID) }
    }

    private enum Order {
        case byName
        case byID(after: UUID?)
    }

    private func reachable(
        _ principal: Principal, action: Action, order: Order, most: Int = .max
    ) async throws -> [ReachableTenant] {
        guard let home = UUID(uuidString: principal.tenantID), let admin = UUID(uuidString: principal.adminID), most > 0 else {
            return []
        }
        var after: UUID?
        var sort = "t.display_name"
        if case .byID(let cursor) = order {
            after = cursor
            sort = "r.customer_tenant_id"
        }
        let query: PostgresQuery = """
            SELECT DISTINCT r.customer_tenant_id, t.display_name
            FROM partner_relationships r
            JOIN relationship_assignments a ON a.relationship_id = r.id AND a.admin_id = \(admin)
            JOIN tenants t ON t.id = r.customer_tenant_id
            WHERE r.partner_tenant_id = \(home) AND r.status = 'active'
              AND (\(after)::uuid IS NULL OR r.customer_tenant_id > \(after))
            ORDER BY \(unescaped: sort)
            """
        let candidates = try await database.withTenantTransaction(home) { connection in
            let rows = try await connection.query(query, logger: logger)
            var found: [(UUID, String)] = []
            for try await (id, name) in rows.decode((UUID, String).self) { found.append((id, name)) }
            return found
        }
        var reachable: [ReachableTenant] = []
        for (tenant, name) in candidates where reachable.count < most {
            let decision = try await authorizer.decideWithExpiry(
                AuthorizeMethod.Request(principal: principal, tenantID: tenant.uuidString.lowercased(), action: action))
            if case .allow(.delegation(let relationship, _)) = decision.decision {
                reachable.append(ReachableTenant(tenantID: tenant.uuidString.lowercased(), name: name, relationshipID: relationship))
            }
        }
        return reachable
    }
}

extension ReachableTenants {
    /// Decides with the role service's own database and authorizer.
    init(store: RoleStore) {
        self.init(database: store.database, authorizer: store.authorizer, logger: store.logger)
    }
}
