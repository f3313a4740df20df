/// A published message waiting for the broker's confirm.
struct PendingConfirm {
    var messageID: String?
    var deadline: ContinuousClock.Instant
    var continuation: CheckedContinuation<Void, any Error>
    /// Set when the broker returned the message as unroutable; the ack that follows then fails it.
    var returned: AMQPError?
}

/// An RPC call waiting for its reply.
struct PendingCall {
    var routingKey: String
    var deadline: ContinuousClock.Instant
    var continuation: CheckedContinuation<AMQPMessage, any Error>
}

/// A registered consumer; survives reconnects, which subscribe it again.
struct ConsumerState {
    var queue: String
    var prefetch: UInt16
    var continuation: AsyncThrowingStream<AMQPDelivery, any Error>.Continuation
    /// Answers some requests on the connection thread, before they reach the stream.
    var answer: AMQPConnection.InlineAnswer?
    var channel: UInt16?
    var consumerTag: String?
    /// Deliveries carry the epoch they arrived in; settlements from an older epoch are dropped.
    var epoch: UInt64 = 0
    /// When to try subscribing again after the broker cancelled the consumer or refused it.
    var resubscribeAt: ContinuousClock.Instant?
    /// Delivery tags of this epoch not yet settled, in arrival (= tag) order.
    var unsettled: [UInt64] = []
    /// Acks asked for during the current loop pass, sent together by `flushAcks`.
    var pendingAcks: Set<UInt64> = []
    /// Stopped by `AMQPConsumer.cancel()`: no more deliveries; removed once all are settled.
    var stopped = false
}

/// A message whose content frames are still arriving on a channel.
struct PartialContent {
    enum Origin {
        case deliver(deliveryTag: UInt64, redelivered: Bool)
        case returned(code: UInt16, text: String)
    }
    var origin: Origin
    var exchange: String
    var routingKey: String
    var properties = AMQPProperties(persistent: false)
    var expectedSize: Int?
    var body: [UInt8] = []

    var isComplete: Bool {
        guard let expectedSize else { return false }
        return body.count >= expectedSize
    }
}
