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

/// First-response monitoring: warnings at 75 %, breaches at 100 %, each exactly once however
/// many monitors run.
@Suite("SLA monitor", .timeLimit(.minutes(3)))
struct SLAMonitorTests {
    @Test("two monitors at once: each breach is announced and escalated once, each warning sent once")
    func exactlyOnce() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            var submitted: [UUID] = []
            for index in 0..<24 { submitted.append(try await WorkerTestSupport.submit(api, w, language: "it", summary: "Fattura \(index)")) }
            let breached = Array(submitted.prefix(16)), warned = Array(submitted.dropFirst(16))
            let answered = try await WorkerTestSupport.submit(api, w, language: "it", summary: "Already answered")
            try await WorkerTestSupport.owner(environment) { db in
                // Answered first: the stack's own monitor may look at any moment.
                try await db.client.query("UPDATE service_requests SET first_response_at = now() WHERE id = \(answered)")
                try await db.client.query("""
                    UPDATE service_requests SET response_warn_at = now() - interval '2 minutes', response_due_at = now() - interval '1 minute'
                    WHERE id = ANY(\(breached + [answered]))
                    """)
                try await db.client.query("""
                    UPDATE service_requests SET response_warn_at = now() - interval '1 minute', response_due_at = now() + interval '1 hour'
                    WHERE id = ANY(\(warned))
                    """)
            }

            // Two monitors, each with its own pool, sweeping at the same moment (the stack's own
            // monitor may join in too).
            let app = WorkerTestSupport.app(environment)
            let totals = try await withThrowingTaskGroup(of: [String: Int].self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        try await Database.with(app, logger: SliceStack.logger) { database in
                            let monitor = SLAMonitor(database: database, outbox: Outbox(), interval: .seconds(60), logger: SliceStack.logger)
                            var sum: [String: Int] = [:]
                            for _ in 0..<3 { sum.merge(try await monitor.sweep(), uniquingKeysWith: +) }
                            return sum
                        }
                    }
                }
                var all: [[String: Int]] = []
                for try await counts in group { all.append(counts) }
                return all
            }
            #expect(totals.count == 2)
            // The stack's own monitor may have claimed some of them in a transaction that is
            // still announcing (our sweeps skip rows it has locked): wait for it to commit.
            let announced = try await WorkerTestSupport.eventually {
                let breaches = try await WorkerTestSupport.timelineCounts("sla_breached", of: breached, environment: environment)
                let warnings = try await WorkerTestSupport.timelineCounts("sla_warning", of: warned, environment: environment)
                return breaches.count == breached.count && warnings.count == warned.count
            }
            #expect(announced, "every late request announced, every request at 75 % warned")

            let breaches = try await WorkerTestSupport.timelineCounts("sla_breached", of: breached + warned + [answered], environment: environment)
            #expect(breached.allSatisfy { breaches[$0] == 1 }, "one breach entry per late request: \(breaches)")
            #expect(warned.allSatisfy { breaches[$0] == nil } && breaches[answered] == nil)
            let warnings = try await WorkerTestSupport.timelineCounts("sla_warning", of: breached + warned + [answered], environment: environment)
            #expect(warned.allSatisfy { warnings[$0] == 1 }, "one warning per request at 75 %: \(warnings)")
            #expect(breached.allSatisfy { warnings[$0] == nil }, "a request already late is not also warned")
            let breachEvents = try await WorkerTestSupport.outboxCounts(RequestEvent.slaBreached, of: breached, environment: environment)
            #expect(breached.allSatisfy { breachEvents[$0] == 1 }, "\(breachEvents)")
            let warningEvents = try await WorkerTestSupport.outboxCounts(RequestEvent.slaWarning, of: warned, environment: environment)
            #expect(warned.allSatisfy { warningEvents[$0] == 1 }, "\(warningEvents)")

            // A breach escalates; the support list's default order puts escalated requests first.
            let escalated = try await WorkerTestSupport.owner(environment) { db in
                try await db.client.query("""
                    SELECT count(*)::int FROM service_requests WHERE id = ANY(\(breached)) AND escalated_at IS NOT NULL
                      AND escalation_reason = 'first-response target breached'
                    """).collect().first?.decode(Int.self)
            }
            #expect(escalated == breached.count)
            let list = try await api.send(.get, "/v1/support/requests?limit=200", token: w.engineerToken)
            #expect(list.status == 200, "\(list.body)")
            // Among the requests still waiting for a first response (which come before answered
            // ones, see PriorityOrderTests), escalated ones come first.
            let unanswered = (try list.json()["items"] as? [[String: Any]] ?? []).filter {
                let response = $0["response"] as? [String: Any]
                return response?["first_response_at"] == nil || response?["first_response_at"] is NSNull
            }
            let flags = unanswered.map { !($0["escalated_at"] is NSNull || $0["escalated_at"] == nil) }
            #expect(flags.contains(true))
            #expect(flags == flags.sorted { $0 && !$1 }, "escalated requests come first")
            // The customer does not see the escalation.
            let customerView = try await api.send(.get, "/v1/tenants/\(w.c1)/requests/\(breached[0].uuidString.lowercased())", token: w.ta1Token)
            #expect(!customerView.body.contains("first-response target breached"))
            #expect(!customerView.body.contains("sla_breached"))
        }
    }
}
