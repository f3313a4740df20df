/// Work that a task hands to the connection thread. Everything the thread needs to answer is in
/// the command (a continuation, a stream), so the thread never calls back into unknown code.
enum ConnectionCommand: Sendable {
    case publish(PublishRequest)
    case call(CallRequest)
    case cancelCall(id: String)
    case reply(routingKey: String, body: [UInt8], properties: AMQPProperties)
    case consume(ConsumerRegistration)
    case cancelConsumer(id: Int)
    /// Stops deliveries but keeps the channel until the deliveries handed out are settled.
    case stopConsumer(id: Int)
    case settle(Settlement)
    case declare(AMQPTopology, CheckedContinuation<Void, any Error>)
    case deleteQueue(String, CheckedContinuation<UInt32, any Error>)
    case messageCount(String, CheckedContinuation<UInt32, any Error>)
    case closeConnectionForTesting
    case stop
    /// A task job to run on the connection thread (the connection is a task executor).
    case runJob(UnownedJob)
}

struct PublishRequest: Sendable {
    var exchange: String
    var routingKey: String
    var body: [UInt8]
    var properties: AMQPProperties
    var mandatory: Bool
    var deadline: ContinuousClock.Instant
    var continuation: CheckedContinuation<Void, any Error>
}

struct CallRequest: Sendable {
    var id: String
    var routingKey: String
    var body: [UInt8]
    var properties: AMQPProperties
    var deadline: ContinuousClock.Instant
    var continuation: CheckedContinuation<AMQPMessage, any Error>
}

struct ConsumerRegistration: Sendable {
    var id: Int
    var queue: String
    var prefetch: UInt16
    var continuation: AsyncThrowingStream<AMQPDelivery, any Error>.Continuation
    var answer: AMQPConnection.InlineAnswer?
}

/// The outcome a consumer gives a delivery.
struct Settlement: Sendable {
    enum Kind: Sendable { case ack, nack(requeue: Bool), reject(requeue: Bool) }
    var kind: Kind
    var consumerID: Int
    var epoch: UInt64
    var deliveryTag: UInt64
}
