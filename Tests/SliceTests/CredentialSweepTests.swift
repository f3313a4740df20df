import Crypto
import Foundation
import PostgresNIO
@testable import RoleService
import Store
import Testing

/// The role service's sweep forgets refresh tokens a day past expiry and finished throttle rows,
/// and nothing that still counts.
@Suite("Credential sweep", .timeLimit(.minutes(2)))
struct CredentialSweepTests {
    @Test("expired refresh tokens and stale throttle rows go; live tokens and current locks stay")
    func sweep() async throws {
        let environment = try await SliceStack.shared.start()
        let (expired, live) = (UUID(), UUID())
        let stale = Data(SHA256.hash(data: Data("stale-\(UUID())".utf8)))
        let locked = Data(SHA256.hash(data: Data("locked-\(UUID())".utf8)))
        try await WorkerTestSupport.owner(environment) { db in
            let row = try #require(try await db.client.query(
                "SELECT id, tenant_id FROM admins WHERE email = \(SliceStack.operatorEmail)").collect().first)
            let (admin, tenant) = try row.decode((UUID, UUID).self)
            for (id, expires) in [(expired, "now() - interval '2 days'"), (live, "now() + interval '2 days'")] {
                try await db.client.query("""
                    INSERT INTO refresh_tokens (id, tenant_id, admin_id, family_id, token_hash, expires_at)
                    VALUES (\(id), \(tenant), \(admin), \(UUID()), \(Data(SHA256.hash(data: Data(id.uuidString.utf8)))), \(unescaped: expires))
                    """)
            }
            try await db.client.query("""
                INSERT INTO login_throttle (key_hash, failures, window_started_at, locked_until) VALUES
                    (\(stale), 3, now() - interval '2 days', NULL),
                    (\(locked), 80, now() - interval '2 days', now() + interval '10 minutes')
                """)
        }
        var app = environment.owner
        app.user = "tenantdesk_app"
        app.password = "tenantdesk_app"
        // (The shared role service's own sweep, which runs at its start, may have been first: the
        // rows left are what counts.)
        _ = try await Database.with(app, logger: SliceStack.logger) { database in
            try await CredentialSweep(database: database, interval: .seconds(3600), logger: SliceStack.logger).purge(at: Date())
        }
        let (tokensLeft, throttleLeft) = try await WorkerTestSupport.owner(environment) { db in
            let tokens = try await db.client.query("SELECT id FROM refresh_tokens WHERE id IN (\(expired), \(live))")
                .collect().map { try $0.decode(UUID.self) }
            let throttles = try await db.client.query("SELECT key_hash FROM login_throttle WHERE key_hash IN (\(stale), \(locked))")
                .collect().map { try $0.decode(Data.self) }
            return (tokens, throttles)
        }
        #expect(tokensLeft == [live])
        #expect(throttleLeft == [locked])
    }
}
