import AMQP
import Contracts
import Domain
import Logging

/// Dispatches RPC requests to typed handlers by their method name and encodes the replies.
/// A handler that throws `RPCProblem` sends that problem; PostgreSQL being away (a lost
/// connection, a server shutting down or out of connections, a deadlock) becomes a 503 problem
/// with `Retry-After`; any other error becomes a 500 problem whose details stay in the callee's log.
/// A handler runs with `RequestTrace.requestID` set to the id its caller sent, so its log lines
/// (and the calls it makes in turn) name the client request.
public struct RPCRouter: Sendable {
    public typealias Handler = @Sendable ([UInt8]) async -> AMQPRPCServer.Reply
    public typealias InlineHandler = @Sendable ([UInt8]) -> [UInt8]?
    private var handlers: [String: Handler] = [:]
    private var inlineHandlers: [String: InlineHandler] = [:]
    private var executors: [String: @Sendable () -> any TaskExecutor] = [:]
    private let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Registers the handler of `method`.
    public mutating func on<Method: RPCMethod>(
        _ method: Method.Type, _ handler: @escaping @Sendable (Method.Request) async throws -> Method.Response
    ) {
        let logger = self.logger
        let name = Method.name
        handlers[name] = { body in
            let reply: RPCReply<Method.Response>
            do {
                let request = try JSONCodec.decode(Method.Request.self, from: body)
                reply = .success(try await handler(request))
            } catch {
                reply = .failure(Self.problem(for: error, method: name, logger: logger))
            }
            return AMQPRPCServer.Reply(body: (try? JSONCodec.encode(reply)) ?? [], type: name)
        }
    }

    /// Registers the handler of a method whose successful reply is the JSON the handler wrote,
    /// sent as it is (`RawJSONMethod`); a problem is sent in the envelope as for every method.
    public mutating func onRaw<Method: RawJSONMethod>(
        _ method: Method.Type, _ handler: @escaping @Sendable (Method.Request) async throws -> [UInt8]
    ) {
        let logger = self.logger
        let name = Method.name
        handlers[name] = { body in
            do {
                let request = try JSONCodec.decode(Method.Request.self, from: body)
                return AMQPRPCServer.Reply(body: try await handler(request), type: name, contentType: RPCContentType.result)
            } catch {
                let reply = RPCReply<String>.failure(Self.problem(for: error, method: name, logger: logger))
                return AMQPRPCServer.Reply(body: (try? JSONCodec.encode(reply)) ?? [], type: name)
            }
        }
    }

    /// Runs the handler of `method` on the executor `executor` returns for each request, instead
    /// of the server's default: a short read can start on an event loop of its database client,
    /// where its transaction runs, rather than on another thread it would then leave at once.
    /// The handler must not block, as nothing on an event loop may.
    public mutating func prefer(_ executor: @escaping @Sendable () -> any TaskExecutor, forMethodNamed name: String) {
        executors[name] = executor
    }

    /// Answers the request being handled with `json` now, as `onRaw` answers with what its
    /// handler returns (see `AMQPRPCServer.replyNow`): a read can answer from its database
    /// connection's thread before its transaction ends. The handler then returns the same bytes.
    public static func answerNow<Method: RawJSONMethod>(_ method: Method.Type, with json: [UInt8]) {
        AMQPRPCServer.replyNow(AMQPRPCServer.Reply(body: json, type: Method.name, contentType: RPCContentType.result))
    }

    /// The problem a handler's error is answered with.
    private static func problem(for error: any Error, method name: String, logger: Logger) -> RPCProblem {
        switch error {
        case let problem as RPCProblem:
            return problem
        case is DecodingError:
            return RPCProblem(
                status: 400, type: ProblemType.malformedRequest, title: "Malformed request",
                detail: "the body of \(name) does not match its contract")
        case _ where FailureKind(error) == .transient:
            // PostgreSQL away (restarting, unreachable, out of connections) or a deadlock: the
            // same call will work again shortly, and nothing of it was committed.
            logger.warning("RPC handler could not reach PostgreSQL", metadata: [
                "rpc.method": "\(name)", "error": "\(String(reflecting: error))",
            ])
            return RPCProblem(
                status: 503, type: ProblemType.serviceUnavailable, title: "Service unavailable",
                detail: "the database is unavailable for the moment; try again", retryAfter: 1)
        default:
            logger.error("RPC handler failed", metadata: ["rpc.method": "\(name)", "error": "\(String(reflecting: error))"])
            return RPCProblem(status: 500, type: ProblemType.internalError, title: "Internal error")
        }
    }

    /// Registers a synchronous shortcut for `method`: when `handler` returns a response, it is
    /// the reply and the asynchronous handler is not called; when it returns nil (or the body
    /// does not decode), the request goes to the asynchronous handler.
    public mutating func onInline<Method: RPCMethod>(
        _ method: Method.Type, _ handler: @escaping @Sendable (Method.Request) -> Method.Response?
    ) {
        inlineHandlers[Method.name] = { body in
            guard let request = try? JSONCodec.decode(Method.Request.self, from: body), let response = handler(request) else { return nil }
            return try? JSONCodec.encode(RPCReply<Method.Response>.success(response))
        }
    }

    /// The reply of a synchronous shortcut, or nil when the request needs `handle`.
    public func handleInline(_ message: AMQPMessage) -> AMQPRPCServer.Reply? {
        guard let name = message.properties.type, let handler = inlineHandlers[name], let body = handler(message.body) else { return nil }
        return AMQPRPCServer.Reply(body: body, type: name)
    }

    /// Handles one request message on the executor its method prefers (`prefer`), or else on
    /// `executor`.
    public func handle(_ message: AMQPMessage, on executor: any TaskExecutor) async -> AMQPRPCServer.Reply {
        let preferred = message.properties.type.flatMap { executors[$0] }.map { $0() } ?? executor
        return await withTaskExecutorPreference(preferred) { await handle(message) }
    }

    /// Handles one request message.
    public func handle(_ message: AMQPMessage) async -> AMQPRPCServer.Reply {
        guard let name = message.properties.type, let handler = handlers[name] else {
            let problem = RPCReply<String>.failure(RPCProblem(
                status: 501, type: ProblemType.internalError, title: "Unknown RPC method",
                detail: "this service does not implement \(message.properties.type ?? "(none)")"))
            return AMQPRPCServer.Reply(body: (try? JSONCodec.encode(problem)) ?? [])
        }
        return await RequestTrace.$requestID.withValue(Self.requestID(of: message)) { await handler(message.body) }
    }

    /// The client request a call is made for, when its caller named one.
    static func requestID(of message: AMQPMessage) -> String? {
        guard case .string(let id)? = message.properties.headers[RPCHeader.requestID] else { return nil }
        return id
    }
}
