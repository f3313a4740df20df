import Domain
import Foundation

/// A page of service requests in the API's own JSON (the `ServiceRequestList` schema of the
/// OpenAPI spec): the worker writes it once and the gateway sends it on as it is, so a page is
/// not decoded and encoded again on its way out. Absent values are left out, dates are RFC 3339
/// to the second and keys are sorted, as the gateway writes every other answer.
public enum ServiceRequestListJSON {
    /// A page's JSON.
    public static func bytes(items: [ServiceRequestView], nextCursor: String?, counts: [String: Int]) -> [UInt8] {
        bytes(itemsJSON: self.items(items), nextCursor: nextCursor, counts: counts)
    }

    /// The `items` array of a page, written apart so that a page can be written while its
    /// counts are still being computed.
    public static func items(_ items: [ServiceRequestView]) -> [UInt8] {
        var writer = ItemsWriter(expected: items.count)
        for item in items { writer.append(item) }
        return writer.finished()
    }

    /// Writes the `items` array of a page one request at a time, so that a page can be written
    /// while its rows are still arriving.
    public struct ItemsWriter: Sendable {
        private var json: JSONWriter

        /// A writer with room for about `expected` requests.
        public init(expected: Int) {
            json = JSONWriter(capacity: 2 + expected * 1024)
            json.beginArray()
        }

        public mutating func append(_ item: ServiceRequestView) { write(item, to: &json) }

        /// The array, closed.
        public consuming func finished() -> [UInt8] {
            json.endArray()
            return json.bytes
        }
    }

    /// A page from its items' JSON (`items(_:)`).
    public static func bytes(itemsJSON: [UInt8], nextCursor: String?, counts: [String: Int]) -> [UInt8] {
        var json = JSONWriter(capacity: 256 + itemsJSON.count)
        json.beginObject()
        json.key("counts")
        json.beginObject()
        for status in counts.keys.sorted() {
            json.key(data: status)
            json.int(counts[status, default: 0])
        }
        json.endObject()
        json.key("items")
        json.raw(itemsJSON)
        json.string("next_cursor", nextCursor)
        json.endObject()
        return json.bytes
    }

    /// One request in the API's JSON (the `ServiceRequest` schema), as a page writes each item.
    public static func encode(request view: ServiceRequestView) -> Data {
        var json = JSONWriter(capacity: 1024)
        write(view, to: &json)
        return Data(json.bytes)
    }

    private static func write(_ view: ServiceRequestView, to json: inout JSONWriter) {
        json.beginObject()
        json.key("allowed_transitions")
        json.beginArray()
        for transition in view.allowedTransitions { json.string(transition.rawValue) }
        json.endArray()
        if let assignedTo = view.assignedTo {
            json.key("assigned_to")
            write(assignedTo, to: &json)
        }
        json.date("closed_at", view.closedAt)
        json.date("created_at", view.createdAt)
        json.date("draft_expires_at", view.draftExpiresAt)
        json.date("escalated_at", view.escalatedAt)
        json.string("escalation_reason", view.escalationReason)
        json.key("fields")
        write(view.fields, to: &json)
        json.string("id", view.id)
        if let last = view.lastPublicMessage {
            json.key("last_public_message")
            json.beginObject()
            json.date("at", last.at)
            json.string("side", last.side)
            json.endObject()
        }
        json.int("number", view.number)
        json.string("plan", view.plan?.rawValue)
        json.string("queue", view.queue)
        json.key("requested_by")
        write(view.requestedBy, to: &json)
        json.string("resolution_summary", view.resolutionSummary)
        json.date("resolved_at", view.resolvedAt)
        if let response = view.response {
            json.key("response")
            write(response, to: &json)
        }
        json.string("status", view.status.rawValue)
        json.date("submitted_at", view.submittedAt)
        json.string("tenant_id", view.tenantID)
        json.string("tenant_name", view.tenantName)
        json.date("updated_at", view.updatedAt)
        json.int("version", view.version)
        json.string("via_relationship_id", view.viaRelationshipID)
        json.endObject()
    }

    private static func write(_ fields: RequestFields, to json: inout JSONWriter) {
        json.beginObject()
        json.string("category", fields.category)
        if let contact = fields.contact {
            json.key("contact")
            json.beginObject()
            json.string("country", contact.country)
            json.string("email", contact.email)
            json.string("name", contact.name)
            json.string("phone", contact.phone)
            json.string("preferred_method", contact.preferredMethod)
            json.string("time_zone", contact.timeZone)
            json.endObject()
        }
        json.string("details", fields.details)
        json.string("feature", fields.feature)
        json.string("language", fields.language)
        json.string("severity", fields.severity?.rawValue)
        json.string("suggestion_session_id", fields.suggestionSessionID)
        json.string("summary", fields.summary)
        json.string("symptom", fields.symptom)
        json.endObject()
    }

    private static func write(_ actor: ActorView, to json: inout JSONWriter) {
        json.beginObject()
        json.string("admin_id", actor.adminID)
        json.string("name", actor.name)
        json.string("side", actor.side)
        json.endObject()
    }

    private static func write(_ target: ResponseTargetView, to json: inout JSONWriter) {
        json.beginObject()
        json.date("due_at", target.dueAt)
        if let explanation = target.explanation {
            json.key("explanation")
            json.beginObject()
            json.string("clock", explanation.clock)
            json.int("paused_minutes", explanation.pausedMinutes)
            json.string("policy", explanation.policy)
            json.date("started_at", explanation.startedAt)
            json.key("steps")
            json.beginArray()
            for step in explanation.steps { json.string(step) }
            json.endArray()
            json.endObject()
        }
        json.date("first_response_at", target.firstResponseAt)
        json.string("status", target.status)
        json.int("target_minutes", target.targetMinutes)
        json.endObject()
    }
}
