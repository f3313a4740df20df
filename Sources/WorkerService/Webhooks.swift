import Contracts
import Crypto
import Domain
import Foundation
import Logging
import PostgresNIO
import Store

/// A tenant's webhooks: registration, changes, deliveries and redelivery. The gateway authorized
/// `webhook.manage` in the tenant; everything here runs under that tenant's row-level security,
/// and every change is written to the tenant's audit log in the same transaction.
struct Webhooks: Sendable {
    let database: Database
    let settings: WebhookSettings
    let logger: Logger
    /// Tells the dispatcher of this process that a delivery is due now.
    let wake: @Sendable () -> Void

    func handle(_ request: WebhooksMethod.Request) async throws -> WebhooksMethod.Response {
        let tenant = try request.context.tenant()
        switch request.operation {
        case .list:
            return .init(webhooks: try await database.withTenantTransaction(tenant) { try await load(nil, on: $0) })
        case .get(let id):
            let webhook = try Self.id(id)
            return .init(webhooks: [try await database.withTenantTransaction(tenant) { try await one(webhook, on: $0) }])
        case .create(let fields):
            return try await create(fields, context: request.context, tenant: tenant)
        case .update(let id, let fields):
            return try await update(try Self.id(id), fields, context: request.context, tenant: tenant)
        case .delete(let id):
            let webhook = try Self.id(id)
            try await database.withTenantTransaction(tenant) { connection in
                let rows = try await connection.query("DELETE FROM webhooks WHERE id = \(webhook) RETURNING url", logger: logger).collect()
                guard let url = try rows.first?.decode(String.self) else { throw WorkerProblems.notFound }
                try await audit("webhook.deleted", webhook, ["url": url], context: request.context, tenant: tenant, on: connection)
            }
            return .init(webhooks: [])
        }
    }

    func deliveries(_ request: WebhookDeliveriesMethod.Request) async throws -> WebhookDeliveriesMethod.Response {
        let tenant = try request.context.tenant()
        let webhook = try Self.id(request.webhookID)
        switch request.operation {
        case .list(let status, let limit, let cursor):
            return try await list(webhook, status: status, limit: limit, cursor: cursor, tenant: tenant)
        case .redeliver(let deliveryID):
            let original = try Self.id(deliveryID)
            let created = try await database.withTenantTransaction(tenant) { connection in
                _ = try await one(webhook, on: connection)
                let rows = try await connection.query("""
                    INSERT INTO webhook_deliveries (id, tenant_id, webhook_id, event_id, event_type, payload, redelivery_of)
                    SELECT \(UUID()), d.tenant_id, d.webhook_id, d.event_id, d.event_type, d.payload, d.id
                    FROM webhook_deliveries d WHERE d.id = \(original) AND d.webhook_id = \(webhook)
                    RETURNING id
                    """, logger: logger).collect()
                guard let id = try rows.first?.decode(UUID.self) else { throw WorkerProblems.notFound }
                try await audit("webhook.redelivered", webhook, ["delivery_id": original.text, "redelivery_id": id.text],
                                context: request.context, tenant: tenant, on: connection)
                return try await loadDeliveries(webhook, ids: [id], on: connection)
            }
            wake()
            return .init(deliveries: created)
        case .ping:
            let created = try await database.withTenantTransaction(tenant) { connection in
                _ = try await one(webhook, on: connection)
                let event = UUID()
                let payload = try WebhookPayload.encode(
                    id: event.text, type: WebhookEventType.ping, tenantID: tenant.text, occurredAt: Date(),
                    data: ["webhook_id": .string(webhook.text)])
                let id = UUID()
                try await connection.query("""
                    INSERT INTO webhook_deliveries (id, tenant_id, webhook_id, event_id, event_type, payload)
                    VALUES (\(id), \(tenant), \(webhook), \(event.text), \(WebhookEventType.ping), \(payload))
                    """, logger: logger)
                return try await loadDeliveries(webhook, ids: [id], on: connection)
            }
            wake()
            return .init(deliveries: created)
        }
    }

    // MARK: - Changes

    private func create(_ fields: WebhookFields, context: ActingContext, tenant: UUID) async throws -> WebhooksMethod.Response {
        guard let rawURL = fields.url else { throw WorkerProblems.invalid("url is required") }
        let url = try target(rawURL)
        guard let rawEvents = fields.events else { throw WorkerProblems.invalid("events is required") }
        let events = try Self.events(rawEvents)
        let description = try fields.description.map { try RequestFieldRules.text($0, "description", max: 500, allowEmpty: true) }
        let secret = try fields.secret.map(Self.secret) ?? Self.newSecret()
        let admin = try context.admin()
        let id = UUID()
        let webhooks = try await database.withTenantTransaction(tenant) { connection in
            let count = try await connection.query("SELECT count(*)::int FROM webhooks", logger: logger).collect()
            guard try count.first?.decode(Int.self) ?? 0 < 20 else {
                throw WorkerProblems.invalid("a tenant has at most 20 webhooks; delete one first")
            }
            try await connection.query("""
                INSERT INTO webhooks (id, tenant_id, url, event_types, secret, description, active, created_by, via_relationship)
                VALUES (\(id), \(tenant), \(url), \(events), \(secret), \(description), \(fields.active ?? true), \(admin),
                        \(context.viaRelationshipID.flatMap(UUID.init(uuidString:))))
                """, logger: logger)
            try await audit("webhook.created", id, ["url": url, "events": events.joined(separator: ",")],
                            context: context, tenant: tenant, on: connection)
            return try await load(id, on: connection)
        }
        return .init(webhooks: webhooks, secret: secret)
    }

    private func update(_ id: UUID, _ fields: WebhookFields, context: ActingContext, tenant: UUID) async throws -> WebhooksMethod.Response {
        let url = try fields.url.map(target)
        let events = try fields.events.map(Self.events)
        let description = try fields.description.map { try RequestFieldRules.text($0, "description", max: 500, allowEmpty: true) }
        guard fields.secret == nil || !fields.rotateSecret else {
            throw WorkerProblems.invalid("send either secret or rotate_secret, not both")
        }
        let secret = try fields.secret.map(Self.secret) ?? (fields.rotateSecret ? Self.newSecret() : nil)
        var details: [String: String] = [:]
        if let url { details["url"] = url }
        if let events { details["events"] = events.joined(separator: ",") }
        if let description { details["description"] = description.isEmpty ? "(removed)" : description }
        if let active = fields.active { details["active"] = String(active) }
        if secret != nil { details["secret"] = "replaced" }
        let webhooks = try await database.withTenantTransaction(tenant) { connection in
            // A PATCH that sets nothing changes nothing: no new update time, no audit entry.
            guard !details.isEmpty else { return [try await one(id, on: connection)] }
            let rows = try await connection.query("""
                UPDATE webhooks SET url = coalesce(\(url), url), event_types = coalesce(\(events), event_types),
                    description = CASE WHEN \(description)::text IS NULL THEN description ELSE nullif(\(description), '') END,
                    active = coalesce(\(fields.active), active), secret = coalesce(\(secret), secret), updated_at = now()
                WHERE id = \(id) RETURNING id
                """, logger: logger).collect()
            guard !rows.isEmpty else { throw WorkerProblems.notFound }
            try await audit("webhook.updated", id, details, context: context, tenant: tenant, on: connection)
            return try await load(id, on: connection)
        }
        if fields.active == true { wake() }
        return .init(webhooks: webhooks, secret: secret)
    }

    private func audit(
        _ action: String, _ webhook: UUID, _ details: [String: String], context: ActingContext, tenant: UUID,
        on connection: PostgresConnection
    ) async throws {
        let json = String(decoding: try JSONEncoder().encode(details), as: UTF8.self)
        try await connection.query("""
            INSERT INTO audit_events (tenant_id, actor_admin_id, actor_tenant_id, via_relationship_id, action, target_type, target_id,
                                      details, request_id)
            VALUES (\(tenant), \(UUID(uuidString: context.adminID)), \(UUID(uuidString: context.homeTenantID)),
                    \(context.viaRelationshipID.flatMap(UUID.init(uuidString:))), \(action), 'webhook', \(webhook.text), \(json)::jsonb,
                    \(context.requestID))
            """, logger: logger)
    }

    // MARK: - Reading

    private func one(_ id: UUID, on connection: PostgresConnection) async throws -> WebhookView {
        guard let webhook = try await load(id, on: connection).first else { throw WorkerProblems.notFound }
        return webhook
    }

    private func load(_ only: UUID?, on connection: PostgresConnection) async throws -> [WebhookView] {
        let rows = try await connection.query("""
            SELECT w.id, w.url, w.event_types, w.description, w.active, w.created_at, w.updated_at, w.via_relationship,
                   (SELECT count(*)::int FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.status IN ('pending', 'retrying')),
                   (SELECT count(*)::int FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.status = 'dead')
            FROM webhooks w WHERE \(only)::uuid IS NULL OR w.id = \(only) ORDER BY w.created_at, w.id
            """, logger: logger)
        var webhooks: [WebhookView] = []
        for try await (id, url, events, description, active, created, updated, via, pending, dead) in rows.decode(
            (UUID, String, [String], String?, Bool, Date, Date, UUID?, Int, Int).self
        ) {
            webhooks.append(.init(
                id: id.text, url: url, events: events, description: description, active: active, createdAt: created, updatedAt: updated,
                pendingDeliveries: pending, deadDeliveries: dead, viaRelationshipID: via?.text))
        }
        return webhooks
    }

    private func list(_ webhook: UUID, status: String?, limit: Int, cursor: String?, tenant: UUID) async throws
        -> WebhookDeliveriesMethod.Response
    {
        guard PageSize.allowed.contains(limit) else { throw WorkerProblems.invalid(PageSize.rule) }
        if let status, !["pending", "retrying", "succeeded", "dead"].contains(status) {
            throw WorkerProblems.invalid("status must be pending, retrying, succeeded or dead")
        }
        let after = try cursor.map { raw throws(RPCProblem) in try TimeCursor(encoded: raw) }
        return try await database.withTenantTransaction(tenant) { connection in
            _ = try await one(webhook, on: connection)
            var query = QueryBuilder("SELECT id, \(TimeKey.of("created_at")) FROM webhook_deliveries WHERE webhook_id = ")
            query.append(query.bind(webhook))
            if let status { query.append(" AND status = \(query.bind(status))") }
            if let after { query.append(" AND (created_at, id) < (\(TimeKey.instant(query.bind(after.micros))), \(query.bind(after.id)))") }
            query.append(" ORDER BY created_at DESC, id DESC LIMIT \(limit + 1)")
            let rows = try await connection.query(query.query, logger: logger)
            var keys: [TimeCursor] = []
            for try await (id, micros) in rows.decode((UUID, Int64).self) { keys.append(TimeCursor(micros: micros, id: id)) }
            let page = Array(keys.prefix(limit))
            let next = keys.count > limit ? page.last?.encoded : nil
            return .init(deliveries: try await loadDeliveries(webhook, ids: page.map(\.id), on: connection), nextCursor: next)
        }
    }

    private func loadDeliveries(_ webhook: UUID, ids: [UUID], on connection: PostgresConnection) async throws -> [WebhookDeliveryView] {
        let rows = try await connection.query("""
            SELECT id, event_id, event_type, status, attempts, next_attempt_at, last_attempt_at, last_status_code, last_error,
                   last_duration_ms, delivered_at, redelivery_of, created_at
            FROM webhook_deliveries WHERE webhook_id = \(webhook) AND id = ANY(\(ids))
            ORDER BY created_at DESC, id DESC
            """, logger: logger)
        var views: [WebhookDeliveryView] = []
        for try await (id, event, type, status, attempts, next, last, code, error, duration, delivered, redelivery, created) in rows.decode(
            (UUID, String, String, String, Int, Date, Date?, Int?, String?, Int?, Date?, UUID?, Date).self
        ) {
            let waiting = status == "pending" || status == "retrying"
            views.append(.init(
                id: id.text, eventID: event, eventType: type, status: status, attempts: attempts, nextAttemptAt: waiting ? next : nil,
                lastAttemptAt: last, lastStatusCode: code, lastError: error, lastDurationMs: duration, deliveredAt: delivered,
                redeliveryOf: redelivery?.text, createdAt: created))
        }
        return views
    }

    // MARK: - Validation

    private func target(_ raw: String) throws -> String {
        switch WebhookPolicy.target(raw, allowPrivate: settings.allowPrivateTargets) {
        case .success: return raw
        case .failure(.malformed(let detail)): throw WorkerProblems.invalid(detail)
        case .failure(.privateAddress(let detail)):
            throw RPCProblem(status: 422, type: ProblemType.webhookTargetRefused, title: "Webhook target refused", detail: detail)
        }
    }

    static func events(_ raw: [String]) throws -> [String] {
        guard (1...50).contains(raw.count) else { throw WorkerProblems.invalid("events must list 1 to 50 event types") }
        for event in raw where !WebhookEventType.all.contains(event) {
            throw WorkerProblems.invalid("events: \(event) is not an event a webhook can receive (\(WebhookEventType.all.joined(separator: ", ")))")
        }
        return Array(Set(raw)).sorted()
    }

    static func secret(_ raw: String) throws -> String {
        guard (16...200).contains(raw.count), raw.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0.asciiValue.map { $0 >= 0x21 && $0 < 0x7f } == true })
        else { throw WorkerProblems.invalid("secret must be 16 to 200 printable ASCII characters without spaces") }
        return raw
    }

    /// `whsec_` and 32 random bytes, base64url.
    static func newSecret() -> String {
        let key = SymmetricKey(size: .bits256)
        let bytes = key.withUnsafeBytes { Data($0) }
        let text = bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return "whsec_" + text
    }

    static func id(_ raw: String) throws(RPCProblem) -> UUID {
        guard let id = UUID(uuidString: raw) else { throw WorkerProblems.notFound }
        return id
    }
}
