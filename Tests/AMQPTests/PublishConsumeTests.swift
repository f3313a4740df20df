import AMQP
import Testing

@Suite("AMQP publish and consume against RabbitMQ", .serialized, .timeLimit(.minutes(3)))
struct PublishConsumeTests {
    @Test("10,000 confirmed persistent messages are all consumed, none twice")
    func tenThousandMessages() async throws {
        let queue = TestBroker.uniqueName("test.bulk")
        let connection = try await TestBroker.connect(topology: AMQPTopology(queues: [.init(name: queue, kind: .quorum)]))
        defer { Task { _ = try? await connection.deleteQueue(queue); await connection.close() } }

        let total = 10_000
        let body = [UInt8](repeating: 0x61, count: 1024)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<total {
                if index >= 256 { try await group.next() }
                group.addTask {
                    var payload = body
                    let digits = String(index)
                    payload.replaceSubrange(0..<8, with: Array((String(repeating: "0", count: 8 - digits.count) + digits).utf8))
                    try await connection.publish(
                        payload, exchange: "", routingKey: queue, properties: AMQPProperties(messageID: "m\(index)"))
                }
            }
            try await group.waitForAll()
        }
        #expect(try await connection.messageCount(queue: queue) == UInt32(total))

        var seen = Set<String>()
        var duplicates = 0
        for try await delivery in connection.consume(queue: queue, prefetch: 200) {
            let key = Array(delivery.message.body.prefix(8)).text
            if !seen.insert(key).inserted { duplicates += 1 }
            #expect(delivery.message.properties.persistent)
            #expect(delivery.message.body.count == 1024)
            delivery.ack()
            if seen.count == total { break }
        }
        #expect(seen.count == total)
        #expect(duplicates == 0)
        // Quorum queues apply acks through their Raft log: wait (bounded) for the count to settle.
        var left = try await connection.messageCount(queue: queue)
        for _ in 0..<100 where left > 0 {
            try await Task.sleep(for: .milliseconds(100))
            left = try await connection.messageCount(queue: queue)
        }
        #expect(left == 0)
    }

    @Test("a mandatory publish nobody can receive throws unroutable")
    func unroutable() async throws {
        let connection = try await TestBroker.connect()
        defer { Task { await connection.close() } }
        await #expect {
            try await connection.publish([UInt8](text: "x"), exchange: "", routingKey: TestBroker.uniqueName("nobody"))
        } throws: { error in
            guard let error = error as? AMQPError, case .unroutable(let code) = error.kind else { return false }
            return code == 312
        }
        // The channel stays usable afterwards.
        let queue = TestBroker.uniqueName("test.after-return")
        try await connection.declare(AMQPTopology(queues: [.init(name: queue, durable: false, autoDelete: false)]))
        try await connection.publish([UInt8](text: "ok"), exchange: "", routingKey: queue)
        #expect(try await connection.messageCount(queue: queue) == 1)
        try await connection.deleteQueue(queue)
    }

    @Test("a publish the broker refuses (queue full, reject-publish) throws nacked")
    func nacked() async throws {
        let queue = TestBroker.uniqueName("test.full")
        let connection = try await TestBroker.connect(topology: AMQPTopology(queues: [
            .init(name: queue, kind: .classic, maxLength: 1, overflow: .rejectPublish),
        ]))
        defer { Task { _ = try? await connection.deleteQueue(queue); await connection.close() } }
        try await connection.publish([UInt8](text: "first"), exchange: "", routingKey: queue)
        await #expect {
            try await connection.publish([UInt8](text: "second"), exchange: "", routingKey: queue)
        } throws: { error in
            (error as? AMQPError)?.kind == .nacked
        }
        #expect(try await connection.messageCount(queue: queue) == 1)
    }

    @Test("nack with requeue redelivers; reject without requeue dead-letters")
    func settlement() async throws {
        let queue = TestBroker.uniqueName("test.settle")
        let dead = queue + ".dead"
        let connection = try await TestBroker.connect(topology: AMQPTopology(queues: [
            .init(name: dead, kind: .quorum),
            .init(name: queue, kind: .quorum, deadLetterExchange: "", deadLetterRoutingKey: dead, deliveryLimit: 5),
        ]))
        defer { Task { _ = try? await connection.deleteQueue(queue); _ = try? await connection.deleteQueue(dead); await connection.close() } }
        try await connection.publish([UInt8](text: "poison"), exchange: "", routingKey: queue)

        var attempts = 0
        for try await delivery in connection.consume(queue: queue, prefetch: 1) {
            attempts += 1
            if attempts == 1 {
                #expect(!delivery.message.redelivered)
                delivery.nack(requeue: true)
            } else {
                #expect(delivery.message.redelivered)
                delivery.reject(requeue: false)
                break
            }
        }
        #expect(attempts == 2)
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await connection.messageCount(queue: dead) == 1)
        #expect(try await connection.messageCount(queue: queue) == 0)
    }

    @Test("a declaration that conflicts with an existing queue throws and leaves the connection usable")
    func conflictingDeclaration() async throws {
        let queue = TestBroker.uniqueName("test.conflict")
        let connection = try await TestBroker.connect(topology: AMQPTopology(queues: [.init(name: queue, kind: .quorum)]))
        defer { Task { _ = try? await connection.deleteQueue(queue); await connection.close() } }
        await #expect {
            try await connection.declare(AMQPTopology(queues: [.init(name: queue, kind: .classic)]))
        } throws: { error in
            (error as? AMQPError)?.kind == .channelClosed(code: 406)
        }
        try await connection.publish([UInt8](text: "still fine"), exchange: "", routingKey: queue)
        #expect(try await connection.messageCount(queue: queue) == 1)
    }
}

@Suite("AMQP settlement bookkeeping", .serialized, .timeLimit(.minutes(1)))
struct SettlementOrderTests {
    @Test("acks in any order, and a repeated ack, settle every message without closing the channel")
    func outOfOrderAcks() async throws {
        let queue = TestBroker.uniqueName("test.order")
        let connection = try await TestBroker.connect(topology: AMQPTopology(queues: [.init(name: queue, kind: .quorum)]))
        defer { Task { _ = try? await connection.deleteQueue(queue); await connection.close() } }
        for index in 0..<20 {
            try await connection.publish([UInt8](text: "m\(index)"), exchange: "", routingKey: queue)
        }
        // Keep the consumer (its iterator) alive while settling: ending it would requeue.
        var iterator = connection.consume(queue: queue, prefetch: 20).makeAsyncIterator()
        var held: [AMQPDelivery] = []
        while held.count < 20, let delivery = try await iterator.next() { held.append(delivery) }
        // Odd positions first, then the even ones backwards, then everything again.
        for index in stride(from: 1, to: 20, by: 2) { held[index].ack() }
        for index in stride(from: 18, through: 0, by: -2) { held[index].ack() }
        for delivery in held { delivery.ack() }

        var left = try await connection.messageCount(queue: queue)
        for _ in 0..<100 where left > 0 {
            try await Task.sleep(for: .milliseconds(100))
            left = try await connection.messageCount(queue: queue)
        }
        #expect(left == 0)
        #expect(connection.isConnected)
        _ = iterator
    }
}

@Suite("AMQP consumer stop for graceful shutdown", .serialized, .timeLimit(.minutes(1)))
struct ConsumerStopTests {
    @Test("after cancel() nothing more is delivered, and a delivery handed out before can still be acked")
    func finishInFlight() async throws {
        let queue = TestBroker.uniqueName("test.stop")
        let connection = try await TestBroker.connect(topology: AMQPTopology(queues: [.init(name: queue, kind: .quorum)]))
        defer { Task { _ = try? await connection.deleteQueue(queue); await connection.close() } }
        try await connection.publish([UInt8](text: "in flight"), exchange: "", routingKey: queue)

        let consumer = connection.consume(queue: queue, prefetch: 1)
        var iterator = consumer.makeAsyncIterator()
        let inFlight = try #require(try await iterator.next())
        consumer.cancel()
        #expect(try await iterator.next() == nil)

        try await connection.publish([UInt8](text: "after stop"), exchange: "", routingKey: queue)
        inFlight.ack()
        // The in-flight message is settled, not requeued; the later one waits for a new consumer.
        var ready = try await connection.messageCount(queue: queue)
        for _ in 0..<100 where ready != 1 {
            try await Task.sleep(for: .milliseconds(100))
            ready = try await connection.messageCount(queue: queue)
        }
        #expect(ready == 1)
        var next = connection.consume(queue: queue, prefetch: 1).makeAsyncIterator()
        let later = try #require(try await next.next())
        #expect(later.message.body.text == "after stop")
        #expect(!later.message.redelivered)
        later.ack()
    }
}
