import Contracts
import Domain
import Foundation
import PostgresNIO
import Store

/// Reads a tenant's audit log, newest first, with filters and a cursor.
struct AuditService: Sendable {
    let store: RoleStore

    func list(_ request: ListAuditEventsMethod.Request) async throws -> Page<AuditEventView> {
        let grant = try await store.authorizer.require(request.context, .auditRead, in: request.tenantID)
        let limit = max(1, min(request.limit, 200))
        var cursor: Int64?
        if let raw = request.cursor {
            guard let value = Int64(raw), value > 0 else { throw Problems.invalid("cursor is not valid") }
            cursor = value
        }
        let actor = try request.actorAdminID.map { raw throws(RPCProblem) -> UUID in
            guard let id = UUID(uuidString: raw) else { throw Problems.invalid("actor must be an admin id") }
            return id
        }
        let via = try request.viaRelationshipID.map { raw throws(RPCProblem) -> UUID in
            guard let id = UUID(uuidString: raw) else { throw Problems.invalid("via_relationship must be a relationship id") }
            return id
        }
        let events = try await store.read(in: grant.tenantID) { connection in
            let rows = try await connection.query("""
                SELECT id, tenant_id, occurred_at, actor_admin_id, actor_tenant_id, actor_email, via_relationship_id, action,
                       target_type, target_id, details::text, source_address, request_id
                FROM audit_events
                WHERE tenant_id = \(grant.tenantID)
                  AND (\(request.action)::text IS NULL OR action = \(request.action))
                  AND (\(actor)::uuid IS NULL OR actor_admin_id = \(actor))
                  AND (\(via)::uuid IS NULL OR via_relationship_id = \(via))
                  AND (\(request.since)::timestamptz IS NULL OR occurred_at >= \(request.since))
                  AND (\(request.until)::timestamptz IS NULL OR occurred_at < \(request.until))
                  AND (\(cursor)::bigint IS NULL OR id < \(cursor))
                ORDER BY id DESC LIMIT \(limit + 1)
                """, logger: store.logger)
            var events: [AuditEventView] = []
            for try await row in rows.decode(
                (Int64, UUID, Date, UUID?, UUID?, String?, UUID?, String, String, String, String, String?, String?).self) {
                let (id, tenant, at, actorAdmin, actorTenant, email, relationship, action, targetType, targetID, details, address, requestID) = row
                events.append(AuditEventView(
                    id: String(id), tenantID: tenant.text, occurredAt: at, actorAdminID: actorAdmin?.text, actorTenantID: actorTenant?.text,
                    actorEmail: email, viaRelationshipID: relationship?.text, action: action, targetType: targetType, targetID: targetID,
                    details: (try? JSONDecoder().decode([String: String].self, from: Data(details.utf8))) ?? [:],
                    sourceAddress: address, requestID: requestID))
            }
            return events
        }
        let page = Array(events.prefix(limit))
        return Page(items: page, nextCursor: events.count > limit ? page.last?.id : nil)
    }
}
