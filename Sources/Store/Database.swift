import Foundation
import Logging
import PostgresNIO

/// A pooled PostgreSQL client plus the helpers every repository uses.
public struct Database: Sendable {
    /// The pool. Run it (`client.run()`) for as long as it is used.
    public let client: PostgresClient
    public let logger: Logger

    public init(configuration: DatabaseConfiguration, logger: Logger) {
        self.client = PostgresClient(configuration: configuration.clientConfiguration, backgroundLogger: logger)
        self.logger = logger
    }

    /// Runs `body` with a running pool, then shuts the pool down (for commands and tests).
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
            return try await body(database)
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
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query(
                "SELECT set_config('tenantdesk.tenant_id', \(tenantID.uuidString.lowercased()), true)", logger: logger)
            return try await body(connection)
        }
    }

    /// Runs `body` in a transaction with no tenant bound: only tables without tenant rows are visible.
    public func withTransaction<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await client.withTransaction(logger: logger) { connection in
            try await body(connection)
        }
    }
}
