import Logging
import PostgresNIO

/// The migrations a release's services rely on, and what a database has applied.
public enum SchemaVersion {
    /// The newest migration this release's services need. A test keeps it equal to the newest
    /// file in `sql/`.
    public static let required = 31

    /// The newest migration applied, as the services' role reads it; nil when the table cannot be
    /// read, which means a schema older than migration 31 (the one that lets the services read it).
    public static func applied(_ database: Database, timeout: Duration = .seconds(5)) async throws -> Int? {
        let client = database.client
        let logger = database.logger
        let answer: Int?? = try await withinDeadline(timeout) { () async throws -> Int? in
            do {
                let rows = try await client.query("SELECT max(version) FROM schema_migrations", logger: logger)
                for try await version in rows.decode(Int?.self) { return version ?? 0 }
                return 0
            } catch let error as PSQLError {
                // Not readable (42501) or not there (42P01): older than the migration that grants it.
                guard let state = error.serverInfo?[.sqlState], ["42501", "42P01"].contains(state) else { throw error }
                return nil
            }
        }
        guard let answer else { throw DatabaseUnreachable(timeout: timeout) }
        return answer
    }

    /// Waits until PostgreSQL answers (trying again every `retry`, logging why), then throws
    /// `SchemaBehind` when the schema is older than `required`; returns the applied version
    /// otherwise. A newer schema is fine: migrations of the next release come before its services.
    public static func waitUntilCurrent(
        _ database: Database, required: Int = required, retry: Duration = .seconds(2), logger: Logger
    ) async throws -> Int {
        while true {
            let applied: Int?
            do {
                applied = try await Self.applied(database)
            } catch {
                logger.warning("cannot read the schema version yet, trying again", metadata: ["error": "\(String(reflecting: error))"])
                try await Task.sleep(for: retry)
                continue
            }
            guard let applied, applied >= required else { throw SchemaBehind(applied: applied, required: required) }
            return applied
        }
    }
}

/// The database lacks migrations this release needs.
public struct SchemaBehind: Error, CustomStringConvertible, Equatable {
    /// The newest applied migration; nil when older than 31.
    public var applied: Int?
    public var required: Int

    public init(applied: Int?, required: Int) {
        self.applied = applied
        self.required = required
    }

    public var description: String {
        let found = applied.map { "is at migration \($0)" } ?? "is older than migration 31"
        return "the database schema \(found), and this release needs migration \(required): "
            + "apply the migrations first (tenantdesk-admin migrate), then start the services"
    }
}
