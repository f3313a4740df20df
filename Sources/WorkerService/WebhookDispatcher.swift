import AsyncHTTPClient
import Contracts
import Domain
import Foundation
import Logging
import Messaging
import NIOCore
import PostgresNIO
import ServiceLifecycle
import Store

/// Delivers due webhook deliveries: up to `concurrency` requests in flight, at most one per
/// webhook, each bounded by the timeout, so a receiver that hangs holds one slot for at most the
/// timeout and never delays the others. A delivery that fails is retried after an exponential
/// wait with jitter, and is dead after the last attempt. The outcome is recorded in PostgreSQL;
/// a worker that dies mid-request leaves a lease that runs out, and the delivery is tried again.
struct WebhookDispatcher: Service {
    let database: Database
    let settings: WebhookSettings
    let signal: WakeSignal
    let logger: Logger

    /// One claimed delivery.
    struct Claim: Sendable {
        var id: UUID
        var tenantID: UUID
        var webhookID: UUID
        var url: String
        var secret: String
        var eventID: String
        var eventType: String
        var payload: String
        var attempts: Int
    }

    /// The result of one attempt.
    struct Outcome: Sendable, Equatable {
        var statusCode: Int?
        var error: String?
        var duration: Duration
        var succeeded: Bool { error == nil }
    }

    func run() async throws {
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: HTTPClient.Configuration(
                redirectConfiguration: .disallow,
                timeout: .init(connect: .nanoseconds(settings.timeout.nanoseconds), read: .nanoseconds(settings.timeout.nanoseconds)),
                decompression: .disabled))
        try? await cancelWhenGracefulShutdown { try await dispatch(with: client) }
        try? await client.shutdown()
    }

    private func dispatch(with client: HTTPClient) async throws {
        let sender = WebhookSender(client: client, settings: settings)
        try await withThrowingTaskGroup(of: Bool.self) { group in
            var inFlight = 0
            group.addTask {
                await signal.wait(upTo: settings.pollInterval)
                return false
            }
            while !Task.isCancelled {
                if inFlight < settings.concurrency {
                    for claim in await claim(limit: settings.concurrency - inFlight) {
                        inFlight += 1
                        group.addTask {
                            let outcome = await sender.send(claim)
                            await record(outcome, of: claim)
                            return true
                        }
                    }
                }
                guard let finished = try await group.next() else { break }
                if finished {
                    inFlight -= 1
                } else {
                    group.addTask {
                        await signal.wait(upTo: settings.pollInterval)
                        return false
                    }
                }
            }
            group.cancelAll()
        }
    }

    /// Claims due deliveries; none while PostgreSQL is unreachable (the next tick tries again).
    private func claim(limit: Int) async -> [Claim] {
        let lease = Int((settings.timeout + .seconds(30)).milliseconds)
        do {
            return try await database.withTransaction { connection in
                let rows = try await connection.query("""
                    SELECT id, tenant_id, webhook_id, url, secret, event_id, event_type, payload, attempts
                    FROM tenantdesk_claim_webhook_deliveries(now(), \(limit)::int, \(lease)::int)
                    """, logger: logger)
                var claims: [Claim] = []
                for try await (id, tenant, webhook, url, secret, event, type, payload, attempts) in rows.decode(
                    (UUID, UUID, UUID, String, String, String, String, String, Int).self
                ) {
                    claims.append(.init(
                        id: id, tenantID: tenant, webhookID: webhook, url: url, secret: secret, eventID: event, eventType: type,
                        payload: payload, attempts: attempts))
                }
                return claims
            }
        } catch {
            if !(error is CancellationError) {
                logger.warning("claiming webhook deliveries failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            return []
        }
    }

    /// Records an attempt's outcome and ends the lease. If PostgreSQL is unreachable the lease
    /// runs out and the delivery is tried again (receivers drop duplicates by event id).
    private func record(_ outcome: Outcome, of claim: Claim) async {
        let dead = !outcome.succeeded && RetryPolicy.isDead(afterAttempts: claim.attempts, maximum: settings.maxAttempts)
        let status = outcome.succeeded ? "succeeded" : (dead ? "dead" : "retrying")
        let wait = RetryPolicy.backoff(
            afterAttempt: claim.attempts, base: settings.retryBase, cap: settings.retryCap, jitter: Double.random(in: 0...1))
        let waitMs = Int(wait.milliseconds)
        let durationMs = Int(outcome.duration.milliseconds)
        do {
            _ = try await database.withTenantTransaction(claim.tenantID) { connection in
                try await connection.query("""
                    UPDATE webhook_deliveries SET status = \(status), leased_until = NULL, last_status_code = \(outcome.statusCode),
                        last_error = \(outcome.error), last_duration_ms = \(durationMs)::int,
                        delivered_at = CASE WHEN \(outcome.succeeded) THEN now() ELSE delivered_at END,
                        next_attempt_at = CASE WHEN \(status) = 'retrying' THEN now() + make_interval(secs => \(waitMs)::int / 1000.0)
                                               ELSE next_attempt_at END
                    WHERE id = \(claim.id)
                    """, logger: logger)
            }
            if dead {
                logger.notice("webhook delivery dead", metadata: [
                    "delivery": "\(claim.id.text)", "webhook": "\(claim.webhookID.text)", "attempts": "\(claim.attempts)",
                    "error": "\(outcome.error ?? "")",
                ])
            }
        } catch {
            logger.warning("recording a webhook delivery failed", metadata: [
                "delivery": "\(claim.id.text)", "error": "\(String(reflecting: error))",
            ])
        }
        // A retry, or the next delivery of this webhook, may be due now.
        signal.wake()
    }
}
