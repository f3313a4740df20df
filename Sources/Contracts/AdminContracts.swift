import Domain
import Foundation

/// An administrator as the API shows it.
public struct AdminView: Codable, Sendable, Equatable {
    public var id: String
    public var tenantID: String
    public var name: String
    public var email: String
    public var roles: [Role]
    public var status: String
    public var createdAt: Date
    public init(id: String, tenantID: String, name: String, email: String, roles: [Role], status: String, createdAt: Date) {
        self.id = id
        self.tenantID = tenantID
        self.name = name
        self.email = email
        self.roles = roles
        self.status = status
        self.createdAt = createdAt
    }
}

/// A new administrator: the password is checked against the policy and stored as bcrypt only.
public struct NewAdmin: Codable, Sendable {
    public var name: String
    public var email: String
    /// Never logged.
    public var password: String
    public var roles: [Role]
    public init(name: String, email: String, password: String, roles: [Role]) {
        self.name = name
        self.email = email
        self.password = password
        self.roles = roles
    }
}

/// `roles.admins.list.v1`.
public enum ListAdminsMethod: RPCMethod {
    public static let name = "roles.admins.list.v1"
    public static let queue = RPCQueue.roles
    public struct Request: Codable, Sendable {
        public var context: CallContext
        public var tenantID: String
        public init(context: CallContext, tenantID: String) {
            self.context = context
            self.tenantID = tenantID
        }
    }
    public struct Response: Codable, Sendable {
        public var admins: [AdminView]
        public init(admins: [AdminView]) { self.admins = admins }
    }
}

/// `roles.admins.create.v1`.
public enum CreateAdminMethod: RPCMethod {
    public static let name = "roles.admins.create.v1"
    public static let queue = RPCQueue.roles
    public struct Request: Codable, Sendable {
        public var context: CallContext
        public var tenantID: String
        public var admin: NewAdmin
        public init(context: CallContext, tenantID: String, admin: NewAdmin) {
            self.context = context
            self.tenantID = tenantID
            self.admin = admin
        }
    }
    public typealias Response = AdminView
}

/// `roles.admins.update.v1`: rename, re-role, disable or re-enable. The last active manager of
/// a tenant (its tenant admin, partner admin or platform operator) cannot be disabled or demoted.
public enum UpdateAdminMethod: RPCMethod {
    public static let name = "roles.admins.update.v1"
    public static let queue = RPCQueue.roles
    public struct Request: Codable, Sendable {
        public var context: CallContext
        public var tenantID: String
        public var adminID: String
        public var name: String?
        public var roles: [Role]?
        public var status: String?
        public init(context: CallContext, tenantID: String, adminID: String, name: String? = nil, roles: [Role]? = nil, status: String? = nil) {
            self.context = context
            self.tenantID = tenantID
            self.adminID = adminID
            self.name = name
            self.roles = roles
            self.status = status
        }
    }
    public typealias Response = AdminView
}

/// An API key as listed (never its secret).
public struct APIKeyView: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var roles: [Role]
    public var createdAt: Date
    public var expiresAt: Date?
    public var lastUsedAt: Date?
    public var revokedAt: Date?
    public init(id: String, name: String, roles: [Role], createdAt: Date, expiresAt: Date?, lastUsedAt: Date?, revokedAt: Date?) {
        self.id = id
        self.name = name
        self.roles = roles
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }
}

/// `roles.api-keys.list.v1`: the caller's own keys.
public enum ListAPIKeysMethod: RPCMethod {
    public static let name = "roles.api-keys.list.v1"
    public static let queue = RPCQueue.roles
    public struct Request: Codable, Sendable {
        public var context: CallContext
        public init(context: CallContext) { self.context = context }
    }
    public struct Response: Codable, Sendable {
        public var keys: [APIKeyView]
        public init(keys: [APIKeyView]) { self.keys = keys }
    }
}

/// `roles.api-keys.create.v1`: the secret is in the response once and never again.
public enum CreateAPIKeyMethod: RPCMethod {
    public static let name = "roles.api-keys.create.v1"
    public static let queue = RPCQueue.roles
    public struct Request: Codable, Sendable {
        public var context: CallContext
        public var name: String
        /// A subset of the caller's roles.
        public var roles: [Role]
        public var expiresInDays: Int?
        public init(context: CallContext, name: String, roles: [Role], expiresInDays: Int?) {
            self.context = context
            self.name = name
            self.roles = roles
            self.expiresInDays = expiresInDays
        }
    }
    public struct Response: Codable, Sendable {
        public var key: APIKeyView
        /// The secret. Shown once.
        public var secret: String
        public init(key: APIKeyView, secret: String) {
            self.key = key
            self.secret = secret
        }
    }
}

/// `roles.api-keys.revoke.v1`.
public enum RevokeAPIKeyMethod: RPCMethod {
    public static let name = "roles.api-keys.revoke.v1"
    public static let queue = RPCQueue.roles
    public struct Request: Codable, Sendable {
        public var context: CallContext
        public var keyID: String
        public init(context: CallContext, keyID: String) {
            self.context = context
            self.keyID = keyID
        }
    }
    public typealias Response = APIKeyView
}
