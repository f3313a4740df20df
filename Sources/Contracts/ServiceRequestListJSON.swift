import Domain
import Foundation

/// A page of service requests in the API's own JSON (the `ServiceRequestList` schema of the
/// OpenAPI spec): the worker writes it once and the gateway sends it on as it is, so a page is
/// not decoded and encoded again on its way out. Absent values are left out, dates are RFC 3339
/// to the second and keys are sorted, as the gateway writes every other answer.
public enum ServiceRequestListJSON {
    public static func encode(items: [ServiceRequestView], nextCursor: String?, counts: [String: Int]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(InternetDate.format(date))
        }
        return try encoder.encode(Page(items: items.map(Item.init), nextCursor: nextCursor, counts: counts))
    }

    private struct Page: Encodable {
        var items: [Item]
        var nextCursor: String?
        var counts: [String: Int]
        enum CodingKeys: String, CodingKey {
            case items, counts
            case nextCursor = "next_cursor"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(items, forKey: .items)
            try container.encodeIfPresent(nextCursor, forKey: .nextCursor)
            try container.encode(counts, forKey: .counts)
        }
    }

    private struct Item: Encodable {
        var view: ServiceRequestView
        init(_ view: ServiceRequestView) { self.view = view }

        enum CodingKeys: String, CodingKey {
            case id, number, status, fields, queue, plan, response, version
            case tenantID = "tenant_id", tenantName = "tenant_name", requestedBy = "requested_by"
            case viaRelationshipID = "via_relationship_id", assignedTo = "assigned_to", submittedAt = "submitted_at"
            case resolvedAt = "resolved_at", resolutionSummary = "resolution_summary", closedAt = "closed_at"
            case draftExpiresAt = "draft_expires_at", createdAt = "created_at", updatedAt = "updated_at"
            case allowedTransitions = "allowed_transitions", escalatedAt = "escalated_at", escalationReason = "escalation_reason"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(view.id, forKey: .id)
            try container.encode(view.tenantID, forKey: .tenantID)
            try container.encodeIfPresent(view.tenantName, forKey: .tenantName)
            try container.encodeIfPresent(view.number, forKey: .number)
            try container.encode(view.status.rawValue, forKey: .status)
            try container.encode(Fields(fields: view.fields), forKey: .fields)
            try container.encode(Actor(actor: view.requestedBy), forKey: .requestedBy)
            try container.encodeIfPresent(view.viaRelationshipID, forKey: .viaRelationshipID)
            try container.encodeIfPresent(view.queue, forKey: .queue)
            try container.encodeIfPresent(view.assignedTo.map(Actor.init), forKey: .assignedTo)
            try container.encodeIfPresent(view.plan?.rawValue, forKey: .plan)
            try container.encodeIfPresent(view.response.map(Response.init), forKey: .response)
            try container.encodeIfPresent(view.submittedAt, forKey: .submittedAt)
            try container.encodeIfPresent(view.resolvedAt, forKey: .resolvedAt)
            try container.encodeIfPresent(view.resolutionSummary, forKey: .resolutionSummary)
            try container.encodeIfPresent(view.closedAt, forKey: .closedAt)
            try container.encodeIfPresent(view.draftExpiresAt, forKey: .draftExpiresAt)
            try container.encode(view.createdAt, forKey: .createdAt)
            try container.encode(view.updatedAt, forKey: .updatedAt)
            try container.encode(view.version, forKey: .version)
            try container.encode(view.allowedTransitions.map(\.rawValue), forKey: .allowedTransitions)
            try container.encodeIfPresent(view.escalatedAt, forKey: .escalatedAt)
            try container.encodeIfPresent(view.escalationReason, forKey: .escalationReason)
        }
    }

    private struct Fields: Encodable {
        var fields: RequestFields
        enum CodingKeys: String, CodingKey {
            case category, feature, symptom, summary, details, severity, language, contact
            case suggestionSessionID = "suggestion_session_id"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(fields.category, forKey: .category)
            try container.encodeIfPresent(fields.feature, forKey: .feature)
            try container.encodeIfPresent(fields.symptom, forKey: .symptom)
            try container.encodeIfPresent(fields.summary, forKey: .summary)
            try container.encodeIfPresent(fields.details, forKey: .details)
            try container.encodeIfPresent(fields.severity?.rawValue, forKey: .severity)
            try container.encodeIfPresent(fields.language, forKey: .language)
            try container.encodeIfPresent(fields.contact.map(Contact.init), forKey: .contact)
            try container.encodeIfPresent(fields.suggestionSessionID, forKey: .suggestionSessionID)
        }
    }

    private struct Contact: Encodable {
        var contact: ContactDetails
        enum CodingKeys: String, CodingKey {
            case name, email, phone, country
            case preferredMethod = "preferred_method", timeZone = "time_zone"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(contact.name, forKey: .name)
            try container.encodeIfPresent(contact.email, forKey: .email)
            try container.encodeIfPresent(contact.phone, forKey: .phone)
            try container.encodeIfPresent(contact.preferredMethod, forKey: .preferredMethod)
            try container.encodeIfPresent(contact.timeZone, forKey: .timeZone)
            try container.encodeIfPresent(contact.country, forKey: .country)
        }
    }

    private struct Actor: Encodable {
        var actor: ActorView
        enum CodingKeys: String, CodingKey {
            case name, side
            case adminID = "admin_id"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(actor.adminID, forKey: .adminID)
            try container.encodeIfPresent(actor.name, forKey: .name)
            try container.encode(actor.side, forKey: .side)
        }
    }

    private struct Response: Encodable {
        var target: ResponseTargetView
        enum CodingKeys: String, CodingKey {
            case status, explanation
            case targetMinutes = "target_minutes", dueAt = "due_at", firstResponseAt = "first_response_at"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(target.targetMinutes, forKey: .targetMinutes)
            try container.encode(target.dueAt, forKey: .dueAt)
            try container.encode(target.status, forKey: .status)
            try container.encodeIfPresent(target.firstResponseAt, forKey: .firstResponseAt)
            try container.encodeIfPresent(target.explanation.map(Explanation.init), forKey: .explanation)
        }
    }

    private struct Explanation: Encodable {
        var explanation: DueExplanation
        enum CodingKeys: String, CodingKey {
            case policy, clock, steps
            case startedAt = "started_at", pausedMinutes = "paused_minutes"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(explanation.policy, forKey: .policy)
            try container.encode(explanation.clock, forKey: .clock)
            try container.encode(explanation.startedAt, forKey: .startedAt)
            try container.encode(explanation.pausedMinutes, forKey: .pausedMinutes)
            try container.encode(explanation.steps, forKey: .steps)
        }
    }
}
