import Contracts
import Foundation
import Logging
import Messaging
import PostgresNIO
import ServiceLifecycle
import Store

/// Sends `delegation.expiring` events 30, 7 and 1 days before a relationship ends (partners most
/// often lose access by not noticing). Each reminder is claimed once in PostgreSQL, whichever
/// copy of the role service runs the job, and its event commits with the claim.
struct ReminderJob: Service {
    let database: Database
    let outbox: Outbox
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let sent = try await tick(now: Date())
                if !sent.isEmpty { logger.info("relationship expiry reminders", metadata: ["count": "\(sent.count)"]) }
            } catch {
                logger.warning("reminder job failed; retrying", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// Claims and announces the reminders due at `now`; returns them.
    @discardableResult
    func tick(now: Date) async throws -> [DelegationEvent] {
        let sent = try await database.withTransaction { connection in
            let rows = try await connection.query("""
                SELECT relationship_id, partner_tenant_id, customer_tenant_id, ends_at, days_before
                FROM tenantdesk_claim_relationship_reminders(\(now))
                """, logger: logger)
            var reminders: [DelegationEvent] = []
            for try await (id, partner, customer, ends, days) in rows.decode((UUID, UUID, UUID, Date, Int).self) {
                reminders.append(DelegationEvent(
                    relationshipID: id.text, partnerTenantID: partner.text, customerTenantID: customer.text, daysBefore: days, endsAt: ends))
            }
            for reminder in reminders {
                try await Outbox.enqueue(RoleEvent.delegationPrefix + "expiring", reminder, on: connection, logger: logger)
            }
            return reminders
        }
        if !sent.isEmpty { outbox.wake() }
        return sent
    }
}
