import Contracts
import Foundation
import Logging
import PostgresNIO
import Store

/// The caller's own notification feed.
struct NotificationFeed: Sendable {
    let database: Database
    let logger: Logger

    func feed(_ request: NotificationsMethod.Request) async throws -> NotificationsMethod.Response {
        guard let admin = UUID(uuidString: request.adminID), let tenant = UUID(uuidString: request.tenantID) else {
            throw WorkerProblems.invalid("malformed principal")
        }
        guard PageSize.allowed.contains(request.limit) else { throw WorkerProblems.invalid(PageSize.rule) }
        guard request.markRead.count <= 200 else { throw WorkerProblems.invalid("at most 200 ids at once") }
        let marks = try request.markRead.map { raw -> UUID in
            guard let id = UUID(uuidString: raw) else { throw WorkerProblems.invalid("ids: \(raw) is not a notification id") }
            return id
        }
        let before = try request.before.map { raw throws(RPCProblem) in try TimeCursor(encoded: raw) }
        return try await database.withTenantTransaction(tenant) { connection in
            if request.markAllRead {
                try await connection.query(
                    "UPDATE notifications SET read_at = now() WHERE recipient_id = \(admin) AND read_at IS NULL", logger: logger)
            } else if !marks.isEmpty {
                try await connection.query("""
                    UPDATE notifications SET read_at = now() WHERE recipient_id = \(admin) AND id = ANY(\(marks)) AND read_at IS NULL
                    """, logger: logger)
            }
            var query = QueryBuilder("""
                SELECT id, kind, request_id, request_tenant_id, relationship_id, request_number, summary, detail, created_at, read_at,
                       \(TimeKey.of("created_at")) FROM notifications
                WHERE tenant_id = tenantdesk_current_tenant() AND recipient_id = 
                """)
            query.append("\(query.bind(admin))")
            if request.unreadOnly { query.append(" AND read_at IS NULL") }
            if let before {
                query.append(" AND (created_at, id) < (\(TimeKey.instant(query.bind(before.micros))), \(query.bind(before.id)))")
            }
            query.append(" ORDER BY created_at DESC, id DESC LIMIT \(query.bind(request.limit + 1))")
            var items: [NotificationView] = []
            var more = false
            var last: TimeCursor?
            for try await (id, kind, requestID, requestTenant, relationship, number, summary, detail, created, read, micros)
                in try await connection.query(query.query, logger: logger)
                .decode((UUID, String, UUID?, UUID?, UUID?, Int?, String?, String?, Date, Date?, Int64).self)
            {
                if items.count == request.limit {
                    more = true
                    break
                }
                last = TimeCursor(micros: micros, id: id)
                items.append(.init(
                    id: id.text, kind: kind, requestID: requestID?.text, requestTenantID: requestTenant?.text,
                    relationshipID: relationship?.text, requestNumber: number,
                    summary: summary, detail: detail, createdAt: created, readAt: read))
            }
            let unread = try await connection.query(
                "SELECT count(*)::int FROM notifications WHERE recipient_id = \(admin) AND read_at IS NULL", logger: logger)
            var count = 0
            for try await value in unread.decode(Int.self) { count = value }
            return .init(items: items, unreadCount: count, nextCursor: more ? last?.encoded : nil)
        }
    }

    /// The caller's e-mail settings, after storing `update` when given.
    func settings(_ request: NotificationSettingsMethod.Request) async throws -> NotificationSettingsView {
        guard let admin = UUID(uuidString: request.adminID), let tenant = UUID(uuidString: request.tenantID) else {
            throw WorkerProblems.invalid("malformed principal")
        }
        if let kinds = request.update?.emailKinds {
            guard kinds.count <= NotificationSettingsView.kinds.count else { throw WorkerProblems.invalid("email_kinds lists too many kinds") }
            for kind in kinds where !NotificationSettingsView.kinds.contains(kind) {
                throw WorkerProblems.invalid(
                    "email_kinds: \(kind) is not a kind of notification (\(NotificationSettingsView.kinds.joined(separator: ", ")))")
            }
        }
        return try await database.withTenantTransaction(tenant) { connection in
            if let update = request.update {
                let kinds = update.emailKinds.map { Array(Set($0)).sorted() }
                try await connection.query("""
                    INSERT INTO notification_settings (admin_id, tenant_id, email, email_kinds) VALUES (\(admin), \(tenant), \(update.email), \(kinds))
                    ON CONFLICT (admin_id) DO UPDATE SET email = EXCLUDED.email, email_kinds = EXCLUDED.email_kinds, updated_at = now()
                    """, logger: logger)
            }
            let rows = try await connection.query(
                "SELECT email, email_kinds FROM notification_settings WHERE admin_id = \(admin)", logger: logger).collect()
            // Without a row: every kind by e-mail.
            guard let (email, kinds) = try rows.first?.decode((Bool, [String]?).self) else { return .init(email: true, emailKinds: nil) }
            return .init(email: email, emailKinds: kinds)
        }
    }
}
