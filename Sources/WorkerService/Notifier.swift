import AMQP
import Contracts
import Domain
import Foundation
import Logging
import Messaging
import PostgresNIO
import Store

/// Turns request events into notifications for the people concerned, never the one who acted:
/// - a public message: the requester and the assigned engineer; an internal note: the engineer;
/// - a status change or closing: the requester and the engineer;
/// - a resolution: the requester, asked to rate the help (`survey_requested`), and the engineer;
/// - an assignment: the engineer who got it;
/// - a breach: the queue's manager and the engineer;
/// - a partner relationship about to end (30, 7 and 1 days before): the partner's partner
///   admins and the customer's tenant admins.
///
/// Someone on the customer's side hears of a request only while they may read it: the role
/// service decides, as for any call of theirs (a partner admin whose delegation ended, or an
/// admin of a suspended tenant, hears nothing more). Support staff are told while active.
struct Notifier: Sendable {
    let database: Database
    /// Calls to the role service.
    let access: RPCClient
    let logger: Logger
    /// Whether an SMTP server is configured: each notification then also queues an e-mail.
    var mailEnabled = false

    /// The consumer's handler: runs in the consumer's transaction.
    func handle(_ message: AMQPMessage, on connection: PostgresConnection) async throws {
        let source = EventConsumer.messageID(of: message)
        if message.routingKey.hasPrefix(RoleEvent.delegationPrefix) {
            try await remind(try JSONCodec.decode(DelegationEvent.self, from: message.body), source: source, on: connection)
            return
        }
        if message.routingKey == RequestEvent.slaBreached {
            let event = try JSONCodec.decode(SLAEvent.self, from: message.body)
            let recipients = [event.managerID, event.assignedTo].compactMap { $0.flatMap(UUID.init(uuidString:)) }
            try await notify(
                Set(recipients), supportSide: Set(recipients), kind: "sla_breached", requestID: event.requestID,
                tenantID: event.tenantID, source: source, detail: "first response was due \(event.dueAt.formatted(.iso8601))",
                on: connection)
            return
        }
        let event = try JSONCodec.decode(RequestEventBody.self, from: message.body)
        guard let requestID = UUID(uuidString: event.requestID), let tenantID = UUID(uuidString: event.tenantID) else {
            throw TriageError("event names no valid request or tenant id")
        }
        let requester: UUID
        let assignee: UUID?
        if let named = event.requestedBy.flatMap(UUID.init(uuidString:)) {
            (requester, assignee) = (named, event.assignedTo.flatMap(UUID.init(uuidString:)))
        } else {
            try await database.bindForSupport(tenantID, on: connection)
            let rows = try await connection.query(
                "SELECT requested_by, assigned_to FROM service_requests WHERE id = \(requestID)", logger: logger).collect()
            guard let row = rows.first else { throw TriageError("request \(requestID.text) does not exist") }
            (requester, assignee) = try row.decode((UUID, UUID?).self)
        }
        let plan = Self.plan(for: message.routingKey, event: event, requester: requester, assignee: assignee)
        if plan.askSurvey {
            try await notify([requester], supportSide: [], kind: "survey_requested", requestID: event.requestID,
                             tenantID: event.tenantID, source: source, detail: "resolved: how was the help you got?", on: connection)
        }
        try await notify(
            plan.recipients, supportSide: Set([assignee].compactMap { $0 }), kind: plan.kind, requestID: event.requestID,
            tenantID: event.tenantID, source: source,
            detail: plan.detail, on: connection)
    }

    /// Who hears of a request event, and how.
    struct Plan: Equatable {
        var kind: String
        var detail: String?
        /// The people told (never the one who acted).
        var recipients: Set<UUID>
        /// Whether the requester is asked to rate the help (a resolution they did not make).
        var askSurvey: Bool
    }

    static func plan(for routingKey: String, event: RequestEventBody, requester: UUID, assignee: UUID?) -> Plan {
        let actor = event.actorAdminID.flatMap(UUID.init(uuidString:))
        var recipients: [UUID?] = []
        var kind = "status_changed"
        var detail: String? = "now \(event.status.rawValue)"
        var askSurvey = false
        switch routingKey {
        case RequestEvent.messageAdded:
            kind = "message"
            detail = nil
            recipients = event.visibility == "internal" ? [assignee] : [requester, assignee]
        case RequestEvent.assigned:
            kind = "assigned"
            detail = nil
            recipients = [assignee]
        case RequestEvent.released:
            // The event names the engineer it was released from: told when a manager did it.
            kind = "assigned"
            detail = MailFormat.releasedDetail
            recipients = [assignee]
        case RequestEvent.resolved:
            recipients = [assignee]
            askSurvey = requester != actor
        default:
            recipients = [requester, assignee]
        }
        return Plan(
            kind: kind, detail: detail, recipients: Set(recipients.compactMap { $0 }.filter { $0 != actor }), askSurvey: askSurvey)
    }

    /// Whether an event may concern anyone. False only for a request event that names its
    /// requester (and so its assignee) and whose plan tells nobody, such as a requester's own
    /// submission: the consumer then passes over it without a transaction.
    static func concernsAnyone(_ message: AMQPMessage) -> Bool {
        let key = message.routingKey
        guard !key.hasPrefix(RoleEvent.delegationPrefix), key != RequestEvent.slaBreached,
              let event = try? JSONCodec.decode(RequestEventBody.self, from: message.body),
              UUID(uuidString: event.requestID) != nil, UUID(uuidString: event.tenantID) != nil,
              let requester = event.requestedBy.flatMap(UUID.init(uuidString:))
        else { return true }  // The handler reads, or refuses, what the event does not say.
        let plan = plan(for: key, event: event, requester: requester, assignee: event.assignedTo.flatMap(UUID.init(uuidString:)))
        return plan.askSurvey || !plan.recipients.isEmpty
    }

    /// A relationship's end is near: its partner admins and the customer's tenant admins hear of
    /// it, each naming the other side.
    private func remind(_ event: DelegationEvent, source: String, on connection: PostgresConnection) async throws {
        guard let relationship = UUID(uuidString: event.relationshipID), let partner = UUID(uuidString: event.partnerTenantID),
              let customer = UUID(uuidString: event.customerTenantID)
        else { throw TriageError("delegation event names no valid relationship or tenant id") }
        var detail = "the partner relationship ends"
        if let days = event.daysBefore { detail += " in \(days) day\(days == 1 ? "" : "s")" }
        if let ends = event.endsAt { detail += " (\(ends.formatted(.iso8601)))" }
        for (tenant, other, roles) in [(partner, customer, ["partner_admin"]), (customer, partner, ["tenant_admin"])] {
            try await database.bind(other, on: connection)
            let names = try await connection.query("SELECT display_name FROM tenants WHERE id = \(other)", logger: logger).collect()
            let otherName = try names.first?.decode(String.self)
            try await database.bind(tenant, on: connection)
            let admins = try await connection.query(
                "SELECT admin_id FROM tenantdesk_admins_with_roles(\(tenant), \(roles))", logger: logger).collect()
            for row in admins {
                let admin = try row.decode(UUID.self)
                let inserted = try await connection.query("""
                    INSERT INTO notifications (id, tenant_id, recipient_id, kind, relationship_id, summary, detail, source_message_id)
                    VALUES (\(UUID()), \(tenant), \(admin), 'delegation_expiring', \(relationship), \(otherName), \(detail), \(source))
                    ON CONFLICT (recipient_id, source_message_id, kind) DO NOTHING RETURNING id
                    """, logger: logger).collect()
                if let id = try inserted.first?.decode(UUID.self) {
                    try await mail(id, to: admin, in: tenant, kind: "delegation_expiring", number: nil, summary: otherName, detail: detail,
                                   on: connection)
                }
            }
        }
    }

    /// Writes one notification per recipient in the recipient's home tenant; a recipient who is
    /// no longer active gets none, nor one outside `supportSide` who may not read the request
    /// now. Idempotent per (recipient, source message, kind).
    private func notify<Recipients: Sequence>(
        _ recipients: Recipients, supportSide: Set<UUID>, kind: String, requestID: String, tenantID: String, source: String,
        detail: String?, on connection: PostgresConnection
    ) async throws where Recipients.Element == UUID {
        let recipients = Array(recipients)
        guard !recipients.isEmpty, let request = UUID(uuidString: requestID), let requestTenant = UUID(uuidString: tenantID)
        else { return }
        try await database.bindForSupport(requestTenant, on: connection)
        let facts = try await connection.query(
            "SELECT number, summary FROM service_requests WHERE id = \(request)", logger: logger).collect()
        let (number, summary) = try facts.first?.decode((Int?, String?).self) ?? (nil, nil)
        for recipient in recipients {
            let homes = try await connection.query("SELECT tenantdesk_admin_home(\(recipient))", logger: logger).collect()
            guard let home = try homes.first?.decode(UUID?.self) else { continue }
            if !supportSide.contains(recipient), try await !mayRead(requestTenant, recipient: recipient, home: home) { continue }
            try await database.bind(home, on: connection)
            let inserted = try await connection.query("""
                INSERT INTO notifications (id, tenant_id, recipient_id, kind, request_id, request_tenant_id, request_number, summary, detail,
                                           source_message_id)
                VALUES (\(UUID()), \(home), \(recipient), \(kind), \(request), \(requestTenant), \(number), \(summary), \(detail), \(source))
                ON CONFLICT (recipient_id, source_message_id, kind) DO NOTHING RETURNING id
                """, logger: logger).collect()
            if let id = try inserted.first?.decode(UUID.self) {
                try await mail(id, to: recipient, in: home, kind: kind, number: number, summary: summary, detail: detail, on: connection)
            }
        }
    }

    /// Whether `recipient`, an administrator of `home`, may read the requests of `tenant` now.
    private func mayRead(_ tenant: UUID, recipient: UUID, home: UUID) async throws -> Bool {
        let principal = Principal(adminID: recipient.text, tenantID: home.text, name: "", email: "", roles: [])
        let answer = try await access.call(AuthorizeMethod.self, .init(principal: principal, tenantID: tenant.text, action: .requestRead))
        return answer.decision.isAllowed
    }

    /// With e-mail configured, queues the notification's e-mail in the same transaction (the
    /// recipient's home tenant is bound). An address that cannot be written safely gets none.
    private func mail(
        _ notification: UUID, to recipient: UUID, in home: UUID, kind: String, number: Int?, summary: String?, detail: String?,
        on connection: PostgresConnection
    ) async throws {
        guard mailEnabled else { return }
        // The address and the person's choice (no settings row: every kind by e-mail), at once.
        let rows = try await connection.query("""
            SELECT a.email, a.name, coalesce(s.email, true), s.email_kinds
            FROM admins a LEFT JOIN notification_settings s ON s.admin_id = a.id WHERE a.id = \(recipient)
            """, logger: logger).collect()
        guard let (email, name, wanted, kinds) = try rows.first?.decode((String, String, Bool, [String]?).self),
              wanted, kinds?.contains(kind) ?? true, MailFormat.isAddress(email)
        else { return }
        let text = MailFormat.notification(kind: kind, requestNumber: number, summary: summary, detail: detail, recipientName: name)
        try await connection.query("""
            INSERT INTO email_messages (id, tenant_id, recipient_id, notification_id, to_address, subject, body)
            VALUES (\(UUID()), \(home), \(recipient), \(notification), \(email), \(text.subject), \(text.body))
            ON CONFLICT (notification_id) DO NOTHING
            """, logger: logger)
    }
}
