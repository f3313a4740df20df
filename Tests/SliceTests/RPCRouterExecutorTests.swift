import AMQP
import Contracts
import Logging
import Messaging
import NIOCore
import NIOPosix
import Store
import Synchronization
import Testing

/// A method whose handler prefers an event loop.
private enum OnLoopProbe: RawJSONMethod {
    typealias Request = EmptyRequest
    static let name = "test.on-loop.v1"
    static let queue = "test"
}

/// A method left to the server's default executor.
private enum DefaultProbe: RawJSONMethod {
    typealias Request = EmptyRequest
    static let name = "test.default.v1"
    static let queue = "test"
}

/// Where each handler found itself.
private final class Seen: Sendable {
    let onLoop = Mutex<[String: Bool]>([:])
}

/// Where a worker's RPC handler runs: on the executor its method prefers (the list read starts
/// on a database event loop), every other method on the server's default.
@Suite("RPC router executors")
struct RPCRouterExecutorTests {
    @Test("a method with a preferred executor runs there; the others run on the default, and both answer")
    func preferred() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let seen = Seen()
        var router = RPCRouter(logger: Logger(label: "test"))
        router.onRaw(OnLoopProbe.self) { _ in
            seen.onLoop.withLock { $0[OnLoopProbe.name] = loop.inEventLoop }
            return Array("1".utf8)
        }
        router.onRaw(DefaultProbe.self) { _ in
            seen.onLoop.withLock { $0[DefaultProbe.name] = loop.inEventLoop }
            return Array("2".utf8)
        }
        router.prefer({ EventLoopTaskExecutor(loop) }, forMethodNamed: OnLoopProbe.name)

        var replies: [String: [UInt8]] = [:]
        for name in [OnLoopProbe.name, DefaultProbe.name] {
            let message = AMQPMessage(
                body: Array("{}".utf8), properties: AMQPProperties(type: name), exchange: "", routingKey: "test",
                redelivered: false)
            let reply = await router.handle(message, on: globalConcurrentExecutor)
            #expect(reply.contentType == RPCContentType.result)
            replies[name] = reply.body
        }
        #expect(seen.onLoop.withLock { $0 } == [OnLoopProbe.name: true, DefaultProbe.name: false])
        #expect(replies == [OnLoopProbe.name: Array("1".utf8), DefaultProbe.name: Array("2".utf8)])
    }
}
