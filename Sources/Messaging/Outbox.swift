import AMQP
import Contracts
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Store

/// Domain events written in the transaction of the change they announce and published to
/// `tenantdesk.events` after the commit. Nothing is lost if the process or RabbitMQ stops in
/// between: the publisher sends what is left when it runs again (consumers drop duplicates by
/// message id).
public final class Outbox: Sendable {
    let signal = WakeSignal()

    public init() {}

    /// Adds an event to the current transaction.
    public static func enqueue<Body: Encodable>(_ routingKey: String, _ body: Body, on connection: PostgresConnection, logger: Logger) async throws {
        let json = String(decoding: try JSONCodec.encode(body), as: UTF8.self)
        try await connection.query("""
            INSERT INTO outbox_events (routing_key, message_id, body) VALUES (\(routingKey), \(UUID()), \(json)::jsonb)
            """, logger: logger)
    }

    /// Tells the publisher that a transaction with events committed.
    public func wake() { signal.wake() }
}

/// Publishes the outbox: right after each commit, and every second for what an earlier attempt
/// could not send. Several instances may run: rows are claimed with `SKIP LOCKED`.
public struct OutboxPublisher: Service {
    let outbox: Outbox
    let database: Database
    let connection: AMQPConnection
    let logger: Logger

    public init(outbox: Outbox, database: Database, connection: AMQPConnection, logger: Logger) {
        self.outbox = outbox
        self.database = database
        self.connection = connection
        self.logger = logger
    }

    /// Runs until a graceful shutdown, which also cancels a batch in progress: its rows stay
    /// unpublished (or are sent twice, which consumers drop by message id), so a process whose
    /// database or broker is unreachable still stops at once.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown { try await publishUntilCancelled() }
    }

    private func publishUntilCancelled() async throws {
        var lastCleanup = ContinuousClock.now
        while !Task.isCancelled {
            // After each commit, and every second for what an earlier attempt could not send.
            await outbox.signal.wait(upTo: .seconds(1))
            guard !Task.isCancelled else { return }
            do {
                while try await publishBatch() == 100 {}
            } catch is CancellationError {
                return
            } catch {
                logger.warning("outbox publish failed; retrying", metadata: ["error": "\(String(reflecting: error))"])
            }
            if ContinuousClock.now - lastCleanup > .seconds(3600) {
                lastCleanup = .now
                _ = try? await database.client.query(
                    "DELETE FROM outbox_events WHERE published_at < now() - interval '1 day'", logger: logger)
            }
        }
    }

    /// Publishes up to 100 pending events; returns how many. They are claimed and marked
    /// published in one statement of a transaction that commits only after the broker confirmed
    /// each of them: a failure rolls the mark back, and they are sent again later.
    private func publishBatch() async throws -> Int {
        try await database.withTransaction { tx in
            let rows = try await tx.query("""
                UPDATE outbox_events SET published_at = now()
                WHERE id IN (SELECT id FROM outbox_events WHERE published_at IS NULL ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED)
                RETURNING id, routing_key, message_id, body::text
                """, logger: logger)
            var events: [(id: Int64, routingKey: String, messageID: UUID, body: String)] = []
            for try await event in rows.decode((Int64, String, UUID, String).self) { events.append(event) }
            // In the order they were written (RETURNING has none).
            for event in events.sorted(by: { $0.id < $1.id }) {
                try await connection.publish(
                    Array(event.body.utf8), exchange: ExchangeName.events, routingKey: event.routingKey,
                    properties: AMQPProperties(contentType: "application/json", messageID: event.messageID.uuidString.lowercased(),
                                               type: event.routingKey),
                    mandatory: false, timeout: .seconds(5))
            }
            return events.count
        }
    }
}
