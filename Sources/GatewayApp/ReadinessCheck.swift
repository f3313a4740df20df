import AMQP
import Contracts
import Messaging
import Tokens

/// Whether the gateway can serve: RabbitMQ connected, verification keys loaded, and the role
/// service and a worker answering a ping within the readiness deadline. The worker also says
/// whether it reached PostgreSQL (`database`): shown, but not required, since no gateway can do
/// better while the database is away, and their 503 answers (with `Retry-After`) tell clients
/// more than a load balancer with no gateway left.
struct ReadinessCheck: Sendable {
    let connection: AMQPConnection
    let rpc: RPCClient
    let keyRing: KeyRing
    let timeout: Duration

    func run() async -> (ready: Bool, checks: [String: String]) {
        var checks: [String: String] = [:]
        checks["amqp"] = connection.isConnected ? "ok" : "disconnected"
        async let roles = ping(RolesPingMethod.self)
        async let worker = ping(WorkerPingMethod.self)
        checks["roles"] = await roles.state
        let workerAnswer = await worker
        checks["worker"] = workerAnswer.state
        checks["keys"] = await keyRing.verifier.isReady ? "ok" : "not loaded"
        let ready = checks.values.allSatisfy { $0 == "ok" }
        if let database = workerAnswer.response?.database { checks["database"] = database }
        return (ready, checks)
    }

    private func ping<Method: RPCMethod>(
        _ method: Method.Type
    ) async -> (state: String, response: PingResponse?) where Method.Request == EmptyRequest, Method.Response == PingResponse {
        do {
            return ("ok", try await rpc.call(method, .init(), timeout: timeout))
        } catch {
            return (error.status == 504 ? "timeout" : "unavailable", nil)
        }
    }
}
