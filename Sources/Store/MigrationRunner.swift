import Logging
import PostgresNIO

/// Applies migrations in order, each in its own transaction, recording version, name and
/// checksum in `schema_migrations`.
///
/// - Important: It holds a PostgreSQL advisory lock for the whole run, so several runners
///   started at once (several containers of a deployment) apply each migration exactly once:
///   the others wait, then find it applied. Connect as the schema owner.
public struct MigrationRunner: Sendable {
    /// What a run did.
    public struct Report: Sendable, Equatable {
        /// Versions applied by this run.
        public var applied: [Int]
        /// Versions that were already applied.
        public var alreadyApplied: [Int]
    }

    /// Arbitrary constant naming TenantDesk's migration lock.
    static let lockKey: Int64 = 0x7465_6E61_6E74

    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Applies what is missing. Throws `checksumMismatch` before applying anything when an
    /// applied migration was edited.
    public func migrate(_ migrations: [Migration]) async throws -> Report {
        let logger = database.logger
        return try await database.client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))", logger: logger)
            do {
                let report = try await apply(migrations, on: connection, logger: logger)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                return report
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                throw error
            }
        }
    }

    private func apply(_ migrations: [Migration], on connection: PostgresConnection, logger: Logger) async throws -> Report {
        try await connection.query("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, logger: logger)
        var applied: [Int: (name: String, checksum: String)] = [:]
        for try await (version, name, checksum) in try await connection.query(
            "SELECT version, name, checksum FROM schema_migrations", logger: logger
        ).decode((Int, String, String).self) {
            applied[version] = (name, checksum)
        }
        for migration in migrations {
            if let done = applied[migration.version], done.checksum != migration.checksum {
                throw MigrationError.checksumMismatch(version: migration.version, name: migration.name)
            }
        }
        var report = Report(applied: [], alreadyApplied: [])
        for migration in migrations {
            if applied[migration.version] != nil {
                report.alreadyApplied.append(migration.version)
                continue
            }
            do {
                try await connection.withTransaction(logger: logger) { connection in
                    for statement in SQLScript.statements(in: migration.sql) {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query(
                        "INSERT INTO schema_migrations (version, name, checksum) VALUES (\(migration.version), \(migration.name), \(migration.checksum))",
                        logger: logger)
                }
            } catch let error as PostgresTransactionError {
                let reason = (error.closureError as? PSQLError)?.serverInfo?[.message] ?? "\(error)"
                throw MigrationError.failed(version: migration.version, name: migration.name, reason: reason)
            }
            logger.info("applied migration", metadata: ["migration": "\(migration.version)_\(migration.name)"])
            report.applied.append(migration.version)
        }
        return report
    }
}
