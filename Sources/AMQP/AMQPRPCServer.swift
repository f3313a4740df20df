import Logging
import ServiceLifecycle
import Synchronization

/// Serves RPC requests from a queue: each request goes to `handler`, whose answer is sent to
/// the request's reply-to address with the same correlation id, then the request is
/// acknowledged. At most `prefetch` requests are handled at once. An `inline` handler, when
/// given, sees each request first, on the connection thread; what it answers goes back at once.
/// A handler may also answer before it returns (`replyNow`).
public struct AMQPRPCServer: Service {
    /// What a handler returns: the reply body, its message type and its content type.
    public struct Reply: Sendable {
        public var body: [UInt8]
        public var type: String?
        public var contentType: String
        public init(body: [UInt8], type: String? = nil, contentType: String = "application/json") {
            self.body = body
            self.type = type
            self.contentType = contentType
        }
    }

    let connection: AMQPConnection
    let queue: String
    let prefetch: UInt16
    let logger: Logger
    let inline: (@Sendable (AMQPMessage) -> Reply?)?
    let handler: @Sendable (AMQPMessage) async -> Reply

    /// Creates a server for `queue`. `inline` answers what it can without waiting (it runs on the
    /// connection thread, so it must never block); nil sends the request on to `handler`.
    public init(
        connection: AMQPConnection, queue: String, prefetch: UInt16 = 32, logger: Logger,
        inline: (@Sendable (AMQPMessage) -> Reply?)? = nil,
        handler: @escaping @Sendable (AMQPMessage) async -> Reply
    ) {
        self.connection = connection
        self.queue = queue
        self.prefetch = prefetch
        self.logger = logger
        self.inline = inline
        self.handler = handler
    }

    /// The reply of the request the current task handles.
    @TaskLocal static var currentReply: ReplySlot?

    /// Sends `reply` now as the answer of the request the current task is handling, from the
    /// thread the task runs on (a handler that reads can answer from the database connection's
    /// event loop, before its transaction ends); what the handler returns later is then not
    /// sent. Returns false, doing nothing, outside a handler or when the request was answered.
    @discardableResult
    public static func replyNow(_ reply: Reply) -> Bool {
        currentReply?.send(reply) ?? false
    }

    static func properties(of reply: Reply) -> AMQPProperties {
        AMQPProperties(contentType: reply.contentType, type: reply.type, persistent: false)
    }

    /// How long a graceful shutdown lets requests in hand finish before cancelling them (a
    /// handler stuck on an unreachable database must not keep the process from stopping; the
    /// caller's deadline answers for it).
    public static let shutdownGrace = Duration.seconds(5)

    /// Serves until graceful shutdown or cancellation; requests not yet answered are requeued.
    public func run() async throws {
        var answer: AMQPConnection.InlineAnswer?
        if let inline = self.inline {
            answer = { message in
                guard let reply = inline(message) else { return nil }
                return (body: reply.body, properties: Self.properties(of: reply))
            }
        }
        let consumer = connection.consume(queue: queue, prefetch: prefetch, answer: answer)
        let connection = self.connection
        let handler = self.handler
        // Receiving, handling and replying run on the connection thread: no thread hop per
        // request. Handlers must not block (bcrypt and database calls hop elsewhere by themselves).
        let work = Task(executorPreference: connection.executor) {
            try await withThrowingDiscardingTaskGroup { group in
                for try await delivery in consumer {
                    group.addTask {
                        let slot = ReplySlot(connection: connection, request: delivery.message)
                        let reply = await Self.$currentReply.withValue(slot) { await handler(delivery.message) }
                        // Unsettled: requeued when the channel closes (unless it was answered already).
                        if Task.isCancelled && !slot.sent { return }
                        slot.send(reply)
                        delivery.ack()
                    }
                }
            }
        }
        // Graceful shutdown cancels the consumer, which ends the loop; requests already taken
        // are answered before the group returns, or cancelled after the grace period.
        try await runWithShutdownGrace(Self.shutdownGrace, stop: { consumer.cancel() }, work)
    }
}

/// The answer of one request, sent at most once: early by its handler
/// (`AMQPRPCServer.replyNow`) or by the server when the handler returns.
final class ReplySlot: Sendable {
    private let connection: AMQPConnection
    private let request: AMQPMessage
    private let state = Mutex(false)

    init(connection: AMQPConnection, request: AMQPMessage) {
        self.connection = connection
        self.request = request
    }

    /// Whether the answer has gone out.
    var sent: Bool { state.withLock { $0 } }

    /// Sends `reply` unless an answer went out before; returns whether this one did.
    @discardableResult
    func send(_ reply: AMQPRPCServer.Reply) -> Bool {
        let first = state.withLock { sent in
            defer { sent = true }
            return !sent
        }
        if first { connection.reply(to: request, body: reply.body, properties: AMQPRPCServer.properties(of: reply)) }
        return first
    }
}
