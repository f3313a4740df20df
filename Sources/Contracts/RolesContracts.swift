/// `roles.login.v1`: checks an email and password and issues an access token and a refresh token.
public enum LoginMethod: RPCMethod {
    public static let name = "roles.login.v1"
    public static let queue = RPCQueue.roles

    public struct Request: Codable, Sendable {
        public var email: String
        /// Never logged.
        public var password: String
        /// Address of the HTTP client, for throttling and the audit log.
        public var sourceAddress: String?
        public init(email: String, password: String, sourceAddress: String? = nil) {
            self.email = email
            self.password = password
            self.sourceAddress = sourceAddress
        }
    }

    public typealias Response = TokenGrant
}

/// Tokens issued by login, refresh and the API-key exchange.
public struct TokenGrant: Codable, Sendable {
    public var accessToken: String
    public var tokenType: String
    /// Lifetime of the access token in seconds.
    public var expiresIn: Int
    /// Opaque, single-use: exchange it for new tokens before it expires. Never logged.
    public var refreshToken: String?
    public init(accessToken: String, tokenType: String = "Bearer", expiresIn: Int, refreshToken: String? = nil) {
        self.accessToken = accessToken
        self.tokenType = tokenType
        self.expiresIn = expiresIn
        self.refreshToken = refreshToken
    }
}

/// `roles.refresh.v1`: rotates a refresh token. A token used twice revokes its whole family.
public enum RefreshMethod: RPCMethod {
    public static let name = "roles.refresh.v1"
    public static let queue = RPCQueue.roles
    public struct Request: Codable, Sendable {
        public var refreshToken: String
        public var sourceAddress: String?
        public init(refreshToken: String, sourceAddress: String? = nil) {
            self.refreshToken = refreshToken
            self.sourceAddress = sourceAddress
        }
    }
    public typealias Response = TokenGrant
}

/// `roles.logout.v1`: revokes the refresh-token family of a login.
public enum LogoutMethod: RPCMethod {
    public static let name = "roles.logout.v1"
    public static let queue = RPCQueue.roles
    public struct Request: Codable, Sendable {
        public var refreshToken: String
        public var context: CallContext
        public init(refreshToken: String, context: CallContext) {
            self.refreshToken = refreshToken
            self.context = context
        }
    }
    public typealias Response = EmptyRequest
}

/// `roles.api-key-token.v1`: exchanges an API key for an access token limited to the key's roles.
public enum APIKeyTokenMethod: RPCMethod {
    public static let name = "roles.api-key-token.v1"
    public static let queue = RPCQueue.roles
    public struct Request: Codable, Sendable {
        public var apiKey: String
        public var sourceAddress: String?
        public init(apiKey: String, sourceAddress: String? = nil) {
            self.apiKey = apiKey
            self.sourceAddress = sourceAddress
        }
    }
    public typealias Response = TokenGrant
}

/// `roles.signing-keys.v1`: the public keys that verify access tokens, by key id.
public enum SigningKeysMethod: RPCMethod {
    public static let name = "roles.signing-keys.v1"
    public static let queue = RPCQueue.roles

    public typealias Request = EmptyRequest

    public struct Response: Codable, Sendable {
        public var keys: [PublicSigningKey]
        public init(keys: [PublicSigningKey]) { self.keys = keys }
    }
}

/// A public Ed25519 key that verifies access tokens signed with the key `kid`.
public struct PublicSigningKey: Codable, Sendable, Equatable {
    public var kid: String
    /// Always `EdDSA` (Ed25519).
    public var algorithm: String
    /// The raw 32-byte public key, base64url without padding (the JWK `x`).
    public var x: String
    public init(kid: String, algorithm: String = "EdDSA", x: String) {
        self.kid = kid
        self.algorithm = algorithm
        self.x = x
    }
}

/// `ping.v1` on either service: proves a consumer is serving the queue.
public struct PingResponse: Codable, Sendable {
    public var service: String
    public var instance: String
    /// Whether the service reached PostgreSQL just now: `ok`, `timeout` or `unavailable`
    /// (workers answer it; nil from a service that does not check).
    public var database: String?
    public init(service: String, instance: String, database: String? = nil) {
        self.service = service
        self.instance = instance
        self.database = database
    }
}

/// `roles.ping.v1`.
public enum RolesPingMethod: RPCMethod {
    public static let name = "roles.ping.v1"
    public static let queue = RPCQueue.roles
    public typealias Request = EmptyRequest
    public typealias Response = PingResponse
}

/// `worker.ping.v1`.
public enum WorkerPingMethod: RPCMethod {
    public static let name = "worker.ping.v1"
    public static let queue = RPCQueue.worker
    public typealias Request = EmptyRequest
    public typealias Response = PingResponse
}
