import AMQP
import Contracts
import Domain
import Logging
import Messaging
import Settings
import Synchronization
import Testing

/// A method whose handler reports the request id it runs under, or fails when asked to.
private enum TraceProbe: RPCMethod {
    static let name = "test.trace.v1"
    static let queue = "test.trace"

    struct Request: Codable, Sendable {
        var fail: Bool
    }

    struct Response: Codable, Sendable {
        var requestID: String?
    }
}

private struct ProbeFailure: Error {}

/// Log lines kept in memory, with the metadata the process's provider adds.
private final class Captured: Sendable {
    let lines = Mutex<[(message: String, metadata: Logger.Metadata)]>([])
}

private struct CapturingHandler: LogHandler {
    let captured: Captured
    var metadataProvider: Logger.MetadataProvider? = ProcessStart.requestMetadata
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var all = metadata.merging(metadataProvider?.get() ?? [:]) { _, provided in provided }
        all.merge(event.metadata ?? [:]) { _, explicit in explicit }
        captured.lines.withLock { $0.append((event.message.description, all)) }
    }
}

/// One id for one client request across the services: the gateway's `X-Request-Id` travels with
/// every RPC call it makes, and the callee logs under it.
@Suite("Request ids across services", .serialized, .timeLimit(.minutes(2)))
struct RequestTraceTests {
    private static func router(_ captured: Captured) -> RPCRouter {
        var router = RPCRouter(logger: Logger(label: "trace-test") { _ in CapturingHandler(captured: captured) })
        router.on(TraceProbe.self) { request in
            if request.fail { throw ProbeFailure() }
            return .init(requestID: RequestTrace.requestID)
        }
        return router
    }

    @Test("through a real broker, a handler runs under its caller's request id, and its failure is logged with it")
    func acrossTheBroker() async throws {
        let environment = try await SliceStack.shared.start()
        var amqp = environment.amqp
        amqp.connectionName = "trace-test"
        let connection = try AMQPConnection(
            configuration: amqp,
            topology: AMQPTopology(queues: [.init(name: TraceProbe.queue, durable: false, autoDelete: true)]),
            logger: SliceStack.logger)
        try await connection.waitUntilConnected(timeout: .seconds(10))
        let captured = Captured()
        let router = Self.router(captured)
        let serving = Task {
            try await AMQPRPCServer(connection: connection, queue: TraceProbe.queue, logger: SliceStack.logger) { message in
                await router.handle(message)
            }.run()
        }
        defer {
            serving.cancel()
            Task { await connection.close() }
        }
        let client = RPCClient(connection: connection, timeout: .seconds(10))

        let traced = try await RequestTrace.$requestID.withValue("0123456789abcdef0123456789abcdef") {
            try await client.call(TraceProbe.self, .init(fail: false))
        }
        #expect(traced.requestID == "0123456789abcdef0123456789abcdef")
        // A call made outside any client request carries no id.
        #expect(try await client.call(TraceProbe.self, .init(fail: false)).requestID == nil)

        await #expect(throws: RPCProblem.self) {
            try await RequestTrace.$requestID.withValue("feedfacefeedfacefeedfacefeedface") {
                try await client.call(TraceProbe.self, .init(fail: true))
            }
        }
        let failure = captured.lines.withLock { $0.first { $0.message == "RPC handler failed" } }
        #expect(failure?.metadata["request_id"] == .string("feedfacefeedfacefeedfacefeedface"))
        #expect(failure?.metadata["rpc.method"] == .string(TraceProbe.name))
    }

    @Test("a request without the header is handled without an id; nothing is logged under another's")
    func withoutHeader() async throws {
        let captured = Captured()
        let router = Self.router(captured)
        let message = AMQPMessage(
            body: Array(#"{"fail":true}"#.utf8), properties: AMQPProperties(type: TraceProbe.name), exchange: "",
            routingKey: TraceProbe.queue, redelivered: false)
        _ = await RequestTrace.$requestID.withValue(nil) { await router.handle(message) }
        let failure = captured.lines.withLock { $0.first { $0.message == "RPC handler failed" } }
        #expect(failure != nil)
        #expect(failure?.metadata["request_id"] == nil)
    }
}
