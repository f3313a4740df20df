import CRabbitMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One open rabbitmq-c connection. Confined to the connection's thread: rabbitmq-c state must never
/// be touched from two threads.
final class RabbitMQSession {
    let state: amqp_connection_state_t
    private var closed = false

    /// Opens a TCP connection and logs in. Throws `connectFailed` or `accessRefused`.
    init(configuration: AMQPConfiguration) throws(AMQPError) {
        guard let state = amqp_new_connection() else {
            throw AMQPError(.connectFailed, "could not allocate a rabbitmq-c connection")
        }
        self.state = state
        guard let socket = amqp_tcp_socket_new(state) else {
            closed = true
            amqp_destroy_connection(state)
            throw AMQPError(.connectFailed, "could not create a TCP socket")
        }
        var timeout = Self.cTimeval(configuration.operationTimeout)
        let opened = amqp_socket_open_noblock(socket, configuration.host, Int32(configuration.port), &timeout)
        guard opened == AMQP_STATUS_OK.rawValue else {
            closed = true
            amqp_destroy_connection(state)
            throw AMQPError(
                .connectFailed,
                "cannot connect to \(configuration.host):\(configuration.port): \(Self.describe(opened))")
        }
        _ = amqp_set_handshake_timeout(state, &timeout)
        _ = amqp_set_rpc_timeout(state, &timeout)

        let arena = CArena()
        let capabilities = arena.booleanTable([
            "publisher_confirms": true, "consumer_cancel_notify": true, "connection.blocked": true,
            "basic.nack": true, "authentication_failure_close": true,
        ])
        let clientProperties: [(String, amqp_field_value_t)] = [
            ("connection_name", crabbitmq_field_utf8(arena.bytes(configuration.connectionName))),
            ("product", crabbitmq_field_utf8(arena.bytes("TenantDesk"))),
            ("capabilities", crabbitmq_field_table(capabilities)),
        ]
        let entries = UnsafeMutablePointer<amqp_table_entry_t>.allocate(capacity: clientProperties.count)
        defer { entries.deallocate() }
        for (index, (key, value)) in clientProperties.enumerated() {
            (entries + index).initialize(to: amqp_table_entry_t(key: arena.bytes(key), value: value))
        }
        var table = amqp_table_t(num_entries: Int32(clientProperties.count), entries: entries)
        let reply = crabbitmq_login(
            state, arena.cString(configuration.virtualHost), 0, 131_072,
            Int32(configuration.heartbeatSeconds), &table,
            arena.cString(configuration.user), arena.cString(configuration.password))
        if reply.reply_type != AMQP_RESPONSE_NORMAL {
            let error = Self.error(from: reply, doing: "log in to vhost \(configuration.virtualHost)")
            closed = true
            amqp_destroy_connection(state)
            if reply.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION
                || reply.library_error == AMQP_STATUS_CONNECTION_CLOSED.rawValue
                || reply.library_error == AMQP_STATUS_SOCKET_CLOSED.rawValue {
                throw AMQPError(.accessRefused, error.message)
            }
            throw AMQPError(.connectFailed, error.message)
        }
    }

    deinit {
        if !closed { amqp_destroy_connection(state) }
    }

    /// Closes the connection politely (connection.close) and frees it.
    func close() {
        guard !closed else { return }
        closed = true
        _ = amqp_connection_close(state, AMQP_REPLY_SUCCESS)
        amqp_destroy_connection(state)
    }

    /// Frees the connection without the closing handshake (the socket is already broken).
    func abandon() {
        guard !closed else { return }
        closed = true
        amqp_destroy_connection(state)
    }

    var socketDescriptor: Int32 { amqp_get_sockfd(state) }

    /// Whether rabbitmq-c holds frames or bytes that `poll` on the socket would not report.
    var hasBufferedInput: Bool { amqp_frames_enqueued(state) != 0 || amqp_data_in_buffer(state) != 0 }

    // MARK: channels

    func openChannel(_ channel: UInt16) throws(AMQPError) {
        amqp_channel_open(state, channel)
        try check("open channel \(channel)", channel: channel)
    }

    func closeChannel(_ channel: UInt16) throws(AMQPError) {
        let reply = amqp_channel_close(state, channel, AMQP_REPLY_SUCCESS)
        if reply.reply_type != AMQP_RESPONSE_NORMAL {
            throw Self.error(from: reply, doing: "close channel \(channel)")
        }
    }

    func selectConfirms(_ channel: UInt16) throws(AMQPError) {
        amqp_confirm_select(state, channel)
        try check("enable publisher confirms", channel: channel)
    }

    func qos(_ channel: UInt16, prefetch: UInt16) throws(AMQPError) {
        amqp_basic_qos(state, channel, 0, prefetch, 0)
        try check("set prefetch \(prefetch)", channel: channel)
    }

    /// Starts a consumer and returns the consumer tag the broker gave it.
    func consume(_ channel: UInt16, queue: String, noAck: Bool) throws(AMQPError) -> String {
        let arena = CArena()
        let ok = amqp_basic_consume(state, channel, arena.bytes(queue), amqp_empty_bytes, 0, noAck ? 1 : 0, 0, amqp_empty_table)
        try check("consume from queue \(queue)", channel: channel)
        guard let ok else { throw AMQPError(.protocolError, "basic.consume on \(queue) returned nothing") }
        return CDecode.string(ok.pointee.consumer_tag)
    }

    func cancel(_ channel: UInt16, consumerTag: String) throws(AMQPError) {
        let arena = CArena()
        amqp_basic_cancel(state, channel, arena.bytes(consumerTag))
        try check("cancel consumer \(consumerTag)", channel: channel)
    }

    // MARK: topology

    func declare(_ exchange: AMQPTopology.Exchange, channel: UInt16) throws(AMQPError) {
        let arena = CArena()
        amqp_exchange_declare(
            state, channel, arena.bytes(exchange.name), arena.bytes(exchange.kind.rawValue), 0,
            exchange.durable ? 1 : 0, 0, 0, amqp_empty_table)
        try check("declare exchange \(exchange.name)", channel: channel)
    }

    func declare(_ queue: AMQPTopology.Queue, channel: UInt16) throws(AMQPError) {
        let arena = CArena()
        amqp_queue_declare(
            state, channel, arena.bytes(queue.name), 0, queue.durable ? 1 : 0, queue.exclusive ? 1 : 0,
            queue.autoDelete ? 1 : 0, arena.table(queue.arguments))
        try check("declare queue \(queue.name)", channel: channel)
    }

    func bind(_ binding: AMQPTopology.Binding, channel: UInt16) throws(AMQPError) {
        let arena = CArena()
        amqp_queue_bind(
            state, channel, arena.bytes(binding.queue), arena.bytes(binding.exchange),
            arena.bytes(binding.routingKey), amqp_empty_table)
        try check("bind \(binding.queue) to \(binding.exchange) with \(binding.routingKey)", channel: channel)
    }

    /// Deletes a queue and returns how many messages it held.
    func deleteQueue(_ name: String, channel: UInt16) throws(AMQPError) -> UInt32 {
        let arena = CArena()
        let ok = amqp_queue_delete(state, channel, arena.bytes(name), 0, 0)
        try check("delete queue \(name)", channel: channel)
        return ok?.pointee.message_count ?? 0
    }

    /// Counts the ready messages of a queue (passive declare).
    func messageCount(_ name: String, channel: UInt16) throws(AMQPError) -> UInt32 {
        let arena = CArena()
        let ok = amqp_queue_declare(state, channel, arena.bytes(name), 1, 0, 0, 0, amqp_empty_table)
        try check("inspect queue \(name)", channel: channel)
        return ok?.pointee.message_count ?? 0
    }

    // MARK: messages

    func publish(
        channel: UInt16, exchange: String, routingKey: String, body: [UInt8],
        properties: AMQPProperties, mandatory: Bool
    ) throws(AMQPError) {
        let arena = CArena()
        var cProperties = arena.properties(properties)
        let status = body.withUnsafeBytes { raw in
            amqp_basic_publish(
                state, channel, arena.bytes(exchange), arena.bytes(routingKey), mandatory ? 1 : 0, 0,
                &cProperties,
                amqp_bytes_t(len: raw.count, bytes: UnsafeMutableRawPointer(mutating: raw.baseAddress)))
        }
        guard status == AMQP_STATUS_OK.rawValue else {
            throw AMQPError(.connectionLost, "publish to \(exchange)/\(routingKey) failed: \(Self.describe(status))")
        }
    }

    func ack(channel: UInt16, deliveryTag: UInt64, multiple: Bool) throws(AMQPError) {
        let status = amqp_basic_ack(state, channel, deliveryTag, multiple ? 1 : 0)
        guard status == AMQP_STATUS_OK.rawValue else {
            throw AMQPError(.connectionLost, "ack failed: \(Self.describe(status))")
        }
    }

    func nack(channel: UInt16, deliveryTag: UInt64, requeue: Bool) throws(AMQPError) {
        let status = amqp_basic_nack(state, channel, deliveryTag, 0, requeue ? 1 : 0)
        guard status == AMQP_STATUS_OK.rawValue else {
            throw AMQPError(.connectionLost, "nack failed: \(Self.describe(status))")
        }
    }

    func reject(channel: UInt16, deliveryTag: UInt64, requeue: Bool) throws(AMQPError) {
        let status = amqp_basic_reject(state, channel, deliveryTag, requeue ? 1 : 0)
        guard status == AMQP_STATUS_OK.rawValue else {
            throw AMQPError(.connectionLost, "reject failed: \(Self.describe(status))")
        }
    }

    /// Answers a broker-initiated channel.close or connection.close.
    func sendCloseOk(channel: UInt16) {
        if channel == 0 {
            var ok = amqp_connection_close_ok_t(dummy: 0)
            _ = amqp_send_method(state, 0, CRABBITMQ_CONNECTION_CLOSE_OK, &ok)
        } else {
            var ok = amqp_channel_close_ok_t(dummy: 0)
            _ = amqp_send_method(state, channel, CRABBITMQ_CHANNEL_CLOSE_OK, &ok)
        }
    }

    /// Reads one frame if one is available without waiting; `nil` when none is. Also sends a
    /// heartbeat when one is due and notices a peer silent for two heartbeats.
    func readFrame(into frame: inout amqp_frame_t) throws(AMQPError) -> Bool {
        var zero = timeval(tv_sec: 0, tv_usec: 0)
        let status = amqp_simple_wait_frame_noblock(state, &frame, &zero)
        if status == AMQP_STATUS_OK.rawValue { return true }
        if status == AMQP_STATUS_TIMEOUT.rawValue { return false }
        throw AMQPError(.connectionLost, "connection lost: \(Self.describe(status))")
    }

    func releaseBuffers() { amqp_maybe_release_buffers(state) }

    // MARK: errors

    private func check(_ what: String, channel: UInt16) throws(AMQPError) {
        let reply = amqp_get_rpc_reply(state)
        guard reply.reply_type != AMQP_RESPONSE_NORMAL else { return }
        let error = Self.error(from: reply, doing: what)
        if case .channelClosed = error.kind {
            // The broker closed the channel; acknowledge so that it can be opened again.
            sendCloseOk(channel: channel)
        } else if reply.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION {
            sendCloseOk(channel: 0)
        }
        throw error
    }

    static func error(from reply: amqp_rpc_reply_t, doing what: String) -> AMQPError {
        switch reply.reply_type {
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            if reply.reply.id == CRABBITMQ_CHANNEL_CLOSE,
               let close = reply.reply.decoded?.assumingMemoryBound(to: amqp_channel_close_t.self).pointee {
                return AMQPError(
                    .channelClosed(code: close.reply_code),
                    "\(what): broker closed the channel: \(close.reply_code) \(CDecode.string(close.reply_text))")
            }
            if reply.reply.id == CRABBITMQ_CONNECTION_CLOSE,
               let close = reply.reply.decoded?.assumingMemoryBound(to: amqp_connection_close_t.self).pointee {
                return AMQPError(
                    .connectionLost,
                    "\(what): broker closed the connection: \(close.reply_code) \(CDecode.string(close.reply_text))")
            }
            return AMQPError(.protocolError, "\(what): unexpected server reply \(reply.reply.id)")
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            return AMQPError(.connectionLost, "\(what): \(describe(reply.library_error))")
        default:
            return AMQPError(.protocolError, "\(what): no reply")
        }
    }

    static func describe(_ status: Int32) -> String {
        guard let text = amqp_error_string2(status) else { return "status \(status)" }
        return String(cString: text)
    }

    static func cTimeval(_ duration: Duration) -> timeval {
        let (seconds, attoseconds) = duration.components
        return timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}
