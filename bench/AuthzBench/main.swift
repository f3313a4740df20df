// tenantdesk-bench-authz: authorization decisions through the role service and the gateway's
// decision cache, against a real PostgreSQL and RabbitMQ.
//
// Output (stdout, one figure per line):
//   uncached_p50_us, uncached_p99_us   one RPC decision at a time, not in the gateway's cache (the
//                                      role service holds the facts in memory)
//   cold_p50_us, cold_p99_us           the same when the role service reads the facts from PostgreSQL
//   cached_p50_us, cached_p99_us       a decision the cache holds
//   uncached16_rate                    RPC decisions per second with 16 in flight
// Diagnostics go to stderr. bench/authz runs it beside the raw rabbitmq-c RPC round trip.
import AMQP
import Contracts
import Domain
import Foundation
import GatewayApp
import Logging
import Messaging
import RoleService
import ServiceLifecycle
import Store

LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = .warning
    return handler
}
let logger = Logger(label: "tenantdesk.bench.authz")

func option(_ name: String, default value: String) -> String {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return value }
    return arguments[index + 1]
}

func percentile(_ samples: [Duration], _ p: Double) -> Double {
    let sorted = samples.sorted()
    let index = min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)
    let value = sorted[max(0, index)]
    return Double(value.components.seconds) * 1e6 + Double(value.components.attoseconds) / 1e12
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
}

do {
    let count = Int(option("--count", default: "5000")) ?? 5000
    guard let owner = DatabaseConfiguration(url: option("--owner-url", default: ""), maximumConnections: 4),
          let app = DatabaseConfiguration(url: option("--app-url", default: ""), maximumConnections: 20),
          var amqp = AMQPConfiguration(url: option("--amqp-url", default: ""), connectionName: "bench-authz")
    else { throw BenchError(description: "usage: tenantdesk-bench-authz --owner-url URL --app-url URL --amqp-url URL [--count N]") }
    amqp.initialReconnectDelay = .milliseconds(50)

    let sql = URL(fileURLWithPath: option("--sql", default: "sql"))
    try await Database.with(owner, logger: logger) { database in
        _ = try await MigrationRunner(database: database).migrate(try Migration.load(from: sql))
        _ = try await DemoPartners.seed(database, hasher: PasswordHasher(cost: 10))
    }
    let roles = try RoleServiceApp(configuration: RolesConfiguration(amqp: amqp, database: app, bcryptCost: 10), logger: logger).services()
    let group = ServiceGroup(configuration: .init(services: roles.map { .init(service: $0) }, logger: logger))
    Task.detached { try await group.run() }

    let queue = "tenantdesk.bench.authz.\(UInt32.random(in: 0 ... .max))"
    var topology = TenantDeskTopology.gateway
    topology.merge(AuthorizationCache.topology(queue: queue))
    var clientConfiguration = amqp
    clientConfiguration.connectionName = "bench-authz-client"
    let connection = try AMQPConnection(configuration: clientConfiguration, topology: topology, logger: logger)
    connection.start()
    try await connection.waitUntilConnected(timeout: .seconds(10))
    let rpc = RPCClient(connection: connection, timeout: .seconds(5))
    let cache = AuthorizationCache(rpc: rpc, connection: connection, ttl: .seconds(600), queue: queue, logger: logger)

    // The most expensive path: a partner admin acting in a customer through a delegation.
    let partnerAdmin = Principal(
        adminID: DemoPartners.fabrikam.admin.id.uuidString.lowercased(), tenantID: DemoPartners.fabrikam.id.uuidString.lowercased(),
        name: "", email: "", roles: [.partnerAdmin])
    let request = AuthorizeMethod.Request(principal: partnerAdmin, tenantID: DemoPartners.contoso.id.uuidString.lowercased(), action: .adminManage)
    var ready = false
    for _ in 0..<100 where !ready {
        ready = (try? await rpc.call(AuthorizeMethod.self, request).decision.isAllowed) == true
        if !ready { try await Task.sleep(for: .milliseconds(100)) }
    }
    guard ready else { throw BenchError(description: "the role service did not allow the demo delegation") }

    // Measured on a detached task, as the gateway's request handlers call: top-level code runs on
    // the main actor, and every call from it would hop threads twice.
    let figures = try await Task.detached { try await measure(rpc: rpc, cache: cache, request: request, count: count) }.value
    for line in figures { print(line) }
    exit(0)
} catch {
    FileHandle.standardError.write(Data("tenantdesk-bench-authz: \(error)\n".utf8))
    exit(1)
}

/// The figures, one `name value` line each.
func measure(rpc: RPCClient, cache: AuthorizationCache, request: AuthorizeMethod.Request, count: Int) async throws -> [String] {
    let clock = ContinuousClock()
    for _ in 0..<min(500, count) { _ = try await rpc.call(AuthorizeMethod.self, request) }
    var uncached: [Duration] = []
    uncached.reserveCapacity(count)
    for _ in 0..<count {
        let start = clock.now
        _ = try await rpc.call(AuthorizeMethod.self, request)
        uncached.append(clock.now - start)
    }

    // The role service reads the facts from PostgreSQL when it has not seen the caller and target
    // together since the last change: a new target each time (one nobody has, so a denial).
    var cold: [Duration] = []
    cold.reserveCapacity(count)
    for _ in 0..<count {
        var unseen = request
        unseen.tenantID = UUID().uuidString.lowercased()
        let start = clock.now
        _ = try await rpc.call(AuthorizeMethod.self, unseen)
        cold.append(clock.now - start)
    }

    _ = try await cache.decision(request)
    var cached: [Duration] = []
    cached.reserveCapacity(count)
    for _ in 0..<count {
        let start = clock.now
        _ = try await cache.decision(request)
        cached.append(clock.now - start)
    }

    let start = clock.now
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        for _ in 0..<16 {
            tasks.addTask {
                for _ in 0..<(count / 16) { _ = try await rpc.call(AuthorizeMethod.self, request) }
            }
        }
        try await tasks.waitForAll()
    }
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18

    return [
        "uncached_p50_us \(String(format: "%.1f", percentile(uncached, 0.50)))",
        "uncached_p99_us \(String(format: "%.1f", percentile(uncached, 0.99)))",
        "cold_p50_us \(String(format: "%.1f", percentile(cold, 0.50)))",
        "cold_p99_us \(String(format: "%.1f", percentile(cold, 0.99)))",
        "cached_p50_us \(String(format: "%.2f", percentile(cached, 0.50)))",
        "cached_p99_us \(String(format: "%.2f", percentile(cached, 0.99)))",
        "uncached16_rate \(String(format: "%.0f", Double(count / 16 * 16) / seconds))",
    ]
}
