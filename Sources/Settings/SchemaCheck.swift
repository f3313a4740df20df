import Foundation
import Logging
import ServiceLifecycle
import Store
import Synchronization
import UnixSignals

/// Before a process that uses PostgreSQL starts its services: waits for PostgreSQL (as the pools
/// would, logging why it waits) and reads the newest applied migration. A schema older than
/// `SchemaVersion.required` stops the process with status 1 and a critical line naming the
/// command to run, before any consumer or RPC server takes a message it could not handle.
public enum SchemaCheck {
    /// True when the schema has what this release needs; false when SIGTERM or SIGINT came
    /// first. Runs its own small pool, shut down before returning.
    public static func beforeStart(_ configuration: DatabaseConfiguration, logger: Logger) async throws -> Bool {
        var small = configuration
        small.maximumConnections = 1
        small.minimumConnections = 0
        let database = Database(configuration: small, logger: logger)
        let gate = Gate(database: database, logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: [
                .init(service: database.client),
                .init(service: gate, successTerminationBehavior: .gracefullyShutdownGroup,
                      failureTerminationBehavior: .gracefullyShutdownGroup),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        do {
            try await group.run()
        } catch let behind as SchemaBehind {
            logger.critical("\(behind)")
            exit(1)
        }
        return gate.passed.withLock { $0 }
    }

    private final class Gate: Service, Sendable {
        let database: Database
        let logger: Logger
        let passed = Mutex(false)

        init(database: Database, logger: Logger) {
            self.database = database
            self.logger = logger
        }

        func run() async throws {
            let database = self.database, logger = self.logger
            let applied: Int
            do {
                applied = try await cancelWhenGracefulShutdown { try await SchemaVersion.waitUntilCurrent(database, logger: logger) }
            } catch is CancellationError {
                return  // Stopped before PostgreSQL answered.
            }
            logger.info("schema checked", metadata: ["migration": "\(applied)", "required": "\(SchemaVersion.required)"])
            passed.withLock { $0 = true }
        }
    }
}
