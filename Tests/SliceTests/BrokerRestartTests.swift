import Foundation
import Testing

/// RabbitMQ is stopped and started again while requests are submitted (`RestartDrill`): the
/// gateway, the role service and the worker reconnect by themselves; requests accepted before
/// and after are all processed; a request that could not be accepted meanwhile got a 503/504
/// problem at once, not a hang. The broker is the test run's own, so this runs alone
/// (script/test, TD_BROKER_RESTART_TEST=1).
@Suite(
    "Broker restart", .timeLimit(.minutes(6)),
    .enabled(if: ProcessInfo.processInfo.environment["TD_BROKER_RESTART_TEST"] == "1", "restarts the test broker: script/test runs it on its own"))
struct BrokerRestartTests {
    @Test("restart RabbitMQ while requests are submitted: everything reconnects, accepted requests are all processed, refusals are 503/504 at once")
    func restart() async throws {
        let env = ProcessInfo.processInfo.environment
        guard env["TD_STACK_DIR"] != nil, env["TD_RABBIT_NODE"] != nil, let port = env["TD_RABBIT_PORT"],
              let distPort = env["TD_RABBIT_DIST_PORT"] else {
            throw SliceError("TD_STACK_DIR, TD_RABBIT_NODE, TD_RABBIT_PORT and TD_RABBIT_DIST_PORT must be set: run script/test")
        }
        try await RestartDrill(name: "broker_restart", outage: { _ in
            // td_rabbit_stop sends SIGTERM and kills the node if it is still up after 30 s.
            try await RestartDrill.services("td_rabbit_stop \"$TD_STACK_DIR\" \"$TD_RABBIT_NODE\"")
            try await Task.sleep(for: .seconds(2))
            try await RestartDrill.services("td_rabbit_start \"$TD_STACK_DIR\" \(port) \(distPort) \"$TD_RABBIT_NODE\"")
        }).run()
    }
}
