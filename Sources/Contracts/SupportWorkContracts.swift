import Domain
import Foundation

/// `worker.requests.assign.v1`: support takes a request, or a manager assigns it.
public enum AssignRequestMethod: RPCMethod {
    public static let name = "worker.requests.assign.v1"
    public static let queue = RPCQueue.worker
    public struct Request: Codable, Sendable {
        public var context: ActingContext
        public var requestID: String
        /// A support engineer or manager of the vendor tenant.
        public var assigneeID: String
        /// The version the caller read (`If-Match`): refused with 412 when the request changed
        /// since. Optional and additive: workers of an earlier release ignore it.
        public var ifMatch: Int?
        public init(context: ActingContext, requestID: String, assigneeID: String, ifMatch: Int? = nil) {
            self.context = context
            self.requestID = requestID
            self.assigneeID = assigneeID
            self.ifMatch = ifMatch
        }
    }
    public typealias Response = ServiceRequestView
}

/// `worker.requests.release.v1`: an engineer gives a request back to its queue, or a support
/// manager takes it off whoever has it. The request waits unassigned again, and the assignment
/// sweep offers it to anyone but the engineer it was released from.
public enum ReleaseRequestMethod: RPCMethod {
    public static let name = "worker.requests.release.v1"
    public static let queue = RPCQueue.worker
    public struct Request: Codable, Sendable {
        public var context: ActingContext
        public var requestID: String
        /// The version the caller read (`If-Match`): refused with 412 when the request changed since.
        public var ifMatch: Int?
        /// The caller is a support manager (`support.manage`): may release anyone's request, not
        /// only their own.
        public var asManager: Bool
        public init(context: ActingContext, requestID: String, ifMatch: Int? = nil, asManager: Bool) {
            self.context = context
            self.requestID = requestID
            self.ifMatch = ifMatch
            self.asManager = asManager
        }
    }
    public typealias Response = ServiceRequestView
}

/// `worker.requests.escalate.v1`: support escalates a request to a support manager.
public enum EscalateRequestMethod: RPCMethod {
    public static let name = "worker.requests.escalate.v1"
    public static let queue = RPCQueue.worker
    public struct Request: Codable, Sendable {
        public var context: ActingContext
        public var requestID: String
        public var reason: String
        public init(context: ActingContext, requestID: String, reason: String) {
            self.context = context
            self.requestID = requestID
            self.reason = reason
        }
    }
    public typealias Response = ServiceRequestView
}

/// A severity change: applied at once when support makes it, proposed when the customer asks.
public struct SeverityChangeView: Codable, Sendable, Equatable {
    public var id: String
    public var from: Severity
    public var to: Severity
    public var reason: String
    /// `proposed`, `accepted`, `declined` or `applied`.
    public var status: String
    public var requestedBy: ActorView
    public var viaRelationshipID: String?
    public var requestedAt: Date
    public var decidedBy: ActorView?
    public var decisionReason: String?
    public var decidedAt: Date?
    public init(
        id: String, from: Severity, to: Severity, reason: String, status: String, requestedBy: ActorView, viaRelationshipID: String?,
        requestedAt: Date, decidedBy: ActorView?, decisionReason: String?, decidedAt: Date?
    ) {
        self.id = id
        self.from = from
        self.to = to
        self.reason = reason
        self.status = status
        self.requestedBy = requestedBy
        self.viaRelationshipID = viaRelationshipID
        self.requestedAt = requestedAt
        self.decidedBy = decidedBy
        self.decisionReason = decisionReason
        self.decidedAt = decidedAt
    }
}

/// `worker.requests.severity.v1`: changes (support) or proposes (customer) a severity.
public enum ChangeSeverityMethod: RPCMethod {
    public static let name = "worker.requests.severity.v1"
    public static let queue = RPCQueue.worker
    public struct Request: Codable, Sendable {
        public var context: ActingContext
        public var requestID: String
        public var severity: Severity
        public var reason: String
        public var idempotencyKey: String?
        public init(context: ActingContext, requestID: String, severity: Severity, reason: String, idempotencyKey: String? = nil) {
            self.idempotencyKey = idempotencyKey
            self.context = context
            self.requestID = requestID
            self.severity = severity
            self.reason = reason
        }
    }
    public typealias Response = SeverityChangeView
}

/// `worker.requests.severity-decision.v1`: support accepts or declines a customer's proposal.
public enum DecideSeverityMethod: RPCMethod {
    public static let name = "worker.requests.severity-decision.v1"
    public static let queue = RPCQueue.worker
    public struct Request: Codable, Sendable {
        public var context: ActingContext
        public var requestID: String
        public var changeID: String
        public var accept: Bool
        public var reason: String?
        public init(context: ActingContext, requestID: String, changeID: String, accept: Bool, reason: String?) {
            self.context = context
            self.requestID = requestID
            self.changeID = changeID
            self.accept = accept
            self.reason = reason
        }
    }
    public typealias Response = SeverityChangeView
}

/// The requester's rating of a resolved request.
public struct SurveyView: Codable, Sendable, Equatable {
    public var rating: Int
    public var comment: String?
    public var answeredAt: Date
    public init(rating: Int, comment: String?, answeredAt: Date) {
        self.rating = rating
        self.comment = comment
        self.answeredAt = answeredAt
    }
}

/// `worker.requests.survey.v1`: the requester rates a resolved request, once.
public enum AnswerSurveyMethod: RPCMethod {
    public static let name = "worker.requests.survey.v1"
    public static let queue = RPCQueue.worker
    public struct Request: Codable, Sendable {
        public var context: ActingContext
        public var requestID: String
        public var rating: Int
        public var comment: String?
        public init(context: ActingContext, requestID: String, rating: Int, comment: String?) {
            self.context = context
            self.requestID = requestID
            self.rating = rating
            self.comment = comment
        }
    }
    public typealias Response = SurveyView
}

/// `worker.surveys.summary.v1`: average ratings per queue and per engineer, for managers.
public enum SurveySummaryMethod: RPCMethod {
    public static let name = "worker.surveys.summary.v1"
    public static let queue = RPCQueue.worker
    public struct Request: Codable, Sendable {
        public var context: ActingContext
        public var since: Date?
        public init(context: ActingContext, since: Date?) {
            self.context = context
            self.since = since
        }
    }
    public struct Response: Codable, Sendable, Equatable {
        public var byQueue: [Group]
        public var byEngineer: [Group]
        public init(byQueue: [Group], byEngineer: [Group]) {
            self.byQueue = byQueue
            self.byEngineer = byEngineer
        }
    }
    public struct Group: Codable, Sendable, Equatable {
        /// The queue id, or the engineer's administrator id.
        public var key: String
        public var name: String?
        public var responses: Int
        public var averageRating: Double
        public init(key: String, name: String?, responses: Int, averageRating: Double) {
            self.key = key
            self.name = name
            self.responses = responses
            self.averageRating = averageRating
        }
    }
}

/// `worker.suggestions.deflection.v1`: how often self-help suggestions stopped a request, overall
/// and per article, for support managers.
public enum DeflectionMethod: RPCMethod {
    public static let name = "worker.suggestions.deflection.v1"
    public static let queue = RPCQueue.worker
    public struct Request: Codable, Sendable {
        public var context: ActingContext
        public var since: Date?
        public init(context: ActingContext, since: Date?) {
            self.context = context
            self.since = since
        }
    }
    public struct Response: Codable, Sendable, Equatable {
        public var sessions: Int
        public var helped: Int
        public var continued: Int
        /// Sessions whose request was then submitted.
        public var submitted: Int
        /// helped / (helped + continued); nil before any outcome.
        public var deflectionRate: Double?
        public var articles: [Article]
        public init(sessions: Int, helped: Int, continued: Int, submitted: Int, deflectionRate: Double?, articles: [Article]) {
            self.sessions = sessions
            self.helped = helped
            self.continued = continued
            self.submitted = submitted
            self.deflectionRate = deflectionRate
            self.articles = articles
        }
    }
    public struct Article: Codable, Sendable, Equatable {
        public var id: String
        public var title: String?
        /// Sessions that showed it, that named it as the one that helped, and that went on to a request.
        public var shown: Int
        public var helped: Int
        public var submitted: Int
        public init(id: String, title: String?, shown: Int, helped: Int, submitted: Int) {
            self.id = id
            self.title = title
            self.shown = shown
            self.helped = helped
            self.submitted = submitted
        }
    }
}

/// `worker.support.customers.v1`: the customer directory of the support side: every customer
/// tenant with its plan, country, language, status and open requests, by name.
public enum SupportCustomersMethod: RPCMethod {
    public static let name = "worker.support.customers.v1"
    public static let queue = RPCQueue.worker
    public struct Request: Codable, Sendable {
        public var context: ActingContext
        /// Part of the name, any case; nil for every customer.
        public var text: String?
        /// The id of the last customer of the previous page.
        public var after: String?
        public var limit: Int
        public init(context: ActingContext, text: String?, after: String?, limit: Int) {
            self.context = context
            self.text = text
            self.after = after
            self.limit = limit
        }
    }
    public struct Response: Codable, Sendable, Equatable {
        public var items: [Customer]
        /// The `after` of the next page; nil on the last.
        public var next: String?
        public init(items: [Customer], next: String?) {
            self.items = items
            self.next = next
        }
    }
    public struct Customer: Codable, Sendable, Equatable {
        public var tenantID: String
        public var name: String
        public var country: String
        public var language: String
        public var plan: String
        /// `active` or `suspended`.
        public var status: String
        /// Submitted, in progress or waiting for the customer.
        public var openRequests: Int
        /// When its latest request was submitted (nil: never).
        public var lastSubmittedAt: Date?
        public init(
            tenantID: String, name: String, country: String, language: String, plan: String, status: String, openRequests: Int,
            lastSubmittedAt: Date?
        ) {
            self.tenantID = tenantID
            self.name = name
            self.country = country
            self.language = language
            self.plan = plan
            self.status = status
            self.openRequests = openRequests
            self.lastSubmittedAt = lastSubmittedAt
        }
    }
}
