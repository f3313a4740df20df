/// Log metadata keys of the AMQP client.
enum AMQPLoggingKeys {
    static let broker = "amqp.broker"
    static let connectionName = "amqp.connection"
    static let error = "amqp.error"
    static let queue = "amqp.queue"
    static let channel = "amqp.channel"
    static let retryIn = "amqp.retry_in"
}
