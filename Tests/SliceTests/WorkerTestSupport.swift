import AMQP
import Contracts
import Domain
import Foundation
import HTTPTypes
import Logging
import Messaging
import PostgresNIO
import Store
import Testing

/// Helpers of the worker tests (billing languages taken: de, es, fr, it, ko, nl, pt, zh-hans; licensing: nl; en and ja go to the
/// default queues): requests in a language no other test uses (so their routing rule
/// and queue stay private to one test), direct database access, and waiting for consumers.
enum WorkerTestSupport {
    /// Submits a billing request in `language` for tenant c1; returns its id.
    static func submit(
        _ api: API, _ w: PartnerWorld, language: String, severity: String = "C", summary: String = "Invoice question",
        category: String = "billing"
    ) async throws -> UUID {
        let draft = try await api.send(.post, "/v1/tenants/\(w.c1)/requests", token: w.ta1Token, json: """
            {"category":"\(category)","summary":"\(summary)","severity":"\(severity)","language":"\(language)",
             "contact":{"name":"Tara","email":"tara@contoso.example","phone":"+81 3 1234 5678"}}
            """)
        guard draft.status == 201 else { throw SliceError("draft: \(draft.status) \(draft.body)") }
        let id = try draft.string("id")
        let submitted = try await api.send(.post, "/v1/tenants/\(w.c1)/requests/\(id)/submit", token: w.ta1Token)
        guard submitted.status == 200 else { throw SliceError("submit: \(submitted.status) \(submitted.body)") }
        return try #require(UUID(uuidString: id))
    }

    /// A queue of its own, routed to by requests of `category` in `language`.
    static func privateQueue(
        language: String, category: String = "billing", environment: SliceStack.Environment
    ) async throws -> String {
        let queue = "q-\(language)-\(UUID().uuidString.prefix(6).lowercased())"
        try await owner(environment) { db in
            try await db.client.query("INSERT INTO support_queues (id, name) VALUES (\(queue), \(queue))")
            try await db.client.query("""
                INSERT INTO support_queue_routes (position, category_code, language, queue_id) VALUES (1, \(category), \(language), \(queue))
                """)
        }
        return queue
    }

    /// Adds a member to a queue.
    static func addMember(
        _ admin: String, to queue: String, languages: [String], shift: String? = nil, environment: SliceStack.Environment
    ) async throws {
        let id = try #require(UUID(uuidString: admin))
        try await owner(environment) { db in
            try await db.client.query("""
                INSERT INTO support_queue_members (queue_id, admin_id, languages, shift_calendar_id)
                VALUES (\(queue), \(id), \(languages), \(shift))
                """)
        }
    }

    /// Runs `body` with the schema owner's pool.
    @discardableResult
    static func owner<T: Sendable>(_ environment: SliceStack.Environment, _ body: @Sendable (Database) async throws -> T) async throws -> T {
        try await Database.with(environment.owner, logger: SliceStack.logger, body)
    }

    /// The services' role (tenantdesk_app) on the test database.
    static func app(_ environment: SliceStack.Environment) -> DatabaseConfiguration {
        var app = environment.owner
        app.user = "tenantdesk_app"
        app.password = "tenantdesk_app"
        return app
    }

    /// Timeline entries of `kind` per request.
    static func timelineCounts(_ kind: String, of ids: [UUID], environment: SliceStack.Environment) async throws -> [UUID: Int] {
        try await owner(environment) { db in
            var counts: [UUID: Int] = [:]
            let rows = try await db.client.query("""
                SELECT request_id, count(*)::int FROM request_events WHERE kind = \(kind) AND request_id = ANY(\(ids)) GROUP BY request_id
                """)
            for try await (id, count) in rows.decode((UUID, Int).self) { counts[id] = count }
            return counts
        }
    }

    /// Outbox events with `routingKey` per request id (from the event body).
    static func outboxCounts(_ routingKey: String, of ids: [UUID], environment: SliceStack.Environment) async throws -> [UUID: Int] {
        try await owner(environment) { db in
            var counts: [UUID: Int] = [:]
            let rows = try await db.client.query("""
                SELECT (body->>'requestID')::uuid, count(*)::int FROM outbox_events
                WHERE routing_key = \(routingKey) AND (body->>'requestID')::uuid = ANY(\(ids)) GROUP BY 1
                """)
            for try await (id, count) in rows.decode((UUID, Int).self) { counts[id] = count }
            return counts
        }
    }

    /// Polls `condition` every 100 ms until it holds or `timeout` passes; returns whether it held.
    static func eventually(timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }

    /// An AMQP connection to the stack's vhost that declares the worker's topology (the stack's
    /// worker may not have connected yet).
    static func connection(_ environment: SliceStack.Environment) async throws -> AMQPConnection {
        var amqp = environment.amqp
        amqp.connectionName = "slice-test-publisher"
        let connection = try AMQPConnection(configuration: amqp, topology: TenantDeskTopology.worker, logger: SliceStack.logger)
        try await connection.waitUntilConnected(timeout: .seconds(10))
        return connection
    }
}
