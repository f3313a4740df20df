import Hummingbird
import HummingbirdCore
import HummingbirdTesting
import NIOPosix
import Testing

@testable import GatewayApp

/// The gateway's HTTP server handles each connection on its channel's event loop.
@Suite struct EventLoopServerTests {
    /// Answers where the handler ran: on an event loop's thread or elsewhere.
    static func whereHandlersRun(_ server: HTTPServerBuilder) async throws -> [String] {
        let router = Router()
        router.get("/where") { _, _ in
            MultiThreadedEventLoopGroup.currentEventLoop == nil ? "elsewhere" : "event-loop"
        }
        router.post("/where") { request, _ in
            // After awaiting the body, the handler is still on the loop.
            _ = try await request.body.collect(upTo: 1 << 20)
            return MultiThreadedEventLoopGroup.currentEventLoop == nil ? "elsewhere" : "event-loop"
        }
        let app = Application(router: router, server: server, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            var answers: [String] = []
            for _ in 0..<3 {
                try await answers.append(client.execute(uri: "/where", method: .get) { String(buffer: $0.body) })
                try await answers.append(client.execute(
                    uri: "/where", method: .post, body: ByteBuffer(repeating: 7, count: 200_000)) { String(buffer: $0.body) })
            }
            return answers
        }
    }

    @Test("handlers run on the connection's event loop, also after awaiting a body")
    func onEventLoop() async throws {
        #expect(try await Self.whereHandlersRun(.http1OnEventLoop()) == Array(repeating: "event-loop", count: 6))
    }

    @Test("Hummingbird's own HTTP/1.1 server runs them elsewhere (what the gateway's server changes)")
    func defaultServer() async throws {
        #expect(try await Self.whereHandlersRun(.http1()) == Array(repeating: "elsewhere", count: 6))
    }
}
