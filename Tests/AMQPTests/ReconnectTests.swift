import AMQP
import Testing

@Suite("AMQP reconnection", .serialized, .timeLimit(.minutes(2)))
struct ReconnectTests {
    @Test("after the broker closes the connection the client reconnects, re-declares and resumes its consumer")
    func brokerClosesConnection() async throws {
        let exchange = TestBroker.uniqueName("test.events")
        let queue = TestBroker.uniqueName("test.reconnect")
        let name = TestBroker.uniqueName("reconnect-client")
        let topology = AMQPTopology(
            exchanges: [.init(name: exchange, kind: .topic)],
            queues: [.init(name: queue, kind: .quorum)],
            bindings: [.init(queue: queue, exchange: exchange, routingKey: "thing.#")])
        let client = try await TestBroker.connect(name: name, topology: topology)
        let admin = try await TestBroker.connect(name: "reconnect-admin")
        defer { Task { _ = try? await admin.deleteQueue(queue); await client.close(); await admin.close() } }

        let (received, sink) = AsyncStream<String>.makeStream()
        let consuming = Task {
            for try await delivery in client.consume(queue: queue, prefetch: 10) {
                sink.yield(delivery.message.body.text)
                delivery.ack()
            }
        }
        defer { consuming.cancel() }
        var iterator = received.makeAsyncIterator()

        try await client.publish([UInt8](text: "before"), exchange: exchange, routingKey: "thing.created")
        #expect(await iterator.next() == "before")

        // Delete the queue behind the client's back, then have the broker drop the client.
        try await admin.deleteQueue(queue)
        try TestBroker.closeConnection(named: name)
        try await Task.sleep(for: .milliseconds(200))
        try await client.waitUntilConnected(timeout: .seconds(15))

        // The queue and binding are back, publishing works and the old consumer receives again.
        var published = false
        for _ in 0..<50 where !published {
            do {
                try await client.publish([UInt8](text: "after"), exchange: exchange, routingKey: "thing.updated")
                published = true
            } catch let error as AMQPError where error.isRetriable {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        #expect(published)
        #expect(await iterator.next() == "after")
    }

    @Test("while the broker is unreachable, publish and call fail fast with a retriable error")
    func failFastWhileDown() async throws {
        var configuration = try TestBroker.configuration(name: "unreachable")
        configuration.port = 1
        let client = try AMQPConnection(configuration: configuration, logger: TestBroker.logger)
        client.start()
        defer { Task { await client.close() } }
        let clock = ContinuousClock()
        let start = clock.now
        await #expect {
            try await client.publish([UInt8](text: "x"), exchange: "", routingKey: "anything")
        } throws: { error in
            guard let error = error as? AMQPError else { return false }
            return error.kind == .notConnected && error.isRetriable
        }
        await #expect {
            _ = try await client.call(queue: "anything", body: [], timeout: .seconds(60))
        } throws: { error in
            (error as? AMQPError)?.kind == .notConnected
        }
        // Well before the call's own deadline (a loaded machine delays everything by seconds).
        #expect(clock.now - start < .seconds(30))
        #expect(!client.isConnected)
    }

    @Test("a dropped connection comes back by itself")
    func droppedConnectionRecovers() async throws {
        let queue = TestBroker.uniqueName("test.drop")
        let client = try await TestBroker.connect(topology: AMQPTopology(queues: [.init(name: queue, kind: .quorum)]))
        defer { Task { _ = try? await client.deleteQueue(queue); await client.close() } }
        client.simulateConnectionLoss()
        try await Task.sleep(for: .milliseconds(20))
        try await client.waitUntilConnected(timeout: .seconds(10))
        try await client.publish([UInt8](text: "y"), exchange: "", routingKey: queue)
        #expect(try await client.messageCount(queue: queue) == 1)
    }
}
