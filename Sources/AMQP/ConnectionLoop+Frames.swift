import CRabbitMQ
import Logging
import Synchronization

extension ConnectionLoop {
    /// Handles every frame rabbitmq-c can give without waiting: the ones it queued during
    /// synchronous calls, the ones already in its buffer, and what the socket holds.
    func readFrames(from session: RabbitMQSession) throws(AMQPError) {
        var frame = amqp_frame_t()
        guard try session.readFrame(into: &frame) else { return }
        while true {
            try handle(&frame, session: session)
            session.releaseBuffers()
            // Stop when rabbitmq-c's buffer is empty rather than asking the socket again:
            // poll() tells when more arrives.
            guard session.hasBufferedInput, try session.readFrame(into: &frame) else { return }
        }
    }

    private func handle(_ frame: inout amqp_frame_t, session: RabbitMQSession) throws(AMQPError) {
        let channel = frame.channel
        switch Int32(crabbitmq_frame_type(&frame)) {
        case AMQP_FRAME_METHOD:
            try handleMethod(crabbitmq_frame_method_id(&frame), crabbitmq_frame_method(&frame), channel: channel, session: session)
        case AMQP_FRAME_HEADER:
            guard var partial = content[channel] else { return }
            partial.expectedSize = Int(crabbitmq_frame_body_size(&frame))
            partial.properties = CDecode.properties(crabbitmq_frame_properties(&frame))
            partial.body.reserveCapacity(partial.expectedSize ?? 0)
            finishOrStore(partial, channel: channel)
        case AMQP_FRAME_BODY:
            guard var partial = content[channel] else { return }
            partial.body.append(contentsOf: CDecode.array(crabbitmq_frame_body(&frame)))
            finishOrStore(partial, channel: channel)
        default:
            break  // Heartbeats: rabbitmq-c tracks them itself.
        }
    }

    private func handleMethod(
        _ id: amqp_method_number_t, _ decoded: UnsafeMutableRawPointer?, channel: UInt16, session: RabbitMQSession
    ) throws(AMQPError) {
        guard let decoded else { return }
        switch id {
        case CRABBITMQ_BASIC_DELIVER:
            let m = decoded.assumingMemoryBound(to: amqp_basic_deliver_t.self).pointee
            content[channel] = PartialContent(
                origin: .deliver(deliveryTag: m.delivery_tag, redelivered: m.redelivered != 0),
                exchange: CDecode.string(m.exchange), routingKey: CDecode.string(m.routing_key))
        case CRABBITMQ_BASIC_RETURN:
            let m = decoded.assumingMemoryBound(to: amqp_basic_return_t.self).pointee
            content[channel] = PartialContent(
                origin: .returned(code: m.reply_code, text: CDecode.string(m.reply_text)),
                exchange: CDecode.string(m.exchange), routingKey: CDecode.string(m.routing_key))
        case CRABBITMQ_BASIC_ACK where channel == ChannelNumber.publisher:
            let m = decoded.assumingMemoryBound(to: amqp_basic_ack_t.self).pointee
            settleConfirms(upTo: m.delivery_tag, multiple: m.multiple != 0, acked: true)
        case CRABBITMQ_BASIC_NACK where channel == ChannelNumber.publisher:
            let m = decoded.assumingMemoryBound(to: amqp_basic_nack_t.self).pointee
            settleConfirms(upTo: m.delivery_tag, multiple: m.multiple != 0, acked: false)
        case CRABBITMQ_BASIC_CANCEL:
            consumerCancelledByBroker(channel: channel)
        case CRABBITMQ_CHANNEL_CLOSE:
            let m = decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
            session.sendCloseOk(channel: channel)
            try channelClosedByBroker(channel, code: m.reply_code, text: CDecode.string(m.reply_text), session: session)
        case CRABBITMQ_CONNECTION_CLOSE:
            let m = decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
            session.sendCloseOk(channel: 0)
            throw AMQPError(
                .connectionLost, "broker closed the connection: \(m.reply_code) \(CDecode.string(m.reply_text))")
        case CRABBITMQ_CONNECTION_BLOCKED:
            status.withLock { $0.blocked = true }
            logger.warning("RabbitMQ blocked the connection (resource alarm); publishes wait")
        case CRABBITMQ_CONNECTION_UNBLOCKED:
            status.withLock { $0.blocked = false }
            logger.info("RabbitMQ unblocked the connection")
        default:
            break
        }
    }

    private func finishOrStore(_ partial: PartialContent, channel: UInt16) {
        guard partial.isComplete else {
            content[channel] = partial
            return
        }
        content[channel] = nil
        let message = AMQPMessage(
            body: partial.body, properties: partial.properties, exchange: partial.exchange,
            routingKey: partial.routingKey, redelivered: false)
        switch partial.origin {
        case .deliver(let tag, let redelivered):
            var delivered = message
            delivered.redelivered = redelivered
            deliver(delivered, deliveryTag: tag, channel: channel)
        case .returned(let code, let text):
            returned(message, code: code, text: text, channel: channel)
        }
    }

    private func deliver(_ message: AMQPMessage, deliveryTag: UInt64, channel: UInt16) {
        if channel == ChannelNumber.rpc {
            guard let id = message.properties.correlationID, let call = calls.removeValue(forKey: id) else {
                return  // A reply that came after its caller gave up.
            }
            call.continuation.resume(returning: message)
            return
        }
        guard let id = consumerByChannel[channel], let consumer = consumers[id] else { return }
        if !consumer.stopped, let answer = consumer.answer, answerInline(message, deliveryTag: deliveryTag, consumer: id, answer) {
            return
        }
        let settlementEpoch = consumer.epoch
        let delivery = AMQPDelivery(message: message) { [weak self] kind in
            self?.submit(.settle(Settlement(kind: kind, consumerID: id, epoch: settlementEpoch, deliveryTag: deliveryTag)))
        }
        if !consumer.stopped, case .enqueued = consumer.continuation.yield(delivery) {
            consumers[id]?.unsettled.append(deliveryTag)
            return
        }
        // Nobody will handle it (the consumer stopped or its iteration ended): back to the queue now.
        if let session { try? session.reject(channel: channel, deliveryTag: deliveryTag, requeue: true) }
    }

    /// Sends the inline answer to a request and acknowledges it (with the acks of this pass).
    /// False when there is none, or it could not be sent: the stream gets the request.
    private func answerInline(
        _ message: AMQPMessage, deliveryTag: UInt64, consumer id: Int, _ answer: AMQPConnection.InlineAnswer
    ) -> Bool {
        guard let session, let replyTo = message.properties.replyTo, let reply = answer(message) else { return false }
        var properties = reply.properties
        properties.correlationID = message.properties.correlationID
        properties.persistent = false
        do throws(AMQPError) {
            try session.publish(
                channel: ChannelNumber.rpc, exchange: "", routingKey: replyTo, body: reply.body, properties: properties, mandatory: false)
        } catch {
            return false
        }
        consumers[id]?.unsettled.append(deliveryTag)
        consumers[id]?.pendingAcks.insert(deliveryTag)
        consumersWithPendingAcks.insert(id)
        return true
    }

    private func returned(_ message: AMQPMessage, code: UInt16, text: String, channel: UInt16) {
        let error = AMQPError(
            .unroutable(code: code),
            "\(code) \(text): no queue is bound to \(message.exchange.isEmpty ? "the default exchange" : message.exchange) with routing key \(message.routingKey)")
        if channel == ChannelNumber.rpc {
            if let id = message.properties.correlationID, let call = calls.removeValue(forKey: id) {
                call.continuation.resume(throwing: error)
            }
            return
        }
        guard channel == ChannelNumber.publisher else { return }
        // The broker sends basic.return before the basic.ack of the same message.
        confirms.markReturned(messageID: message.properties.messageID, error: error)
    }

    private func settleConfirms(upTo tag: UInt64, multiple: Bool, acked: Bool) {
        for confirm in confirms.settle(tag: tag, multiple: multiple) {
            if let returned = confirm.returned {
                confirm.continuation.resume(throwing: returned)
            } else if acked {
                confirm.continuation.resume()
            } else {
                confirm.continuation.resume(throwing: AMQPError(.nacked, "the broker refused the message (basic.nack)"))
            }
        }
    }

    private func consumerCancelledByBroker(channel: UInt16) {
        guard let id = consumerByChannel[channel], var consumer = consumers[id] else { return }
        logger.warning(
            "RabbitMQ cancelled a consumer; re-declaring and subscribing again",
            metadata: [AMQPLoggingKeys.queue: "\(consumer.queue)"])
        consumer.consumerTag = nil
        consumer.resubscribeAt = .now + .milliseconds(500)
        consumers[id] = consumer
    }

    private func channelClosedByBroker(_ channel: UInt16, code: UInt16, text: String, session: RabbitMQSession) throws(AMQPError) {
        let error = AMQPError(.channelClosed(code: code), "broker closed channel \(channel): \(code) \(text)")
        logger.warning("RabbitMQ closed a channel", metadata: [
            AMQPLoggingKeys.channel: "\(channel)", AMQPLoggingKeys.error: "\(error.message)",
        ])
        content[channel] = nil
        switch channel {
        case ChannelNumber.publisher:
            failConfirms(with: error)
            try openPublisherChannel(session)
        case ChannelNumber.rpc:
            failCalls(with: error)
            try openRPCChannel(session)
        case ChannelNumber.management:
            try session.openChannel(channel)
        default:
            guard let id = consumerByChannel.removeValue(forKey: channel), var consumer = consumers[id] else { return }
            consumer.channel = nil
            consumer.consumerTag = nil
            consumer.resubscribeAt = .now + .seconds(1)
            consumers[id] = consumer
            freeChannels.append(channel)
        }
    }
}
