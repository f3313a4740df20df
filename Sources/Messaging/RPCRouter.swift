import AMQP
import Contracts
import Domain
import Logging

/// Dispatches RPC requests to typed handlers by their method name and encodes the replies.
/// A handler that throws `RPCProblem` sends that problem; any other error becomes a 500 problem
/// whose details stay in the callee's log.
public struct RPCRouter: Sendable {
    public typealias Handler = @Sendable ([UInt8]) async -> [UInt8]
    private var handlers: [String: Handler] = [:]
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
            } catch let problem as RPCProblem {
                reply = .failure(problem)
            } catch is DecodingError {
                reply = .failure(RPCProblem(
                    status: 400, type: ProblemType.malformedRequest, title: "Malformed request",
                    detail: "the body of \(name) does not match its contract"))
            } catch {
                logger.error("RPC handler failed", metadata: ["rpc.method": "\(name)", "error": "\(String(reflecting: error))"])
                reply = .failure(RPCProblem(status: 500, type: ProblemType.internalError, title: "Internal error"))
            }
            return (try? JSONCodec.encode(reply)) ?? []
        }
    }

    /// Handles one request message.
    public func handle(_ message: AMQPMessage) async -> AMQPRPCServer.Reply {
        guard let name = message.properties.type, let handler = handlers[name] else {
            let problem = RPCReply<String>.failure(RPCProblem(
                status: 501, type: ProblemType.internalError, title: "Unknown RPC method",
                detail: "this service does not implement \(message.properties.type ?? "(none)")"))
            return AMQPRPCServer.Reply(body: (try? JSONCodec.encode(problem)) ?? [])
        }
        return AMQPRPCServer.Reply(body: await handler(message.body), type: name)
    }
}
