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
        return [database.client, connection, RolesRPCService(configuration: configuration, database: database, connection: connection, logger: logger)]
    }

    /// Runs until a termination signal, then stops taking requests, lets the ones in flight
    /// finish, and closes the connections.
    public func run() async throws {
        try await ProcessStart.runUntilSignalled(try services(), logger: logger)
    }
}

/// Loads the signing keys (once the pool runs), then serves `tenantdesk.rpc.roles`.
struct RolesRPCService: Service {
    let configuration: RolesConfiguration
    let database: Database
    let connection: AMQPConnection
    let logger: Logger

    func run() async throws {
        let router = try await makeRouter()
        logger.info("role service ready", metadata: ["queue": "\(RPCQueue.roles)"])
        try await AMQPRPCServer(
            connection: connection, queue: RPCQueue.roles, prefetch: UInt16(configuration.rpcConcurrency), logger: logger
        ) { message in await router.handle(message) }.run()
    }

    private func makeRouter() async throws -> RPCRouter {
        let keys = try await SigningKeyRepository(database: database).activeKeys()
        guard let current = keys.first else { throw SetupError("no signing key could be created") }
        let hasher = PasswordHasher(cost: configuration.bcryptCost)
        let login = LoginService(
            directory: AdminDirectory(database: database), hasher: hasher, decoyHash: try await hasher.decoyHash(),
            signer: await TokenSigner(key: current, lifetime: configuration.accessTokenLifetime), logger: logger)
        let publicKeys = keys.map(\.publicKey)
        let instance = ProcessInfo.processInfo.hostName + ":" + String(ProcessInfo.processInfo.processIdentifier)

        var router = RPCRouter(logger: logger)
        router.on(LoginMethod.self) { request in try await login.login(request) }
        router.on(SigningKeysMethod.self) { _ in SigningKeysMethod.Response(keys: publicKeys) }
        router.on(RolesPingMethod.self) { _ in PingResponse(service: "roles", instance: instance) }
        return router
    }
}

struct SetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
