import AMQP
import Contracts
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Store

/// Consumes a work queue and applies each message in one PostgreSQL transaction that also
/// records the message id, then acknowledges. A message redelivered after a crash, a lost ack or
/// a duplicate publish finds its id recorded and is acknowledged without changing anything twice.
/// Handlers that are idempotent by themselves choose a lighter `Mode`; a consumer can also pass
/// over messages it has nothing to do for (`wanted`) without touching PostgreSQL.
///
/// Failures:
/// - PostgreSQL unreachable (or a serialization failure): the message is kept and retried in
///   place with backoff, without counting as an attempt, so an outage dead-letters nothing.
/// - Anything else the handler throws: the error is recorded (`consumer_failures`), and after a
///   pause that grows with the attempts the message is rejected with requeue; the queue's
///   delivery limit then dead-letters it, and the dead letter carries that error.
public struct EventConsumer: Service {
    /// Applies one message on the given connection, in the consumer's transaction unless its mode
    /// is `standalone` (no tenant bound: the handler binds what it needs).
    public typealias Handler = @Sendable (AMQPMessage, PostgresConnection) async throws -> Void
    /// A handler that also says whether its effect concerns `afterCommit` (false: it changed
    /// nothing anyone needs waking for).
    public typealias ReportingHandler = @Sendable (AMQPMessage, PostgresConnection) async throws -> Bool

    let name: String
    let queue: String
    let connection: AMQPConnection
    let database: Database
    let prefetch: UInt16
    let logger: Logger
    let handler: ReportingHandler
    let afterCommit: @Sendable () -> Void
    let mode: Mode
    let wanted: @Sendable (AMQPMessage) -> Bool

    /// How a message is applied.
    public enum Mode: Sendable {
        /// In a transaction that also records the message id (the default): a message seen
        /// before is acknowledged without running the handler.
        case recorded
        /// In a transaction, without a record: the handler is idempotent by itself, or records
        /// the message itself (`recordForSupport`).
        case transaction
        /// On a pooled connection outside any explicit transaction, without a record: each of
        /// the handler's statements stands alone and is idempotent by itself (one round trip
        /// for a handler of one statement).
        case standalone
    }

    /// Creates a consumer called `name` (the key of its handled-message records) of `queue`.
    /// `afterCommit` runs after each committed effect (e.g. to wake the outbox publisher).
    /// `wanted` says whether a message needs the handler at all: one it refuses is acknowledged
    /// at once, without a transaction or a record (only for messages whose handling would change
    /// nothing, so that handling one again later would change nothing either).
    public init(
        name: String, queue: String, connection: AMQPConnection, database: Database, prefetch: UInt16, logger: Logger,
        mode: Mode = .recorded, wanted: @escaping @Sendable (AMQPMessage) -> Bool = { _ in true },
        afterCommit: @escaping @Sendable () -> Void = {}, handler: @escaping Handler
    ) {
        self.init(
            name: name, queue: queue, connection: connection, database: database, prefetch: prefetch, logger: logger,
            mode: mode, wanted: wanted, afterCommit: afterCommit, reporting: { message, connection in
                try await handler(message, connection)
                return true
            })
    }

    /// Creates a consumer whose `afterCommit` runs only after effects the handler reports.
    public init(
        name: String, queue: String, connection: AMQPConnection, database: Database, prefetch: UInt16, logger: Logger,
        mode: Mode = .recorded, wanted: @escaping @Sendable (AMQPMessage) -> Bool = { _ in true },
        afterCommit: @escaping @Sendable () -> Void, reporting handler: @escaping ReportingHandler
    ) {
        self.mode = mode
        self.wanted = wanted
        self.name = name
        self.queue = queue
        self.connection = connection
        self.database = database
        self.prefetch = prefetch
        var logger = logger
        logger[metadataKey: "consumer"] = "\(name)"
        self.logger = logger
        self.afterCommit = afterCommit
        self.handler = handler
    }

    /// How long a graceful shutdown lets messages in hand finish before cancelling them (they are
    /// then requeued: their transactions roll back, nothing is acknowledged).
    public static let shutdownGrace = Duration.seconds(5)

    /// Consumes until graceful shutdown or cancellation.
    public func run() async throws {
        let consumer = connection.consume(queue: queue, prefetch: prefetch)
        let work = Task {
            try await withThrowingDiscardingTaskGroup { group in
                for try await delivery in consumer {
                    group.addTask { await process(delivery) }
                }
            }
        }
        try await runWithShutdownGrace(Self.shutdownGrace, stop: { consumer.cancel() }, work)
    }

    /// Handles one delivery and settles it exactly once.
    func process(_ delivery: AMQPDelivery) async {
        let message = delivery.message
        guard wanted(message) else {
            delivery.ack()
            return
        }
        let id = Self.messageID(of: message)
        var backoff = Duration.milliseconds(100)
        while true {
            do {
                let applied = try await apply(message, id: id)
                delivery.ack()
                if applied { afterCommit() }
                return
            } catch where FailureKind(error) == .transient {
                // Stopping: leave it unsettled; closing the channel requeues it.
                if Task.isCancelled || Task.isShuttingDownGracefully { return }
                logger.warning("PostgreSQL unavailable; retrying the message", metadata: [
                    "message_id": "\(id)", "error": "\(String(reflecting: error))", "retry_in": "\(backoff)",
                ])
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            } catch {
                // Stopped mid-way (shutdown): unsettled, it is requeued; it was no failure.
                if Task.isCancelled { return }
                let attempts = await recordFailure(id: id, error: error)
                logger.error("message failed; rejecting it for another delivery", metadata: [
                    "message_id": "\(id)", "routing_key": "\(message.routingKey)", "attempt": "\(attempts)",
                    "error": "\(String(reflecting: error))",
                ])
                // A pause before the redelivery, so a failing message does not spin.
                try? await Task.sleep(for: .milliseconds(min(50 << min(attempts, 7), 5_000)))
                delivery.reject(requeue: true)
                return
            }
        }
    }

    /// Runs the handler unless the message was handled before; true when it ran and reported an
    /// effect for `afterCommit`.
    private func apply(_ message: AMQPMessage, id: String) async throws -> Bool {
        switch mode {
        case .standalone:
            return try await database.client.withConnection { connection in try await handler(message, connection) }
        case .transaction:
            return try await database.withTransaction { connection in try await handler(message, connection) }
        case .recorded:
            return try await database.withTransaction { connection in
                var fresh = false
                for try await _ in try await connection.execute(RecordConsumed(consumer: name, messageID: id), logger: logger) {
                    fresh = true
                }
                guard fresh else { return false }
                return try await handler(message, connection)
            }
        }
    }

    /// Records the error of a failed attempt; returns the attempts so far.
    private func recordFailure(id: String, error: any Error) async -> Int {
        let text = String(String(describing: error).prefix(2000))
        do {
            let rows = try await database.client.query("""
                INSERT INTO consumer_failures (consumer, message_id, last_error) VALUES (\(name), \(id), \(text))
                ON CONFLICT (consumer, message_id) DO UPDATE
                SET attempts = consumer_failures.attempts + 1, last_error = EXCLUDED.last_error, last_failed_at = now()
                RETURNING attempts
                """, logger: logger)
            for try await attempts in rows.decode(Int.self) { return attempts }
        } catch {
            logger.warning("could not record the failure", metadata: ["error": "\(String(reflecting: error))"])
        }
        return 1
    }

    /// The message id, or (for a message published without one) a digest of routing key and body.
    public static func messageID(of message: AMQPMessage) -> String {
        if let id = message.properties.messageID, !id.isEmpty { return String(id.prefix(200)) }
        var hasher = FNV1a()
        hasher.add(Array(message.routingKey.utf8))
        hasher.add(message.body)
        return "fnv-" + String(hasher.value, radix: 16)
    }
}

/// Whether an error is the database (or a service asked) being away, to retry in place, or the
/// message failing.
enum FailureKind: Equatable {
    case transient
    case failed

    init(_ error: any Error) {
        // A service the handler asked could not be reached or did not answer in time.
        if let problem = error as? RPCProblem {
            self = [503, 504].contains(problem.status) ? .transient : .failed
            return
        }
        if let error = error as? PostgresTransactionError {
            let cause = error.beginError ?? error.closureError ?? error.commitError
            self = cause.map { FailureKind($0) } ?? .transient
            return
        }
        guard let error = error as? PSQLError else {
            // The pool's own errors (no connection could be made) are infrastructure too.
            let type = String(reflecting: Swift.type(of: error))
            self = type.contains("ConnectionPool") ? .transient : .failed
            return
        }
        guard error.code == .server else {
            self = error.code == .queryCancelled ? .failed : .transient
            return
        }
        let state = error.serverInfo?[.sqlState] ?? ""
        // 08: connection; 40001/40P01: serialization, deadlock; 53: resources; 57P0x: shutdown;
        // 55P03: lock not available.
        if state.hasPrefix("08") || state == "40001" || state == "40P01" || state.hasPrefix("53") || state.hasPrefix("57P")
            || state == "55P03" {
            self = .transient
        } else {
            self = .failed
        }
    }
}

extension EventConsumer {
    /// What `recorded` mode does before the handler, for a handler of a `transaction` consumer
    /// that binds a tenant first anyway: records that `consumer` handled `message` and binds
    /// `tenant` with the support audience for the rest of the transaction, in one statement.
    /// False when the message was recorded before (the handler then changes nothing).
    public static func recordForSupport(
        _ message: AMQPMessage, consumer: String, tenant: UUID, on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        let statement = RecordConsumedBindingSupport(consumer: consumer, messageID: messageID(of: message), tenant: tenant)
        for try await row in try await connection.execute(statement, logger: logger) {
            return try row.decode(Bool.self)
        }
        return false
    }
}

/// `RecordConsumed` and the support binding of `tenant` in one statement (consumed messages
/// belong to no tenant, so the binding does not affect the insert).
struct RecordConsumedBindingSupport: PreparedRowStatement {
    static let sql = """
        WITH recorded AS (\(RecordConsumed.sql))
        SELECT EXISTS (SELECT 1 FROM recorded)
        FROM (SELECT set_config('tenantdesk.tenant_id', $3, true), set_config('tenantdesk.audience', 'support', true)) bound
        """
    static let bindingDataTypes: [PostgresDataType] = [.text, .text, .text]

    var consumer: String
    var messageID: String
    var tenant: UUID

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 3)
        bindings.append(consumer)
        bindings.append(messageID)
        bindings.append(tenant.text)
        return bindings
    }
}

/// Records that `consumer` handled `messageID`; a row back means it had not before. Prepared:
/// every consumed message runs it.
struct RecordConsumed: PreparedRowStatement {
    static let sql = """
        INSERT INTO consumed_messages (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1
        """
    static let bindingDataTypes: [PostgresDataType] = [.text, .text]

    var consumer: String
    var messageID: String

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(consumer)
        bindings.append(messageID)
        return bindings
    }
}

/// 64-bit FNV-1a, for stable ids of messages published without one.
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    mutating func add(_ bytes: [UInt8]) {
        for byte in bytes {
            value ^= UInt64(byte)
            value = value &* 0x100_0000_01b3
        }
    }
}
