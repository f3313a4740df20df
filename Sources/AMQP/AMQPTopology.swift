/// Exchanges, queues and bindings a client needs. The connection declares them on every
/// (re)connect, so a broker that lost them (a restart of a node without durable state, a deleted
/// queue) gets them back.
public struct AMQPTopology: Sendable, Equatable {
    /// Exchanges to declare.
    public var exchanges: [Exchange]
    /// Queues to declare.
    public var queues: [Queue]
    /// Bindings of queues to exchanges.
    public var bindings: [Binding]

    /// Creates a topology.
    public init(exchanges: [Exchange] = [], queues: [Queue] = [], bindings: [Binding] = []) {
        self.exchanges = exchanges
        self.queues = queues
        self.bindings = bindings
    }

    /// Adds everything of `other` that is not already here.
    public mutating func merge(_ other: AMQPTopology) {
        for e in other.exchanges where !exchanges.contains(e) { exchanges.append(e) }
        for q in other.queues where !queues.contains(q) { queues.append(q) }
        for b in other.bindings where !bindings.contains(b) { bindings.append(b) }
    }

    /// An exchange.
    public struct Exchange: Sendable, Equatable {
        /// Exchange types of AMQP 0-9-1.
        public enum Kind: String, Sendable { case direct, topic, fanout, headers }
        public var name: String
        public var kind: Kind
        public var durable: Bool
        /// Creates a durable exchange by default.
        public init(name: String, kind: Kind, durable: Bool = true) {
            self.name = name
            self.kind = kind
            self.durable = durable
        }
    }

    /// A queue and its arguments.
    public struct Queue: Sendable, Equatable {
        /// Classic or quorum (replicated, with a delivery limit).
        public enum Kind: String, Sendable { case classic, quorum }
        /// What the broker does when a queue is full.
        public enum Overflow: String, Sendable {
            case dropHead = "drop-head"
            case rejectPublish = "reject-publish"
        }
        public var name: String
        public var kind: Kind
        public var durable: Bool
        public var exclusive: Bool
        public var autoDelete: Bool
        /// Exchange that receives rejected, expired or over-limit messages.
        public var deadLetterExchange: String?
        /// Routing key used when dead-lettering (the original one when `nil`).
        public var deadLetterRoutingKey: String?
        /// Quorum queues: deliveries after which a message is dead-lettered instead of requeued.
        public var deliveryLimit: Int?
        /// Per-message time to live in milliseconds.
        public var messageTTLMilliseconds: Int?
        /// Maximum number of ready messages.
        public var maxLength: Int?
        /// Overflow behaviour when `maxLength` is reached.
        public var overflow: Overflow?
        /// Quorum queues: `at-least-once` dead-lettering (needs `overflow = reject-publish`).
        public var atLeastOnceDeadLettering: Bool

        /// Creates a queue description.
        public init(
            name: String, kind: Kind = .classic, durable: Bool = true, exclusive: Bool = false,
            autoDelete: Bool = false, deadLetterExchange: String? = nil,
            deadLetterRoutingKey: String? = nil, deliveryLimit: Int? = nil,
            messageTTLMilliseconds: Int? = nil, maxLength: Int? = nil, overflow: Overflow? = nil,
            atLeastOnceDeadLettering: Bool = false
        ) {
            self.name = name
            self.kind = kind
            self.durable = durable
            self.exclusive = exclusive
            self.autoDelete = autoDelete
            self.deadLetterExchange = deadLetterExchange
            self.deadLetterRoutingKey = deadLetterRoutingKey
            self.deliveryLimit = deliveryLimit
            self.messageTTLMilliseconds = messageTTLMilliseconds
            self.maxLength = maxLength
            self.overflow = overflow
            self.atLeastOnceDeadLettering = atLeastOnceDeadLettering
        }

        /// The `x-` arguments of the declaration.
        var arguments: [String: AMQPFieldValue] {
            var args: [String: AMQPFieldValue] = [:]
            if kind == .quorum { args["x-queue-type"] = .string("quorum") }
            if let deadLetterExchange { args["x-dead-letter-exchange"] = .string(deadLetterExchange) }
            if let deadLetterRoutingKey { args["x-dead-letter-routing-key"] = .string(deadLetterRoutingKey) }
            if let deliveryLimit { args["x-delivery-limit"] = .int(Int64(deliveryLimit)) }
            if let messageTTLMilliseconds { args["x-message-ttl"] = .int(Int64(messageTTLMilliseconds)) }
            if let maxLength { args["x-max-length"] = .int(Int64(maxLength)) }
            if let overflow { args["x-overflow"] = .string(overflow.rawValue) }
            if atLeastOnceDeadLettering { args["x-dead-letter-strategy"] = .string("at-least-once") }
            return args
        }
    }

    /// A binding of a queue to an exchange with a routing key (a pattern for topic exchanges).
    public struct Binding: Sendable, Equatable {
        public var queue: String
        public var exchange: String
        public var routingKey: String
        /// Creates a binding.
        public init(queue: String, exchange: String, routingKey: String) {
            self.queue = queue
            self.exchange = exchange
            self.routingKey = routingKey
        }
    }
}
