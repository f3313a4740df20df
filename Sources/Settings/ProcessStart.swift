import Domain
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Start-up helpers shared by the executables.
public enum ProcessStart {
    /// Builds the configuration or prints the one-line reason and exits with status 2.
    public static func configuration<C>(_ program: String, _ make: () throws -> C) -> C {
        do {
            return try make()
        } catch {
            FileHandle.standardError.write(Data("\(program): \(error)\n".utf8))
            exit(2)
        }
    }

    /// Logs to standard error at `level`; a line logged while a client request is handled names
    /// it (`request_id`, see `requestMetadata`).
    public static func bootstrapLogging(level: Logger.Level) {
        LoggingSystem.bootstrap({ label, provider in
            var handler = StreamLogHandler.standardError(label: label, metadataProvider: provider)
            handler.logLevel = level
            return handler
        }, metadataProvider: requestMetadata)
    }

    /// Adds `request_id` (`RequestTrace.requestID`) to every line logged while it is set.
    public static let requestMetadata = Logger.MetadataProvider {
        guard let id = RequestTrace.requestID else { return [:] }
        return ["request_id": .string(id)]
    }

    /// Runs `services` (in start order) until SIGTERM or SIGINT, then shuts them down in
    /// reverse order: intake stops first, connections close last.
    public static func runUntilSignalled(_ services: [any Service], logger: Logger) async throws {
        let group = ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }
}
