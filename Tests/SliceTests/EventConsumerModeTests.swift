import AMQP
import Contracts
import Domain
import Foundation
import Logging
import Messaging
import PostgresNIO
import ServiceLifecycle
import Store
import Synchronization
import Testing
@testable import WorkerService

/// The lighter ways of consuming events, against the real broker and database: messages a
/// consumer passes over (`wanted`), handlers outside any transaction (`standalone`), and the
/// webhook fan-out and notifier that use them.
@Suite("Event consumer modes", .timeLimit(.minutes(3)))
struct EventConsumerModeTests {
    /// Runs a consumer of a private queue with `mode` and `wanted` while `body` publishes to it,
    /// then shuts it down gracefully (messages in hand are settled first); returns how many
    /// messages the queue still holds once the consumer has stopped.
    static func withConsumer(
        _ environment: SliceStack.Environment, name: String, mode: EventConsumer.Mode,
        wanted: @escaping @Sendable (AMQPMessage) -> Bool,
        handler: @escaping EventConsumer.Handler,
        _ body: @Sendable (_ publish: @Sendable (String, String) async throws -> Void) async throws -> Void
    ) async throws -> UInt32 {
        let queue = "tenantdesk.test.\(name)"
        let connection = try await WorkerTestSupport.connection(environment)
        try await connection.declare(AMQPTopology(queues: [.init(name: queue, durable: false)]))
        let database = Database(configuration: WorkerTestSupport.app(environment), logger: SliceStack.logger)
        let consumer = EventConsumer(
            name: name, queue: queue, connection: connection, database: database, prefetch: 8, logger: SliceStack.logger,
            mode: mode, wanted: wanted, handler: handler)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.client.run() }
            defer { group.cancelAll() }
            let services = ServiceGroup(configuration: .init(services: [.init(service: consumer)], logger: SliceStack.logger))
            let running = Task { try await services.run() }
            try await body { routingKey, id in
                try await connection.publish(
                    Array("{}".utf8), exchange: "", routingKey: queue,
                    properties: AMQPProperties(contentType: "application/json", messageID: id, type: routingKey))
            }
            await services.triggerGracefulShutdown()
            try await running.value
        }
        let left = try await connection.deleteQueue(queue)
        await connection.close()
        return left
    }

    static func recorded(_ consumer: String, _ ids: [String], _ environment: SliceStack.Environment) async throws -> Set<String> {
        try await WorkerTestSupport.owner(environment) { db in
            Set(try await db.client.query("""
                SELECT message_id FROM consumed_messages WHERE consumer = \(consumer) AND message_id = ANY(\(ids))
                """).collect().map { try $0.decode(String.self) })
        }
    }

    @Test("a message the consumer does not want is acknowledged without a transaction or a record")
    func unwanted() async throws {
        let environment = try await SliceStack.shared.start()
        let name = "modes-wanted-\(UUID().uuidString.prefix(8).lowercased())"
        let (skip, take) = ("skip-\(UUID().uuidString)", "take-\(UUID().uuidString)")
        let handled = Mutex<[String]>([])
        let left = try await Self.withConsumer(
            environment, name: name, mode: .recorded, wanted: { $0.properties.type != "skip" },
            handler: { message, _ in handled.withLock { $0.append(message.properties.messageID ?? "") } }
        ) { publish in
            try await publish("skip", skip)
            try await publish("take", take)
            #expect(try await WorkerTestSupport.eventually(timeout: .seconds(15)) {
                try await Self.recorded(name, [take], environment) == [take]
            })
        }
        #expect(handled.withLock { $0 } == [take], "the handler never saw the unwanted message")
        #expect(try await Self.recorded(name, [skip, take], environment) == [take], "only the handled message is recorded")
        #expect(left == 0, "both were acknowledged")
    }

    @Test("a standalone handler runs each statement in its own transaction, with nothing recorded")
    func standalone() async throws {
        let environment = try await SliceStack.shared.start()
        for mode in [EventConsumer.Mode.standalone, .transaction] {
            let name = "modes-\(mode)-\(UUID().uuidString.prefix(8).lowercased())"
            let id = "one-\(UUID().uuidString)"
            let seen = Mutex<(Int64, Int64)?>(nil)
            let left = try await Self.withConsumer(
                environment, name: name, mode: mode, wanted: { _ in true },
                handler: { _, connection in
                    let first = try await connection.query("SELECT txid_current()", logger: SliceStack.logger).collect()
                    let second = try await connection.query("SELECT txid_current()", logger: SliceStack.logger).collect()
                    let pair = (try first.first?.decode(Int64.self) ?? 0, try second.first?.decode(Int64.self) ?? 0)
                    seen.withLock { $0 = pair }
                }
            ) { publish in
                try await publish("one", id)
                #expect(try await WorkerTestSupport.eventually(timeout: .seconds(15)) { seen.withLock { $0 } != nil })
            }
            let pair = try #require(seen.withLock { $0 })
            if mode == .standalone {
                #expect(pair.0 != pair.1, "two statements, two transactions")
            } else {
                #expect(pair.0 == pair.1, "one transaction")
            }
            #expect(try await Self.recorded(name, [id], environment).isEmpty, "no record in either mode")
            #expect(left == 0)
        }
    }

    @Test("the webhook fan-out of one event twice adds one delivery per subscribed webhook; its binding ends with the statement")
    func fanOutTwice() async throws {
        let environment = try await SliceStack.shared.start()
        let tenant = UUID()
        let (subscribed, other, inactive) = (UUID(), UUID(), UUID())
        try await WorkerTestSupport.owner(environment) { db in
            try await db.client.query("""
                INSERT INTO tenants (id, kind, display_name, country, default_language, support_plan)
                VALUES (\(tenant), 'customer', 'Fan-out check', 'DE', 'en', 'professional')
                """)
            for (webhook, events, active) in [
                (subscribed, ["request.submitted"], true), (other, ["request.resolved"], true), (inactive, ["request.submitted"], false),
            ] {
                try await db.client.query("""
                    INSERT INTO webhooks (id, tenant_id, url, event_types, secret, active, created_by)
                    VALUES (\(webhook), \(tenant), 'https://hooks.example.com/in', \(events), 'whsec_fan_out_check_01', \(active),
                            \(UUID()))
                    """)
            }
        }
        let eventID = "fan-out-\(UUID().uuidString)"
        let body = try JSONCodec.encode(RequestEventBody(
            requestID: UUID().text, tenantID: tenant.text, number: 7, status: .submitted, severity: .b, category: "billing",
            language: "en", actorAdminID: nil, occurredAt: Date()))
        let message = AMQPMessage(
            body: body, properties: AMQPProperties(contentType: "application/json", messageID: eventID),
            exchange: ExchangeName.events, routingKey: RequestEvent.submitted, redelivered: false)
        let database = Database(configuration: WorkerTestSupport.app(environment), logger: SliceStack.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.client.run() }
            defer { group.cancelAll() }
            let fanout = WebhookFanout(logger: SliceStack.logger)
            try await database.client.withConnection { connection in
                #expect(try await fanout.handle(message, on: connection) == 1)
                #expect(try await fanout.handle(message, on: connection) == 0, "the second time adds nothing")
                let bound = try await connection.query(
                    "SELECT coalesce(current_setting('tenantdesk.tenant_id', true), '')", logger: SliceStack.logger
                ).collect().first?.decode(String.self)
                #expect(bound == "", "the tenant is bound for the fan-out's statement only")
                let visible = try await connection.query(
                    "SELECT count(*)::int FROM webhook_deliveries", logger: SliceStack.logger).collect().first?.decode(Int.self)
                #expect(visible == 0, "with nothing bound, no delivery is visible")
            }
        }
        let deliveries = try await WorkerTestSupport.owner(environment) { db in
            try await db.client.query("SELECT webhook_id FROM webhook_deliveries WHERE event_id = \(eventID)")
                .collect().map { try $0.decode(UUID.self) }
        }
        #expect(deliveries == [subscribed])
    }

    @Test("the notifier passes over request events that concern nobody and takes the rest")
    func notifierPlan() throws {
        let (requester, engineer, partner) = (UUID(), UUID(), UUID())
        func message(_ key: String, actor: UUID?, requestedBy: UUID?, assignedTo: UUID?, visibility: String? = nil) throws -> AMQPMessage {
            let body = try JSONCodec.encode(RequestEventBody(
                requestID: UUID().text, tenantID: UUID().text, number: 1, status: .submitted, severity: .c, category: "billing",
                language: "en", actorAdminID: actor?.text, occurredAt: Date(), visibility: visibility,
                requestedBy: requestedBy?.text, assignedTo: assignedTo?.text))
            return AMQPMessage(body: body, properties: AMQPProperties(), exchange: "", routingKey: key, redelivered: false)
        }
        // The requester's own submission, nobody assigned: nobody to tell.
        #expect(!Notifier.concernsAnyone(try message(RequestEvent.submitted, actor: requester, requestedBy: requester, assignedTo: nil)))
        // Submitted by someone else acting for the requester's tenant: the requester hears of it.
        #expect(Notifier.concernsAnyone(try message(RequestEvent.submitted, actor: partner, requestedBy: requester, assignedTo: nil)))
        // The engineer's public reply reaches the requester; an internal note by the engineer nobody.
        #expect(Notifier.concernsAnyone(try message(RequestEvent.messageAdded, actor: engineer, requestedBy: requester, assignedTo: engineer)))
        #expect(!Notifier.concernsAnyone(try message(
            RequestEvent.messageAdded, actor: engineer, requestedBy: requester, assignedTo: engineer, visibility: "internal")))
        // A resolution by the engineer asks the requester for a rating.
        let resolved = Notifier.plan(
            for: RequestEvent.resolved,
            event: try JSONCodec.decode(RequestEventBody.self, from: try message(
                RequestEvent.resolved, actor: engineer, requestedBy: requester, assignedTo: engineer).body),
            requester: requester, assignee: engineer)
        #expect(resolved.askSurvey && resolved.recipients.isEmpty)
        #expect(Notifier.concernsAnyone(try message(RequestEvent.resolved, actor: engineer, requestedBy: requester, assignedTo: engineer)))
        // Events that do not name the requester, and other kinds of event, always go to the handler.
        #expect(Notifier.concernsAnyone(try message(RequestEvent.submitted, actor: requester, requestedBy: nil, assignedTo: nil)))
        #expect(Notifier.concernsAnyone(AMQPMessage(
            body: Array("{}".utf8), properties: AMQPProperties(), exchange: "", routingKey: RequestEvent.slaBreached, redelivered: false)))
        #expect(Notifier.concernsAnyone(AMQPMessage(
            body: Array("not json".utf8), properties: AMQPProperties(), exchange: "", routingKey: RequestEvent.submitted,
            redelivered: false)))
    }
}
