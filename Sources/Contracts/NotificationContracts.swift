import Foundation

/// One entry of an administrator's notification feed.
public struct NotificationView: Codable, Sendable, Equatable {
    public var id: String
    /// `message`, `status_changed`, `assigned`, `survey_requested`, `sla_breached` or
    /// `delegation_expiring`.
    public var kind: String
    /// The request concerned (nil for a relationship reminder).
    public var requestID: String?
    public var requestTenantID: String?
    /// The partner relationship concerned (a reminder of its end).
    public var relationshipID: String?
    public var requestNumber: Int?
    public var summary: String?
    public var detail: String?
    public var createdAt: Date
    public var readAt: Date?
    public init(
        id: String, kind: String, requestID: String?, requestTenantID: String?, relationshipID: String? = nil, requestNumber: Int?,
        summary: String?, detail: String?, createdAt: Date, readAt: Date?
    ) {
        self.id = id
        self.kind = kind
        self.requestID = requestID
        self.requestTenantID = requestTenantID
        self.relationshipID = relationshipID
        self.requestNumber = requestNumber
        self.summary = summary
        self.detail = detail
        self.createdAt = createdAt
        self.readAt = readAt
    }
}

/// `worker.notifications.v1`: the caller's own feed, newest first, after marking `markRead`
/// (or everything with `markAllRead`) read.
public enum NotificationsMethod: RPCMethod {
    public static let name = "worker.notifications.v1"
    public static let queue = RPCQueue.worker
    public struct Request: Codable, Sendable {
        /// The authenticated administrator and their home tenant.
        public var adminID: String
        public var tenantID: String
        public var unreadOnly: Bool
        public var limit: Int
        public var before: String?
        public var markRead: [String]
        public var markAllRead: Bool
        public init(
            adminID: String, tenantID: String, unreadOnly: Bool = false, limit: Int = 50, before: String? = nil, markRead: [String] = [],
            markAllRead: Bool = false
        ) {
            self.adminID = adminID
            self.tenantID = tenantID
            self.unreadOnly = unreadOnly
            self.limit = limit
            self.before = before
            self.markRead = markRead
            self.markAllRead = markAllRead
        }
    }
    public struct Response: Codable, Sendable {
        public var items: [NotificationView]
        public var unreadCount: Int
        /// Pass as `before` for the next (older) page.
        public var nextCursor: String?
        public init(items: [NotificationView], unreadCount: Int, nextCursor: String?) {
            self.items = items
            self.unreadCount = unreadCount
            self.nextCursor = nextCursor
        }
    }
}

/// Which notifications also come by e-mail.
public struct NotificationSettingsView: Codable, Sendable, Equatable {
    /// E-mail at all.
    public var email: Bool
    /// The kinds e-mailed (nil: all of them).
    public var emailKinds: [String]?
    public init(email: Bool, emailKinds: [String]?) {
        self.email = email
        self.emailKinds = emailKinds
    }

    /// The kinds of notification there are.
    public static let kinds = ["message", "status_changed", "assigned", "survey_requested", "sla_breached", "delegation_expiring"]
}

/// `worker.notification-settings.v1`: the caller's settings, after storing `update` when given.
public enum NotificationSettingsMethod: RPCMethod {
    public static let name = "worker.notification-settings.v1"
    public static let queue = RPCQueue.worker
    public struct Request: Codable, Sendable {
        /// The authenticated administrator and their home tenant.
        public var adminID: String
        public var tenantID: String
        public var update: NotificationSettingsView?
        public init(adminID: String, tenantID: String, update: NotificationSettingsView? = nil) {
            self.adminID = adminID
            self.tenantID = tenantID
            self.update = update
        }
    }
    public typealias Response = NotificationSettingsView
}
