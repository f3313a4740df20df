import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Store

/// HTTP/1.1 whose connections are each handled on their channel's event loop. Hummingbird's own
/// channel reads requests and runs the router in a task on the global executor: a request then
/// costs a thread wake-up to reach its handler and another to write its answer. Here that task
/// prefers the channel's event loop, so reading, handling and writing stay on one thread, and
/// only the wait for an RPC reply leaves it.
///
/// - Important: Handler code runs on the event loop and delays the loop's other connections while
///   it runs, so it must never block (nothing in the gateway does: it checks tokens, encodes and
///   decodes JSON, and awaits RPC replies).
struct EventLoopHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let inner: HTTP1Channel

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        inner.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopTaskExecutor(value.channel.eventLoop)) {
            await inner.handle(value: value, logger: logger)
        }
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 (Hummingbird's defaults) with each connection handled on its event loop.
    static func http1OnEventLoop(configuration: HTTP1Channel.Configuration = .init()) -> HTTPServerBuilder {
        .init { responder in
            EventLoopHTTP1Channel(inner: HTTP1Channel(responder: responder, configuration: configuration))
        }
    }
}
