import Crypto
import Foundation
import Logging
import PostgresNIO
import Store

/// Slows password guessing: after `accountLimit` failures for one email within the window the
/// account is locked for a minute, doubling with each further failure (at most the window);
/// after `addressLimit` failures from one source address, that address is locked for the window.
/// Locked logins answer 429 with `Retry-After` without checking the password. Unknown emails
/// count like known ones, so the answer reveals nothing. State is in PostgreSQL, shared by
/// every copy of the role service.
struct LoginThrottle: Sendable {
    struct Limits: Sendable {
        var accountLimit = 5
        var addressLimit = 50
        var window: Duration = .seconds(900)
        var firstLock: Duration = .seconds(60)
    }

    let database: Database
    let limits: Limits

    static func accountKey(_ email: String) -> Data { Data(SHA256.hash(data: Data("account:\(email)".utf8))) }
    static func addressKey(_ address: String) -> Data { Data(SHA256.hash(data: Data("address:\(address)".utf8))) }

    /// Seconds until both the account and the address are unlocked, or `nil` when neither is locked.
    func retryAfter(account: Data, address: Data?) async throws -> Int? {
        let rows = try await database.client.query("""
            SELECT ceil(extract(epoch FROM max(locked_until) - now()))::int FROM login_throttle
            WHERE key_hash IN (\(account), \(address ?? account)) AND locked_until > now()
            """, logger: database.logger)
        for try await seconds in rows.decode(Int?.self) { return seconds.map { max(1, $0) } }
        return nil
    }

    /// Counts a failure for the account and the address; locks them past their limits.
    func recordFailure(account: Data, address: Data?) async throws {
        try await fail(account, limit: limits.accountLimit, growing: true)
        if let address { try await fail(address, limit: limits.addressLimit, growing: false) }
    }

    /// A successful login clears the account's failures (not the address's).
    func recordSuccess(account: Data) async throws {
        try await database.client.query("DELETE FROM login_throttle WHERE key_hash = \(account)", logger: database.logger)
    }

    private func fail(_ key: Data, limit: Int, growing: Bool) async throws {
        let window = Int(limits.window.components.seconds)
        let first = Int(limits.firstLock.components.seconds)
        // Past the limit the lock doubles with each failure (1, 2, 4, ... minutes), capped at the window.
        try await database.client.query("""
            INSERT INTO login_throttle AS t (key_hash, failures, window_started_at) VALUES (\(key), 1, now())
            ON CONFLICT (key_hash) DO UPDATE SET
                failures = CASE WHEN t.window_started_at < now() - make_interval(secs => \(window)) THEN 1 ELSE t.failures + 1 END,
                window_started_at = CASE WHEN t.window_started_at < now() - make_interval(secs => \(window)) THEN now() ELSE t.window_started_at END
            """, logger: database.logger)
        try await database.client.query("""
            UPDATE login_throttle SET locked_until = now() + make_interval(secs =>
                CASE WHEN \(growing) THEN least(\(window), \(first) * power(2, least(failures - \(limit), 10)))::int ELSE \(window) END)
            WHERE key_hash = \(key) AND failures >= \(limit)
            """, logger: database.logger)
    }
}
