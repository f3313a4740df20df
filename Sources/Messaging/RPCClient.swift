import AMQP
import Contracts
import Domain

/// Typed RPC calls over an `AMQPConnection`. Every failure comes back as an `RPCProblem`, ready
/// to be rendered as problem+json: the callee's own problem, 503 when the callee cannot be
/// reached, 504 when it did not answer before the deadline.
public struct RPCClient: Sendable {
    let connection: AMQPConnection
    let timeout: Duration

    /// Creates a client whose calls wait at most `timeout`.
    public init(connection: AMQPConnection, timeout: Duration) {
        self.connection = connection
        self.timeout = timeout
    }

    /// Calls `method` and returns its response, or throws `RPCProblem`.
    public func call<Method: RPCMethod>(
        _ method: Method.Type, _ request: Method.Request, timeout: Duration? = nil
    ) async throws(RPCProblem) -> Method.Response {
        let reply = try await send(Method.name, to: Method.queue, request, timeout: timeout)
        return try Self.response(RPCReply<Method.Response>.self, from: reply, method: Method.name)
    }

    /// Calls `method` and returns its response's JSON as the callee wrote it, or throws
    /// `RPCProblem`.
    public func call<Method: RawJSONMethod>(
        _ method: Method.Type, _ request: Method.Request, timeout: Duration? = nil
    ) async throws(RPCProblem) -> [UInt8] {
        let reply = try await send(Method.name, to: Method.queue, request, timeout: timeout)
        if reply.properties.contentType == RPCContentType.result { return reply.body }
        // A problem, in the envelope (an answer in the envelope is not what this method returns).
        _ = try Self.response(RPCReply<String>.self, from: reply, method: Method.name)
        throw Self.badReply(Method.name)
    }

    private func send<Request: Encodable>(
        _ name: String, to queue: String, _ request: Request, timeout: Duration?
    ) async throws(RPCProblem) -> AMQPMessage {
        let body: [UInt8]
        do {
            body = try (request as? any WritesOwnJSON)?.json ?? JSONCodec.encode(request)
        } catch {
            throw RPCProblem(status: 500, type: ProblemType.internalError, title: "Request could not be encoded")
        }
        do {
            return try await connection.call(
                queue: queue, body: body,
                properties: AMQPProperties(
                    contentType: "application/json", type: name, persistent: false,
                    headers: RequestTrace.requestID.map { [RPCHeader.requestID: .string($0)] } ?? [:]),
                timeout: timeout ?? self.timeout)
        } catch let error as AMQPError {
            throw Self.problem(for: error, method: name)
        } catch {
            throw RPCProblem(status: 503, type: ProblemType.serviceUnavailable, title: "Service unavailable", detail: "the call was cancelled")
        }
    }

    /// The response in a reply's envelope, or the problem it carries.
    private static func response<Response>(
        _ type: RPCReply<Response>.Type, from reply: AMQPMessage, method: String
    ) throws(RPCProblem) -> Response {
        let decoded: RPCReply<Response>
        do {
            decoded = try JSONCodec.decode(type, from: reply.body)
        } catch {
            throw badReply(method)
        }
        switch decoded {
        case .success(let response): return response
        case .failure(let problem): throw problem
        }
    }

    private static func badReply(_ method: String) -> RPCProblem {
        RPCProblem(
            status: 502, type: ProblemType.internalError, title: "Bad reply from a service",
            detail: "\(method) answered with a body that does not match its contract")
    }

    static func problem(for error: AMQPError, method: String) -> RPCProblem {
        switch error.kind {
        case .timeout:
            return RPCProblem(
                status: 504, type: ProblemType.upstreamTimeout, title: "A service did not answer in time",
                detail: "\(method) got no reply before its deadline", retryAfter: 1)
        default:
            return RPCProblem(
                status: 503, type: ProblemType.serviceUnavailable, title: "Service unavailable",
                detail: "\(method) could not be delivered: the message bus is unavailable", retryAfter: 1)
        }
    }
}
