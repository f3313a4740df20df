import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Store

/// Deletes drafts past their expiry and idempotency keys older than 24 hours, every
/// `interval`, across tenants (`tenantdesk_purge_expired`). Several workers may run it: each
/// deletion is idempotent. A graceful shutdown cancels a purge in progress (it rolls back and
/// is done again later), so a worker whose database is unreachable still stops at once.
struct Housekeeping: Service {
    let database: Database
    let interval: Duration
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let (drafts, keys) = try await purge(at: Date())
                    if drafts + keys > 0 {
                        logger.info("housekeeping", metadata: ["drafts": "\(drafts)", "idempotency_keys": "\(keys)"])
                    }
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("housekeeping failed; retrying", metadata: ["error": "\(String(reflecting: error))"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }

    /// Purges what expired before `date`; returns the numbers of drafts and keys deleted.
    func purge(at date: Date) async throws -> (drafts: Int, keys: Int) {
        let rows = try await database.client.query(
            "SELECT drafts, idempotency_keys FROM tenantdesk_purge_expired(\(date))", logger: logger)
        for try await (drafts, keys) in rows.decode((Int, Int).self) { return (drafts, keys) }
        return (0, 0)
    }
}
