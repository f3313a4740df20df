/// A message delivered to a consumer, to be settled exactly once with `ack`, `nack` or `reject`.
///
/// - Important: Settle only after the message's effect is committed. A delivery that is never
///   settled is redelivered when its connection or channel closes; a settlement that arrives after
///   a reconnect is dropped, because the broker has already requeued the message.
public struct AMQPDelivery: Sendable {
    /// The message.
    public let message: AMQPMessage
    let settle: @Sendable (Settlement.Kind) -> Void

    init(message: AMQPMessage, settle: @escaping @Sendable (Settlement.Kind) -> Void) {
        self.message = message
        self.settle = settle
    }

    /// Acknowledges: the broker forgets the message.
    public func ack() { settle(.ack) }

    /// Negatively acknowledges: the broker requeues the message, or dead-letters it when
    /// `requeue` is false or the queue's delivery limit is reached.
    public func nack(requeue: Bool) { settle(.nack(requeue: requeue)) }

    /// Rejects the message (same effect as `nack` for one message).
    public func reject(requeue: Bool) { settle(.reject(requeue: requeue)) }
}

/// The deliveries of one consumer. Iterate with `for try await`; ending the iteration (or
/// cancelling the task) cancels the consumer at the broker, which requeues unsettled messages.
public struct AMQPConsumer: AsyncSequence, Sendable {
    public typealias Element = AMQPDelivery
    let stream: AsyncThrowingStream<AMQPDelivery, any Error>
    let cancelAction: @Sendable () -> Void

    /// Stops the consumer: the broker sends nothing more and the sequence ends, while the
    /// deliveries already handed out can still be acknowledged (graceful shutdown: finish what
    /// was started). Ending the iteration without `cancel()` requeues what was not settled.
    public func cancel() { cancelAction() }

    public func makeAsyncIterator() -> AsyncThrowingStream<AMQPDelivery, any Error>.AsyncIterator {
        stream.makeAsyncIterator()
    }
}
