import Contracts
import Domain
import Foundation
import Logging
import Messaging
import PostgresNIO
import ServiceLifecycle
import Store

/// Sends queued notification e-mails through the SMTP server, in batches of up to 20 per
/// session. A message the server defers (4xx, or no connection) is retried with a doubling
/// wait; one it refuses (5xx), or that failed every attempt, is dead. Several copies may run:
/// messages are claimed with a lease.
struct MailSender: Service {
    let database: Database
    let settings: SMTPSettings
    let signal: WakeSignal
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let sent = await round()
                if sent < 20 { await signal.wait(upTo: settings.pollInterval) }
            }
        }
    }

    /// Claims, sends and records one batch; returns its size.
    func round() async -> Int {
        let claims: [(id: UUID, tenant: UUID, to: String, subject: String, body: String, attempts: Int)]
        do {
            let lease = Int((settings.timeout + .seconds(30)).milliseconds)
            claims = try await database.withTransaction { connection in
                try await connection.query("""
                    SELECT id, tenant_id, to_address, subject, body, attempts FROM tenantdesk_claim_email_messages(now(), 20, \(lease)::int)
                    """, logger: logger).collect().map { row in
                    let (id, tenant, to, subject, body, attempts) = try row.decode((UUID, UUID, String, String, String, Int).self)
                    return (id, tenant, to, subject, body, attempts)
                }
            }
        } catch {
            if !(error is CancellationError) {
                logger.warning("claiming e-mails failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            return 0
        }
        guard !claims.isEmpty else { return 0 }
        let host = settings.envelopeFrom.split(separator: "@").last.map(String.init) ?? "tenantdesk"
        var mails: [OutgoingMail] = []
        var sendable: [Int] = []
        var results: [Result<Void, SMTPClient.Failure>] = Array(repeating: .failure(.permanent("unused")), count: claims.count)
        for (index, claim) in claims.enumerated() {
            guard let data = MailFormat.message(
                from: settings.from, to: claim.to, subject: claim.subject, body: claim.body, date: Date(),
                messageID: "\(claim.id.text)@\(host)")
            else {
                results[index] = .failure(.permanent("the address \(claim.to) cannot be written in a message"))
                continue
            }
            mails.append(OutgoingMail(to: claim.to, data: data))
            sendable.append(index)
        }
        if !mails.isEmpty {
            for (index, result) in zip(sendable, await SMTPClient(settings: settings).send(mails)) { results[index] = result }
        }
        for (claim, result) in zip(claims, results) {
            await record(claim.id, tenant: claim.tenant, attempts: claim.attempts, result)
        }
        return claims.count
    }

    private func record(_ id: UUID, tenant: UUID, attempts: Int, _ result: Result<Void, SMTPClient.Failure>) async {
        var status = "sent"
        var error: String?
        if case .failure(let failure) = result {
            error = String(failure.description.prefix(500))
            if case .permanent = failure { status = "dead" } else {
                status = RetryPolicy.isDead(afterAttempts: attempts, maximum: settings.maxAttempts) ? "dead" : "retrying"
            }
        }
        let wait = RetryPolicy.backoff(afterAttempt: attempts, base: settings.retryBase, cap: .seconds(6 * 3600), jitter: .random(in: 0...1))
        do {
            _ = try await database.withTenantTransaction(tenant) { connection in
                try await connection.query("""
                    UPDATE email_messages SET status = \(status), leased_until = NULL, last_error = \(error),
                        sent_at = CASE WHEN \(status) = 'sent' THEN now() ELSE sent_at END,
                        next_attempt_at = CASE WHEN \(status) = 'retrying'
                                               THEN now() + make_interval(secs => \(Int(wait.milliseconds))::int / 1000.0)
                                               ELSE next_attempt_at END
                    WHERE id = \(id)
                    """, logger: logger)
            }
            if status == "dead" { logger.notice("e-mail given up", metadata: ["email": "\(id.text)", "error": "\(error ?? "")"]) }
        } catch {
            logger.warning("recording an e-mail failed", metadata: ["email": "\(id.text)", "error": "\(String(reflecting: error))"])
        }
    }
}
