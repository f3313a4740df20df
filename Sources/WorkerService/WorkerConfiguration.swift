import AMQP
import Settings
import Store

/// Configuration of the worker, from the environment:
/// - `TD_AMQP_URL`, `TD_AMQP_HEARTBEAT`: RabbitMQ.
/// - `TD_DATABASE_URL`: PostgreSQL as the non-owner role `tenantdesk_app`.
/// - `TD_RPC_CONCURRENCY`: RPC requests handled at once (prefetch), 1–256 (default 32).
/// - `TD_HOUSEKEEPING_INTERVAL_SECONDS`: how often expired drafts and idempotency keys are
///   deleted, 10–86400 (default 600).
/// - `TD_ATTACHMENT_MAX_BYTES` (default 25 MiB) and `TD_REQUEST_ATTACHMENTS_MAX_BYTES` (default
///   100 MiB): the size limits of one attachment and of all of a request's attachments.
/// - `TD_LOG_LEVEL`.
public struct WorkerConfiguration: Sendable {
    public var amqp: AMQPConfiguration
    public var database: DatabaseConfiguration
    public var rpcConcurrency: Int
    public var housekeepingInterval: Duration
    public var attachmentLimits: AttachmentLimits

    public init(
        amqp: AMQPConfiguration, database: DatabaseConfiguration, rpcConcurrency: Int = 32,
        housekeepingInterval: Duration = .seconds(600), attachmentLimits: AttachmentLimits = AttachmentLimits()
    ) {
        self.amqp = amqp
        self.database = database
        self.rpcConcurrency = rpcConcurrency
        self.housekeepingInterval = housekeepingInterval
        self.attachmentLimits = attachmentLimits
    }

    public init(environment: Environment) throws(ConfigurationError) {
        let concurrency = try environment.int("TD_RPC_CONCURRENCY", default: 32, in: 1...256)
        self.init(
            amqp: try environment.amqp(connectionName: "tenantdesk-worker"),
            database: try environment.database("TD_DATABASE_URL", default: Defaults.databaseURL, maximumConnections: min(concurrency, 40)),
            rpcConcurrency: concurrency,
            housekeepingInterval: .seconds(try environment.int("TD_HOUSEKEEPING_INTERVAL_SECONDS", default: 600, in: 10...86_400)),
            attachmentLimits: AttachmentLimits(
                perFile: try environment.int("TD_ATTACHMENT_MAX_BYTES", default: 25 << 20, in: 1024...(90 << 20)),
                perRequest: try environment.int("TD_REQUEST_ATTACHMENTS_MAX_BYTES", default: 100 << 20, in: 1024...(1 << 30))))
    }
}
