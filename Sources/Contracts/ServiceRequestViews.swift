import Domain
import Foundation

/// The fields of a draft a client sets; `nil` leaves a field as it is.
public struct RequestFields: Codable, Sendable, Equatable {
    public var category: String?
    public var feature: String?
    public var symptom: String?
    public var summary: String?
    public var details: String?
    public var severity: Severity?
    public var language: String?
    public var contact: ContactDetails?
    public var suggestionSessionID: String?
    public init(
        category: String? = nil, feature: String? = nil, symptom: String? = nil, summary: String? = nil, details: String? = nil,
        severity: Severity? = nil, language: String? = nil, contact: ContactDetails? = nil, suggestionSessionID: String? = nil
    ) {
        self.category = category
        self.feature = feature
        self.symptom = symptom
        self.summary = summary
        self.details = details
        self.severity = severity
        self.language = language
        self.contact = contact
        self.suggestionSessionID = suggestionSessionID
    }
}

/// How support reaches the requester.
public struct ContactDetails: Codable, Sendable, Equatable {
    public var name: String?
    public var email: String?
    public var phone: String?
    /// `email` or `phone`.
    public var preferredMethod: String?
    /// IANA time zone, e.g. `Asia/Tokyo`.
    public var timeZone: String?
    /// ISO 3166-1 alpha-2.
    public var country: String?
    public init(
        name: String? = nil, email: String? = nil, phone: String? = nil, preferredMethod: String? = nil,
        timeZone: String? = nil, country: String? = nil
    ) {
        self.name = name
        self.email = email
        self.phone = phone
        self.preferredMethod = preferredMethod
        self.timeZone = timeZone
        self.country = country
    }
}

/// Someone who acted on a request.
public struct ActorView: Codable, Sendable, Equatable {
    public var adminID: String?
    public var name: String?
    public var side: String
    public init(adminID: String?, name: String?, side: String) {
        self.adminID = adminID
        self.name = name
        self.side = side
    }
}

/// The first-response target of a request: computed at submission (for a draft, what it would
/// be if submitted now).
public struct ResponseTargetView: Codable, Sendable, Equatable {
    public var targetMinutes: Int
    public var dueAt: Date
    /// `pending`, `met` or `breached`.
    public var status: String
    public var firstResponseAt: Date?
    /// How the due time was computed: in a request's detail, not in lists.
    public var explanation: DueExplanation?
    public init(targetMinutes: Int, dueAt: Date, status: String, firstResponseAt: Date?, explanation: DueExplanation?) {
        self.targetMinutes = targetMinutes
        self.dueAt = dueAt
        self.status = status
        self.firstResponseAt = firstResponseAt
        self.explanation = explanation
    }
}

/// A service request as the API shows it.
public struct ServiceRequestView: Codable, Sendable, Equatable {
    public var id: String
    public var tenantID: String
    public var tenantName: String?
    /// Per tenant, from submission; `nil` for a draft.
    public var number: Int?
    public var status: RequestStatus
    public var fields: RequestFields
    public var requestedBy: ActorView
    public var viaRelationshipID: String?
    public var queue: String?
    public var assignedTo: ActorView?
    public var plan: SupportPlan?
    public var response: ResponseTargetView?
    public var submittedAt: Date?
    public var resolvedAt: Date?
    public var resolutionSummary: String?
    public var closedAt: Date?
    public var draftExpiresAt: Date?
    public var createdAt: Date
    public var updatedAt: Date
    /// The ETag of the request (`"v<version>"` in HTTP).
    public var version: Int
    /// What the caller may do next.
    public var allowedTransitions: [RequestTransition]
    /// When and why support escalated it to a support manager (shown to support only).
    public var escalatedAt: Date?
    public var escalationReason: String?
    /// Who wrote the latest public message, and when (`nil` while the thread is empty).
    public var lastPublicMessage: LastMessageView?

    public init(
        id: String, tenantID: String, tenantName: String?, number: Int?, status: RequestStatus, fields: RequestFields,
        requestedBy: ActorView, viaRelationshipID: String?, queue: String?, assignedTo: ActorView?, plan: SupportPlan?,
        response: ResponseTargetView?, submittedAt: Date?, resolvedAt: Date?, resolutionSummary: String?, closedAt: Date?,
        draftExpiresAt: Date?, createdAt: Date, updatedAt: Date, version: Int, allowedTransitions: [RequestTransition]
    ) {
        self.id = id
        self.tenantID = tenantID
        self.tenantName = tenantName
        self.number = number
        self.status = status
        self.fields = fields
        self.requestedBy = requestedBy
        self.viaRelationshipID = viaRelationshipID
        self.queue = queue
        self.assignedTo = assignedTo
        self.plan = plan
        self.response = response
        self.submittedAt = submittedAt
        self.resolvedAt = resolvedAt
        self.resolutionSummary = resolutionSummary
        self.closedAt = closedAt
        self.draftExpiresAt = draftExpiresAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
        self.allowedTransitions = allowedTransitions
    }
}

/// The latest public message of a request's thread: whose turn it is.
public struct LastMessageView: Codable, Sendable, Equatable {
    /// `customer` or `support`.
    public var side: String
    public var at: Date
    public init(side: String, at: Date) {
        self.side = side
        self.at = at
    }
}

/// One entry of a request's timeline.
public struct TimelineEntry: Codable, Sendable, Equatable {
    public var id: Int
    /// `created`, `submitted`, `status_changed`, `message_added`, `severity_changed`, `assigned`, ...
    public var kind: String
    public var at: Date
    public var actor: ActorView
    public var viaRelationshipID: String?
    public var internalOnly: Bool
    public var data: [String: String]
    public init(id: Int, kind: String, at: Date, actor: ActorView, viaRelationshipID: String?, internalOnly: Bool, data: [String: String]) {
        self.id = id
        self.kind = kind
        self.at = at
        self.actor = actor
        self.viaRelationshipID = viaRelationshipID
        self.internalOnly = internalOnly
        self.data = data
    }
}

/// A message of a request's thread.
public struct MessageView: Codable, Sendable, Equatable {
    public var id: String
    /// `public`, or `internal` (support only).
    public var visibility: String
    public var author: ActorView
    public var viaRelationshipID: String?
    public var body: String
    public var createdAt: Date
    public init(id: String, visibility: String, author: ActorView, viaRelationshipID: String?, body: String, createdAt: Date) {
        self.id = id
        self.visibility = visibility
        self.author = author
        self.viaRelationshipID = viaRelationshipID
        self.body = body
        self.createdAt = createdAt
    }
}

/// A request with its timeline, messages and attachments.
public struct ServiceRequestDetail: Codable, Sendable, Equatable {
    public var request: ServiceRequestView
    public var timeline: [TimelineEntry]
    public var messages: [MessageView]
    public var attachments: [AttachmentView]
    public var severityChanges: [SeverityChangeView]
    public var survey: SurveyView?
    public init(
        request: ServiceRequestView, timeline: [TimelineEntry], messages: [MessageView], attachments: [AttachmentView],
        severityChanges: [SeverityChangeView], survey: SurveyView?
    ) {
        self.request = request
        self.timeline = timeline
        self.messages = messages
        self.attachments = attachments
        self.severityChanges = severityChanges
        self.survey = survey
    }
}
