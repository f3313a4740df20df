import AMQP
import Contracts
import Domain
import Foundation
import HTTPTypes
import Logging
import Messaging
import PostgresNIO
import Store
import Testing
@testable import WorkerService

/// A message a consumer cannot handle is retried up to the queue's delivery limit, then
/// dead-lettered with its error, kept in PostgreSQL, and can be replayed.
@Suite("Dead letters", .timeLimit(.minutes(3)))
struct DeadLetterTests {
    @Test("a poison message lands in the dead-letter table after the delivery limit, with its error, and replays")
    func poison() async throws {
        let environment = try await SliceStack.shared.start()
        let messageID = "poison-\(UUID().uuidString)"
        let connection = try await WorkerTestSupport.connection(environment)
        try await connection.publish(
            Array(#"{"requestID":"not a uuid"}"#.utf8), exchange: ExchangeName.events, routingKey: RequestEvent.submitted,
            properties: AMQPProperties(contentType: "application/json", messageID: messageID))

        func deaths() async throws -> [(replay: Int, reason: String, attempts: Int?, error: String?, replayed: Bool)] {
            try await WorkerTestSupport.owner(environment) { db in
                try await db.client.query("""
                    SELECT replay, reason, attempts, error, replayed_at IS NOT NULL FROM dead_letters WHERE message_id = \(messageID)
                      AND queue = \(WorkQueue.triage) ORDER BY replay
                    """).collect().map { try $0.decode((Int, String, Int?, String?, Bool).self) }.map {
                        (replay: $0.0, reason: $0.1, attempts: $0.2, error: $0.3, replayed: $0.4)
                    }
            }
        }
        #expect(try await WorkerTestSupport.eventually(timeout: .seconds(60)) { try await deaths().count == 1 })
        let first = try await deaths()
        #expect(first.first?.reason == "delivery_limit")
        #expect(first.first?.attempts == TenantDeskTopology.deliveryLimit + 1, "\(first)")
        #expect(first.first?.error?.contains("requestID") == true || first.first?.error?.contains("tenantID") == true, "\(first)")

        // Listed, then replayed: it goes back to the triage queue, fails again, and dies again as replay 1.
        let database = Database(configuration: WorkerTestSupport.app(environment), logger: SliceStack.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.client.run() }
            defer { group.cancelAll() }
            let deadLetters = DeadLetters(database: database, logger: SliceStack.logger)
            // (The webhook fan-out, which also takes request.submitted, dead-letters its own copy.)
            let listed = try await deadLetters.list().filter { $0.messageID == messageID && $0.queue == WorkQueue.triage }
            #expect(listed.count == 1)
            #expect(listed.first?.queue == WorkQueue.triage)
            let listedID = try #require(listed.first?.id)
            let shown = try #require(try await deadLetters.show(listedID))
            #expect(shown.body == #"{"requestID":"not a uuid"}"#)
            #expect(try await deadLetters.replay(shown.id, through: connection))
            #expect(try await deadLetters.replay(999_999_999, through: connection) == false)
        }
        #expect(try await WorkerTestSupport.eventually(timeout: .seconds(60)) { try await deaths().count == 2 })
        let after = try await deaths()
        #expect(after.map(\.replay) == [0, 1])
        #expect(after.first?.replayed == true)
        #expect(after.last?.attempts == TenantDeskTopology.deliveryLimit + 1, "the attempts start over: \(after)")
        await connection.close()
    }
}
