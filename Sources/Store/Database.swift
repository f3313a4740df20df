import Foundation
import Logging
import PostgresNIO

/// A pooled PostgreSQL client plus the helpers every repository uses.
public struct Database: Sendable {
    /// The pool. Run it (`client.run()`) for as long as it is used.
    public let client: PostgresClient
    public let logger: Logger
    /// The event loops of the pool's connections.
    private let eventLoopGroup: any EventLoopGroup

    public init(configuration: DatabaseConfiguration, logger: Logger) {
        eventLoopGroup = PostgresClient.defaultEventLoopGroup
        self.client = PostgresClient(
            configuration: configuration.clientConfiguration, eventLoopGroup: eventLoopGroup, backgroundLogger: logger)
        self.logger = logger
    }

    /// Runs `body` with a running pool, then shuts the pool down (for commands and tests).
    @discardableResult
    public static func with<Result: Sendable>(
        _ configuration: DatabaseConfiguration, logger: Logger,
        _ body: @Sendable (Database) async throws -> Result
    ) async throws -> Result {
        let database = Database(configuration: configuration, logger: logger)
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                await database.client.run()
                return nil
            }
            defer { group.cancelAll() }
            try await database.waitUntilReachable(timeout: .seconds(10))
            return try await body(database)
        }
    }

    /// Runs `SELECT 1`, failing with `DatabaseUnreachable` after `timeout` instead of letting the
    /// pool retry forever (commands should fail fast on a wrong URL or a stopped server).
    public func waitUntilReachable(timeout: Duration) async throws {
        let client = self.client
        let answered = try await withinDeadline(timeout) {
            try await client.query("SELECT 1")
            return true
        }
        guard answered == true else { throw DatabaseUnreachable(timeout: timeout) }
    }

    /// Whether `SELECT 1` comes back within `timeout`: `ok`, `timeout` (PostgreSQL away, or
    /// every pooled connection busy for that long), or `unavailable` (it failed).
    public func health(timeout: Duration) async -> String {
        do {
            try await waitUntilReachable(timeout: timeout)
            return "ok"
        } catch is DatabaseUnreachable {
            return "timeout"
        } catch {
            return "unavailable"
        }
    }

    /// Runs `body` in a transaction bound to `tenantID`: row-level security then shows and
    /// accepts only that tenant's rows.
    ///
    /// - Important: The binding is `set_config(..., true)`, local to the transaction, so a pooled
    ///   connection never carries one tenant's binding to the next user.
    public func withTenantTransaction<Result: Sendable>(
        _ tenantID: UUID, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await Self.unwrapping {
            try await transaction { connection in
                _ = try await connection.execute(
                    TenantBinding(tenantID, supportAudience: false, readTenants: [], supportScope: false), logger: logger)
                return try await body(connection)
            }
        }
    }

    /// Runs `body` in a transaction on a pooled connection, on the connection's event loop
    /// (`EventLoopTaskExecutor`): the statements and the code between them run without a thread
    /// hop per statement. Bodies must not block.
    func transaction<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        let logger = self.logger
        return try await onEventLoop { connection in
            try await connection.withTransaction(logger: logger) { connection in
                try await body(connection)
            }
        }
    }

    /// An executor on one of the pool's event loops (the next, in turn): work that will run a
    /// transaction can start there, and stays there when its connection belongs to that loop.
    /// What runs on it must not block.
    public func eventLoopExecutor() -> EventLoopTaskExecutor {
        EventLoopTaskExecutor(eventLoopGroup.next())
    }

    /// Runs `body` with a pooled connection, on that connection's event loop.
    private func onEventLoop<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await client.withConnection { connection in
            try await withTaskExecutorPreference(EventLoopTaskExecutor(connection.eventLoop)) {
                try await body(connection)
            }
        }
    }

    /// Rethrows the body's own error when a transaction rolled back cleanly because of it, so
    /// callers see their error (a domain problem), not a transaction wrapper.
    static func unwrapping<Result>(_ transaction: () async throws -> Result) async throws -> Result {
        do {
            return try await transaction()
        } catch let error as PostgresTransactionError {
            if let cause = error.closureError, error.rollbackError == nil { throw cause }
            throw error
        }
    }

    /// Runs `body` in a transaction bound to `tenantID` for the support organisation when
    /// `supportAudience` (then internal notes are visible and writable), and able to read the
    /// service requests of `readTenants` too (a partner's list across its customers).
    /// With `supportScope`, the transaction also reads every customer's requests (the support
    /// queues); only for a caller allowed `support.work` in the vendor tenant.
    public func withTenantTransaction<Result: Sendable>(
        _ tenantID: UUID, supportAudience: Bool, readTenants: [UUID] = [], supportScope: Bool = false,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await Self.unwrapping {
            try await transaction { connection in
                _ = try await connection.execute(
                    TenantBinding(tenantID, supportAudience: supportAudience, readTenants: readTenants, supportScope: supportScope),
                    logger: logger)
                return try await body(connection)
            }
        }
    }

    /// Runs `body`, which only reads, in a `READ ONLY` transaction bound as `withTenantTransaction`
    /// binds it, and returns as soon as the body has: the COMMIT is sent then but not waited for.
    /// A transaction that wrote nothing has nothing to lose if it never commits, and the
    /// connection goes back to the pool with the COMMIT queued on it, so the next user's
    /// statements run after it. This takes a round trip off the answer of every read. A body
    /// that writes fails (`READ ONLY`); one that throws is rolled back, and waited for, as usual.
    public func withReadOnlyTenantTransaction<Result: Sendable>(
        _ tenantID: UUID, supportAudience: Bool, readTenants: [UUID] = [], supportScope: Bool = false,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let logger = self.logger
        let binding = TenantBinding(tenantID, supportAudience: supportAudience, readTenants: readTenants, supportScope: supportScope)
        return try await onEventLoop { connection in
            try await connection.query("BEGIN READ ONLY", logger: logger)
            let result: Result
            do {
                _ = try await connection.execute(binding, logger: logger)
                result = try await body(connection)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
            connection.query("COMMIT", logger: logger).whenFailure { error in
                logger.debug("COMMIT of a read-only transaction failed", metadata: ["error": "\(error)"])
            }
            return result
        }
    }

    /// Binds `tenantID` for the rest of the current transaction (a transaction that records a
    /// change in two tenants, such as a partner relationship, binds each in turn).
    public func bind(_ tenantID: UUID, on connection: PostgresConnection) async throws {
        try await connection.query(
            "SELECT set_config('tenantdesk.tenant_id', \(tenantID.uuidString.lowercased()), true)", logger: logger)
    }

    /// Binds `tenantID` with the support audience for the rest of the current transaction (with
    /// the prepared `TenantBinding`): the workers' consumers and monitors act on one customer's
    /// request at a time this way.
    public func bindForSupport(_ tenantID: UUID, on connection: PostgresConnection) async throws {
        _ = try await connection.execute(
            TenantBinding(tenantID, supportAudience: true, readTenants: [], supportScope: false), logger: logger)
    }

    /// Runs `body` in a transaction that sees every tenant row (`tenantdesk.platform`): only for
    /// a platform operator's tenant list, after the decision allowed `tenant.manage`.
    public func withPlatformTransaction<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await Self.unwrapping {
            try await transaction { connection in
                try await connection.query("SELECT set_config('tenantdesk.platform', 'on', true)", logger: logger)
                return try await body(connection)
            }
        }
    }

    /// Runs `body` in a transaction with no tenant bound: only tables without tenant rows are visible.
    public func withTransaction<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await Self.unwrapping {
            try await transaction { connection in
                try await body(connection)
            }
        }
    }
}

/// PostgreSQL did not answer in time.
public struct DatabaseUnreachable: Error, CustomStringConvertible {
    public var timeout: Duration
    public var description: String { "PostgreSQL did not answer within \(timeout): check the URL and that the server runs" }
}
