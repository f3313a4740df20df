import Logging
import ServiceLifecycle

/// A job run every `interval` until a graceful shutdown, which cancels a run in progress.
enum Periodic {
    static func run(
        every interval: Duration, logger: Logger, label: String, _ job: @escaping @Sendable () async throws -> Void
    ) async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await job()
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("\(label) failed; retrying", metadata: ["error": "\(String(reflecting: error))"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
