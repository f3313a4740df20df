import Foundation
import PostgresNIO
import Store
import Testing

/// What a worker's ping reports of PostgreSQL (`Database.health`, shown by the gateway's readiness).
@Suite("Database health", .timeLimit(.minutes(1)))
struct DatabaseHealthTests {
    @Test("ok when SELECT 1 answers; timeout when nothing listens at the address, without waiting longer than asked")
    func health() async throws {
        let reachable = try await Database.with(try TestDatabase.app(), logger: TestDatabase.logger) { database in
            await database.health(timeout: .milliseconds(500))
        }
        #expect(reachable == "ok")

        // A port nothing listens on: the pool keeps trying to connect, the check gives up.
        var away = try TestDatabase.app()
        away.port = 1
        let database = Database(configuration: away, logger: TestDatabase.logger)
        let pool = Task { await database.client.run() }
        defer { pool.cancel() }
        let start = ContinuousClock.now
        let state = await database.health(timeout: .milliseconds(500))
        #expect(["timeout", "unavailable"].contains(state), "\(state)")
        #expect(ContinuousClock.now - start < .seconds(5), "the check returns once its time is up, not when the pool gives up")
    }
}
