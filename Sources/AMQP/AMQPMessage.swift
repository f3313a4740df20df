/// A value in an AMQP field table (message headers, queue arguments).
public enum AMQPFieldValue: Sendable, Equatable {
    case string(String)
    case int(Int64)
    case bool(Bool)
}

/// Properties of a message (the AMQP `basic` content header), minus the ones this project never uses.
public struct AMQPProperties: Sendable, Equatable {
    /// MIME type of the body.
    public var contentType: String?
    /// Unique id of the message; consumers use it to drop duplicates.
    public var messageID: String?
    /// Correlates an RPC reply with its request.
    public var correlationID: String?
    /// Queue that should receive the reply of an RPC request.
    public var replyTo: String?
    /// Application message type, e.g. `request.submitted.v1`.
    public var type: String?
    /// Seconds since 1970 when the message was created.
    public var timestamp: UInt64?
    /// Per-message time to live in milliseconds, as the broker expects it (a decimal string).
    public var expiration: String?
    /// Whether the broker writes the message to disk (delivery mode 2).
    public var persistent: Bool
    /// Application headers.
    public var headers: [String: AMQPFieldValue]

    /// Creates properties; messages are persistent unless told otherwise.
    public init(
        contentType: String? = nil, messageID: String? = nil, correlationID: String? = nil,
        replyTo: String? = nil, type: String? = nil, timestamp: UInt64? = nil,
        expiration: String? = nil, persistent: Bool = true, headers: [String: AMQPFieldValue] = [:]
    ) {
        self.contentType = contentType
        self.messageID = messageID
        self.correlationID = correlationID
        self.replyTo = replyTo
        self.type = type
        self.timestamp = timestamp
        self.expiration = expiration
        self.persistent = persistent
        self.headers = headers
    }
}

/// A message as received: body, properties and where it came from.
public struct AMQPMessage: Sendable {
    /// The body bytes.
    public var body: [UInt8]
    /// The content header.
    public var properties: AMQPProperties
    /// Exchange it was published to.
    public var exchange: String
    /// Routing key it was published with.
    public var routingKey: String
    /// Whether the broker delivered it before (to this or another consumer).
    public var redelivered: Bool

    /// Creates a message value.
    public init(body: [UInt8], properties: AMQPProperties, exchange: String, routingKey: String, redelivered: Bool) {
        self.body = body
        self.properties = properties
        self.exchange = exchange
        self.routingKey = routingKey
        self.redelivered = redelivered
    }
}
