import Domain
import AMQP
import Settings

/// Configuration of the API gateway, from the environment:
/// - `TD_HTTP_HOST` (default 127.0.0.1), `TD_HTTP_PORT` (default 8080): where to listen.
/// - `TD_MAX_BODY_BYTES`: largest accepted request body, 1 KiB–100 MiB (default 1 MiB).
/// - `TD_ATTACHMENT_MAX_BYTES`: largest attachment upload, 1 KiB–90 MiB (default 25 MiB; base64 in an
///   RPC message, it must stay under RabbitMQ's 128 MiB message limit).
/// - `TD_RPC_TIMEOUT_MS`: deadline of each call to a service, 100–60000 (default 5000).
/// - `TD_AUTHZ_CACHE_MS`: how long an authorization decision is reused, 0–60000 (default 10000;
///   0 disables the cache). Changes invalidate it sooner, through events.
/// - `TD_AMQP_URL`, `TD_AMQP_HEARTBEAT`: RabbitMQ. The gateway holds no database credentials.
/// - `TD_TRUSTED_PROXIES`: comma-separated addresses or CIDR ranges of reverse proxies whose
///   `X-Forwarded-For` names the client (default none: the TCP peer is the client).
/// - `TD_LOG_LEVEL`.
public struct GatewayConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var maxBodyBytes: Int
    public var rpcTimeout: Duration
    public var readinessTimeout: Duration
    public var amqp: AMQPConfiguration
    public var authorizationCacheTTL: Duration = .seconds(10)
    public var attachmentMaxBytes: Int = 25 << 20
    /// Reverse proxies whose `X-Forwarded-For` is believed (`TD_TRUSTED_PROXIES`); empty: the
    /// TCP peer is the client.
    public var trustedProxies: [ClientAddress.Range] = []

    public init(
        host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 1 << 20,
        rpcTimeout: Duration = .seconds(5), readinessTimeout: Duration = .seconds(1), amqp: AMQPConfiguration
    ) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.rpcTimeout = rpcTimeout
        self.readinessTimeout = readinessTimeout
        self.amqp = amqp
    }

    public init(environment: Environment) throws(ConfigurationError) {
        self.init(
            host: environment.string("TD_HTTP_HOST", default: "127.0.0.1"),
            port: try environment.int("TD_HTTP_PORT", default: 8080, in: 1...65535),
            maxBodyBytes: try environment.int("TD_MAX_BODY_BYTES", default: 1 << 20, in: 1024...(100 << 20)),
            rpcTimeout: .milliseconds(try environment.int("TD_RPC_TIMEOUT_MS", default: 5000, in: 100...60000)),
            amqp: try environment.amqp(connectionName: "tenantdesk-gateway"))
        authorizationCacheTTL = .milliseconds(try environment.int("TD_AUTHZ_CACHE_MS", default: 10_000, in: 0...60_000))
        attachmentMaxBytes = try environment.int("TD_ATTACHMENT_MAX_BYTES", default: 25 << 20, in: 1024...(90 << 20))
        switch ClientAddress.ranges(environment.string("TD_TRUSTED_PROXIES", default: "")) {
        case .success(let ranges): trustedProxies = ranges
        case .failure(let malformed):
            throw ConfigurationError(key: "TD_TRUSTED_PROXIES", problem: "has \"\(malformed.entry)\", not an address or CIDR range (e.g. 10.0.0.0/8, ::1)")
        }
    }
}
