import Logging

extension ConnectionLoop {
    /// Runs the queued commands against the live session. On a connection failure the commands
    /// not yet run go back to the inbox, to be answered by the disconnected path.
    func runCommands(connectedTo session: RabbitMQSession) throws(AMQPError) {
        let commands = takeCommands()
        for (index, command) in commands.enumerated() {
            do throws(AMQPError) {
                try run(command, on: session)
            } catch {
                for rest in commands[(index + 1)...] { submit(rest) }
                throw error
            }
        }
        try flushAcks(on: session)
    }

    /// Sends the acks gathered in this pass: one `multiple` ack for the longest run of settled
    /// tags at the front of each consumer's window, single acks for the rest.
    func flushAcks(on session: RabbitMQSession) throws(AMQPError) {
        for id in consumersWithPendingAcks {
            try flushAcks(of: id, on: session)
        }
        consumersWithPendingAcks.removeAll(keepingCapacity: true)
    }

    private func flushAcks(of id: Int, on session: RabbitMQSession) throws(AMQPError) {
        guard var consumer = consumers[id], !consumer.pendingAcks.isEmpty, let channel = consumer.channel else { return }
        var prefix = 0
        while prefix < consumer.unsettled.count, consumer.pendingAcks.remove(consumer.unsettled[prefix]) != nil {
            prefix += 1
        }
        if prefix > 0 {
            try session.ack(channel: channel, deliveryTag: consumer.unsettled[prefix - 1], multiple: true)
            consumer.unsettled.removeFirst(prefix)
        }
        for tag in consumer.pendingAcks.sorted() {
            try session.ack(channel: channel, deliveryTag: tag, multiple: false)
            if let index = consumer.unsettled.firstIndex(of: tag) { consumer.unsettled.remove(at: index) }
        }
        consumer.pendingAcks.removeAll()
        consumers[id] = consumer
        if consumer.stopped && consumer.unsettled.isEmpty { try cancelConsumer(id, on: session) }
    }

    func runCommandsDisconnected() {
        let notConnected = AMQPError(.notConnected, "not connected to RabbitMQ (reconnecting)")
        for command in takeCommands() {
            switch command {
            case .stop:
                stopping = true
            case .consume(let registration):
                register(registration)
            case .cancelConsumer(let id), .stopConsumer(let id):
                consumers.removeValue(forKey: id)?.continuation.finish()
            case .declare(let extra, let continuation):
                topology.merge(extra)
                continuation.resume(throwing: notConnected)
            case .cancelCall(let id):
                calls.removeValue(forKey: id)?.continuation.resume(throwing: CancellationError())
            case .settle, .closeConnectionForTesting, .reply:
                break
            case .runJob(let job):
                run(job)
            default:
                Self.refuse(command, with: notConnected)
            }
        }
    }

    private func run(_ command: ConnectionCommand, on session: RabbitMQSession) throws(AMQPError) {
        switch command {
        case .publish(let request):
            try publish(request, on: session)
        case .call(let request):
            try call(request, on: session)
        case .cancelCall(let id):
            calls.removeValue(forKey: id)?.continuation.resume(throwing: CancellationError())
        case .reply(let routingKey, let body, let properties):
            try session.publish(
                channel: ChannelNumber.rpc, exchange: "", routingKey: routingKey, body: body,
                properties: properties, mandatory: false)
        case .consume(let registration):
            register(registration)
            try subscribe(registration.id, on: session)
        case .cancelConsumer(let id):
            if consumers[id]?.stopped == true { return }  // Stays until its deliveries are settled.
            try cancelConsumer(id, on: session)
        case .stopConsumer(let id):
            try stopConsumer(id, on: session)
        case .settle(let settlement):
            try settle(settlement, on: session)
        case .declare(let extra, let continuation):
            topology.merge(extra)
            do throws(AMQPError) {
                try declare(extra, on: session)
                continuation.resume()
            } catch {
                try recoverManagementChannel(after: error, on: session)
                continuation.resume(throwing: error)
            }
        case .deleteQueue(let name, let continuation):
            do throws(AMQPError) {
                continuation.resume(returning: try session.deleteQueue(name, channel: ChannelNumber.management))
            } catch {
                try recoverManagementChannel(after: error, on: session)
                continuation.resume(throwing: error)
            }
        case .messageCount(let name, let continuation):
            do throws(AMQPError) {
                continuation.resume(returning: try session.messageCount(name, channel: ChannelNumber.management))
            } catch {
                try recoverManagementChannel(after: error, on: session)
                continuation.resume(throwing: error)
            }
        case .closeConnectionForTesting:
            throw AMQPError(.connectionLost, "connection closed on request")
        case .stop:
            stopping = true
        case .runJob(let job):
            run(job)
        }
    }

    private func recoverManagementChannel(after error: AMQPError, on session: RabbitMQSession) throws(AMQPError) {
        guard case .channelClosed = error.kind else { throw error }
        try session.openChannel(ChannelNumber.management)
    }

    private func publish(_ request: PublishRequest, on session: RabbitMQSession) throws(AMQPError) {
        guard ContinuousClock.now < request.deadline else {
            request.continuation.resume(throwing: AMQPError(.timeout, "publish deadline passed before sending"))
            return
        }
        do throws(AMQPError) {
            try session.publish(
                channel: ChannelNumber.publisher, exchange: request.exchange, routingKey: request.routingKey,
                body: request.body, properties: request.properties, mandatory: request.mandatory)
        } catch {
            request.continuation.resume(throwing: error)
            throw error
        }
        publishTag += 1
        confirms.append(
            PendingConfirm(messageID: request.properties.messageID, deadline: request.deadline, continuation: request.continuation),
            tag: publishTag)
        noteDeadline(request.deadline)
    }

    private func call(_ request: CallRequest, on session: RabbitMQSession) throws(AMQPError) {
        guard ContinuousClock.now < request.deadline else {
            request.continuation.resume(throwing: AMQPError(.timeout, "RPC to \(request.routingKey) timed out"))
            return
        }
        do throws(AMQPError) {
            try send(request, on: session)
        } catch {
            request.continuation.resume(throwing: error)
            throw error
        }
    }

    /// Publishes an RPC request and waits for its reply: the connection thread's calls and
    /// `callDirectly` both come here, holding the session.
    func send(_ request: CallRequest, on session: RabbitMQSession) throws(AMQPError) {
        try session.publish(
            channel: ChannelNumber.rpc, exchange: "", routingKey: request.routingKey, body: request.body,
            properties: request.properties, mandatory: true)
        calls[request.id] = PendingCall(
            routingKey: request.routingKey, deadline: request.deadline, continuation: request.continuation)
        noteDeadline(request.deadline)
    }

    private func register(_ registration: ConsumerRegistration) {
        consumers[registration.id] = ConsumerState(
            queue: registration.queue, prefetch: registration.prefetch, continuation: registration.continuation,
            answer: registration.answer)
    }

    /// Opens a channel for the consumer and starts it. A refusal (its queue is missing) schedules
    /// another attempt instead of failing the connection.
    func subscribe(_ id: Int, on session: RabbitMQSession) throws(AMQPError) {
        guard var consumer = consumers[id] else { return }
        let channel: UInt16
        if let existing = consumer.channel {
            channel = existing
        } else {
            channel = allocateChannel()
            try session.openChannel(channel)
            try session.qos(channel, prefetch: consumer.prefetch)
            consumer.channel = channel
            consumerByChannel[channel] = id
        }
        epoch &+= 1
        consumer.epoch = epoch
        consumer.unsettled.removeAll()
        consumer.pendingAcks.removeAll()
        do throws(AMQPError) {
            consumer.consumerTag = try session.consume(channel, queue: consumer.queue, noAck: false)
            consumer.resubscribeAt = nil
        } catch {
            guard case .channelClosed = error.kind else { throw error }
            logger.warning(
                "cannot consume, will retry",
                metadata: [AMQPLoggingKeys.queue: "\(consumer.queue)", AMQPLoggingKeys.error: "\(error.message)"])
            consumerByChannel[channel] = nil
            freeChannels.append(channel)
            consumer.channel = nil
            consumer.consumerTag = nil
            consumer.resubscribeAt = .now + .seconds(1)
        }
        consumers[id] = consumer
    }

    func resubscribeDue(now: ContinuousClock.Instant, on session: RabbitMQSession) throws(AMQPError) {
        for (id, consumer) in consumers {
            guard let at = consumer.resubscribeAt, at <= now else { continue }
            try? declare(topology, on: session)
            try subscribe(id, on: session)
        }
    }

    private func cancelConsumer(_ id: Int, on session: RabbitMQSession) throws(AMQPError) {
        try flushAcks(of: id, on: session)
        guard let consumer = consumers.removeValue(forKey: id) else { return }
        consumer.continuation.finish()
        guard let channel = consumer.channel else { return }
        consumerByChannel[channel] = nil
        // Closing the channel requeues what the consumer had not settled.
        try session.closeChannel(channel)
        freeChannels.append(channel)
    }

    private func stopConsumer(_ id: Int, on session: RabbitMQSession) throws(AMQPError) {
        guard var consumer = consumers[id], !consumer.stopped else { return }
        consumer.stopped = true
        consumer.resubscribeAt = nil
        consumers[id] = consumer
        consumer.continuation.finish()
        if let channel = consumer.channel, let tag = consumer.consumerTag {
            try session.cancel(channel, consumerTag: tag)
        }
        if consumer.unsettled.isEmpty { try cancelConsumer(id, on: session) }
    }

    func cancelConsumersForShutdown(on session: RabbitMQSession) {
        for id in consumers.keys.sorted() { try? cancelConsumer(id, on: session) }
    }

    private func settle(_ settlement: Settlement, on session: RabbitMQSession) throws(AMQPError) {
        let id = settlement.consumerID
        let tag = settlement.deliveryTag
        guard let consumer = consumers[id], consumer.epoch == settlement.epoch, let channel = consumer.channel,
              consumer.unsettled.contains(tag), !consumer.pendingAcks.contains(tag)
        else { return }  // From before a reconnect or re-subscribe (the broker requeued it), or settled twice.
        switch settlement.kind {
        case .ack:
            consumers[id]?.pendingAcks.insert(tag)
            consumersWithPendingAcks.insert(id)
        case .nack(let requeue):
            try session.nack(channel: channel, deliveryTag: tag, requeue: requeue)
            consumers[id]?.unsettled.removeAll { $0 == tag }
            try flushAcks(of: id, on: session)
        case .reject(let requeue):
            try session.reject(channel: channel, deliveryTag: tag, requeue: requeue)
            consumers[id]?.unsettled.removeAll { $0 == tag }
            try flushAcks(of: id, on: session)
        }
    }

    private func allocateChannel() -> UInt16 {
        if let reused = freeChannels.popLast() { return reused }
        defer { nextChannel += 1 }
        return nextChannel
    }

    // MARK: deadlines and failures

    func noteDeadline(_ deadline: ContinuousClock.Instant) {
        if let current = nextDeadline, current <= deadline { return }
        nextDeadline = deadline
    }

    func expireDeadlines(now: ContinuousClock.Instant) {
        guard let due = nextDeadline, due <= now else { return }
        var next: ContinuousClock.Instant?
        for (id, call) in calls {
            if call.deadline <= now {
                calls[id] = nil
                call.continuation.resume(
                    throwing: AMQPError(.timeout, "RPC to \(call.routingKey) got no reply before its deadline"))
            } else {
                next = min(next ?? call.deadline, call.deadline)
            }
        }
        let (expired, nextConfirm) = confirms.expire(now: now)
        for confirm in expired {
            confirm.continuation.resume(
                throwing: AMQPError(.timeout, "the broker did not confirm the message before its deadline"))
        }
        if let nextConfirm { next = min(next ?? nextConfirm, nextConfirm) }
        nextDeadline = next
    }

    func failConfirms(with error: AMQPError) {
        for confirm in confirms.reset() { confirm.continuation.resume(throwing: error) }
    }

    func failCalls(with error: AMQPError) {
        for call in calls.values { call.continuation.resume(throwing: error) }
        calls.removeAll()
    }

    /// Answers a command that cannot run.
    static func refuse(_ command: ConnectionCommand, with error: AMQPError) {
        switch command {
        case .publish(let request): request.continuation.resume(throwing: error)
        case .call(let request): request.continuation.resume(throwing: error)
        case .consume(let registration): registration.continuation.finish(throwing: error)
        case .declare(_, let continuation): continuation.resume(throwing: error)
        case .deleteQueue(_, let continuation): continuation.resume(throwing: error)
        case .messageCount(_, let continuation): continuation.resume(throwing: error)
        case .runJob(let job):
            // The loop is gone: run the job where it was enqueued, as the global executor would.
            job.runSynchronously(on: globalConcurrentExecutor.asUnownedTaskExecutor())
        case .cancelCall, .reply, .cancelConsumer, .stopConsumer, .settle, .closeConnectionForTesting, .stop: break
        }
    }
}
