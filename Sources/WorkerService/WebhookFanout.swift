import AMQP
import Contracts
import Domain
import Foundation
import Logging
import Messaging
import PostgresNIO
import Store

/// Turns each event into one pending delivery per active webhook subscribed to it: a request
/// event for its tenant's webhooks (an internal note for nobody), a delegation event for the
/// partner's and the customer's. One statement per tenant (`tenantdesk_fan_out_event`), outside
/// any transaction: a webhook that has its delivery of the event gets no second one, so a
/// redelivered event adds nothing.
struct WebhookFanout: Sendable {
    let logger: Logger

    /// Returns how many deliveries it created.
    @discardableResult
    func handle(_ message: AMQPMessage, on connection: PostgresConnection) async throws -> Int {
        let eventID = EventConsumer.messageID(of: message)
        var created = 0
        for (tenant, payload) in try Self.payloads(of: message, eventID: eventID) {
            let rows = try await connection.execute(
                FanOutEvent(tenant: tenant, eventID: eventID, eventType: message.routingKey, payload: payload), logger: logger)
            for try await row in rows { created += try row.decode(Int.self) }
        }
        return created
    }

    /// The tenants an event goes to, each with its body.
    static func payloads(of message: AMQPMessage, eventID: String) throws -> [(UUID, String)] {
        let type = message.routingKey
        if type.hasPrefix(RoleEvent.delegationPrefix) {
            let event = try JSONCodec.decode(DelegationEvent.self, from: message.body)
            var data: [String: WebhookPayload.Value] = [
                "relationship_id": .string(event.relationshipID), "partner_tenant_id": .string(event.partnerTenantID),
                "customer_tenant_id": .string(event.customerTenantID),
            ]
            if let days = event.daysBefore { data["days_before"] = .int(days) }
            if let ends = event.endsAt { data["ends_at"] = .string(ends.formatted(.iso8601)) }
            let occurred = Date()
            return try [event.partnerTenantID, event.customerTenantID].compactMap(UUID.init(uuidString:)).map { tenant in
                (tenant, try WebhookPayload.encode(id: eventID, type: type, tenantID: tenant.text, occurredAt: occurred, data: data))
            }
        }
        let event = try JSONCodec.decode(RequestEventBody.self, from: message.body)
        guard event.visibility != "internal", let tenant = UUID(uuidString: event.tenantID) else { return [] }
        var data: [String: WebhookPayload.Value] = ["request_id": .string(event.requestID), "status": .string(event.status.rawValue)]
        if let number = event.number { data["number"] = .int(number) }
        if let severity = event.severity { data["severity"] = .string(severity.rawValue) }
        if let category = event.category { data["category"] = .string(category) }
        if let language = event.language { data["language"] = .string(language) }
        if let messageID = event.messageID { data["message_id"] = .string(messageID) }
        return [(tenant, try WebhookPayload.encode(id: eventID, type: type, tenantID: tenant.text, occurredAt: event.occurredAt, data: data))]
    }
}

/// `tenantdesk_fan_out_event` (sql/0019). Prepared: every event runs it.
struct FanOutEvent: PreparedRowStatement {
    static let sql = "SELECT tenantdesk_fan_out_event($1, $2, $3, $4)"
    static let bindingDataTypes: [PostgresDataType] = [.uuid, .text, .text, .text]

    var tenant: UUID
    var eventID: String
    var eventType: String
    var payload: String

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 4)
        bindings.append(tenant)
        bindings.append(eventID)
        bindings.append(eventType)
        bindings.append(payload)
        return bindings
    }
}
