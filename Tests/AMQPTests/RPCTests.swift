import AMQP
import Synchronization
import Testing

@Suite("AMQP RPC over direct reply-to", .serialized, .timeLimit(.minutes(2)))
struct RPCTests {
    @Test("200 concurrent calls over one connection each get their own answer")
    func concurrentCalls() async throws {
        let queue = TestBroker.uniqueName("test.rpc")
        let server = try await TestBroker.connect(name: "rpc-server", topology: AMQPTopology(queues: [
            .init(name: queue, durable: false, autoDelete: true),
        ]))
        let client = try await TestBroker.connect(name: "rpc-client")
        let serving = Task {
            try await AMQPRPCServer(connection: server, queue: queue, prefetch: 64, logger: TestBroker.logger) { request in
                AMQPRPCServer.Reply(body: [UInt8](text: "answer:" + request.body.text))
            }.run()
        }
        defer {
            serving.cancel()
            Task { await client.close(); await server.close() }
        }

        let answers = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<200 {
                group.addTask {
                    let reply = try await client.call(queue: queue, body: [UInt8](text: "q\(index)"), timeout: .seconds(10))
                    return (index, reply.body.text)
                }
            }
            var answers: [Int: String] = [:]
            for try await (index, answer) in group { answers[index] = answer }
            return answers
        }
        #expect(answers.count == 200)
        for index in 0..<200 { #expect(answers[index] == "answer:q\(index)") }
    }

    @Test("an inline handler answers on the connection thread; what it declines reaches the async handler; all are acknowledged")
    func inlineAnswers() async throws {
        let queue = TestBroker.uniqueName("test.rpc-inline")
        let server = try await TestBroker.connect(name: "rpc-inline-server", topology: AMQPTopology(queues: [
            .init(name: queue, durable: false),
        ]))
        let client = try await TestBroker.connect(name: "rpc-inline-client")
        let serving = Task {
            try await AMQPRPCServer(
                connection: server, queue: queue, prefetch: 8, logger: TestBroker.logger,
                inline: { request in
                    request.body.text.hasPrefix("fast") ? AMQPRPCServer.Reply(body: [UInt8](text: "inline:" + request.body.text)) : nil
                }
            ) { request in
                try? await Task.sleep(for: .milliseconds(5))
                return AMQPRPCServer.Reply(body: [UInt8](text: "async:" + request.body.text))
            }.run()
        }
        defer { Task { _ = try? await client.deleteQueue(queue); await client.close() } }

        // More calls than the prefetch: a missing acknowledgement would stall them.
        let answers = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<100 {
                group.addTask {
                    let body = index % 2 == 0 ? "fast\(index)" : "slow\(index)"
                    let reply = try await client.call(queue: queue, body: [UInt8](text: body), timeout: .seconds(10))
                    return (index, reply.body.text)
                }
            }
            var answers: [Int: String] = [:]
            for try await (index, answer) in group { answers[index] = answer }
            return answers
        }
        for index in 0..<100 {
            #expect(answers[index] == (index % 2 == 0 ? "inline:fast\(index)" : "async:slow\(index)"))
        }
        // Unacknowledged requests would return to the queue when the server's connection closes.
        serving.cancel()
        _ = try? await serving.value
        await server.close()
        try await Task.sleep(for: .milliseconds(200))
        #expect(try await client.messageCount(queue: queue) == 0)
    }

    @Test("a handler that answers early from another thread is answered once, with its early reply, before it returns")
    func earlyReply() async throws {
        let queue = TestBroker.uniqueName("test.rpc-early")
        let replies = TestBroker.uniqueName("test.rpc-early-replies")
        let server = try await TestBroker.connect(name: "rpc-early-server", topology: AMQPTopology(queues: [
            .init(name: queue, durable: false),
        ]))
        let client = try await TestBroker.connect(name: "rpc-early-client", topology: AMQPTopology(queues: [
            .init(name: replies, durable: false),
        ]))
        #expect(!AMQPRPCServer.replyNow(AMQPRPCServer.Reply(body: [])), "outside a handler there is nothing to answer")
        let returned = Mutex(0)
        // The handlers return only once the test has its first answer: an early reply that went
        // out only with the handler's return would leave the call to time out.
        let answered = Mutex(false)
        let serving = Task {
            try await AMQPRPCServer(connection: server, queue: queue, prefetch: 4, logger: TestBroker.logger) { request in
                // Off the connection thread, as a read answers from its database connection's event loop.
                await withTaskExecutorPreference(globalConcurrentExecutor) {
                    #expect(AMQPRPCServer.replyNow(AMQPRPCServer.Reply(body: [UInt8](text: "early:" + request.body.text))))
                    #expect(!AMQPRPCServer.replyNow(AMQPRPCServer.Reply(body: [UInt8](text: "again"))))
                }
                while !answered.withLock({ $0 }) { try? await Task.sleep(for: .milliseconds(10)) }
                returned.withLock { $0 += 1 }
                return AMQPRPCServer.Reply(body: [UInt8](text: "late"))
            }.run()
        }
        defer { Task { _ = try? await client.deleteQueue(queue); _ = try? await client.deleteQueue(replies); await client.close() } }
        // Whatever happens below, the handlers stop waiting.
        defer {
            answered.withLock { $0 = true }
            serving.cancel()
        }

        // The direct reply-to answer arrives while the handler still waits.
        let answer = try await client.call(queue: queue, body: [UInt8](text: "direct"), timeout: .seconds(10))
        #expect(answer.body.text == "early:direct")
        #expect(returned.withLock { $0 } == 0)
        answered.withLock { $0 = true }

        // Replies to a queue of its own: exactly one each, the early one, and every request acknowledged.
        for index in 0..<10 {
            try await client.publish(
                [UInt8](text: "q\(index)"), exchange: "", routingKey: queue,
                properties: AMQPProperties(correlationID: "c\(index)", replyTo: replies, persistent: false))
        }
        while returned.withLock({ $0 }) < 11 { try await Task.sleep(for: .milliseconds(50)) }
        try await Task.sleep(for: .milliseconds(300))  // time for any second reply to arrive
        #expect(try await client.messageCount(queue: replies) == 10)
        var bodies: [String: String] = [:]
        for try await delivery in client.consume(queue: replies, prefetch: 10) {
            bodies[delivery.message.properties.correlationID ?? "?"] = delivery.message.body.text
            delivery.ack()
            if bodies.count == 10 { break }
        }
        for index in 0..<10 { #expect(bodies["c\(index)"] == "early:q\(index)") }
        serving.cancel()
        _ = try? await serving.value
        await server.close()
        try await Task.sleep(for: .milliseconds(200))
        #expect(try await client.messageCount(queue: queue) == 0)
    }

    @Test("a call to a queue nobody consumes times out at its deadline")
    func timeout() async throws {
        let queue = TestBroker.uniqueName("test.rpc-silent")
        let client = try await TestBroker.connect(topology: AMQPTopology(queues: [.init(name: queue, durable: false)]))
        defer { Task { _ = try? await client.deleteQueue(queue); await client.close() } }
        let clock = ContinuousClock()
        let start = clock.now
        await #expect {
            _ = try await client.call(queue: queue, body: [UInt8](text: "hello?"), timeout: .milliseconds(300))
        } throws: { error in
            (error as? AMQPError)?.kind == .timeout
        }
        let elapsed = clock.now - start
        #expect(elapsed >= .milliseconds(300))
        // Far above the deadline: on a loaded machine a timer can fire seconds late. Without a
        // deadline the call would wait until the suite's time limit.
        #expect(elapsed < .seconds(30))
        // The request expired in the queue instead of waiting for a server that would answer
        // nobody. RabbitMQ drops an expired message on its own schedule: on a loaded machine
        // that can take longer than the 100 ms this once waited, so look for up to 10 s.
        var waiting = try await client.messageCount(queue: queue)
        let looked = ContinuousClock.now
        while waiting != 0, ContinuousClock.now - looked < .seconds(10) {
            try await Task.sleep(for: .milliseconds(100))
            waiting = try await client.messageCount(queue: queue)
        }
        #expect(waiting == 0)
    }

    @Test("a call to a queue that does not exist fails at once as unroutable")
    func missingQueue() async throws {
        let client = try await TestBroker.connect()
        defer { Task { await client.close() } }
        let clock = ContinuousClock()
        let start = clock.now
        await #expect {
            _ = try await client.call(queue: TestBroker.uniqueName("nobody"), body: [], timeout: .seconds(60))
        } throws: { error in
            guard let error = error as? AMQPError, case .unroutable = error.kind else { return false }
            return true
        }
        // Well before the call's own deadline (a loaded machine delays everything by seconds).
        #expect(clock.now - start < .seconds(30))
    }
}
