import Foundation

/// A support queue as managers see it: its calendar, manager and members.
public struct SupportQueueView: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var calendarID: String?
    public var managerID: String?
    public var isDefault: Bool
    public var members: [QueueMemberView]
    public var openRequests: Int
    public var unassignedRequests: Int
    public init(
        id: String, name: String, calendarID: String?, managerID: String?, isDefault: Bool, members: [QueueMemberView],
        openRequests: Int, unassignedRequests: Int
    ) {
        self.id = id
        self.name = name
        self.calendarID = calendarID
        self.managerID = managerID
        self.isDefault = isDefault
        self.members = members
        self.openRequests = openRequests
        self.unassignedRequests = unassignedRequests
    }
}

/// A member of a queue.
public struct QueueMemberView: Codable, Sendable, Equatable {
    public var adminID: String
    /// Nil when the administrator is disabled or no longer holds a support role.
    public var name: String?
    public var languages: [String]
    public var shiftCalendarID: String?
    public var active: Bool
    /// Whether the shift calendar is open now (always true without one).
    public var onShift: Bool
    /// Unresolved requests assigned to them, across queues.
    public var openRequests: Int
    public var lastAssignedAt: Date?
    public init(
        adminID: String, name: String?, languages: [String], shiftCalendarID: String?, active: Bool, onShift: Bool,
        openRequests: Int, lastAssignedAt: Date?
    ) {
        self.adminID = adminID
        self.name = name
        self.languages = languages
        self.shiftCalendarID = shiftCalendarID
        self.active = active
        self.onShift = onShift
        self.openRequests = openRequests
        self.lastAssignedAt = lastAssignedAt
    }
}

/// A routing rule: the first rule (by position, then id) whose set fields all match a request
/// names its queue.
public struct RoutingRuleView: Codable, Sendable, Equatable {
    /// Set by the service.
    public var id: Int64?
    public var position: Int
    public var category: String?
    public var categoryGroup: String?
    public var language: String?
    public var severity: String?
    public var queue: String
    public init(id: Int64? = nil, position: Int, category: String?, categoryGroup: String?, language: String?, severity: String?, queue: String) {
        self.id = id
        self.position = position
        self.category = category
        self.categoryGroup = categoryGroup
        self.language = language
        self.severity = severity
        self.queue = queue
    }
}

/// A business-hours calendar (queue hours or an engineer's shift).
public struct CalendarView: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var timeZone: String
    public var weeklyHours: [String: [[String]]]
    public var holidays: [String]
    public init(id: String, name: String, timeZone: String, weeklyHours: [String: [[String]]], holidays: [String]) {
        self.id = id
        self.name = name
        self.timeZone = timeZone
        self.weeklyHours = weeklyHours
        self.holidays = holidays
    }
}

/// `worker.support.queues.v1`: every queue with its members.
public enum ListQueuesMethod: RPCMethod {
    public static let name = "worker.support.queues.v1"
    public static let queue = RPCQueue.worker
    public struct Request: Codable, Sendable {
        public var context: ActingContext
        public init(context: ActingContext) { self.context = context }
    }
    public struct Response: Codable, Sendable {
        public var queues: [SupportQueueView]
        public init(queues: [SupportQueueView]) { self.queues = queues }
    }
}

/// `worker.support.queue-put.v1`: creates or updates a queue.
public enum PutQueueMethod: RPCMethod {
    public static let name = "worker.support.queue-put.v1"
    public static let queue = RPCQueue.worker
    public struct Request: Codable, Sendable {
        public var context: ActingContext
        public var queueID: String
        public var name: String
        public var calendarID: String?
        public var managerID: String?
        public init(context: ActingContext, queueID: String, name: String, calendarID: String?, managerID: String?) {
            self.context = context
            self.queueID = queueID
            self.name = name
            self.calendarID = calendarID
            self.managerID = managerID
        }
    }
    public typealias Response = SupportQueueView
}

/// `worker.support.member-put.v1`: adds or updates a queue member.
public enum PutQueueMemberMethod: RPCMethod {
    public static let name = "worker.support.member-put.v1"
    public static let queue = RPCQueue.worker
    public struct Request: Codable, Sendable {
        public var context: ActingContext
        public var queueID: String
        public var adminID: String
        public var languages: [String]
        public var shiftCalendarID: String?
        public var active: Bool
        public init(context: ActingContext, queueID: String, adminID: String, languages: [String], shiftCalendarID: String?, active: Bool) {
            self.context = context
            self.queueID = queueID
            self.adminID = adminID
            self.languages = languages
            self.shiftCalendarID = shiftCalendarID
            self.active = active
        }
    }
    public typealias Response = SupportQueueView
}

/// `worker.support.member-remove.v1`: removes a member from a queue.
public enum RemoveQueueMemberMethod: RPCMethod {
    public static let name = "worker.support.member-remove.v1"
    public static let queue = RPCQueue.worker
    public struct Request: Codable, Sendable {
        public var context: ActingContext
        public var queueID: String
        public var adminID: String
        public init(context: ActingContext, queueID: String, adminID: String) {
            self.context = context
            self.queueID = queueID
            self.adminID = adminID
        }
    }
    public typealias Response = EmptyResponse
}

/// `worker.support.routes.v1`: the routing rules in order, after adding `add` or removing rule
/// `remove` (404 when there is none).
public enum RoutingRulesMethod: RPCMethod {
    public static let name = "worker.support.routes.v1"
    public static let queue = RPCQueue.worker
    public struct Request: Codable, Sendable {
        public var context: ActingContext
        public var add: RoutingRuleView?
        public var remove: Int64?
        public init(context: ActingContext, add: RoutingRuleView? = nil, remove: Int64? = nil) {
            self.context = context
            self.add = add
            self.remove = remove
        }
    }
    public struct Response: Codable, Sendable {
        public var rules: [RoutingRuleView]
        public init(rules: [RoutingRuleView]) { self.rules = rules }
    }
}

/// `worker.support.calendars.v1`: the calendars; `put` creates or replaces one first.
public enum CalendarsMethod: RPCMethod {
    public static let name = "worker.support.calendars.v1"
    public static let queue = RPCQueue.worker
    public struct Request: Codable, Sendable {
        public var context: ActingContext
        public var put: CalendarView?
        public init(context: ActingContext, put: CalendarView?) {
            self.context = context
            self.put = put
        }
    }
    public struct Response: Codable, Sendable {
        public var calendars: [CalendarView]
        public init(calendars: [CalendarView]) { self.calendars = calendars }
    }
}

/// `worker.support.sla-figures.v1`: first-response figures for managers.
public enum SLAFiguresMethod: RPCMethod {
    public static let name = "worker.support.sla-figures.v1"
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
        public var since: Date
        /// Attainment of requests whose first response came, or whose target passed, since `since`.
        public var byPlan: [Attainment]
        public var bySeverity: [Attainment]
        public var byQueue: [Attainment]
        /// Minutes from submission to the first response, over the responses since `since`.
        public var medianMinutesToFirstResponse: Double?
        public var p90MinutesToFirstResponse: Double?
        /// Unresolved requests now, per severity.
        public var openBySeverity: [String: Int]
        /// Breaches recorded since midnight UTC.
        public var breachesToday: Int
        /// Per engineer who has requests assigned (open now, or decided or resolved since
        /// `since`). Optional: absent from the answers of workers of earlier releases.
        public var byEngineer: [EngineerFigures]?
        public init(
            since: Date, byPlan: [Attainment], bySeverity: [Attainment], byQueue: [Attainment], medianMinutesToFirstResponse: Double?,
            p90MinutesToFirstResponse: Double?, openBySeverity: [String: Int], breachesToday: Int, byEngineer: [EngineerFigures]? = nil
        ) {
            self.since = since
            self.byPlan = byPlan
            self.bySeverity = bySeverity
            self.byQueue = byQueue
            self.medianMinutesToFirstResponse = medianMinutesToFirstResponse
            self.p90MinutesToFirstResponse = p90MinutesToFirstResponse
            self.openBySeverity = openBySeverity
            self.breachesToday = breachesToday
            self.byEngineer = byEngineer
        }
    }
    /// One engineer's requests (those assigned to them).
    public struct EngineerFigures: Codable, Sendable, Equatable {
        public var adminID: String
        /// The name the requests were assigned under.
        public var name: String
        /// Unresolved requests assigned to them now.
        public var open: Int
        /// First-response attainment of their requests, decided as for the other groups.
        public var attainment: Attainment
        /// Requests resolved since `since`, and minutes from submission to resolution over those.
        public var resolved: Int
        public var medianMinutesToResolution: Double?
        public var p90MinutesToResolution: Double?
        public init(
            adminID: String, name: String, open: Int, attainment: Attainment, resolved: Int,
            medianMinutesToResolution: Double?, p90MinutesToResolution: Double?
        ) {
            self.adminID = adminID
            self.name = name
            self.open = open
            self.attainment = attainment
            self.resolved = resolved
            self.medianMinutesToResolution = medianMinutesToResolution
            self.p90MinutesToResolution = p90MinutesToResolution
        }
    }
    public struct Attainment: Codable, Sendable, Equatable {
        public var key: String
        public var met: Int
        public var breached: Int
        /// met / (met + breached); nil when nothing was decided.
        public var rate: Double?
        public init(key: String, met: Int, breached: Int) {
            self.key = key
            self.met = met
            self.breached = breached
            self.rate = met + breached == 0 ? nil : Double(met) / Double(met + breached)
        }
    }
}
