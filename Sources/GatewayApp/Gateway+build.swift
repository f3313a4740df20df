import AMQP
import Hummingbird
import Logging
import Messaging
import OpenAPIHummingbird
import OpenAPIRuntime
import ServiceLifecycle

/// The API gateway: HTTP in front, RabbitMQ behind.
public struct Gateway: Sendable {
    let configuration: GatewayConfiguration
    let logger: Logger

    public init(configuration: GatewayConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// The application with its services (the RabbitMQ connection and the key ring) attached:
    /// they start with the server and stop after it on graceful shutdown.
    public func buildApplication() throws -> some ApplicationProtocol {
        let eventQueue = "tenantdesk.gateway.authz." + String(UInt64.random(in: .min ... .max), radix: 36)
        var topology = TenantDeskTopology.gateway
        topology.merge(AuthorizationCache.topology(queue: eventQueue))
        let connection = try AMQPConnection(configuration: configuration.amqp, topology: topology, logger: logger)
        let rpc = RPCClient(connection: connection, timeout: configuration.rpcTimeout)
        let keyRing = KeyRing(rpc: rpc, logger: logger)
        let decisions = AuthorizationCache(
            rpc: rpc, connection: connection, ttl: configuration.authorizationCacheTTL, queue: eventQueue, logger: logger,
            keysChanged: { await keyRing.refresh() })
        let router = try buildRouter(connection: connection, rpc: rpc, keyRing: keyRing, decisions: decisions)
        var app = Application(
            router: router,
            server: .http1OnEventLoop(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "TenantDesk"),
            logger: logger)
        app.addServices(connection, keyRing, decisions)
        return app
    }

    func buildRouter(
        connection: AMQPConnection, rpc: RPCClient, keyRing: KeyRing, decisions: AuthorizationCache
    ) throws -> Router<GatewayRequestContext> {
        let router = Router(context: GatewayRequestContext.self)
        router.middlewares.add(ProblemMiddleware(logger: logger, trustedProxies: configuration.trustedProxies))
        // Credentials first: nobody without a valid token gets a body read, attachments included.
        router.middlewares.add(AuthenticationMiddleware(keyRing: keyRing))
        router.middlewares.add(RequestLimitsMiddleware(
            maxBodyBytes: configuration.maxBodyBytes, attachmentMaxBytes: configuration.attachmentMaxBytes))
        router.middlewares.add(ResponseHeaderMiddleware())
        let readiness = ReadinessCheck(connection: connection, rpc: rpc, keyRing: keyRing, timeout: configuration.readinessTimeout)
        try APIHandler(
            rpc: rpc, readiness: readiness, decisions: decisions, attachmentMaxBytes: configuration.attachmentMaxBytes
        ).registerHandlers(on: router, configuration: Self.openAPIConfiguration, middlewares: [PassThroughJSON()])
        return router
    }

    /// Compact JSON (sorted keys, so the same answer is the same bytes) and the API's own dates.
    static let openAPIConfiguration = Configuration(dateTranscoder: InternetDateTranscoder(), jsonEncodingOptions: [.sortedKeys])
}
