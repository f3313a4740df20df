import Logging
import ServiceLifecycle
import Store

/// Stops the process when the database lacks migrations this release needs: once PostgreSQL
/// answers, a schema older than `SchemaVersion.required` ends the service group with
/// `SchemaBehind`, instead of failing call after call on a missing column. PostgreSQL being away
/// at start is no reason to stop (the pools wait for it too): the check waits with them.
public struct SchemaCheck: Service {
    let database: Database
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    public func run() async throws {
        let database = self.database, logger = self.logger
        let applied: Int
        do {
            applied = try await cancelWhenGracefulShutdown { try await SchemaVersion.waitUntilCurrent(database, logger: logger) }
        } catch let behind as SchemaBehind {
            logger.critical("\(behind)")
            throw behind
        } catch is CancellationError {
            return  // Stopped before PostgreSQL answered.
        }
        logger.info("schema checked", metadata: ["migration": "\(applied)", "required": "\(SchemaVersion.required)"])
        // Nothing more to do; a service that returned would end the group.
        try? await gracefulShutdown()
    }
}
