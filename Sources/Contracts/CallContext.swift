import Domain
import Foundation

/// Who asks, for the decision and the audit log: sent with every call made for an administrator.
public struct CallContext: Codable, Sendable {
    public var principal: Principal
    /// The gateway's `X-Request-Id`.
    public var requestID: String
    /// Address of the HTTP client.
    public var sourceAddress: String?

    public init(principal: Principal, requestID: String, sourceAddress: String? = nil) {
        self.principal = principal
        self.requestID = requestID
        self.sourceAddress = sourceAddress
    }
}

/// `roles.authorize.v2`: may the principal do the action in the tenant? Allow names how (own
/// role, vendor role, which delegation); deny names why. (v2: the decision's flat shape; role
/// services still answer `AuthorizeV1Method` for gateways of earlier releases.)
public enum AuthorizeMethod: RPCMethod {
    public static let name = "roles.authorize.v2"
    public static let queue = RPCQueue.roles

    public struct Request: Codable, Sendable, Hashable {
        public var adminID: String
        public var homeTenantID: String
        public var apiKeyID: String?
        public var tenantID: String
        public var action: Action
        public init(principal: Principal, tenantID: String, action: Action) {
            self.adminID = principal.adminID
            self.homeTenantID = principal.tenantID
            self.apiKeyID = principal.apiKeyID
            self.tenantID = tenantID
            self.action = action
        }
    }

    public struct Response: Codable, Sendable, Equatable {
        public var decision: Authorization.Decision
        /// When an allow stops holding by the clock alone (a delegation's end, an API key's
        /// expiry, whichever is first): a cache must not keep it longer.
        public var validUntil: Date?
        public init(decision: Authorization.Decision, validUntil: Date? = nil) {
            self.decision = decision
            self.validUntil = validUntil
        }
    }
}

/// A page of a list, with the cursor of the next one.
public struct Page<Item: Codable & Sendable>: Codable, Sendable {
    public var items: [Item]
    /// Pass as `cursor` for the next page; `nil` on the last one.
    public var nextCursor: String?
    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

/// Routing keys of the events the role service publishes on `tenantdesk.events`.
public enum RoleEvent {
    /// Something that changes authorization decisions changed: gateways drop cached decisions.
    public static let authorizationChanged = "authz.changed"
    /// Partner relationship lifecycle: `delegation.requested`, `.approved`, `.rejected`,
    /// `.terminated`, and `.expiring` (30, 7 and 1 days before the end).
    public static let delegationPrefix = "delegation."
    /// A signing key was added or retired (`tenantdesk-admin signing-keys`): gateways fetch the
    /// verification keys again at once, so a retired key's tokens stop verifying within seconds.
    public static let signingKeysChanged = "signing_keys.changed"
}

/// Body of `authz.changed`.
public struct AuthorizationChanged: Codable, Sendable {
    /// Tenants whose decisions may have changed.
    public var tenantIDs: [String]
    public init(tenantIDs: [String]) { self.tenantIDs = tenantIDs }
}

/// `roles.reachable-tenants.v1`: the customer tenants in which a partner admin may do `action`
/// through its delegations now (the partner's list across customers).
public enum ReachableTenantsMethod: RPCMethod {
    public static let name = "roles.reachable-tenants.v1"
    public static let queue = RPCQueue.roles

    public struct Request: Codable, Sendable {
        public var principal: Principal
        public var action: Action
        public init(principal: Principal, action: Action) {
            self.principal = principal
            self.action = action
        }
    }

    public struct Response: Codable, Sendable {
        public var tenants: [ReachableTenant]
        public init(tenants: [ReachableTenant]) { self.tenants = tenants }
    }
}

/// A customer tenant reachable through a delegation.
public struct ReachableTenant: Codable, Sendable, Equatable {
    public var tenantID: String
    public var name: String
    public var relationshipID: String
    public init(tenantID: String, name: String, relationshipID: String) {
        self.tenantID = tenantID
        self.name = name
        self.relationshipID = relationshipID
    }
}
