import Contracts
import Domain
import Foundation
import Logging
import PostgresNIO
import Store

/// One change, as recorded in the append-only audit log of the tenant it happened in.
struct AuditEntry: Sendable {
    var tenantID: UUID
    var action: String
    var targetType: String
    var targetID: String
    var details: [String: String] = [:]
}

/// Writes audit events in the transaction of the change they record (the tenant of the entry
/// must be bound), so a change and its record commit together or not at all.
enum AuditLog {
    static func record(_ entry: AuditEntry, context: CallContext?, via: Authorization.Via?,
                       on connection: PostgresConnection, logger: Logger) async throws {
        let details = String(decoding: try JSONEncoder().encode(entry.details), as: UTF8.self)
        let actorAdmin = context.flatMap { UUID(uuidString: $0.principal.adminID) }
        let actorTenant = context.flatMap { UUID(uuidString: $0.principal.tenantID) }
        let relationship = via?.relationshipID.flatMap(UUID.init(uuidString:))
        try await connection.query("""
            INSERT INTO audit_events (tenant_id, actor_admin_id, actor_tenant_id, actor_email, via_relationship_id,
                                      action, target_type, target_id, details, source_address, request_id)
            VALUES (\(entry.tenantID), \(actorAdmin), \(actorTenant), \(context?.principal.email), \(relationship),
                    \(entry.action), \(entry.targetType), \(entry.targetID), \(details)::jsonb,
                    \(context?.sourceAddress), \(context?.requestID))
            """, logger: logger)
    }
}
