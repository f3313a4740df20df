import Foundation
import PostgresNIO
import Store
import Testing

@Suite("Transactions run on their connection's event loop", .timeLimit(.minutes(1)))
struct TransactionExecutorTests {
    @Test("the body starts and continues after each statement on the connection's event loop")
    func onEventLoop() async throws {
        try await Database.with(try TestDatabase.app(), logger: TestDatabase.logger) { database in
            let threads = try await database.withTransaction { connection in
                var onLoop = [connection.eventLoop.inEventLoop]
                for _ in 0..<3 {
                    _ = try await connection.query("SELECT 1", logger: database.logger).collect()
                    onLoop.append(connection.eventLoop.inEventLoop)
                }
                return onLoop
            }
            #expect(threads == [true, true, true, true])
        }
    }
}
