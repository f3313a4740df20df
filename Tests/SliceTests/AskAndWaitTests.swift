import Contracts
import Domain
import Foundation
import HTTPTypes
import Testing

/// Support answers and waits for the customer in one call: a public message with
/// `"transition": "ask_for_information"`, through the gateway and the worker.
@Suite("Asking the customer in one call", .timeLimit(.minutes(2)))
struct AskAndWaitTests {
    static func state(_ api: API, _ path: String, _ token: String) async throws -> (status: String?, messages: Int, moves: [String]) {
        let detail = try await api.send(.get, path, token: token).json()
        let request = detail["request"] as? [String: Any]
        let timeline = detail["timeline"] as? [[String: Any]] ?? []
        let moves = timeline.filter { $0["kind"] as? String == "status_changed" }
            .compactMap { ($0["data"] as? [String: Any])?["transition"] as? String }
        return (request?["status"] as? String, (detail["messages"] as? [Any])?.count ?? -1, moves)
    }

    @Test("a public message asks and waits at once; refused moves add no message; only support may ask")
    func askAndWait() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let id = try await ServiceRequestFlowTests.submitted(api, w)
            let path = "/v1/tenants/\(w.c1)/requests/\(id)"
            let ask = #"{"body":"Which build do the laptops run?","transition":"ask_for_information"}"#

            // Not the customer's to ask, and not with an internal note: nothing is added.
            let byCustomer = try await api.send(.post, "\(path)/messages", token: w.ta1Token, json: ask)
            #expect(byCustomer.status == 403, "\(byCustomer.body)")
            let asNote = try await api.send(.post, "\(path)/messages", token: w.engineerToken,
                                            json: #"{"body":"Ask them","visibility":"internal","transition":"ask_for_information"}"#)
            #expect(asNote.status == 422, "\(asNote.body)")
            let unknown = try await api.send(.post, "\(path)/messages", token: w.engineerToken,
                                             json: #"{"body":"Done","transition":"resolve"}"#)
            #expect(unknown.status == 400, "\(unknown.body)")
            #expect(try await Self.state(api, path, w.engineerToken) == ("submitted", 0, []))

            // Support answers and asks: the request starts, waits for the customer, and the clock stops.
            let asked = try await api.send(.post, "\(path)/messages", token: w.engineerToken, json: ask,
                                           headers: ["Idempotency-Key": "ask-\(id)"])
            #expect(asked.status == 201, "\(asked.body)")
            #expect(try await Self.state(api, path, w.engineerToken) == ("waiting_for_customer", 1, ["start", "ask_for_information"]))
            let request = try await api.send(.get, path, token: w.ta1Token).json()["request"] as? [String: Any]
            #expect((request?["response"] as? [String: Any])?["first_response_at"] is String, "\(String(describing: request))")
            #expect((request?["last_public_message"] as? [String: Any])?["side"] as? String == "support")
            let requestID = try #require(UUID(uuidString: id))
            #expect(try await WorkerTestSupport.outboxCounts(RequestEvent.statusChanged, of: [requestID], environment: environment)[requestID] == 1)
            #expect(try await WorkerTestSupport.outboxCounts(RequestEvent.messageAdded, of: [requestID], environment: environment)[requestID] == 1)

            // The same key and body: the first answer again, nothing more. The same key without the
            // transition is another call.
            let replay = try await api.send(.post, "\(path)/messages", token: w.engineerToken, json: ask,
                                            headers: ["Idempotency-Key": "ask-\(id)"])
            let first = try asked.string("id"), again = try replay.string("id")
            #expect(replay.status == 201 && again == first)
            let reused = try await api.send(.post, "\(path)/messages", token: w.engineerToken,
                                            json: #"{"body":"Which build do the laptops run?"}"#, headers: ["Idempotency-Key": "ask-\(id)"])
            #expect(reused.status == 422 && reused.problemType == ProblemType.idempotencyKeyReused, "\(reused.body)")

            // Asking again while waiting is refused, message and all.
            let waiting = try await api.send(.post, "\(path)/messages", token: w.engineerToken, json: ask)
            #expect(waiting.status == 409 && waiting.problemType == ProblemType.invalidTransition, "\(waiting.body)")
            #expect(try await Self.state(api, path, w.engineerToken) == ("waiting_for_customer", 1, ["start", "ask_for_information"]))

            // The customer's answer puts it back in progress, as ever.
            let answer = try await api.send(.post, "\(path)/messages", token: w.ta1Token, json: #"{"body":"Build 22631"}"#)
            #expect(answer.status == 201)
            #expect(try await Self.state(api, path, w.ta1Token).status == "in_progress")
        }
    }
}
