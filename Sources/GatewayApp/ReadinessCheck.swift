import AMQP
import Contracts
import Messaging
import Tokens

/// Whether the gateway can serve: RabbitMQ connected, verification keys loaded, and the role
/// service and a worker answering a ping within the readiness deadline.
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
        checks["roles"] = await roles
        checks["worker"] = await worker
        checks["keys"] = await keyRing.verifier.isReady ? "ok" : "not loaded"
        return (checks.values.allSatisfy { $0 == "ok" }, checks)
    }

    private func ping<Method: RPCMethod>(_ method: Method.Type) async -> String where Method.Request == EmptyRequest {
        do {
            _ = try await rpc.call(method, .init(), timeout: timeout)
            return "ok"
        } catch {
            return error.status == 504 ? "timeout" : "unavailable"
        }
    }
}
