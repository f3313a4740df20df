import AMQP
import Foundation
import HTTPTypes
import GatewayApp
import Logging
import PostgresNIO
import RoleService
import ServiceLifecycle
import Store
import Testing
import WorkerService

#if canImport(Glibc)
import Glibc
#endif

/// A part of the test stack (RabbitMQ, PostgreSQL) is stopped and started again while a customer
/// files requests on four lanes: a draft and its submission, each with an Idempotency-Key and
/// sent again with the same key after a refusal, until accepted. The gateway, role service and
/// worker run in process on a database and virtual host of their own and must find their way
/// back by themselves. Afterwards every accepted request must be triaged and assigned exactly
/// once with its events published, refusals must have been 503/504 problems, and no answer may
/// have hung.
struct RestartDrill {
    /// What the drill's outage and its checks after recovery are given.
    struct Scene: Sendable {
        var api: API
        var tenant: String
        var adminToken: String
        var suffix: String
        /// The drill's database, as its owner.
        var owner: DatabaseConfiguration
    }

    /// What the submitters saw.
    final class Outcomes: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var accepted: [String] = []
        private(set) var refused: [Int: Int] = [:]
        private(set) var slowest: Duration = .zero
        /// The slowest answer: which call, when it started, its status and the start of its body.
        private(set) var slowestCall = ""
        private(set) var other: [String] = []
        func record(_ status: Int, _ took: Duration, body: String, call: String = "") {
            lock.withLock {
                if took > slowest {
                    slowest = took
                    slowestCall = "\(call) started \(Date.now.addingTimeInterval(-Double(took.components.seconds))) → \(status) \(body.prefix(160))"
                }
                if [503, 504].contains(status) { refused[status, default: 0] += 1 } else if status >= 300 { other.append("\(status) \(body.prefix(200))") }
            }
        }
        func accept(_ id: String) { lock.withLock { accepted.append(id) } }
        var snapshot: (accepted: [String], refused: [Int: Int], slowest: Duration, other: [String]) {
            lock.withLock { (accepted, refused, slowest, other) }
        }
        var slowestDescription: String { lock.withLock { slowestCall } }
    }

    /// Names the drill in its report and in its database, vhost and connections.
    var name: String
    /// Stops the part and starts it again.
    var outage: @Sendable (Scene) async throws -> Void
    /// Checks made once requests are accepted again after the outage.
    var afterRecovery: @Sendable (Scene) async throws -> Void = { _ in }
    /// How long the gateway keeps a decision (nil: as configured by default).
    var gatewayCache: Duration?

    func run() async throws {
        let prepared = try await SliceStack.prepare(prefix: "td_\(name)")
        let environment = prepared.environment
        let logger = SliceStack.logger
        var roles = RolesConfiguration(amqp: environment.amqp, database: prepared.app, bcryptCost: 4)
        roles.amqp.connectionName = "\(name)-roles"
        var worker = WorkerConfiguration(amqp: environment.amqp, database: prepared.app)
        worker.amqp.connectionName = "\(name)-worker"
        worker.assignmentSweepInterval = .seconds(2)
        let services = try RoleServiceApp(configuration: roles, logger: logger).services()
            + WorkerApp(configuration: worker, logger: logger).services()
        let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) }, logger: logger))
        Task.detached { try await group.run() }
        defer { Task { await group.triggerGracefulShutdown() } }

        try await withGateway(environment: environment, configure: { [gatewayCache] in
            $0.rpcTimeout = .seconds(3)
            if let gatewayCache { $0.authorizationCacheTTL = gatewayCache }
        }) { client in
            let api = API(client: client)
            let suffix = String(UUID().uuidString.prefix(6)).lowercased()
            let op = try await api.login(SliceStack.operatorEmail, SliceStack.operatorPassword).access
            let vendor = try await api.send(.get, "/v1/me", token: op).string("tenant_id")
            let admin = Member("Rita", "tenant_admin", suffix)
            let tenant = try await api.createTenant(op, kind: "customer", name: "Restart Co \(suffix)", admin: admin)
            let token = try await api.login(admin.email, Member.password).access
            let engineer = try await api.createAdmin(op, tenant: vendor, Member("Ed", "support_engineer", suffix))
            try await Database.with(environment.owner, logger: logger) { db in
                try await db.client.query("""
                    INSERT INTO support_queue_members (queue_id, admin_id, languages)
                    SELECT id, \(UUID(uuidString: engineer)), '{en}' FROM support_queues
                    """)
            }

            let outcomes = Outcomes()
            let phase = PhaseFlag()
            let submitters = Task {
                try await withThrowingTaskGroup(of: Void.self) { lanes in
                    for lane in 0..<4 {
                        lanes.addTask {
                            var index = 0
                            while !phase.done || index < 5 {
                                let marker = "\(name)-\(suffix)-\(lane)-\(index)"
                                var id: String?
                                while id == nil {
                                    let start = ContinuousClock.now
                                    let draft = try await api.send(.post, "/v1/tenants/\(tenant)/requests", token: token, json: """
                                        {"category":"billing","summary":"\(marker)","severity":"B","language":"en",
                                         "contact":{"name":"Rita","email":"rita@restart.example"}}
                                        """, headers: ["Idempotency-Key": "\(marker)-draft"])
                                    outcomes.record(draft.status, ContinuousClock.now - start, body: draft.body, call: "draft")
                                    if draft.status == 201 { id = try draft.string("id") } else { try await Task.sleep(for: .milliseconds(300)) }
                                }
                                guard let id else { continue }
                                var accepted = false
                                while !accepted {
                                    let start = ContinuousClock.now
                                    let submitted = try await api.send(.post, "/v1/tenants/\(tenant)/requests/\(id)/submit", token: token,
                                                                       headers: ["Idempotency-Key": "\(marker)-submit"])
                                    outcomes.record(submitted.status, ContinuousClock.now - start, body: submitted.body, call: "submit")
                                    accepted = submitted.status == 200
                                    if !accepted { try await Task.sleep(for: .milliseconds(300)) }
                                }
                                outcomes.accept(id)
                                index += 1
                            }
                        }
                    }
                    try await lanes.waitForAll()
                }
            }

            try await Task.sleep(for: .seconds(3))
            let before = outcomes.snapshot.accepted.count
            note("\(name): the outage starts after \(before) accepted requests")
            let scene = Scene(api: api, tenant: tenant, adminToken: token, suffix: suffix, owner: environment.owner)
            try await outage(scene)
            let afterStart = outcomes.snapshot.accepted.count
            note("\(name): back; \(afterStart) accepted so far")
            // Keep submitting until some requests went through after the outage.
            let resumed = try await WorkerTestSupport.eventually(timeout: .seconds(60)) { outcomes.snapshot.accepted.count >= afterStart + 20 }
            try await afterRecovery(scene)
            phase.finish()
            try await submitters.value
            let final = outcomes.snapshot
            let ids = final.accepted.compactMap(UUID.init(uuidString:))

            // Everything accepted is triaged and assigned once, and its events published.
            var counts = (triaged: 0, assigned: 0, unpublished: -1, twice: -1)
            let processed = try await WorkerTestSupport.eventually(timeout: .seconds(90)) {
                counts = try await Database.with(environment.owner, logger: logger) { db in
                    let row = try await db.client.query("""
                        WITH e AS (SELECT request_id, kind, count(*) AS n FROM request_events
                                   WHERE request_id = ANY(\(ids)) AND kind IN ('triaged', 'assigned') GROUP BY 1, 2)
                        SELECT (SELECT count(*)::int FROM e WHERE kind = 'triaged'), (SELECT count(*)::int FROM e WHERE kind = 'assigned'),
                               (SELECT count(*)::int FROM outbox_events WHERE published_at IS NULL),
                               (SELECT count(*)::int FROM e WHERE n > 1)
                        """).collect().first
                    let (t, a, u, d) = try #require(row).decode((Int, Int, Int, Int).self)
                    return (t, a, u, d)
                }
                return counts.triaged == ids.count && counts.assigned == ids.count && counts.unpublished == 0
            }
            print("""
                \(name) report: accepted \(final.accepted.count) (\(before) before the outage), refused \
                \(final.refused.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: ", ")), \
                slowest answer \(final.slowest) (\(outcomes.slowestDescription)), triaged \(counts.triaged), assigned \(counts.assigned), \
                unpublished events \(counts.unpublished), processed twice \(counts.twice)
                """)
            #expect(before > 0, "requests were accepted before the outage")
            #expect(resumed, "requests are accepted again after the outage")
            #expect(!final.refused.isEmpty, "the outage was noticed")
            #expect(final.other.isEmpty, "only 503/504 during the outage: \(final.other.prefix(3))")
            #expect(final.slowest < .seconds(10), "refusals come at once or at the deadline, never a hang")
            #expect(processed, "every accepted request triaged and assigned, every event published: \(counts)")
            #expect(counts.twice == 0)
        }
    }

    /// Runs a function of script/lib/services.sh with the test stack's variables. Through
    /// posix_spawn and waitpid rather than Foundation's Process, whose wait does not return
    /// while a daemon it started (the RabbitMQ node) holds an inherited descriptor.
    static func services(_ command: String) async throws {
        let script = "source \"\(SliceStack.repositoryRoot.path)/script/lib/services.sh\" && \(command) >&2"
        let status = try await offPool { () -> Int32 in
            var pid: pid_t = 0
            let arguments = ["/bin/bash", "-c", script]
            var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
            defer { for pointer in argv { free(pointer) } }
            // Signals this process ignores or blocks would stay ignored in the RabbitMQ node it
            // starts (which then would not stop on SIGTERM): reset them to their defaults.
            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            var everything = sigset_t()
            sigfillset(&everything)
            var nothing = sigset_t()
            sigemptyset(&nothing)
            posix_spawnattr_setsigdefault(&attributes, &everything)
            posix_spawnattr_setsigmask(&attributes, &nothing)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
            let spawned = posix_spawn(&pid, "/bin/bash", nil, &attributes, &argv, environ)
            guard spawned == 0 else { throw SliceError("posix_spawn failed: \(spawned)") }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            return status
        }
        guard status == 0 else { throw SliceError("\(command) exited with status \(status)") }
    }
}

/// Set once the test has seen enough; read by the submitters.
final class PhaseFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var finished = false
    var done: Bool { lock.withLock { finished } }
    func finish() { lock.withLock { finished = true } }
}
