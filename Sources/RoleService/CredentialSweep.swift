import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Store

/// Every hour, deletes refresh tokens a day past their expiry and login-throttle rows whose
/// window and lock are over (`tenantdesk_purge_credentials`). Any number of role services may
/// run it at once.
struct CredentialSweep: Service {
    let database: Database
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let (tokens, throttles) = try await purge(at: Date())
                if tokens + throttles > 0 {
                    logger.info("credential sweep", metadata: ["refresh_tokens": "\(tokens)", "throttle_rows": "\(throttles)"])
                }
            } catch {
                logger.warning("credential sweep failed; retrying", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// Deletes what `at` makes useless; returns the numbers of refresh tokens and throttle rows.
    func purge(at date: Date) async throws -> (Int, Int) {
        let rows = try await database.client.query(
            "SELECT refresh_tokens, throttle_rows FROM tenantdesk_purge_credentials(\(date))", logger: logger)
        for try await (tokens, throttles) in rows.decode((Int, Int).self) { return (tokens, throttles) }
        return (0, 0)
    }
}
