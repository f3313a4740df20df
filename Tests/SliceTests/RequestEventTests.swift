import Contracts
import Domain
import Foundation
import HTTPTypes
import PostgresNIO
import Store
import Testing

/// The worker's `request.*` events are written with the change they announce (outbox) and
/// published: each row gets its routing key, a unique message id and the body consumers rely
/// on, and is marked published once RabbitMQ confirmed it.
@Suite("Service-request events", .timeLimit(.minutes(3)))
struct RequestEventTests {
    @Test("submit, internal note, resolve: request.submitted, request.message_added and request.resolved, in order, published")
    func events() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let id = try await ServiceRequestFlowTests.submitted(api, w)
            _ = try await api.send(.post, "/v1/tenants/\(w.c1)/requests/\(id)/messages", token: w.engineerToken,
                                   json: #"{"body":"note","visibility":"internal"}"#)
            _ = try await api.send(.post, "/v1/tenants/\(w.c1)/requests/\(id)/transitions", token: w.engineerToken,
                                   json: #"{"transition":"resolve","resolution_summary":"done"}"#)

            typealias Row = (routingKey: String, messageID: UUID, body: String, published: Bool)
            var rows: [Row] = []
            let deadline = ContinuousClock.now + .seconds(15)
            repeat {
                rows = try await Database.with(environment.owner, logger: SliceStack.logger) { owner in
                    var found: [Row] = []
                    let result = try await owner.client.query("""
                        SELECT routing_key, message_id, body::text, published_at IS NOT NULL
                        FROM outbox_events WHERE body->>'requestID' = \(id) ORDER BY id
                        """)
                    for try await row in result.decode((String, UUID, String, Bool).self) { found.append(row) }
                    return found
                }
                if rows.count == 3, rows.allSatisfy({ $0.published }) { break }
                try await Task.sleep(for: .milliseconds(200))
            } while ContinuousClock.now < deadline

            #expect(rows.map(\.routingKey) == ["request.submitted", "request.message_added", "request.resolved"])
            let allPublished = rows.allSatisfy { $0.published }
            #expect(allPublished, "published within 15 s")
            #expect(Set(rows.map(\.messageID)).count == 3)
            let bodies = try rows.map { try JSONDecoder.iso.decode(RequestEventBody.self, from: Data($0.body.utf8)) }
            #expect(bodies.first?.tenantID == w.c1)
            // The number taken at submission is the request's, in the event and in its timeline entry.
            let detail = try await api.send(.get, "/v1/tenants/\(w.c1)/requests/\(id)", token: w.ta1Token).json()
            let number = try #require((detail["request"] as? [String: Any])?["number"] as? Int)
            #expect(bodies.first?.number == number)
            #expect(bodies.first?.status == .submitted)
            // Who asked and who is assigned travel with the event (consumers need not read the request).
            let requester = (detail["request"] as? [String: Any])?["requested_by"] as? [String: Any]
            #expect(bodies.first?.requestedBy != nil)
            #expect(bodies.first?.requestedBy == requester?["admin_id"] as? String)
            #expect(bodies.allSatisfy { $0.requestedBy == bodies.first?.requestedBy })
            let timeline = detail["timeline"] as? [[String: Any]] ?? []
            let entry = timeline.first { $0["kind"] as? String == "submitted" }
            #expect((entry?["data"] as? [String: Any])?["number"] as? String == String(number))
            #expect((entry?["data"] as? [String: Any])?["severity"] as? String == "A")
            // Keys in the API's snake case, as every other name.
            #expect((entry?["data"] as? [String: Any])?["due_at"] is String, "\(entry ?? [:])")
            #expect((entry?["data"] as? [String: Any])?["dueAt"] == nil)
            #expect(bodies.first?.severity == .a)
            #expect(bodies.count == 3 && bodies[1].visibility == "internal")
            #expect(bodies.last?.status == .resolved)
        }
    }
}

extension JSONDecoder {
    /// ISO 8601 dates, as the services encode them.
    static var iso: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
