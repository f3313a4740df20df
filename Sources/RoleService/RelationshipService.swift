import Contracts
import Domain
import Foundation
import Messaging
import PostgresNIO
import Store

/// Partner relationships: requested by a partner, approved or rejected by the customer,
/// terminated by either side, and worked by the partner admins the partner assigns.
/// Every change is recorded in both tenants' audit logs and announced on the event exchange.
struct RelationshipService: Sendable {
    let store: RoleStore

    func list(_ request: ListRelationshipsMethod.Request) async throws -> ListRelationshipsMethod.Response {
        let grant = try await store.authorizer.require(request.context, anyOf: Self.eitherSide, in: request.tenantID)
        let now = Date()
        let all = try await store.read(in: grant.tenantID) { try await load(tenant: grant.tenantID, ids: nil, on: $0, now: now) }
        let wanted = request.statuses.map(Set.init)
        return .init(relationships: all.filter { wanted?.contains($0.status) ?? true })
    }

    func request(_ request: RequestRelationshipMethod.Request) async throws -> RelationshipView {
        let grant = try await store.authorizer.require(request.context, .delegationManage, in: request.partnerTenantID)
        guard grant.tenantID.text == request.context.principal.tenantID.lowercased() else {
            throw Problems.notAllowed("a relationship is requested by the partner's own admins")
        }
        if let problem = Relationship.requestProblem(roles: request.roles, durationDays: request.durationDays, autoExtend: request.autoExtend) {
            throw Problems.invalid(problem)
        }
        guard let customer = UUID(uuidString: request.customerTenantID), customer != grant.tenantID else {
            throw Self.noSuchCustomer
        }
        let id = UUID()
        let roles = Array(Set(request.roles)).map(\.rawValue).sorted()
        let partner = grant.tenantID
        do {
            return try await store.change(in: partner) { connection in
                try await connection.query("""
                    INSERT INTO partner_relationships (id, partner_tenant_id, customer_tenant_id, roles, duration_days, auto_extend, requested_by)
                    VALUES (\(id), \(partner), \(customer), \(roles), \(request.durationDays), \(request.autoExtend), \(try parseID(request.context.principal.adminID)))
                    """, logger: store.logger)
                let details = ["roles": roles.joined(separator: ","), "duration_days": String(request.durationDays),
                               "auto_extend": String(request.autoExtend)]
                try await record("relationship.requested", id, details: details, context: request.context, via: grant.via,
                                 partner: partner, customer: customer, on: connection)
                // Now bound to the customer: it must be an active customer tenant.
                let kind = try await connection.query(
                    "SELECT kind, status FROM tenants WHERE id = \(customer)", logger: store.logger).collect()
                guard let row = kind.first, try row.decode((String, String).self) == ("customer", "active") else {
                    throw Self.noSuchCustomer
                }
                try await Outbox.enqueue(RoleEvent.delegationPrefix + "requested", DelegationEvent(relationshipID: id.text, partnerTenantID: partner.text,
                                         customerTenantID: customer.text), on: connection, logger: store.logger)
                try await store.database.bind(partner, on: connection)
                guard let view = try await load(tenant: partner, ids: [id], on: connection, now: Date()).first else { throw Problems.notFound }
                return view
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23503" {
            throw Self.noSuchCustomer
        }
    }

    func transition(_ request: TransitionRelationshipsMethod.Request) async throws -> TransitionRelationshipsMethod.Response {
        let grant: Authorizer.Grant
        switch request.transition {
        case .approve, .reject: grant = try await store.authorizer.require(request.context, .delegationApprove, in: request.tenantID)
        case .terminate: grant = try await store.authorizer.require(request.context, anyOf: Self.eitherSide, in: request.tenantID)
        }
        guard (1...100).contains(request.relationshipIDs.count) else { throw Problems.invalid("give 1 to 100 relationship ids") }
        let ids = try request.relationshipIDs.map { try parseID($0) }
        let tenant = grant.tenantID
        let now = Date()
        let admin = try parseID(request.context.principal.adminID)
        let current = try await store.read(in: tenant) { try await load(tenant: tenant, ids: ids, on: $0, now: now) }
        guard Set(current.map(\.id)) == Set(ids.map(\.text)) else { throw Problems.notFound }
        var touched: Set<UUID> = [tenant]
        for relationship in current {
            try check(request.transition, relationship, tenant: tenant)
            touched.insert(try parseID(relationship.partnerTenantID))
            touched.insert(try parseID(relationship.customerTenantID))
        }
        return try await store.change(in: tenant, invalidating: Array(touched)) { connection in
            for relationship in current {
                let id = try parseID(relationship.id)
                switch request.transition {
                case .approve:
                    try await connection.query("""
                        UPDATE partner_relationships SET status = 'active', decided_by = \(admin), decided_at = now(),
                            starts_at = now(), ends_at = now() + make_interval(days => duration_days)
                        WHERE id = \(id) AND status = 'approval_pending'
                        """, logger: store.logger)
                case .reject:
                    try await connection.query("""
                        UPDATE partner_relationships SET status = 'rejected', decided_by = \(admin), decided_at = now(), ended_at = now()
                        WHERE id = \(id) AND status = 'approval_pending'
                        """, logger: store.logger)
                case .terminate:
                    try await connection.query("""
                        UPDATE partner_relationships SET status = 'terminated', ended_by = \(admin), ended_at = now()
                        WHERE id = \(id) AND status IN ('approval_pending', 'active')
                        """, logger: store.logger)
                }
                let outcome: String = switch request.transition {
                case .approve: "approved"
                case .reject: "rejected"
                case .terminate: "terminated"
                }
                let action = "relationship." + outcome
                try await record(action, id, details: [:], context: request.context, via: grant.via,
                                 partner: try parseID(relationship.partnerTenantID), customer: try parseID(relationship.customerTenantID),
                                 on: connection)
                try await store.database.bind(tenant, on: connection)
                try await Outbox.enqueue(
                    RoleEvent.delegationPrefix + outcome,
                    DelegationEvent(relationshipID: relationship.id, partnerTenantID: relationship.partnerTenantID,
                                    customerTenantID: relationship.customerTenantID),
                    on: connection, logger: store.logger)
            }
            return .init(relationships: try await load(tenant: tenant, ids: ids, on: connection, now: Date()))
        }
    }

    func assign(_ request: AssignRelationshipMethod.Request) async throws -> RelationshipView {
        let grant = try await store.authorizer.require(request.context, .delegationManage, in: request.partnerTenantID)
        guard grant.tenantID.text == request.context.principal.tenantID.lowercased() else {
            throw Problems.notAllowed("only the partner's own admins assign its partner admins")
        }
        let partner = grant.tenantID
        let id = try parseID(request.relationshipID)
        let adminID = try parseID(request.adminID)
        let now = Date()
        guard let relationship = try await store.read(in: partner, { try await load(tenant: partner, ids: [id], on: $0, now: now) }).first,
              relationship.partnerTenantID == partner.text
        else { throw Problems.notFound }
        guard [.approvalPending, .active, .expiring].contains(relationship.status) else {
            throw Problems.conflict(ProblemType.relationshipState, "Relationship ended", "the relationship is \(relationship.status.rawValue)")
        }
        if let role = request.roles.first(where: { !relationship.roles.contains($0) }) {
            throw Problems.notAllowed("the relationship does not grant \(role.rawValue)")
        }
        let customer = try parseID(relationship.customerTenantID)
        let assigner = try parseID(request.context.principal.adminID)
        let roles = Array(Set(request.roles)).map(\.rawValue).sorted()
        return try await store.change(in: partner, invalidating: [partner, customer]) { connection in
            let admins = try await connection.query("""
                SELECT 1 FROM admins WHERE id = \(adminID) AND tenant_id = \(partner) AND status = 'active' AND 'partner_admin' = ANY (roles)
                """, logger: store.logger).collect()
            guard !admins.isEmpty else { throw Problems.invalid("admin_id must be an active partner admin of the partner") }
            if roles.isEmpty {
                try await connection.query(
                    "DELETE FROM relationship_assignments WHERE relationship_id = \(id) AND admin_id = \(adminID)", logger: store.logger)
            } else {
                try await connection.query("""
                    INSERT INTO relationship_assignments (relationship_id, admin_id, partner_tenant_id, customer_tenant_id, roles, assigned_by)
                    VALUES (\(id), \(adminID), \(partner), \(customer), \(roles), \(assigner))
                    ON CONFLICT (relationship_id, admin_id) DO UPDATE SET roles = excluded.roles, assigned_by = excluded.assigned_by,
                        assigned_at = now()
                    """, logger: store.logger)
            }
            try await record(roles.isEmpty ? "relationship.unassigned" : "relationship.assigned", id,
                             details: ["admin_id": adminID.text, "roles": roles.joined(separator: ",")],
                             context: request.context, via: grant.via, partner: partner, customer: customer, on: connection)
            try await store.database.bind(partner, on: connection)
            guard let view = try await load(tenant: partner, ids: [id], on: connection, now: Date()).first else { throw Problems.notFound }
            return view
        }
    }

    static let noSuchCustomer = RPCProblem(
        status: 404, type: ProblemType.notFound, title: "Not found", detail: "no active customer tenant has that id")

    /// Either side of a relationship: `delegation.manage` (partner) or `delegation.approve` (customer).
    static let eitherSide: [Action] = [.delegationManage, .delegationApprove]

    private func check(_ transition: TransitionRelationshipsMethod.Transition, _ relationship: RelationshipView, tenant: UUID) throws {
        switch transition {
        case .approve, .reject:
            guard relationship.customerTenantID == tenant.text else {
                throw Problems.conflict(ProblemType.relationshipState, "Not yours to decide", "only the customer approves or rejects \(relationship.id)")
            }
            guard relationship.status == .approvalPending else {
                throw Problems.conflict(ProblemType.relationshipState, "Not pending", "relationship \(relationship.id) is \(relationship.status.rawValue)")
            }
        case .terminate:
            guard [.approvalPending, .active, .expiring].contains(relationship.status) else {
                throw Problems.conflict(ProblemType.relationshipState, "Already ended", "relationship \(relationship.id) is \(relationship.status.rawValue)")
            }
        }
    }

    /// Records `action` in the partner's and the customer's audit logs (leaves the customer bound).
    private func record(_ action: String, _ id: UUID, details: [String: String], context: CallContext, via: Authorization.Via,
                        partner: UUID, customer: UUID, on connection: PostgresConnection) async throws {
        var details = details
        details["partner_tenant_id"] = partner.text
        details["customer_tenant_id"] = customer.text
        for tenant in [partner, customer] {
            try await store.database.bind(tenant, on: connection)
            try await AuditLog.record(AuditEntry(tenantID: tenant, action: action, targetType: "relationship", targetID: id.text, details: details),
                                      context: context, via: via, on: connection, logger: store.logger)
        }
    }

    /// The relationships of the bound `tenant` (either side), newest first, with the clock applied.
    func load(tenant: UUID, ids: [UUID]?, on connection: PostgresConnection, now: Date) async throws -> [RelationshipView] {
        let rows = try await connection.query("""
            SELECT r.id, r.partner_tenant_id, p.display_name, r.customer_tenant_id, c.display_name, r.roles, r.duration_days,
                   r.auto_extend, r.status, r.requested_at, r.starts_at, r.ends_at, r.ended_at
            FROM partner_relationships r
            LEFT JOIN tenants p ON p.id = r.partner_tenant_id
            LEFT JOIN tenants c ON c.id = r.customer_tenant_id
            WHERE \(tenant) IN (r.partner_tenant_id, r.customer_tenant_id) AND (\(ids)::uuid[] IS NULL OR r.id = ANY(\(ids)))
            ORDER BY r.requested_at DESC, r.id
            """, logger: store.logger)
        var views: [RelationshipView] = []
        for try await row in rows.decode(
            (UUID, UUID, String?, UUID, String?, [String], Int, Bool, String, Date, Date?, Date?, Date?).self) {
            let (id, partner, partnerName, customer, customerName, roles, days, autoExtend, stored, requested, starts, ends, ended) = row
            let storedStatus = DelegationGrant.Status(rawValue: stored) ?? .terminated
            let status = Relationship.status(stored: storedStatus, endsAt: ends, autoExtend: autoExtend, now: now, requestedAt: requested)
            views.append(RelationshipView(
                id: id.text, partnerTenantID: partner.text, partnerName: partnerName, customerTenantID: customer.text,
                customerName: customerName, roles: roles.compactMap(Role.init(rawValue:)), durationDays: days, autoExtend: autoExtend,
                status: status, requestedAt: requested, startsAt: starts,
                endsAt: ends.map { Relationship.effectiveEnd(endsAt: $0, autoExtend: autoExtend, now: now) }, endedAt: ended,
                assignments: []))
        }
        guard !views.isEmpty else { return [] }
        let assignments = try await connection.query("""
            SELECT ra.relationship_id, ra.admin_id, a.name, a.email, ra.roles, ra.assigned_at
            FROM relationship_assignments ra LEFT JOIN admins a ON a.id = ra.admin_id
            WHERE ra.relationship_id = ANY(\(views.compactMap { UUID(uuidString: $0.id) }))
            ORDER BY ra.assigned_at
            """, logger: store.logger)
        var byRelationship: [String: [RelationshipView.Assignment]] = [:]
        for try await (relationship, admin, name, email, roles, at) in assignments.decode((UUID, UUID, String?, String?, [String], Date).self) {
            byRelationship[relationship.text, default: []].append(.init(
                adminID: admin.text, name: name, email: email, roles: roles.compactMap(Role.init(rawValue:)), assignedAt: at))
        }
        for index in views.indices { views[index].assignments = byRelationship[views[index].id] ?? [] }
        return views
    }
}

