import AMQP
import Contracts
import Foundation
import Logging
import Messaging
import PostgresNIO
import ServiceLifecycle
import Store
import Tokens
import Settings

/// The role/permission service: serves its RPC queue until SIGTERM/SIGINT.
public struct RoleServiceApp: Sendable {
    let configuration: RolesConfiguration
    let logger: Logger

    public init(configuration: RolesConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// The long-running pieces, in start order; shutdown runs in reverse (RPC first, pool last).
    public func services() throws -> [any Service] {
        let database = Database(configuration: configuration.database, logger: logger)
        let connection = try AMQPConnection(configuration: configuration.amqp, topology: TenantDeskTopology.roles, logger: logger)
        let outbox = Outbox()
        let facts = FactsCache(database: database, logger: logger)
        return [
            database.client, connection, facts,
            OutboxPublisher(outbox: outbox, database: database, connection: connection, logger: logger),
            ReminderJob(database: database, outbox: outbox, interval: configuration.reminderInterval, logger: logger),
            CredentialSweep(database: database, interval: .seconds(3600), logger: logger),
            RolesRPCService(
                configuration: configuration, database: database, connection: connection, outbox: outbox, facts: facts, logger: logger),
        ]
    }

    /// Runs until a termination signal, then stops taking requests, lets the ones in flight
    /// finish, and closes the connections.
    public func run() async throws {
        guard try await SchemaCheck.beforeStart(configuration.database, logger: logger) else { return }
        try await ProcessStart.runUntilSignalled(try services(), logger: logger)
    }
}

/// Loads the signing keys (once the pool runs), then serves `tenantdesk.rpc.roles`.
struct RolesRPCService: Service {
    let configuration: RolesConfiguration
    let database: Database
    let connection: AMQPConnection
    let outbox: Outbox
    let facts: FactsCache
    let logger: Logger

    func run() async throws {
        let repository = SigningKeyRepository(database: database)
        let signer = try await CurrentSigner(
            keys: try await repository.activeKeysWithCreation(), lifetime: configuration.accessTokenLifetime,
            grace: configuration.signingKeyGrace)
        let router = try await makeRouter(signer: signer)
        logger.info("role service ready", metadata: ["queue": "\(RPCQueue.roles)"])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await signer.reloadLoop(repository, interval: configuration.signingKeyReloadInterval, logger: logger) }
            try await AMQPRPCServer(
                connection: connection, queue: RPCQueue.roles, prefetch: UInt16(configuration.rpcConcurrency), logger: logger,
                // A decision from facts in memory is answered on the connection thread as it arrives.
                inline: { router.handleInline($0) }
            ) { message in
                // Everything else waits on PostgreSQL or bcrypt: run it on the global pool, not on
                // the connection thread that also moves every frame.
                await withTaskExecutorPreference(globalConcurrentExecutor) { await router.handle(message) }
            }.run()
            group.cancelAll()
        }
    }

    private func makeRouter(signer: CurrentSigner) async throws -> RPCRouter {
        let hasher = PasswordHasher(cost: configuration.bcryptCost)
        let directory = AdminDirectory(database: database)
        let refreshTokens = RefreshTokens(database: database, lifetime: configuration.refreshTokenLifetime, logger: logger)
        let login = LoginService(
            directory: directory, hasher: hasher, signer: signer, decoyHash: try await hasher.decoyHash(),
            throttle: LoginThrottle(database: database, limits: configuration.loginLimits), refreshTokens: refreshTokens, logger: logger)
        let authorizer = Authorizer(database: database, cache: facts)
        let store = RoleStore(database: database, authorizer: authorizer, outbox: outbox, hasher: hasher, logger: logger)
        let admins = AdminService(store: store)
        let tenants = TenantService(store: store, admins: admins)
        let apiKeys = APIKeyService(store: store, directory: directory, signer: signer)
        let relationships = RelationshipService(store: store)
        let audit = AuditService(store: store)
        let reachable = ReachableTenants(store: store)
        let instance = ProcessInfo.processInfo.hostName + ":" + String(ProcessInfo.processInfo.processIdentifier)

        var router = RPCRouter(logger: logger)
        router.on(LoginMethod.self) { try await login.login($0) }
        router.on(RefreshMethod.self) { try await login.refresh($0) }
        router.on(LogoutMethod.self) { try await login.logout($0) }
        router.on(APIKeyTokenMethod.self) { try await apiKeys.token($0) }
        let keys = SigningKeyRepository(database: database)
        router.on(SigningKeysMethod.self) { [logger] _ in SigningKeysMethod.Response(keys: await signer.currentPublicKeys(keys, logger: logger)) }
        router.on(RolesPingMethod.self) { _ in PingResponse(service: "roles", instance: instance) }
        router.on(AuthorizeMethod.self) { try await authorizer.decideWithExpiry($0) }
        router.onInline(AuthorizeMethod.self) { authorizer.cachedDecision($0) }
        router.on(AuthorizeV1Method.self) { .init(try await authorizer.decideWithExpiry($0)) }
        router.onInline(AuthorizeV1Method.self) { authorizer.cachedDecision($0).map(AuthorizeV1Method.Response.init) }
        router.on(ReachableTenantsMethod.self) { try await reachable.list($0) }
        router.on(ListTenantsMethod.self) { try await tenants.list($0) }
        router.on(GetTenantMethod.self) { try await tenants.get($0) }
        router.on(CreateTenantMethod.self) { try await tenants.create($0) }
        router.on(UpdateTenantMethod.self) { try await tenants.update($0) }
        router.on(ListAdminsMethod.self) { try await admins.list($0) }
        router.on(CreateAdminMethod.self) { try await admins.create($0) }
        router.on(UpdateAdminMethod.self) { try await admins.update($0) }
        router.on(ListAPIKeysMethod.self) { try await apiKeys.list($0) }
        router.on(CreateAPIKeyMethod.self) { try await apiKeys.create($0) }
        router.on(RevokeAPIKeyMethod.self) { try await apiKeys.revoke($0) }
        router.on(ListRelationshipsMethod.self) { try await relationships.list($0) }
        router.on(RequestRelationshipMethod.self) { try await relationships.request($0) }
        router.on(TransitionRelationshipsMethod.self) { try await relationships.transition($0) }
        router.on(AssignRelationshipMethod.self) { try await relationships.assign($0) }
        router.on(ListAuditEventsMethod.self) { try await audit.list($0) }
        return router
    }
}

struct SetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
