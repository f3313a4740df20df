import Contracts
import Domain
import Foundation
import Messaging
import PostgresNIO
import Store

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
    var lastPublicMessage: LastMessageView?

    /// The columns `init(row:)` reads, for `SELECT ... FROM service_requests r`.
    static let columns = """
        r.id, r.tenant_id, (SELECT t.display_name FROM tenants t WHERE t.id = r.tenant_id) AS tenant_name, r.number,
        r.status, r.category_code, r.feature_code, r.symptom_code, r.summary, r.details, r.severity, r.language,
        r.contact_name, r.contact_email, r.contact_phone, r.contact_method, r.contact_time_zone, r.contact_country,
        r.suggestion_session_id, r.requested_by, r.requested_by_name, r.via_relationship, r.queue_id, r.assigned_to,
        r.assigned_to_name, r.plan, r.response_target_minutes, r.response_due_at, r.response_explanation::text AS explanation,
        r.first_response_at, r.submitted_at, r.resolved_at, r.resolution_summary, r.closed_at, r.draft_expires_at,
        r.created_at, r.updated_at, r.version, r.escalated_at, r.escalation_reason, r.last_public_message_at,
        r.last_public_message_side
        """

    /// The columns of a list row: the due-time explanation is left out (a list shows the due
    /// time and its status; the detail explains it).
    static let listColumns = columns.replacingOccurrences(
        of: "r.response_explanation::text AS explanation", with: "NULL::text AS explanation")

    init(row: PostgresRow) throws {
        var cells = RowCells(row)
        try self.init(cells: &cells)
    }

    /// Reads `columns` (or `listColumns`) from `cells`, in their order; the row's further
    /// columns are left for the caller.
    init(cells: inout RowCells) throws {
        id = try cells.next("id")
        tenantID = try cells.next("tenant_id")
        tenantName = try cells.next("tenant_name")
        number = try cells.next("number", Int?.self)
        status = RequestStatus(rawValue: try cells.next("status", String.self)) ?? .closed
        let category: String? = try cells.next("category_code")
        let feature: String? = try cells.next("feature_code")
        let symptom: String? = try cells.next("symptom_code")
        let summary: String? = try cells.next("summary")
        let details: String? = try cells.next("details")
        let severity = (try cells.next("severity", String?.self)).flatMap(Severity.init(rawValue:))
        let language: String? = try cells.next("language")
        let contactName: String? = try cells.next("contact_name")
        let contactEmail: String? = try cells.next("contact_email")
        let contactPhone: String? = try cells.next("contact_phone")
        let contactMethod: String? = try cells.next("contact_method")
        let contactZone: String? = try cells.next("contact_time_zone")
        let contactCountry: String? = try cells.next("contact_country")
        var contact: ContactDetails?
        if contactName != nil || contactEmail != nil || contactPhone != nil || contactMethod != nil || contactZone != nil
            || contactCountry != nil {
            contact = ContactDetails(
                name: contactName, email: contactEmail, phone: contactPhone, preferredMethod: contactMethod,
                timeZone: contactZone, country: contactCountry)
        }
        let session = try cells.next("suggestion_session_id", UUID?.self)
        fields = RequestFields(
            category: category, feature: feature, symptom: symptom, summary: summary, details: details, severity: severity,
            language: language, contact: contact, suggestionSessionID: session?.text)
        requestedBy = try cells.next("requested_by")
        requestedByName = try cells.next("requested_by_name")
        viaRelationship = try cells.next("via_relationship")
        queue = try cells.next("queue_id")
        assignedTo = try cells.next("assigned_to")
        assignedToName = try cells.next("assigned_to_name")
        plan = (try cells.next("plan", String?.self)).flatMap(SupportPlan.init(rawValue:))
        targetMinutes = try cells.next("response_target_minutes", Int?.self)
        dueAt = try cells.next("response_due_at")
        if let json = try cells.next("explanation", String?.self) {
            explanation = try JSONCodec.decode(DueExplanation.self, from: Array(json.utf8))
        }
        firstResponseAt = try cells.next("first_response_at")
        submittedAt = try cells.next("submitted_at")
        resolvedAt = try cells.next("resolved_at")
        resolutionSummary = try cells.next("resolution_summary")
        closedAt = try cells.next("closed_at")
        draftExpiresAt = try cells.next("draft_expires_at")
        createdAt = try cells.next("created_at")
        updatedAt = try cells.next("updated_at")
        version = try cells.next("version", Int.self)
        escalatedAt = try cells.next("escalated_at")
        escalationReason = try cells.next("escalation_reason")
        let lastMessageAt: Date? = try cells.next("last_public_message_at")
        let lastMessageSide: String? = try cells.next("last_public_message_side")
        if let lastMessageAt, let lastMessageSide {
            lastPublicMessage = LastMessageView(side: lastMessageSide, at: lastMessageAt)
        }
    }

    /// The view for a caller on `side`; `preview` is a draft's target if submitted now.
    func view(side: RequestSide, now: Date, preview: ResponseDue? = nil) -> ServiceRequestView {
        var response: ResponseTargetView?
        if let targetMinutes, let dueAt {
            response = ResponseTargetView(
                targetMinutes: targetMinutes, dueAt: dueAt,
                status: ResponseDue.status(
                    // Resolving answers the customer too; a withdrawal stops the clock unanswered.
                    due: dueAt, firstResponseAt: firstResponseAt ?? resolvedAt, stoppedAt: closedAt, now: now
                ).rawValue,
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
        view.lastPublicMessage = lastPublicMessage
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
