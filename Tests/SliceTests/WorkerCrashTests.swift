import AMQP
import Contracts
import Domain
import Foundation
import GatewayApp
import HTTPTypes
import Logging
import PostgresNIO
import RoleService
import ServiceLifecycle
import Store
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Worker copies are killed with SIGKILL again and again while requests are submitted: every
/// accepted request must exist once, be triaged once and assigned once, and no event may be lost.
/// `TD_CRASH_TEST_REQUESTS` changes the number (default 2,000); `TD_CRASH_TEST_LOGS` (a
/// directory) keeps each worker copy's log, at `TD_CRASH_TEST_LOG_LEVEL`.
@Suite(
    "Worker crashes", .timeLimit(.minutes(8)),
    .enabled(if: ProcessInfo.processInfo.environment["TD_CRASH_TEST"] == "1", "loads the machine: script/test runs it on its own"))
struct WorkerCrashTests {
    /// Worker executables against one database and vhost, restartable by index.
    final class Workers: @unchecked Sendable {
        private let lock = NSLock()
        private var processes: [Process?]
        let environment: [String: String]
        private(set) var kills = 0

        init(count: Int, environment: [String: String]) {
            self.processes = Array(repeating: nil, count: count)
            self.environment = environment
        }

        func start(_ index: Int) throws {
            let (process, _) = ExecutableTests.process("tenantdesk-worker", environment: environment)
            if let directory = ProcessInfo.processInfo.environment["TD_CRASH_TEST_LOGS"],
               FileManager.default.createFile(atPath: "\(directory)/worker-\(index)-\(UUID().uuidString.prefix(6)).log", contents: nil),
               let handle = FileHandle(forWritingAtPath: try FileManager.default.contentsOfDirectory(atPath: directory)
                   .filter { $0.hasPrefix("worker-\(index)-") }.map { "\(directory)/\($0)" }.sorted().last ?? "") {
                process.standardError = handle
            } else {
                process.standardError = FileHandle.nullDevice
            }
            try process.run()
            lock.withLock { processes[index] = process }
        }

        /// SIGKILL, then a new copy in its place.
        func killAndRestart(_ index: Int) throws {
            let victim = lock.withLock { processes[index] }
            if let victim, victim.isRunning {
                kill(victim.processIdentifier, SIGKILL)
                victim.waitUntilExit()
                lock.withLock { kills += 1 }
            }
            try start(index)
        }

        /// SIGTERM to every copy; SIGKILL to one still running 15 s later.
        func stopAll() {
            let all = lock.withLock { processes.compactMap { $0 } }
            for process in all where process.isRunning { process.terminate() }
            let deadline = Date().addingTimeInterval(15)
            while all.contains(where: \.isRunning) && Date() < deadline { usleep(50_000) }
            for process in all where process.isRunning {
                note("worker \(process.processIdentifier) ignored SIGTERM for 15 s; killing it")
                kill(process.processIdentifier, SIGKILL)
            }
        }
    }

    @Test("kill -9 of workers while requests are submitted: each accepted request exists, is triaged and assigned exactly once")
    func killNine() async throws {
        let total = Int(ProcessInfo.processInfo.environment["TD_CRASH_TEST_REQUESTS"] ?? "") ?? 2000
        let prepared = try await SliceStack.prepare(prefix: "td_crash")
        let environment = prepared.environment
        let logger = SliceStack.logger

        // The role service runs in this process; the workers are real executables we can kill.
        var roles = RolesConfiguration(amqp: environment.amqp, database: prepared.app, bcryptCost: 4)
        roles.amqp.connectionName = "crash-roles"
        let roleGroup = ServiceGroup(configuration: .init(
            services: try RoleServiceApp(configuration: roles, logger: logger).services().map { .init(service: $0) }, logger: logger))
        Task.detached { try await roleGroup.run() }
        defer { Task { await roleGroup.triggerGracefulShutdown() } }

        let env = ProcessInfo.processInfo.environment
        let amqp = environment.amqp
        let amqpURL = "amqp://\(amqp.user):\(amqp.password)@\(amqp.host):\(amqp.port)/\(amqp.virtualHost)"
        let appURL = try #require(env["TD_TEST_DATABASE_APP_URL"])
        var components = try #require(URLComponents(string: appURL))
        components.path = "/\(environment.owner.database)"
        let databaseURL = try #require(components.string)
        let workers = Workers(count: 2, environment: [
            "TD_AMQP_URL": amqpURL, "TD_DATABASE_URL": databaseURL, "TD_LOG_LEVEL": ProcessInfo.processInfo.environment["TD_CRASH_TEST_LOG_LEVEL"] ?? "error",
            "TD_ASSIGNMENT_SWEEP_SECONDS": "2", "TD_RPC_CONCURRENCY": "16",
        ])
        try workers.start(0)
        try workers.start(1)
        defer { workers.stopAll() }

        note("workers started")
        try await withGateway(environment: environment, configure: { $0.rpcTimeout = .seconds(3) }) { client in
            let api = API(client: client)
            note("gateway ready")
            let suffix = String(UUID().uuidString.prefix(6)).lowercased()
            let op = try await api.login(SliceStack.operatorEmail, SliceStack.operatorPassword).access
            let vendor = try await api.send(.get, "/v1/me", token: op).string("tenant_id")
            let admin = Member("Carla", "tenant_admin", suffix)
            let tenant = try await api.createTenant(op, kind: "customer", name: "Crash Co \(suffix)", admin: admin)
            let token = try await api.login(admin.email, Member.password).access
            var created: [String] = []
            for name in ["Ada", "Bo", "Cy"] {
                created.append(try await api.createAdmin(op, tenant: vendor, Member(name, "support_engineer", suffix)))
            }
            let engineers = created
            try await Database.with(environment.owner, logger: logger) { db in
                for engineer in engineers {
                    try await db.client.query("""
                        INSERT INTO support_queue_members (queue_id, admin_id, languages)
                        SELECT id, \(UUID(uuidString: engineer)), '{en}' FROM support_queues
                        """)
                }
            }

            // The killer: one worker every 1.5 s, alternately, until the submissions are done.
            let killer = Task.detached {
                var index = 0
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(1500))
                    if Task.isCancelled { break }
                    try workers.killAndRestart(index % 2)
                    index += 1
                }
            }

            defer { killer.cancel() }
            note("submitting \(total) requests")
            // Submitters: draft + submit with Idempotency-Keys, retried on 503/504 until accepted.
            let retried = Counter()
            let accepted = try await withThrowingTaskGroup(of: [String].self) { group in
                let lanes = 16
                for lane in 0..<lanes {
                    group.addTask {
                        var ids: [String] = []
                        for index in stride(from: lane, to: total, by: lanes) {
                            let marker = "crash-\(suffix)-\(index)"
                            let draft = try await Self.retrying(retried) {
                                try await api.send(.post, "/v1/tenants/\(tenant)/requests", token: token, json: """
                                    {"category":"billing","summary":"\(marker)","severity":"\(["A", "B", "C"][index % 3])","language":"en",
                                     "contact":{"name":"Carla","email":"carla@crash.example","phone":"+81 3 1234 5678"}}
                                    """, headers: ["Idempotency-Key": "\(marker)-draft"])
                            }
                            guard draft.status == 201 else { throw SliceError("draft \(index): \(draft.status) \(draft.body)") }
                            let id = try draft.string("id")
                            let submitted = try await Self.retrying(retried) {
                                try await api.send(.post, "/v1/tenants/\(tenant)/requests/\(id)/submit", token: token,
                                                   headers: ["Idempotency-Key": "\(marker)-submit"])
                            }
                            guard submitted.status == 200 else { throw SliceError("submit \(index): \(submitted.status) \(submitted.body)") }
                            ids.append(id)
                        }
                        return ids
                    }
                }
                var all: [String] = []
                for try await ids in group { all += ids }
                return all
            }
            killer.cancel()
            _ = await killer.result
            note("submitted; waiting for triage")
            let kills = workers.kills
            #expect(accepted.count == total)
            let acceptedIDs = accepted.compactMap(UUID.init(uuidString:))

            // Every accepted request gets triaged and assigned, by the copies still running.
            struct Tally: Sendable {
                var rows = 0, submittedEvents = 0, unpublished = 0, triaged = 0, assigned = 0, assignedEvents = 0
                var duplicateTriage = 0, duplicateAssign = 0, unassigned = 0
            }
            func tally() async throws -> Tally {
                try await Database.with(environment.owner, logger: logger) { db in
                    let row = try await db.client.query("""
                        WITH ids AS (SELECT unnest(\(acceptedIDs)) AS id),
                        e AS (SELECT request_id, kind, count(*) AS n FROM request_events
                              WHERE request_id IN (SELECT id FROM ids) AND kind IN ('triaged', 'assigned') GROUP BY 1, 2),
                        o AS (SELECT routing_key, (body->>'requestID')::uuid AS id, published_at FROM outbox_events
                              WHERE routing_key IN ('request.submitted', 'request.assigned'))
                        SELECT
                          (SELECT count(*)::int FROM service_requests WHERE id IN (SELECT id FROM ids) AND status = 'submitted'),
                          (SELECT count(*)::int FROM o WHERE routing_key = 'request.submitted' AND id IN (SELECT id FROM ids)),
                          (SELECT count(*)::int FROM o WHERE published_at IS NULL AND id IN (SELECT id FROM ids)),
                          (SELECT count(*)::int FROM e WHERE kind = 'triaged'),
                          (SELECT count(*)::int FROM e WHERE kind = 'assigned'),
                          (SELECT count(*)::int FROM o WHERE routing_key = 'request.assigned' AND id IN (SELECT id FROM ids)),
                          (SELECT count(*)::int FROM e WHERE kind = 'triaged' AND n > 1),
                          (SELECT count(*)::int FROM e WHERE kind = 'assigned' AND n > 1),
                          (SELECT count(*)::int FROM service_requests WHERE id IN (SELECT id FROM ids) AND assigned_to IS NULL)
                        """).collect().first
                    let (a, b, c, d, e, f, g, h, i) = try #require(row).decode((Int, Int, Int, Int, Int, Int, Int, Int, Int).self)
                    return Tally(rows: a, submittedEvents: b, unpublished: c, triaged: d, assigned: e, assignedEvents: f,
                                 duplicateTriage: g, duplicateAssign: h, unassigned: i)
                }
            }
            var last = Tally()
            let done = try await WorkerTestSupport.eventually(timeout: .seconds(180)) {
                last = try await tally()
                return last.triaged == total && last.assigned == total && last.unpublished == 0 && last.assignedEvents == total
            }
            let markers = try await Database.with(environment.owner, logger: logger) { db in
                try await db.client.query("""
                    SELECT count(DISTINCT summary)::int, count(*)::int FROM service_requests WHERE summary LIKE \("crash-\(suffix)-%")
                    """).collect().first?.decode((Int, Int).self)
            }
            print("""
                kill -9 report: submitted \(total), accepted \(accepted.count), calls retried after 503/504 \(retried.value), \
                workers killed \(kills); requests \(markers?.1 ?? -1) (distinct \(markers?.0 ?? -1)), submitted events \(last.submittedEvents), \
                unpublished \(last.unpublished), triaged \(last.triaged), assigned \(last.assigned), request.assigned events \(last.assignedEvents), \
                triaged twice \(last.duplicateTriage), assigned twice \(last.duplicateAssign), unassigned \(last.unassigned)
                """)
            #expect(done, "everything triaged and assigned: \(last)")
            #expect(kills >= 2, "the workers were killed while requests were submitted")
            #expect(markers?.0 == total && markers?.1 == total, "each accepted request exists once")
            #expect(last.rows == total)
            #expect(last.submittedEvents == total, "one request.submitted per request")
            #expect(last.duplicateTriage == 0 && last.duplicateAssign == 0)
        }
    }

    /// Sends until the answer is not 503/504 (an RPC lost with a killed worker), at most 30 times.
    /// Sends until the answer is final, as a client does: a retry after a timeout can meet the
    /// first attempt still running (its message redelivered to another worker copy), which is a
    /// 409 `idempotency-in-flight` that asks to retry shortly.
    static func retrying(_ counter: Counter, _ send: () async throws -> API.Reply) async throws -> API.Reply {
        func again(_ reply: API.Reply) -> Bool {
            [503, 504].contains(reply.status) || (reply.status == 409 && reply.body.contains(ProblemType.idempotencyInFlight))
        }
        var reply = try await send()
        var attempts = 1
        while again(reply) && attempts < 30 {
            if counter.value < 5 { note("retrying after \(reply.status): \(reply.body.prefix(300))") }
            counter.increment()
            try await Task.sleep(for: .milliseconds(200))
            reply = try await send()
            attempts += 1
        }
        return reply
    }
}

/// Progress of a long test, unbuffered.
func note(_ text: String) {
    FileHandle.standardError.write(Data("[\(Date().formatted(.iso8601))] \(text)\n".utf8))
}

/// A thread-safe counter.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
