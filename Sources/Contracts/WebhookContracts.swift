import Foundation

/// The events a webhook can subscribe to. Request events are the tenant's own requests (internal
/// notes never leave the vendor); delegation events go to both the partner and the customer.
public enum WebhookEventType {
    public static let ping = "ping"
    public static let all: [String] = [
        RequestEvent.submitted, RequestEvent.statusChanged, RequestEvent.messageAdded, RequestEvent.resolved,
        RequestEvent.closed, RequestEvent.assigned, RequestEvent.severityChanged, RequestEvent.attachmentAdded,
        RequestEvent.updated, RequestEvent.released,
        RoleEvent.delegationPrefix + "requested", RoleEvent.delegationPrefix + "approved",
        RoleEvent.delegationPrefix + "rejected", RoleEvent.delegationPrefix + "terminated",
        RoleEvent.delegationPrefix + "expiring",
    ]
}

/// A registered webhook (never its secret, which is shown once).
public struct WebhookView: Codable, Sendable, Equatable {
    public var id: String
    public var url: String
    public var events: [String]
    public var description: String?
    public var active: Bool
    public var createdAt: Date
    public var updatedAt: Date
    /// Deliveries waiting for a first attempt or a retry, and dead ones (since creation).
    public var pendingDeliveries: Int
    public var deadDeliveries: Int
    /// The partner relationship it was registered through: it is delivered to only while that
    /// relationship is in force. (Absent from the answers of workers of earlier releases.)
    public var viaRelationshipID: String?
    public init(
        id: String, url: String, events: [String], description: String?, active: Bool, createdAt: Date, updatedAt: Date,
        pendingDeliveries: Int, deadDeliveries: Int, viaRelationshipID: String? = nil
    ) {
        self.id = id
        self.url = url
        self.events = events
        self.description = description
        self.active = active
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.pendingDeliveries = pendingDeliveries
        self.deadDeliveries = deadDeliveries
        self.viaRelationshipID = viaRelationshipID
    }
}

/// One delivery of an event to a webhook.
public struct WebhookDeliveryView: Codable, Sendable, Equatable {
    public var id: String
    public var eventID: String
    public var eventType: String
    /// `pending`, `retrying`, `succeeded` or `dead`.
    public var status: String
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastAttemptAt: Date?
    public var lastStatusCode: Int?
    public var lastError: String?
    public var lastDurationMs: Int?
    public var deliveredAt: Date?
    public var redeliveryOf: String?
    public var createdAt: Date
    public init(
        id: String, eventID: String, eventType: String, status: String, attempts: Int, nextAttemptAt: Date?, lastAttemptAt: Date?,
        lastStatusCode: Int?, lastError: String?, lastDurationMs: Int?, deliveredAt: Date?, redeliveryOf: String?, createdAt: Date
    ) {
        self.id = id
        self.eventID = eventID
        self.eventType = eventType
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastAttemptAt = lastAttemptAt
        self.lastStatusCode = lastStatusCode
        self.lastError = lastError
        self.lastDurationMs = lastDurationMs
        self.deliveredAt = deliveredAt
        self.redeliveryOf = redeliveryOf
        self.createdAt = createdAt
    }
}

/// The fields of a webhook an administrator sets (all optional on update).
public struct WebhookFields: Codable, Sendable, Equatable {
    public var url: String?
    public var events: [String]?
    public var description: String?
    public var active: Bool?
    /// A secret of the caller's choosing (16–200 printable characters); without one, the
    /// service makes one.
    public var secret: String?
    /// On update: replace the secret with a new one (returned once).
    public var rotateSecret: Bool
    public init(
        url: String? = nil, events: [String]? = nil, description: String? = nil, active: Bool? = nil, secret: String? = nil,
        rotateSecret: Bool = false
    ) {
        self.url = url
        self.events = events
        self.description = description
        self.active = active
        self.secret = secret
        self.rotateSecret = rotateSecret
    }
}

/// `worker.webhooks.v1`: lists a tenant's webhooks, or reads, creates, updates or deletes one.
public enum WebhooksMethod: RPCMethod {
    public static let name = "worker.webhooks.v1"
    public static let queue = RPCQueue.worker
    public enum Operation: Codable, Sendable {
        case list
        case get(id: String)
        case create(WebhookFields)
        case update(id: String, WebhookFields)
        case delete(id: String)
    }
    public struct Request: Codable, Sendable {
        public var context: ActingContext
        public var operation: Operation
        public init(context: ActingContext, operation: Operation) {
            self.context = context
            self.operation = operation
        }
    }
    public struct Response: Codable, Sendable {
        public var webhooks: [WebhookView]
        /// The secret, on creation and rotation only.
        public var secret: String?
        public init(webhooks: [WebhookView], secret: String? = nil) {
            self.webhooks = webhooks
            self.secret = secret
        }
    }
}

/// `worker.webhook-deliveries.v1`: a webhook's deliveries, newest first; or a new delivery: a
/// redelivery of an earlier one, or a `ping`.
public enum WebhookDeliveriesMethod: RPCMethod {
    public static let name = "worker.webhook-deliveries.v1"
    public static let queue = RPCQueue.worker
    public enum Operation: Codable, Sendable {
        case list(status: String?, limit: Int, cursor: String?)
        case redeliver(deliveryID: String)
        case ping
    }
    public struct Request: Codable, Sendable {
        public var context: ActingContext
        public var webhookID: String
        public var operation: Operation
        public init(context: ActingContext, webhookID: String, operation: Operation) {
            self.context = context
            self.webhookID = webhookID
            self.operation = operation
        }
    }
    public struct Response: Codable, Sendable {
        public var deliveries: [WebhookDeliveryView]
        public var nextCursor: String?
        public init(deliveries: [WebhookDeliveryView], nextCursor: String? = nil) {
            self.deliveries = deliveries
            self.nextCursor = nextCursor
        }
    }
}

/// Body of the `delegation.*` events: the relationship, both sides, and for `delegation.expiring`
/// how many days remain and when it ends.
public struct DelegationEvent: Codable, Sendable, Equatable {
    public var relationshipID: String
    public var partnerTenantID: String
    public var customerTenantID: String
    public var daysBefore: Int?
    public var endsAt: Date?
    public init(relationshipID: String, partnerTenantID: String, customerTenantID: String, daysBefore: Int? = nil, endsAt: Date? = nil) {
        self.relationshipID = relationshipID
        self.partnerTenantID = partnerTenantID
        self.customerTenantID = customerTenantID
        self.daysBefore = daysBefore
        self.endsAt = endsAt
    }
}
