import AMQP
import Logging

/// The scenarios of bench/raw/amqp_raw.c, run through the Swift client.
enum Scenario {
    static let confirmWindow = 256
    static let publishBodySize = 1024
    static let consumePrefetch: UInt16 = 100
    static let rpcBodySize = 64
    static let rpcServerPrefetch: UInt16 = 100
    static let rpcWarmup = 200
    static let rpcPipeline = 16
    static let timeout = Duration.seconds(30)

    // MARK: 1. publish with confirms into a quorum queue

    /// N persistent 1 KiB messages, `mandatory`, with a message id, at most 256 unconfirmed:
    /// a task group keeps 256 `publish` calls (each returns after its confirm) outstanding.
    static func publishConfirm(_ options: Options, queue: String, logger: Logger) async throws -> Double {
        let connection = try await openConnection(options, name: "publish connection", logger: logger)
        try await connection.declare(AMQPTopology(queues: [.init(name: queue, kind: .quorum, durable: true)]))

        let body = (0..<publishBodySize).map { UInt8(ascii: "a") + UInt8($0 % 26) }
        let total = options.count
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            var submitted = 0
            func publishNext() {
                let messageID = "m-\(submitted + 1)"
                submitted += 1
                group.addTask {
                    try await connection.publish(
                        body, exchange: "", routingKey: queue, properties: AMQPProperties(messageID: messageID),
                        mandatory: true, timeout: timeout)
                }
            }
            while submitted < min(confirmWindow, total) { publishNext() }
            while try await group.next() != nil {
                if submitted < total { publishNext() }
            }
        }
        let elapsed = start.duration(to: .now)

        await connection.close()
        note("# publish_confirm: \(total) msgs in \(formatted(elapsed.seconds * 1000, decimals: 1)) ms")
        return Double(total) / elapsed.seconds
    }

    // MARK: 2. consume those messages, prefetch 100, ack each

    static func consume(_ options: Options, queue: String, logger: Logger) async throws -> Double {
        let connection = try await openConnection(options, name: "consume connection", logger: logger)
        let total = options.count

        // Sanity check outside the timed part: every confirmed message is there.
        let ready = try await connection.messageCount(queue: queue)
        guard ready == total else { throw BenchError("consume: queue holds \(ready) messages, expected \(total)") }

        let elapsed = try await consumeAll(connection, queue: queue, total: total)

        // The consumer is gone (its stream ended with consumeAll), so its channel is closed
        // after the acks that were submitted before; nothing may be left.
        let left = try await connection.deleteQueue(queue)
        guard left == 0 else { throw BenchError("consume: \(left) messages left in the queue after consuming") }
        await connection.close()
        note("# consume: \(total) msgs in \(formatted(elapsed.seconds * 1000, decimals: 1)) ms")
        return Double(total) / elapsed.seconds
    }

    /// Timed from the subscription (the C program starts after basic.consume-ok) to the last
    /// `ack()` (which hands the ack to the connection thread).
    private static func consumeAll(_ connection: AMQPConnection, queue: String, total: Int) async throws -> Duration {
        let consumer = connection.consume(queue: queue, prefetch: consumePrefetch)
        var iterator = consumer.makeAsyncIterator()
        let start = ContinuousClock.now
        for index in 0..<total {
            guard let delivery = try await iterator.next() else {
                throw BenchError("consume: the consumer ended after \(index) of \(total) messages")
            }
            guard delivery.message.body.count == publishBodySize else {
                throw BenchError(
                    "consume: message \(index) has \(delivery.message.body.count) bytes, expected \(publishBodySize)")
            }
            delivery.ack()
        }
        return start.duration(to: .now)
    }

    // MARK: 3. RPC over direct reply-to

    struct RPCResults {
        var p50One = 0.0
        var p99One = 0.0
        var p50Pipelined = 0.0
        var p99Pipelined = 0.0
        var ratePipelined = 0.0
    }

    /// An `AMQPRPCServer` on its own connection echoes the 64-byte body; the client calls it
    /// with 1, then 16 calls in flight (16 tasks, each calling in a loop).
    static func rpc(_ options: Options, logger: Logger) async throws -> RPCResults {
        let requestQueue = queueName("rpc")
        let serverConnection = try await openConnection(options, name: "rpc server connection", logger: logger)
        try await serverConnection.declare(
            AMQPTopology(queues: [.init(name: requestQueue, kind: .classic, durable: false)]))
        let served = SharedCounter()
        let server = AMQPRPCServer(
            connection: serverConnection, queue: requestQueue, prefetch: rpcServerPrefetch, logger: logger
        ) { request in
            _ = served.next()
            return AMQPRPCServer.Reply(body: request.body)
        }
        let serverTask = Task { try await server.run() }

        let client = try await openConnection(options, name: "rpc client connection", logger: logger)
        let body = [UInt8](repeating: UInt8(ascii: "r"), count: rpcBodySize)
        var results = RPCResults()

        _ = try await run(client, queue: requestQueue, body: body, calls: rpcWarmup, depth: 1)

        var (latencies, _) = try await run(client, queue: requestQueue, body: body, calls: options.rpcCount, depth: 1)
        latencies.sort()
        results.p50One = percentileMicroseconds(latencies, 50)
        results.p99One = percentileMicroseconds(latencies, 99)

        let elapsed: Duration
        (latencies, elapsed) = try await run(
            client, queue: requestQueue, body: body, calls: options.rpcCount, depth: rpcPipeline)
        latencies.sort()
        results.p50Pipelined = percentileMicroseconds(latencies, 50)
        results.p99Pipelined = percentileMicroseconds(latencies, 99)
        results.ratePipelined = Double(options.rpcCount) / elapsed.seconds

        serverTask.cancel()
        do {
            try await serverTask.value
        } catch is CancellationError {
        }
        let expected = rpcWarmup + 2 * options.rpcCount
        guard served.current == expected else {
            throw BenchError("rpc: server answered \(served.current) calls, expected \(expected)")
        }
        _ = try await serverConnection.deleteQueue(requestQueue)
        await client.close()
        await serverConnection.close()
        return results
    }

    /// Runs `calls` calls with `depth` tasks each calling in a loop; returns one round-trip time
    /// per call (nanoseconds) and the elapsed time.
    private static func run(
        _ client: AMQPConnection, queue: String, body: [UInt8], calls: Int, depth: Int
    ) async throws -> ([Int64], Duration) {
        let taken = SharedCounter()
        let start = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for _ in 0..<depth {
                // Callers run on the client connection's thread, as the raw program's do: a
                // call then costs no thread hop on the client side.
                group.addTask(executorPreference: client.executor) {
                    var mine: [Int64] = []
                    mine.reserveCapacity(calls / depth + 1)
                    while taken.next() < calls {
                        let sent = ContinuousClock.now
                        let reply = try await client.call(queue: queue, body: body, timeout: timeout)
                        let roundTrip = sent.duration(to: .now)
                        guard reply.body.count == rpcBodySize else {
                            throw BenchError("rpc client: reply has \(reply.body.count) bytes, expected \(rpcBodySize)")
                        }
                        mine.append(roundTrip.nanoseconds)
                    }
                    return mine
                }
            }
            var all: [Int64] = []
            all.reserveCapacity(calls)
            for try await part in group { all += part }
            return all
        }
        let elapsed = start.duration(to: .now)
        guard latencies.count == calls else {
            throw BenchError("rpc client: \(latencies.count) calls completed, expected \(calls)")
        }
        return (latencies, elapsed)
    }
}
