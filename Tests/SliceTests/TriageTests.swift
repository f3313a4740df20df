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
@testable import WorkerService

/// Triage and assignment from `request.submitted`, against the real broker and database.
@Suite("Triage and assignment", .timeLimit(.minutes(3)))
struct TriageTests {
    @Test("submitted requests are triaged once and go to the least-loaded engineer who speaks the language and is on shift")
    func leastLoaded() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let suffix = String(UUID().uuidString.prefix(6)).lowercased()
            let queue = try await WorkerTestSupport.privateQueue(language: "nl", environment: environment)
            func engineer(_ name: String) async throws -> String {
                try await api.createAdmin(w.operatorToken, tenant: w.vendor, Member(name, "support_engineer", suffix))
            }
            let anna = try await engineer("Anna"), bram = try await engineer("Bram")
            let offShift = try await engineer("Cas"), english = try await engineer("Dirk")
            // Cas's shift calendar has today (and the days around it) as holidays: off shift now.
            let calendar = "off-\(suffix)"
            try await WorkerTestSupport.owner(environment) { db in
                let days = (-1...1).map { Date().addingTimeInterval(Double($0) * 86_400).formatted(.iso8601.year().month().day()) }
                try await db.client.query("""
                    INSERT INTO support_calendars (id, name, time_zone, weekly_hours, holidays)
                    VALUES (\(calendar), 'Off', 'UTC',
                            '{"mon":[["00:00","24:00"]],"tue":[["00:00","24:00"]],"wed":[["00:00","24:00"]],"thu":[["00:00","24:00"]],"fri":[["00:00","24:00"]],"sat":[["00:00","24:00"]],"sun":[["00:00","24:00"]]}',
                            \(days)::date[])
                    """)
            }
            try await WorkerTestSupport.addMember(anna, to: queue, languages: ["nl", "en"], environment: environment)
            try await WorkerTestSupport.addMember(bram, to: queue, languages: ["nl"], environment: environment)
            try await WorkerTestSupport.addMember(offShift, to: queue, languages: ["nl"], shift: calendar, environment: environment)
            try await WorkerTestSupport.addMember(english, to: queue, languages: ["en"], environment: environment)

            var submitted: [UUID] = []
            for index in 0..<6 { submitted.append(try await WorkerTestSupport.submit(api, w, language: "nl", summary: "Factuur \(index)")) }
            let ids = submitted
            let assigned = try await WorkerTestSupport.eventually {
                try await WorkerTestSupport.timelineCounts("assigned", of: ids, environment: environment).count == ids.count
            }
            #expect(assigned, "every request is assigned")

            let owners = try await WorkerTestSupport.owner(environment) { db in
                var owners: [String: Int] = [:]
                let rows = try await db.client.query("""
                    SELECT assigned_to, queue_id, triaged_at IS NOT NULL FROM service_requests WHERE id = ANY(\(ids))
                    """)
                for try await (assignee, routed, triaged) in rows.decode((UUID?, String?, Bool).self) {
                    #expect(routed == queue)
                    #expect(triaged)
                    owners[assignee?.uuidString.lowercased() ?? "nobody", default: 0] += 1
                }
                return owners
            }
            // Least open work alternates between the two who qualify.
            #expect(owners == [anna: 3, bram: 3], "\(owners)")
            let triaged = try await WorkerTestSupport.timelineCounts("triaged", of: ids, environment: environment)
            #expect(ids.allSatisfy { triaged[$0] == 1 })
            let events = try await WorkerTestSupport.outboxCounts(RequestEvent.assigned, of: ids, environment: environment)
            #expect(ids.allSatisfy { events[$0] == 1 }, "one request.assigned per request: \(events)")

            // The requester sees who has the request.
            let detail = try await api.send(.get, "/v1/tenants/\(w.c1)/requests/\(ids[0].uuidString.lowercased())", token: w.ta1Token)
            let assignee = ((try detail.json()["request"] as? [String: Any])?["assigned_to"] as? [String: Any])?["admin_id"] as? String
            #expect([anna, bram].contains(assignee ?? ""), "\(detail.body)")

            // A redelivered event (same message id) and a duplicate event (new id) change nothing.
            let connection = try await WorkerTestSupport.connection(environment)
            let messageID = try await WorkerTestSupport.owner(environment) { db in
                try await db.client.query("""
                    SELECT message_id::text FROM outbox_events WHERE routing_key = 'request.submitted'
                      AND (body->>'requestID')::uuid = \(ids[0])
                    """).collect().first?.decode(String.self) ?? ""
            }
            let body = try JSONCodec.encode(RequestEventBody(
                requestID: ids[0].uuidString.lowercased(), tenantID: w.c1, number: nil, status: .submitted, severity: .c,
                category: "billing", language: "nl", actorAdminID: nil, occurredAt: Date()))
            for id in [messageID, UUID().uuidString] {
                try await connection.publish(
                    body, exchange: ExchangeName.events, routingKey: RequestEvent.submitted,
                    properties: AMQPProperties(contentType: "application/json", messageID: id))
            }
            await connection.close()
            let drained = try await WorkerTestSupport.eventually {
                try await WorkerTestSupport.owner(environment) { db in
                    try await db.client.query("""
                        SELECT count(*)::int FROM consumed_messages WHERE consumer = 'triage' AND message_id IN (\(messageID), \(messageID))
                        """).collect().first?.decode(Int.self) == 1
                }
            }
            #expect(drained)
            try await Task.sleep(for: .seconds(1))
            #expect(try await WorkerTestSupport.timelineCounts("triaged", of: [ids[0]], environment: environment)[ids[0]] == 1)
            #expect(try await WorkerTestSupport.timelineCounts("assigned", of: [ids[0]], environment: environment)[ids[0]] == 1)
        }
    }

    @Test("a request nobody can take waits unassigned; the sweep assigns it when someone joins, severity A first")
    func sweep() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let queue = try await WorkerTestSupport.privateQueue(language: "ko", environment: environment)
            let low = try await WorkerTestSupport.submit(api, w, language: "ko", severity: "C")
            let high = try await WorkerTestSupport.submit(api, w, language: "ko", severity: "A")
            let waiting = try await WorkerTestSupport.eventually {
                try await WorkerTestSupport.timelineCounts("unassigned", of: [low, high], environment: environment).count == 2
            }
            #expect(waiting, "both wait with the reason recorded")
            #expect(try await WorkerTestSupport.timelineCounts("assigned", of: [low, high], environment: environment).isEmpty)

            let jin = try await api.createAdmin(
                w.operatorToken, tenant: w.vendor, Member("Jin", "support_engineer", String(UUID().uuidString.prefix(6)).lowercased()))
            try await WorkerTestSupport.addMember(jin, to: queue, languages: ["ko"], environment: environment)
            let database = Database(configuration: WorkerTestSupport.app(environment), logger: SliceStack.logger)
            let assigned = try await withThrowingTaskGroup(of: Int?.self) { group in
                group.addTask { await database.client.run(); return nil }
                defer { group.cancelAll() }
                // Other tests' waiting requests may come first, and another test's sweep running
                // at the same time may take one of ours: sweep until both are assigned.
                for _ in 0..<20 {
                    _ = try await Triage(database: database, logger: SliceStack.logger).sweep(pageSize: 1000)
                    let count = try await WorkerTestSupport.timelineCounts("assigned", of: [low, high], environment: environment).count
                    if count == 2 { return count }
                }
                return try await WorkerTestSupport.timelineCounts("assigned", of: [low, high], environment: environment).count
            }
            #expect(assigned == 2, "both are assigned once someone joins")
            let order = try await WorkerTestSupport.owner(environment) { db in
                try await db.client.query("""
                    SELECT id FROM service_requests WHERE id IN (\(low), \(high)) AND assigned_to = \(UUID(uuidString: jin))
                    ORDER BY assigned_at
                    """).collect().map { try $0.decode(UUID.self) }
            }
            #expect(order == [high, low], "severity A is assigned first")
        }
    }

    @Test("triage of a queue nobody staffs does not wait on that queue's assignment lock")
    func unstaffedQueueSkipsLock() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            // Purchases and trials go to a queue of their own with nobody in it (no other test files them).
            let queue = "q-unstaffed-\(UUID().uuidString.prefix(6).lowercased())"
            try await WorkerTestSupport.owner(environment) { db in
                try await db.client.query("INSERT INTO support_queues (id, name) VALUES (\(queue), \(queue))")
                try await db.client.query("""
                    INSERT INTO support_queue_routes (position, category_code, queue_id) VALUES (0, 'purchase-and-trial', \(queue))
                    """)
            }
            try await WorkerTestSupport.owner(environment) { db in
                try await db.client.withTransaction(logger: SliceStack.logger) { connection in
                    // Held by someone else for the whole test: a triage that took it would wait.
                    try await connection.query(
                        "SELECT pg_advisory_xact_lock(hashtextextended('tenantdesk.queue:' || \(queue), 0))",
                        logger: SliceStack.logger)
                    let id = try await WorkerTestSupport.submit(api, w, language: "en", category: "purchase-and-trial")
                    let waiting = try await WorkerTestSupport.eventually(timeout: .seconds(15)) {
                        try await WorkerTestSupport.timelineCounts("unassigned", of: [id], environment: environment)[id] == 1
                    }
                    #expect(waiting, "triaged and left waiting while the queue's lock is held")
                    let routed = try await connection.query(
                        "SELECT queue_id FROM service_requests WHERE id = \(id)", logger: SliceStack.logger
                    ).collect().first?.decode(String?.self)
                    #expect(routed == queue)
                    // The triage and the reason nobody took it, in that order, after the submission.
                    let entries = try await connection.query(
                        "SELECT kind, data->>'reason' FROM request_events WHERE request_id = \(id) ORDER BY id", logger: SliceStack.logger
                    ).collect().map { try $0.decode((String, String?).self) }
                    #expect(entries.map(\.0) == ["created", "submitted", "triaged", "unassigned"])
                    #expect(entries.last?.1 == "the queue has no active members")
                }
            }
        }
    }

    @Test("the sweep reaches requests behind a full page of ones nobody can take")
    func sweepPages() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            _ = try await WorkerTestSupport.privateQueue(language: "de", environment: environment)
            let later = try await WorkerTestSupport.privateQueue(language: "zh-hans", environment: environment)
            // Three severity-A requests nobody speaks German for, then a C request that becomes assignable.
            var stuck: [UUID] = []
            for _ in 0..<3 { stuck.append(try await WorkerTestSupport.submit(api, w, language: "de", severity: "A")) }
            let behind = try await WorkerTestSupport.submit(api, w, language: "zh-hans", severity: "C")
            #expect(try await WorkerTestSupport.eventually {
                try await WorkerTestSupport.timelineCounts("unassigned", of: stuck + [behind], environment: environment).count == 4
            })
            let mei = try await api.createAdmin(
                w.operatorToken, tenant: w.vendor, Member("Mei", "support_engineer", String(UUID().uuidString.prefix(6)).lowercased()))
            try await WorkerTestSupport.addMember(mei, to: later, languages: ["zh-hans"], environment: environment)
            let database = Database(configuration: WorkerTestSupport.app(environment), logger: SliceStack.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await database.client.run() }
                defer { group.cancelAll() }
                // Pages of two: the German ones fill the first page (with other tests' waiting requests).
                _ = try await Triage(database: database, logger: SliceStack.logger).sweep(pageSize: 2, maxPages: 10_000)
            }
            #expect(try await WorkerTestSupport.timelineCounts("assigned", of: [behind], environment: environment)[behind] == 1)
            #expect(try await WorkerTestSupport.timelineCounts("assigned", of: stuck, environment: environment).isEmpty)
        }
    }
}
