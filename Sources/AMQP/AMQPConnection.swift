import Logging
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A RabbitMQ connection with publisher confirms, consumers, RPC and automatic reconnection.
///
/// rabbitmq-c is blocking and a connection is not thread-safe, so each `AMQPConnection` runs one
/// dedicated thread that owns the C connection; async callers hand it commands and await the
/// result. When the connection drops, the thread reconnects with exponential backoff, declares
/// the topology again and resubscribes every consumer; operations attempted meanwhile fail fast
/// with `AMQPError.Kind.notConnected`.
///
/// Run it as a `Service` (it closes on graceful shutdown) or call `start()` and `close()`.
public final class AMQPConnection: Service, Sendable {
    let loop: ConnectionLoop
    private let started = Mutex(false)
    private let counters = Mutex(Counters())

    private struct Counters {
        var consumer = 0
        var call: UInt64 = 0
    }

    private let instanceID: String

    /// Creates a connection that will declare `topology` every time it connects.
    public init(configuration: AMQPConfiguration, topology: AMQPTopology = AMQPTopology(), logger: Logger) throws {
        self.loop = try ConnectionLoop(configuration: configuration, topology: topology, logger: logger)
        self.instanceID = MessageID.random()
    }

    /// Starts the connection thread. Returns at once; see `waitUntilConnected`.
    public func start() {
        let first = started.withLock { started -> Bool in
            defer { started = true }
            return !started
        }
        guard first else { return }
        let loop = self.loop
        Self.spawnThread { loop.run() }
    }

    /// `Service`: starts, runs until graceful shutdown or cancellation, then closes.
    public func run() async throws {
        start()
        let loop = self.loop
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await loop.waitUntilFinished()
            } onGracefulShutdown: {
                loop.submit(.stop)
            }
        } onCancel: {
            loop.submit(.stop)
        }
    }

    /// Stops consumers, waits briefly for outstanding confirms, closes the connection and ends
    /// the thread.
    public func close() async {
        start()
        loop.submit(.stop)
        await loop.waitUntilFinished()
    }

    /// The connection thread as a task executor. Work that mostly talks to RabbitMQ (an RPC
    /// server's handlers) runs there without hopping threads; nothing blocking may run on it.
    public var executor: any TaskExecutor { loop }

    /// Whether the connection is up right now.
    public var isConnected: Bool { loop.status.withLock { $0.connected } }

    /// How many times the connection has been established (topology declared, consumers
    /// subscribed). A change means messages published while disconnected may have been missed.
    public var connectionCount: UInt64 { loop.status.withLock { $0.connections } }

    /// Whether the broker has blocked publishing (a memory or disk alarm).
    public var isBlocked: Bool { loop.status.withLock { $0.blocked } }

    /// The last connection error, if the connection is down.
    public var lastError: AMQPError? { loop.status.withLock { $0.lastError } }

    /// Waits until connected; throws `timeout` (with the last connection error) after `timeout`.
    public func waitUntilConnected(timeout: Duration) async throws {
        start()
        let deadline = ContinuousClock.now + timeout
        while !isConnected {
            guard ContinuousClock.now < deadline else {
                throw AMQPError(.timeout, "not connected after \(timeout): \(lastError?.message ?? "no attempt finished")")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Declares more topology now; it is also re-declared on every reconnect.
    public func declare(_ topology: AMQPTopology) async throws {
        try await withCheckedThrowingContinuation { continuation in
            loop.submit(.declare(topology, continuation))
        }
    }

    /// Publishes a message and returns once the broker has confirmed it (written it to the
    /// queues it was routed to, to disk when persistent).
    ///
    /// Throws `unroutable` when `mandatory` and no queue is bound, `nacked` when the broker
    /// refuses it, `connectionLost` when the connection dropped before the confirm (the message
    /// may or may not have been delivered: publish again, consumers drop duplicates by
    /// `messageID`), `notConnected` while reconnecting, and `timeout` after `timeout`.
    /// A message without `messageID` gets a random one.
    public func publish(
        _ body: [UInt8], exchange: String, routingKey: String, properties: AMQPProperties = AMQPProperties(),
        mandatory: Bool = true, timeout: Duration = .seconds(30)
    ) async throws {
        var properties = properties
        if properties.messageID == nil { properties.messageID = MessageID.random() }
        let deadline = ContinuousClock.now + timeout
        try await withCheckedThrowingContinuation { continuation in
            loop.submit(.publish(PublishRequest(
                exchange: exchange, routingKey: routingKey, body: body, properties: properties,
                mandatory: mandatory, deadline: deadline, continuation: continuation)))
        }
    }

    /// An answer given on the connection thread to an RPC request: the reply's body and
    /// properties, or nil to hand the request to the consumer's stream.
    public typealias InlineAnswer = @Sendable (AMQPMessage) -> (body: [UInt8], properties: AMQPProperties)?

    /// Consumes `queue` with manual acknowledgement and at most `prefetch` unsettled deliveries.
    /// The consumer survives reconnects.
    ///
    /// With `answer`, each request (a message with a reply-to address) is first offered to it on
    /// the connection thread as it arrives: when it answers, the reply is sent and the request
    /// acknowledged at once, and the stream never sees it. `answer` must be quick and must never
    /// wait (no locks held long, no I/O): every frame of the connection waits for it.
    public func consume(queue: String, prefetch: UInt16, answer: InlineAnswer? = nil) -> AMQPConsumer {
        let id = counters.withLock { counters -> Int in
            counters.consumer += 1
            return counters.consumer
        }
        let (stream, continuation) = AsyncThrowingStream<AMQPDelivery, any Error>.makeStream()
        let loop = self.loop
        continuation.onTermination = { _ in loop.submit(.cancelConsumer(id: id)) }
        loop.submit(.consume(ConsumerRegistration(id: id, queue: queue, prefetch: prefetch, continuation: continuation, answer: answer)))
        return AMQPConsumer(stream: stream) { loop.submit(.stopConsumer(id: id)) }
    }

    /// Sends an RPC request to `queue` through the default exchange and waits for the reply on
    /// the direct reply-to pseudo-queue.
    ///
    /// The request expires in the queue at the deadline, so a late server never works for a
    /// caller that has gone. Throws `timeout` at the deadline, `unroutable` when the queue does
    /// not exist, `notConnected` or `connectionLost`, and `CancellationError` when the task is
    /// cancelled.
    public func call(
        queue: String, body: [UInt8], properties: AMQPProperties = AMQPProperties(persistent: false),
        timeout: Duration
    ) async throws -> AMQPMessage {
        let id = counters.withLock { counters -> String in
            counters.call &+= 1
            return "\(instanceID)-\(counters.call)"
        }
        var properties = properties
        properties.correlationID = id
        properties.replyTo = ChannelNumber.directReplyTo
        if properties.messageID == nil { properties.messageID = id }
        let milliseconds = max(1, timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        properties.expiration = String(milliseconds)
        let deadline = ContinuousClock.now + timeout
        let loop = self.loop
        let request = properties
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let call = CallRequest(
                    id: id, routingKey: queue, body: body, properties: request, deadline: deadline, continuation: continuation)
                if !loop.callDirectly(call) { loop.submit(.call(call)) }
            }
        } onCancel: {
            loop.submit(.cancelCall(id: id))
        }
    }

    /// Sends the reply to an RPC request (no confirm: the caller's deadline covers a loss).
    public func reply(to request: AMQPMessage, body: [UInt8], properties: AMQPProperties = AMQPProperties(persistent: false)) {
        guard let replyTo = request.properties.replyTo else { return }
        var properties = properties
        properties.correlationID = request.properties.correlationID
        properties.persistent = false
        if loop.replyDirectly(routingKey: replyTo, body: body, properties: properties) { return }
        loop.submit(.reply(routingKey: replyTo, body: body, properties: properties))
    }

    /// Deletes a queue; returns how many messages it held.
    @discardableResult
    public func deleteQueue(_ name: String) async throws -> UInt32 {
        try await withCheckedThrowingContinuation { continuation in
            loop.submit(.deleteQueue(name, continuation))
        }
    }

    /// The number of ready messages in a queue. Throws `channelClosed(404)` when it does not exist.
    public func messageCount(queue: String) async throws -> UInt32 {
        try await withCheckedThrowingContinuation { continuation in
            loop.submit(.messageCount(queue, continuation))
        }
    }

    /// Drops the TCP connection as a network failure would (the client then reconnects).
    /// For tests of recovery.
    public func simulateConnectionLoss() {
        loop.submit(.closeConnectionForTesting)
    }

    private final class ThreadBody {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    private static func spawnThread(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { argument in
            guard let argument else { return nil }
            Unmanaged<ThreadBody>.fromOpaque(argument).takeRetainedValue().body()
            return nil
        }, box)
        if result == 0 {
            pthread_detach(thread)
        } else {
            Unmanaged<ThreadBody>.fromOpaque(box).release()
            // Without a thread nothing would ever answer; run inline on a detached task instead.
            Task.detached { body() }
        }
    }
}

/// Random message and correlation ids: 128 random bits as 32 lower-case hex digits.
public enum MessageID {
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return hex(generator.next()) + hex(generator.next())
    }

    /// 16 hex digits, leading zeros kept.
    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
