import Domain
import Foundation

/// A tenant as the API shows it.
public struct TenantView: Codable, Sendable, Equatable {
    public var id: String
    public var kind: TenantKind
    public var displayName: String
    public var country: String
    public var defaultLanguage: String
    public var supportPlan: String
    public var status: String
    public var createdAt: Date
    public init(id: String, kind: TenantKind, displayName: String, country: String, defaultLanguage: String,
                supportPlan: String, status: String, createdAt: Date) {
        self.id = id
        self.kind = kind
        self.displayName = displayName
        self.country = country
        self.defaultLanguage = defaultLanguage
        self.supportPlan = supportPlan
        self.status = status
        self.createdAt = createdAt
    }
}

/// `roles.tenants.list.v1`: every tenant for a platform operator; otherwise the caller's own
/// tenant and the tenants its relationships link it to.
public enum ListTenantsMethod: RPCMethod {
    public static let name = "roles.tenants.list.v1"
    public static let queue = RPCQueue.roles
    public struct Request: Codable, Sendable {
        public var context: CallContext
        public var kind: TenantKind?
        public var status: String?
        public var cursor: String?
        public var limit: Int
        public init(context: CallContext, kind: TenantKind? = nil, status: String? = nil, cursor: String? = nil, limit: Int = 50) {
            self.context = context
            self.kind = kind
            self.status = status
            self.cursor = cursor
            self.limit = limit
        }
    }
    public typealias Response = Page<TenantView>
}

/// `roles.tenants.get.v1`.
public enum GetTenantMethod: RPCMethod {
    public static let name = "roles.tenants.get.v1"
    public static let queue = RPCQueue.roles
    public struct Request: Codable, Sendable {
        public var context: CallContext
        public var tenantID: String
        public init(context: CallContext, tenantID: String) {
            self.context = context
            self.tenantID = tenantID
        }
    }
    public typealias Response = TenantView
}

/// `roles.tenants.create.v1` (platform operator), optionally with the tenant's first administrator.
public enum CreateTenantMethod: RPCMethod {
    public static let name = "roles.tenants.create.v1"
    public static let queue = RPCQueue.roles
    public struct Request: Codable, Sendable {
        public var context: CallContext
        public var kind: TenantKind
        public var displayName: String
        public var country: String
        public var defaultLanguage: String
        public var supportPlan: String
        public var firstAdmin: NewAdmin?
        public init(context: CallContext, kind: TenantKind, displayName: String, country: String, defaultLanguage: String,
                    supportPlan: String, firstAdmin: NewAdmin?) {
            self.context = context
            self.kind = kind
            self.displayName = displayName
            self.country = country
            self.defaultLanguage = defaultLanguage
            self.supportPlan = supportPlan
            self.firstAdmin = firstAdmin
        }
    }
    public typealias Response = TenantView
}

/// `roles.tenants.update.v1` (platform operator): name, plan, language, status (suspend/reactivate).
public enum UpdateTenantMethod: RPCMethod {
    public static let name = "roles.tenants.update.v1"
    public static let queue = RPCQueue.roles
    public struct Request: Codable, Sendable {
        public var context: CallContext
        public var tenantID: String
        public var displayName: String?
        public var defaultLanguage: String?
        public var supportPlan: String?
        public var status: String?
        public init(context: CallContext, tenantID: String, displayName: String? = nil, defaultLanguage: String? = nil,
                    supportPlan: String? = nil, status: String? = nil) {
            self.context = context
            self.tenantID = tenantID
            self.displayName = displayName
            self.defaultLanguage = defaultLanguage
            self.supportPlan = supportPlan
            self.status = status
        }
    }
    public typealias Response = TenantView
}
