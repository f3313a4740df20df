import Foundation
import PostgresNIO
import Store
import Testing

/// What a worker's ping reports of PostgreSQL (`Database.health`, shown by the gateway's readiness).
@Suite("Database health", .timeLimit(.minutes(1)))
struct DatabaseHealthTests {
    @Test("ok when SELECT 1 answers; timeout when nothing listens at the address")
    func health() async throws {
        let reachable = try await Database.with(try TestDatabase.app(), logger: TestDatabase.logger) { database in
            // Long enough for a test machine busy with every other suite.
            await database.health(timeout: .seconds(20))
        }
        #expect(reachable == "ok")

        // A port nothing listens on: the pool keeps trying to connect, the check gives up.
        var away = try TestDatabase.app()
        away.port = 1
        let database = Database(configuration: away, logger: TestDatabase.logger)
        let pool = Task { await database.client.run() }
        defer { pool.cancel() }
        // The pool never gives up connecting: that the check answers at all (within the suite's
        // time limit) is what shows it stops at its deadline (see WithinDeadlineTests).
        let state = await database.health(timeout: .milliseconds(500))
        #expect(["timeout", "unavailable"].contains(state), "\(state)")
    }
}
