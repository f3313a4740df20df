import Domain
import Foundation

/// `worker.requests.create.v1`: a new draft.
public enum CreateRequestMethod: RPCMethod {
    public static let name = "worker.requests.create.v1"
    public static let queue = RPCQueue.worker
    public struct Request: Codable, Sendable {
        public var context: ActingContext
        public var idempotencyKey: String?
        public var fields: RequestFields
        public init(context: ActingContext, idempotencyKey: String?, fields: RequestFields) {
            self.context = context
            self.idempotencyKey = idempotencyKey
            self.fields = fields
        }
    }
    public typealias Response = ServiceRequestView
}

/// `worker.requests.update.v1`: changes a draft; `ifMatch` lists the versions the caller read
/// (nil: `If-Match: *`, any current version).
public enum UpdateRequestMethod: RPCMethod {
    public static let name = "worker.requests.update.v1"
    public static let queue = RPCQueue.worker
    public struct Request: Codable, Sendable {
        public var context: ActingContext
        public var requestID: String
        public var ifMatch: [Int]?
        public var fields: RequestFields
        public init(context: ActingContext, requestID: String, ifMatch: [Int]?, fields: RequestFields) {
            self.context = context
            self.requestID = requestID
            self.ifMatch = ifMatch
            self.fields = fields
        }
    }
    public typealias Response = ServiceRequestView
}

/// `worker.requests.submit.v1`: checks the draft against the intake rules, numbers it and
/// computes its first-response target.
public enum SubmitRequestMethod: RPCMethod {
    public static let name = "worker.requests.submit.v1"
    public static let queue = RPCQueue.worker
    public struct Request: Codable, Sendable {
        public var context: ActingContext
        public var requestID: String
        public var idempotencyKey: String?
        public var ifMatch: Int?
        public init(context: ActingContext, requestID: String, idempotencyKey: String?, ifMatch: Int?) {
            self.context = context
            self.requestID = requestID
            self.idempotencyKey = idempotencyKey
            self.ifMatch = ifMatch
        }
    }
    public typealias Response = ServiceRequestView
}

/// `worker.requests.get.v1`: a request with its timeline and thread.
public enum GetRequestMethod: RPCMethod {
    public static let name = "worker.requests.get.v1"
    public static let queue = RPCQueue.worker
    public struct Request: Codable, Sendable {
        public var context: ActingContext
        public var requestID: String
        public init(context: ActingContext, requestID: String) {
            self.context = context
            self.requestID = requestID
        }
    }
    public typealias Response = ServiceRequestDetail
}

/// A request as the API's JSON (`ServiceRequestListJSON.encode(request:)`), which the gateway
/// sends on without decoding it, and its version (the ETag).
public struct ServiceRequestJSON: Codable, Sendable {
    /// A `ServiceRequest` of the OpenAPI spec.
    public var json: Data
    public var version: Int
    public init(json: Data, version: Int) {
        self.json = json
        self.version = version
    }
}

/// `worker.requests.create.v2`: `CreateRequestMethod`, answered as the API's JSON.
public enum CreateRequestJSONMethod: RPCMethod {
    public static let name = "worker.requests.create.v2"
    public static let queue = RPCQueue.worker
    public typealias Request = CreateRequestMethod.Request
    public typealias Response = ServiceRequestJSON
}

/// `worker.requests.submit.v2`: `SubmitRequestMethod`, answered as the API's JSON.
public enum SubmitRequestJSONMethod: RPCMethod {
    public static let name = "worker.requests.submit.v2"
    public static let queue = RPCQueue.worker
    public typealias Request = SubmitRequestMethod.Request
    public typealias Response = ServiceRequestJSON
}

/// `worker.requests.list.v2`: the same list, answered as the API's JSON (`ServiceRequestListJSON`),
/// which the gateway sends on without decoding it.
public enum ListRequestPageMethod: RPCMethod {
    public static let name = "worker.requests.list.v2"
    public static let queue = RPCQueue.worker
    public typealias Request = ListRequestsMethod.Request
    public struct Response: Codable, Sendable {
        /// A `ServiceRequestList` of the OpenAPI spec.
        public var json: Data
        public init(json: Data) { self.json = json }
    }
}

/// `worker.requests.list.v3`: the list of `ListRequestPageMethod`, whose reply body is the
/// `ServiceRequestList` JSON itself (no envelope, no base64 inside it).
public enum ListRequestPageRawMethod: RawJSONMethod {
    public static let name = "worker.requests.list.v3"
    public static let queue = RPCQueue.worker
    public typealias Request = ListRequestsMethod.Request
}

/// `worker.requests.list.v1`.
public enum ListRequestsMethod: RPCMethod {
    public static let name = "worker.requests.list.v1"
    public static let queue = RPCQueue.worker
    public struct Request: Codable, Sendable {
        public var context: ActingContext
        /// Statuses to include; `nil`: the unresolved ones (submitted, in progress, waiting).
        public var statuses: [RequestStatus]?
        public var severities: [Severity]?
        public var category: String?
        public var requestedByMe: Bool
        public var text: String?
        public var createdFrom: Date?
        public var createdTo: Date?
        public var updatedFrom: Date?
        public var updatedTo: Date?
        /// `created`, `updated`, `severity` or `response_due`, `-` prefixed for descending.
        public var sort: String
        public var cursor: String?
        public var limit: Int
        /// Which tenants: the one acted in (default), a partner's customers, or every customer
        /// (the support queues).
        public var scope: ListScope
        /// Narrows a partner's or support's list to one customer tenant.
        public var customer: String?
        /// Support queues: one queue, and `me`, `unassigned` or an administrator id.
        public var queue: String?
        public var assignee: String?
        /// Whose turn it is: `support` (unresolved and not waiting for the customer, with the
        /// customer's message last or none) or `customer` (waiting for the customer, or support
        /// wrote last). Additive: sent only when asked for, and gateways call workers of their
        /// own release.
        public var awaiting: String?
        /// The values `awaiting` takes.
        public static let awaitingValues = ["support", "customer"]
        /// Requests still waiting for their first response, due before this time (breached ones
        /// included): what is about to breach. Additive, as `awaiting`.
        public var responseDueBefore: Date?
        public init(
            context: ActingContext, statuses: [RequestStatus]?, severities: [Severity]?, category: String?, requestedByMe: Bool,
            text: String?, createdFrom: Date?, createdTo: Date?, updatedFrom: Date?, updatedTo: Date?, sort: String,
            cursor: String?, limit: Int, scope: ListScope = .tenant, customer: String? = nil, queue: String? = nil,
            assignee: String? = nil, awaiting: String? = nil, responseDueBefore: Date? = nil
        ) {
            self.awaiting = awaiting
            self.responseDueBefore = responseDueBefore
            self.scope = scope
            self.customer = customer
            self.queue = queue
            self.assignee = assignee
            self.context = context
            self.statuses = statuses
            self.severities = severities
            self.category = category
            self.requestedByMe = requestedByMe
            self.text = text
            self.createdFrom = createdFrom
            self.createdTo = createdTo
            self.updatedFrom = updatedFrom
            self.updatedTo = updatedTo
            self.sort = sort
            self.cursor = cursor
            self.limit = limit
        }
    }
    public struct Response: Codable, Sendable {
        public var items: [ServiceRequestView]
        public var nextCursor: String?
        /// Requests per status under the same filters, ignoring the status filter.
        public var counts: [String: Int]
        public init(items: [ServiceRequestView], nextCursor: String?, counts: [String: Int]) {
            self.items = items
            self.nextCursor = nextCursor
            self.counts = counts
        }
    }
}

/// The tenants a list covers.
public enum ListScope: Codable, Sendable, Equatable {
    /// The tenant acted in.
    case tenant
    /// These customer tenants (a partner's delegations that allow reading requests).
    case customers([String])
    /// Every customer tenant: the support queues.
    case support
}

/// `worker.requests.message.v1`: adds a message (support may add internal notes).
public enum AddMessageMethod: RPCMethod {
    public static let name = "worker.requests.message.v1"
    public static let queue = RPCQueue.worker
    public struct Request: Codable, Sendable {
        public var context: ActingContext
        public var requestID: String
        public var idempotencyKey: String?
        public var body: String
        /// `public` or `internal`.
        public var visibility: String
        /// A transition made with the message, in its transaction (support's `ask_for_information`:
        /// answer and wait for the customer in one call). Additive: gateways call only workers of
        /// their own release, which read it.
        public var transition: RequestTransition?
        public init(
            context: ActingContext, requestID: String, idempotencyKey: String?, body: String, visibility: String,
            transition: RequestTransition? = nil
        ) {
            self.context = context
            self.requestID = requestID
            self.idempotencyKey = idempotencyKey
            self.body = body
            self.visibility = visibility
            self.transition = transition
        }
    }
    public typealias Response = MessageView
}

/// `worker.requests.transition.v1`: moves a request through its lifecycle.
public enum TransitionRequestMethod: RPCMethod {
    public static let name = "worker.requests.transition.v1"
    public static let queue = RPCQueue.worker
    public struct Request: Codable, Sendable {
        public var context: ActingContext
        public var requestID: String
        public var transition: RequestTransition
        public var reason: String?
        public var resolutionSummary: String?
        public init(context: ActingContext, requestID: String, transition: RequestTransition, reason: String?, resolutionSummary: String?) {
            self.context = context
            self.requestID = requestID
            self.transition = transition
            self.reason = reason
            self.resolutionSummary = resolutionSummary
        }
    }
    public typealias Response = ServiceRequestView
}

/// Routing keys of the events the worker publishes on `tenantdesk.events` about requests.
public enum RequestEvent {
    public static let submitted = "request.submitted"
    public static let updated = "request.updated"
    public static let messageAdded = "request.message_added"
    public static let statusChanged = "request.status_changed"
    public static let resolved = "request.resolved"
    public static let closed = "request.closed"
    public static let attachmentAdded = "request.attachment_added"
    public static let assigned = "request.assigned"
    /// The assignee gave the request back, or a manager took it off them. Unlike the other
    /// events, its `assignedTo` names the engineer it was released from.
    public static let released = "request.released"
    public static let escalated = "request.escalated"
    public static let severityChanged = "request.severity_changed"
    public static let severityProposed = "request.severity_proposed"
    public static let surveyAnswered = "request.survey_answered"
    /// 75 % of the first-response target has run without a response (body: `SLAEvent`).
    public static let slaWarning = "request.sla_warning"
    /// The first-response target was missed; the request is escalated (body: `SLAEvent`).
    public static let slaBreached = "request.sla_breached"
}

/// Body of `request.sla_warning` and `request.sla_breached`.
public struct SLAEvent: Codable, Sendable, Equatable {
    public static let warning = "warning"
    public static let breach = "breach"

    /// `warning` or `breach`.
    public var kind: String
    public var requestID: String
    public var tenantID: String
    public var number: Int?
    public var severity: Severity?
    public var queue: String?
    public var assignedTo: String?
    public var requestedBy: String
    /// The queue's support manager, who receives the escalation of a breach.
    public var managerID: String?
    public var dueAt: Date
    public var occurredAt: Date

    public init(
        kind: String, requestID: String, tenantID: String, number: Int?, severity: Severity?, queue: String?,
        assignedTo: String?, requestedBy: String, managerID: String?, dueAt: Date, occurredAt: Date
    ) {
        self.kind = kind
        self.requestID = requestID
        self.tenantID = tenantID
        self.number = number
        self.severity = severity
        self.queue = queue
        self.assignedTo = assignedTo
        self.requestedBy = requestedBy
        self.managerID = managerID
        self.dueAt = dueAt
        self.occurredAt = occurredAt
    }
}

/// Body of every `request.*` event.
public struct RequestEventBody: Codable, Sendable, Equatable {
    public var requestID: String
    public var tenantID: String
    public var number: Int?
    public var status: RequestStatus
    public var severity: Severity?
    public var category: String?
    public var language: String?
    public var actorAdminID: String?
    public var occurredAt: Date
    /// For `request.message_added`: the message, and whether it is public.
    public var messageID: String?
    public var visibility: String?
    /// Who asked for the request and who was assigned it when the event happened (absent from
    /// events written before these fields existed: a consumer then reads the request).
    public var requestedBy: String?
    public var assignedTo: String?
    public init(
        requestID: String, tenantID: String, number: Int?, status: RequestStatus, severity: Severity?, category: String?,
        language: String?, actorAdminID: String?, occurredAt: Date, messageID: String? = nil, visibility: String? = nil,
        requestedBy: String? = nil, assignedTo: String? = nil
    ) {
        self.requestID = requestID
        self.tenantID = tenantID
        self.number = number
        self.status = status
        self.severity = severity
        self.category = category
        self.language = language
        self.actorAdminID = actorAdminID
        self.occurredAt = occurredAt
        self.messageID = messageID
        self.visibility = visibility
        self.requestedBy = requestedBy
        self.assignedTo = assignedTo
    }
}
