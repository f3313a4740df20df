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
        let body: [UInt8]
        do {
            body = try JSONCodec.encode(request)
        } catch {
            throw RPCProblem(status: 500, type: ProblemType.internalError, title: "Request could not be encoded")
        }
        let reply: AMQPMessage
        do {
            reply = try await connection.call(
                queue: Method.queue, body: body,
                properties: AMQPProperties(contentType: "application/json", type: Method.name, persistent: false),
                timeout: timeout ?? self.timeout)
        } catch let error as AMQPError {
            throw Self.problem(for: error, method: Method.name)
        } catch {
            throw RPCProblem(status: 503, type: ProblemType.serviceUnavailable, title: "Service unavailable", detail: "the call was cancelled")
        }
        do {
            switch try JSONCodec.decode(RPCReply<Method.Response>.self, from: reply.body) {
            case .success(let response): return response
            case .failure(let problem): throw problem
            }
        } catch let problem as RPCProblem {
            throw problem
        } catch {
            throw RPCProblem(
                status: 502, type: ProblemType.internalError, title: "Bad reply from a service",
                detail: "\(Method.name) answered with a body that does not match its contract")
        }
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
