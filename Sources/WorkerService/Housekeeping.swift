import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Store

/// Deletes drafts past their expiry, idempotency keys older than 24 hours, handled message ids
/// after 7 days, and old e-mails and webhook deliveries, every
/// `interval`, across tenants (`tenantdesk_purge_expired`). Several workers may run it: each
/// deletion is idempotent. A graceful shutdown cancels a purge in progress (it rolls back and
/// is done again later), so a worker whose database is unreachable still stops at once.
struct Housekeeping: Service {
    let database: Database
    let interval: Duration
    let logger: Logger

    func run() async throws {
        try? await Periodic.run(every: interval, logger: logger, label: "housekeeping") {
            let (drafts, keys) = try await purge(at: Date())
            let consumed = try await purgeConsumed(at: Date())
            let deliveries = try await purgeDeliveries(at: Date())
            if drafts + keys + consumed + deliveries > 0 {
                logger.info("housekeeping", metadata: [
                    "drafts": "\(drafts)", "idempotency_keys": "\(keys)", "consumed_message_ids": "\(consumed)",
                    "deliveries": "\(deliveries)",
                ])
            }
        }
    }

    /// Forgets handled message ids older than 7 days; returns how many.
    func purgeConsumed(at date: Date) async throws -> Int {
        let rows = try await database.client.query("SELECT tenantdesk_purge_consumed(\(date))", logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    /// Forgets sent e-mails and succeeded webhook deliveries after 30 days, dead webhook
    /// deliveries after 90; returns how many.
    func purgeDeliveries(at date: Date) async throws -> Int {
        let rows = try await database.client.query("SELECT tenantdesk_purge_deliveries(\(date))", logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    /// Purges what expired before `date`; returns the numbers of drafts and keys deleted.
    func purge(at date: Date) async throws -> (drafts: Int, keys: Int) {
        let rows = try await database.client.query(
            "SELECT drafts, idempotency_keys FROM tenantdesk_purge_expired(\(date))", logger: logger)
        for try await (drafts, keys) in rows.decode((Int, Int).self) { return (drafts, keys) }
        return (0, 0)
    }
}
