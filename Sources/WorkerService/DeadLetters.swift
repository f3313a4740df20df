import AMQP
import Contracts
import Foundation
import Logging
import Messaging
import PostgresNIO
import ServiceLifecycle
import Store

/// Dead letters: what RabbitMQ dead-lettered from a work queue (delivery limit reached, or
/// rejected), kept in PostgreSQL with the consumer's last error, listed and replayed by operators.
public struct DeadLetters: Sendable {
    let database: Database
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// The header a replayed message carries: how many times it was replayed. It keeps one
    /// message's successive deaths apart while the message id stays the same.
    public static let replayHeader = "tenantdesk-replay"

    /// One dead letter.
    public struct Entry: Codable, Sendable, Equatable {
        public var id: Int64
        public var messageID: String
        public var queue: String
        public var reason: String
        public var routingKey: String
        public var messageType: String?
        public var contentType: String?
        public var error: String?
        public var attempts: Int?
        public var replay: Int
        public var deadAt: Date
        public var replayedAt: Date?
        public var replays: Int
        /// The body as text when it is UTF-8, otherwise base64.
        public var body: String?
        public var bodyEncoding: String?
    }

    /// Stores one delivery of the dead-letter queue (the keeper's handler). A redelivery of the
    /// same death (same message id, queue and replay number) is stored once.
    func store(_ message: AMQPMessage, on connection: PostgresConnection) async throws {
        let headers = message.properties.headers
        func text(_ key: String) -> String? {
            if case .string(let value)? = headers[key] { return value }
            return nil
        }
        var replay = 0
        if case .int(let value)? = headers[Self.replayHeader] { replay = Int(value) }
        let id = EventConsumer.messageID(of: message)
        let queue = text("x-first-death-queue") ?? "unknown"
        var failure: (String, Int)?
        let failures = try await connection.query("""
            SELECT last_error, attempts FROM consumer_failures WHERE message_id = \(id) ORDER BY last_failed_at DESC LIMIT 1
            """, logger: logger)
        for try await row in failures.decode((String, Int).self) { failure = row }
        var json: [String: String] = [:]
        for (key, value) in headers {
            switch value {
            case .string(let s): json[key] = s
            case .int(let i): json[key] = String(i)
            case .bool(let b): json[key] = String(b)
            }
        }
        let headerText = String(decoding: try JSONCodec.encode(json), as: UTF8.self)
        try await connection.query("""
            INSERT INTO dead_letters (message_id, queue, reason, exchange, routing_key, content_type, message_type, headers, body,
                                      error, attempts, replay)
            VALUES (\(id), \(queue), \(text("x-first-death-reason") ?? "unknown"), \(text("x-first-death-exchange") ?? message.exchange),
                    \(message.routingKey), \(message.properties.contentType), \(message.properties.type), \(headerText)::jsonb,
                    \(Data(message.body)), \(failure?.0), \(failure?.1), \(replay))
            ON CONFLICT (queue, message_id, replay) DO NOTHING
            """, logger: logger)
    }

    /// Dead letters, newest first; only those not replayed unless `all`.
    public func list(all: Bool = false, limit: Int = 100) async throws -> [Entry] {
        let rows = try await database.client.query("""
            SELECT \(unescaped: Self.columns) FROM dead_letters
            WHERE \(all) OR replayed_at IS NULL ORDER BY id DESC LIMIT \(limit)
            """, logger: logger)
        var entries: [Entry] = []
        for try await row in rows { entries.append(try Self.entry(row, withBody: false)) }
        return entries
    }

    /// One dead letter with its body; nil when there is none with this id.
    public func show(_ id: Int64) async throws -> Entry? {
        let rows = try await database.client.query(
            "SELECT \(unescaped: Self.columns) FROM dead_letters WHERE id = \(id)", logger: logger)
        for try await row in rows { return try Self.entry(row, withBody: true) }
        return nil
    }

    /// Publishes dead letter `id` again to the queue it died in (through the default exchange,
    /// so no other queue receives it), with its id, type and headers and the replay number
    /// raised; the consumer's failure record starts over. Returns false when there is no such
    /// dead letter.
    public func replay(_ id: Int64, through connection: AMQPConnection) async throws -> Bool {
        let rows = try await database.client.query("""
            SELECT message_id, queue, routing_key, content_type, message_type, headers::text, body, replay
            FROM dead_letters WHERE id = \(id)
            """, logger: logger)
        var found: (String, String, String, String?, String?, String, Data, Int)?
        for try await row in rows.decode((String, String, String, String?, String?, String, Data, Int).self) { found = row }
        guard let (messageID, queue, _, contentType, type, headerText, body, replay) = found else { return false }
        let stored = (try? JSONCodec.decode([String: String].self, from: Array(headerText.utf8))) ?? [:]
        var headers: [String: AMQPFieldValue] = [:]
        for (key, value) in stored where !key.hasPrefix("x-") && key != Self.replayHeader { headers[key] = .string(value) }
        headers[Self.replayHeader] = .int(Int64(replay + 1))
        try await database.client.query(
            "DELETE FROM consumer_failures WHERE message_id = \(messageID)", logger: logger)
        try await connection.publish(
            Array(body), exchange: "", routingKey: queue,
            properties: AMQPProperties(contentType: contentType, messageID: messageID, type: type, headers: headers),
            mandatory: true, timeout: .seconds(10))
        try await database.client.query(
            "UPDATE dead_letters SET replayed_at = now(), replays = replays + 1 WHERE id = \(id)", logger: logger)
        return true
    }

    static let columns = """
        id, message_id, queue, reason, routing_key, message_type, content_type, error, attempts, replay, dead_at, replayed_at,
        replays, body
        """

    static func entry(_ row: PostgresRow, withBody: Bool) throws -> Entry {
        let (id, messageID, queue, reason, routingKey, type, contentType, error, attempts, replay, deadAt, replayedAt, replays, body)
            = try row.decode((Int64, String, String, String, String, String?, String?, String?, Int?, Int, Date, Date?, Int, Data).self)
        var text: String?
        var encoding: String?
        if withBody {
            if let utf8 = String(bytes: body, encoding: .utf8) {
                text = utf8
                encoding = "utf-8"
            } else {
                text = body.base64EncodedString()
                encoding = "base64"
            }
        }
        return Entry(
            id: id, messageID: messageID, queue: queue, reason: reason, routingKey: routingKey, messageType: type,
            contentType: contentType, error: error, attempts: attempts, replay: replay, deadAt: deadAt, replayedAt: replayedAt,
            replays: replays, body: text, bodyEncoding: encoding)
    }
}
