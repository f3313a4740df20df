import Contracts
import Domain
import Foundation
import Messaging
import PostgresNIO

/// One row of `service_requests`, as read.
struct RequestRecord: Sendable {
    var id: UUID
    var tenantID: UUID
    var tenantName: String?
    var number: Int?
    var status: RequestStatus
    var fields: RequestFields
    var requestedBy: UUID
    var requestedByName: String
    var viaRelationship: UUID?
    var queue: String?
    var assignedTo: UUID?
    var assignedToName: String?
    var plan: SupportPlan?
    var targetMinutes: Int?
    var dueAt: Date?
    var explanation: DueExplanation?
    var firstResponseAt: Date?
    var submittedAt: Date?
    var resolvedAt: Date?
    var resolutionSummary: String?
    var closedAt: Date?
    var draftExpiresAt: Date?
    var createdAt: Date
    var updatedAt: Date
    var version: Int
    var escalatedAt: Date?
    var escalationReason: String?

    /// The columns `init(row:)` reads, for `SELECT ... FROM service_requests r`.
    static let columns = """
        r.id, r.tenant_id, (SELECT t.display_name FROM tenants t WHERE t.id = r.tenant_id) AS tenant_name, r.number,
        r.status, r.category_code, r.feature_code, r.symptom_code, r.summary, r.details, r.severity, r.language,
        r.contact_name, r.contact_email, r.contact_phone, r.contact_method, r.contact_time_zone, r.contact_country,
        r.suggestion_session_id, r.requested_by, r.requested_by_name, r.via_relationship, r.queue_id, r.assigned_to,
        r.assigned_to_name, r.plan, r.response_target_minutes, r.response_due_at, r.response_explanation::text AS explanation,
        r.first_response_at, r.submitted_at, r.resolved_at, r.resolution_summary, r.closed_at, r.draft_expires_at,
        r.created_at, r.updated_at, r.version, r.escalated_at, r.escalation_reason
        """

    /// The columns of a list row: the due-time explanation is left out (a list shows the due
    /// time and its status; the detail explains it).
    static let listColumns = columns.replacingOccurrences(
        of: "r.response_explanation::text AS explanation", with: "NULL::text AS explanation")

    init(row: PostgresRow) throws {
        let row = row.makeRandomAccess()
        func value<T: PostgresDecodable>(_ column: String, _ type: T.Type = T.self) throws -> T {
            try row[column].decode(T.self)
        }
        id = try value("id")
        tenantID = try value("tenant_id")
        tenantName = try value("tenant_name")
        number = try value("number", Int?.self)
        status = RequestStatus(rawValue: try value("status", String.self)) ?? .closed
        var contact: ContactDetails?
        let contactName: String? = try value("contact_name")
        let contactEmail: String? = try value("contact_email")
        let contactPhone: String? = try value("contact_phone")
        let contactMethod: String? = try value("contact_method")
        let contactZone: String? = try value("contact_time_zone")
        let contactCountry: String? = try value("contact_country")
        if [contactName, contactEmail, contactPhone, contactMethod, contactZone, contactCountry].contains(where: { $0 != nil }) {
            contact = ContactDetails(
                name: contactName, email: contactEmail, phone: contactPhone, preferredMethod: contactMethod,
                timeZone: contactZone, country: contactCountry)
        }
        fields = RequestFields(
            category: try value("category_code"), feature: try value("feature_code"), symptom: try value("symptom_code"),
            summary: try value("summary"), details: try value("details"),
            severity: (try value("severity", String?.self)).flatMap(Severity.init(rawValue:)), language: try value("language"),
            contact: contact, suggestionSessionID: (try value("suggestion_session_id", UUID?.self))?.text)
        requestedBy = try value("requested_by")
        requestedByName = try value("requested_by_name")
        viaRelationship = try value("via_relationship")
        queue = try value("queue_id")
        assignedTo = try value("assigned_to")
        assignedToName = try value("assigned_to_name")
        plan = (try value("plan", String?.self)).flatMap(SupportPlan.init(rawValue:))
        targetMinutes = try value("response_target_minutes", Int?.self)
        dueAt = try value("response_due_at")
        if let json = try value("explanation", String?.self) {
            explanation = try JSONCodec.decode(DueExplanation.self, from: Array(json.utf8))
        }
        firstResponseAt = try value("first_response_at")
        submittedAt = try value("submitted_at")
        resolvedAt = try value("resolved_at")
        resolutionSummary = try value("resolution_summary")
        closedAt = try value("closed_at")
        draftExpiresAt = try value("draft_expires_at")
        createdAt = try value("created_at")
        updatedAt = try value("updated_at")
        version = try value("version", Int.self)
        escalatedAt = try value("escalated_at")
        escalationReason = try value("escalation_reason")
    }

    /// The view for a caller on `side`; `preview` is a draft's target if submitted now.
    func view(side: RequestSide, now: Date, preview: ResponseDue? = nil) -> ServiceRequestView {
        var response: ResponseTargetView?
        if let targetMinutes, let dueAt {
            response = ResponseTargetView(
                targetMinutes: targetMinutes, dueAt: dueAt,
                status: ResponseDue.status(due: dueAt, firstResponseAt: firstResponseAt, now: now).rawValue,
                firstResponseAt: firstResponseAt, explanation: explanation)
        } else if let preview {
            response = ResponseTargetView(
                targetMinutes: preview.targetMinutes, dueAt: preview.dueAt, status: "preview", firstResponseAt: nil,
                explanation: preview.explanation)
        }
        var view = ServiceRequestView(
            id: id.text, tenantID: tenantID.text, tenantName: tenantName, number: number, status: status, fields: fields,
            requestedBy: ActorView(adminID: requestedBy.text, name: requestedByName, side: RequestSide.customer.rawValue),
            viaRelationshipID: viaRelationship?.text, queue: queue,
            assignedTo: assignedTo.map { ActorView(adminID: $0.text, name: assignedToName, side: RequestSide.support.rawValue) },
            plan: plan, response: response, submittedAt: submittedAt, resolvedAt: resolvedAt,
            resolutionSummary: resolutionSummary, closedAt: closedAt, draftExpiresAt: draftExpiresAt, createdAt: createdAt,
            updatedAt: updatedAt, version: version,
            allowedTransitions: RequestLifecycle.allowed(from: status, by: side, resolvedAt: resolvedAt, now: now))
        if side == .support {
            view.escalatedAt = escalatedAt
            view.escalationReason = escalationReason
        }
        return view
    }

    /// The body of the `request.*` events about this request.
    func event(actor: String?, at: Date, messageID: String? = nil, visibility: String? = nil) -> RequestEventBody {
        RequestEventBody(
            requestID: id.text, tenantID: tenantID.text, number: number, status: status, severity: fields.severity,
            category: fields.category, language: fields.language, actorAdminID: actor, occurredAt: at,
            messageID: messageID, visibility: visibility, requestedBy: requestedBy.text, assignedTo: assignedTo?.text)
    }
}
