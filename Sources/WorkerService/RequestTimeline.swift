import Contracts
import Domain
import Foundation
import Logging
import Messaging
import PostgresNIO

/// Entries of a request's timeline: who did what, when, and through which delegation.
enum RequestTimeline {
    static func record(
        _ kind: String, request: UUID, context: ActingContext, internalOnly: Bool = false, data: [String: String] = [:],
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        let json = String(decoding: try JSONCodec.encode(data), as: UTF8.self)
        try await connection.query("""
            INSERT INTO request_events (tenant_id, request_id, kind, visibility, actor_admin_id, actor_name, actor_side,
                                        via_relationship, data)
            VALUES (tenantdesk_current_tenant(), \(request), \(kind), \(internalOnly ? "internal" : "public"),
                    \(UUID(uuidString: context.adminID)), \(context.adminName), \(context.side.rawValue), \(context.relationship),
                    \(json)::jsonb)
            """, logger: logger)
    }

    /// An entry made by the platform itself (triage, assignment, the SLA monitor). Internal
    /// entries need a transaction with the support audience.
    static func recordSystem(
        _ kind: String, request: UUID, internalOnly: Bool, data: [String: String] = [:],
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        let json = String(decoding: try JSONCodec.encode(data), as: UTF8.self)
        try await connection.query("""
            INSERT INTO request_events (tenant_id, request_id, kind, visibility, actor_name, actor_side, data)
            VALUES (tenantdesk_current_tenant(), \(request), \(kind), \(internalOnly ? "internal" : "public"), 'TenantDesk',
                    'system', \(json)::jsonb)
            """, logger: logger)
    }

    /// The entries the transaction's audience may see, oldest first.
    static func entries(of request: UUID, on connection: PostgresConnection, logger: Logger) async throws -> [TimelineEntry] {
        let rows = try await connection.query("""
            SELECT id, kind, occurred_at, actor_admin_id, actor_name, actor_side, via_relationship, visibility, data::text
            FROM request_events WHERE request_id = \(request) ORDER BY id
            """, logger: logger)
        var entries: [TimelineEntry] = []
        for try await (id, kind, at, admin, name, side, via, visibility, data) in rows.decode(
            (Int, String, Date, UUID?, String?, String, UUID?, String, String).self
        ) {
            entries.append(TimelineEntry(
                id: id, kind: kind, at: at, actor: ActorView(adminID: admin?.text, name: name, side: side),
                viaRelationshipID: via?.text, internalOnly: visibility == "internal",
                data: Self.apiData(data)))
        }
        return entries
    }

    /// An entry's data with the API's names: entries keep some keys in camel case (`dueAt`,
    /// `assigneeId`), as they were written; the API shows them in snake case, as every other name.
    static func apiData(_ json: String) -> [String: String] {
        let stored = (try? JSONCodec.decode([String: String].self, from: Array(json.utf8))) ?? [:]
        return Dictionary(stored.map { (FieldName.snakeCase($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
    }
}
