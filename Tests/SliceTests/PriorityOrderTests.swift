import Foundation
import HTTPTypes
import PostgresNIO
import Store
import Testing

/// The support queues' default order.
@Suite struct PriorityOrderTests {
    @Test("most urgent first: unanswered before answered, escalated first within each, then by due time")
    func priority() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            var submitted: [String] = []
            for index in 0..<5 { submitted.append(try await ServiceRequestFlowTests.submitted(api, w, summary: "Priority \(index)")) }
            let ids = submitted
            // (answered, escalated, due in minutes from now) for each, and the order expected.
            let states: [(Bool, Bool, Int)] = [(true, true, -60), (false, false, 30), (true, false, -120), (false, true, 90), (false, false, 10)]
            let expected = [3, 4, 1, 0, 2].map { ids[$0].lowercased() }
            try await WorkerTestSupport.owner(environment) { owner in
                for (id, (answered, escalated, due)) in zip(ids, states) {
                    let uuid = try #require(UUID(uuidString: id))
                    try await owner.client.query("""
                        UPDATE service_requests
                        SET response_due_at = now() + \(due) * interval '1 minute',
                            first_response_at = CASE WHEN \(answered) THEN now() - interval '3 hours' END,
                            escalated_at = CASE WHEN \(escalated) THEN now() - interval '1 hour' END
                        WHERE id = \(uuid)
                        """)
                }
            }
            let reply = try await api.send(.get, "/v1/support/requests?customer=\(w.c1)&limit=200", token: w.engineerToken)
            #expect(reply.status == 200, "\(reply.body)")
            let listed = (try reply.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(listed.filter(expected.contains) == expected, "\(listed)")
        }
    }
}
