/// `roles.login.v1`: checks an email and password and issues an access token.
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

    public struct Response: Codable, Sendable {
        public var accessToken: String
        public var tokenType: String
        /// Lifetime of the token in seconds.
        public var expiresIn: Int
        public init(accessToken: String, tokenType: String = "Bearer", expiresIn: Int) {
            self.accessToken = accessToken
            self.tokenType = tokenType
            self.expiresIn = expiresIn
        }
    }
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
    public init(service: String, instance: String) {
        self.service = service
        self.instance = instance
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
