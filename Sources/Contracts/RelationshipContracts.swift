import Domain
import Foundation

/// A partner relationship as either side sees it, with who acts under it.
public struct RelationshipView: Codable, Sendable, Equatable {
    public struct Assignment: Codable, Sendable, Equatable {
        public var adminID: String
        public var name: String?
        public var email: String?
        public var roles: [Role]
        public var assignedAt: Date
        public init(adminID: String, name: String?, email: String?, roles: [Role], assignedAt: Date) {
            self.adminID = adminID
            self.name = name
            self.email = email
            self.roles = roles
            self.assignedAt = assignedAt
        }
    }

    public var id: String
    public var partnerTenantID: String
    public var partnerName: String?
    public var customerTenantID: String
    public var customerName: String?
    public var roles: [Role]
    public var durationDays: Int
    public var autoExtend: Bool
    /// The status now (the clock applied: `expiring` in the last 30 days, `expired` after the end).
    public var status: DelegationGrant.Status
    public var requestedAt: Date
    public var startsAt: Date?
    /// The end in effect now (after automatic extensions).
    public var endsAt: Date?
    public var endedAt: Date?
    public var assignments: [Assignment]

    public init(id: String, partnerTenantID: String, partnerName: String?, customerTenantID: String, customerName: String?,
                roles: [Role], durationDays: Int, autoExtend: Bool, status: DelegationGrant.Status, requestedAt: Date,
                startsAt: Date?, endsAt: Date?, endedAt: Date?, assignments: [Assignment]) {
        self.id = id
        self.partnerTenantID = partnerTenantID
        self.partnerName = partnerName
        self.customerTenantID = customerTenantID
        self.customerName = customerName
        self.roles = roles
        self.durationDays = durationDays
        self.autoExtend = autoExtend
        self.status = status
        self.requestedAt = requestedAt
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.endedAt = endedAt
        self.assignments = assignments
    }
}

/// `roles.relationships.list.v1`: the relationships of a tenant, from its side (a partner's
/// customers, or a customer's partners), optionally filtered by status.
public enum ListRelationshipsMethod: RPCMethod {
    public static let name = "roles.relationships.list.v1"
    public static let queue = RPCQueue.roles
    public struct Request: Codable, Sendable {
        public var context: CallContext
        public var tenantID: String
        public var statuses: [DelegationGrant.Status]?
        public init(context: CallContext, tenantID: String, statuses: [DelegationGrant.Status]? = nil) {
            self.context = context
            self.tenantID = tenantID
            self.statuses = statuses
        }
    }
    public struct Response: Codable, Sendable {
        public var relationships: [RelationshipView]
        public init(relationships: [RelationshipView]) { self.relationships = relationships }
    }
}

/// `roles.relationships.request.v1`: a partner asks a customer for delegated roles.
public enum RequestRelationshipMethod: RPCMethod {
    public static let name = "roles.relationships.request.v1"
    public static let queue = RPCQueue.roles
    public struct Request: Codable, Sendable {
        public var context: CallContext
        public var partnerTenantID: String
        public var customerTenantID: String
        public var roles: [Role]
        public var durationDays: Int
        public var autoExtend: Bool
        public init(context: CallContext, partnerTenantID: String, customerTenantID: String, roles: [Role], durationDays: Int, autoExtend: Bool) {
            self.context = context
            self.partnerTenantID = partnerTenantID
            self.customerTenantID = customerTenantID
            self.roles = roles
            self.durationDays = durationDays
            self.autoExtend = autoExtend
        }
    }
    public typealias Response = RelationshipView
}

/// `roles.relationships.transition.v1`: approve or reject (customer side), terminate (either
/// side, several at once).
public enum TransitionRelationshipsMethod: RPCMethod {
    public static let name = "roles.relationships.transition.v1"
    public static let queue = RPCQueue.roles
    public enum Transition: String, Codable, Sendable { case approve, reject, terminate }
    public struct Request: Codable, Sendable {
        public var context: CallContext
        /// The tenant acting (the customer to approve or reject; either side to terminate).
        public var tenantID: String
        public var relationshipIDs: [String]
        public var transition: Transition
        public init(context: CallContext, tenantID: String, relationshipIDs: [String], transition: Transition) {
            self.context = context
            self.tenantID = tenantID
            self.relationshipIDs = relationshipIDs
            self.transition = transition
        }
    }
    public struct Response: Codable, Sendable {
        public var relationships: [RelationshipView]
        public init(relationships: [RelationshipView]) { self.relationships = relationships }
    }
}

/// `roles.relationships.assign.v1`: the partner sets (or, with no roles, removes) which customer
/// roles one of its partner admins holds under a relationship.
public enum AssignRelationshipMethod: RPCMethod {
    public static let name = "roles.relationships.assign.v1"
    public static let queue = RPCQueue.roles
    public struct Request: Codable, Sendable {
        public var context: CallContext
        public var partnerTenantID: String
        public var relationshipID: String
        public var adminID: String
        /// Empty removes the assignment.
        public var roles: [Role]
        public init(context: CallContext, partnerTenantID: String, relationshipID: String, adminID: String, roles: [Role]) {
            self.context = context
            self.partnerTenantID = partnerTenantID
            self.relationshipID = relationshipID
            self.adminID = adminID
            self.roles = roles
        }
    }
    public typealias Response = RelationshipView
}

/// An audit event.
public struct AuditEventView: Codable, Sendable, Equatable {
    public var id: String
    public var tenantID: String
    public var occurredAt: Date
    public var actorAdminID: String?
    public var actorTenantID: String?
    public var actorEmail: String?
    public var viaRelationshipID: String?
    public var action: String
    public var targetType: String
    public var targetID: String
    public var details: [String: String]
    public var sourceAddress: String?
    public var requestID: String?
    public init(id: String, tenantID: String, occurredAt: Date, actorAdminID: String?, actorTenantID: String?, actorEmail: String?,
                viaRelationshipID: String?, action: String, targetType: String, targetID: String, details: [String: String],
                sourceAddress: String?, requestID: String?) {
        self.id = id
        self.tenantID = tenantID
        self.occurredAt = occurredAt
        self.actorAdminID = actorAdminID
        self.actorTenantID = actorTenantID
        self.actorEmail = actorEmail
        self.viaRelationshipID = viaRelationshipID
        self.action = action
        self.targetType = targetType
        self.targetID = targetID
        self.details = details
        self.sourceAddress = sourceAddress
        self.requestID = requestID
    }
}

/// `roles.audit.list.v1`: a tenant's audit log, newest first.
public enum ListAuditEventsMethod: RPCMethod {
    public static let name = "roles.audit.list.v1"
    public static let queue = RPCQueue.roles
    public struct Request: Codable, Sendable {
        public var context: CallContext
        public var tenantID: String
        public var action: String?
        public var actorAdminID: String?
        public var viaRelationshipID: String?
        public var since: Date?
        public var until: Date?
        public var cursor: String?
        public var limit: Int
        public init(context: CallContext, tenantID: String, action: String? = nil, actorAdminID: String? = nil,
                    viaRelationshipID: String? = nil, since: Date? = nil, until: Date? = nil, cursor: String? = nil, limit: Int = 50) {
            self.context = context
            self.tenantID = tenantID
            self.action = action
            self.actorAdminID = actorAdminID
            self.viaRelationshipID = viaRelationshipID
            self.since = since
            self.until = until
            self.cursor = cursor
            self.limit = limit
        }
    }
    public typealias Response = Page<AuditEventView>
}
