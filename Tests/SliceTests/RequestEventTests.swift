import AMQP
import Contracts
import Domain
import Foundation
import HTTPTypes
import Messaging
import Testing

/// The worker's `request.*` events reach a consumer bound to `tenantdesk.events`, each with a
/// unique message id and the body consumers rely on.
@Suite("Service-request events", .timeLimit(.minutes(3)))
struct RequestEventTests {
    @Test("submit, message, resolve: request.submitted, request.message_added and request.resolved arrive in order")
    func events() async throws {
        let environment = try await SliceStack.shared.start()
        let queue = "test.request-events." + UUID().uuidString.prefix(8).lowercased()
        var amqp = environment.amqp
        amqp.connectionName = "request-events-test"
        let topology = AMQPTopology(
            queues: [.init(name: queue, durable: false, exclusive: true, autoDelete: true)],
            bindings: [.init(queue: queue, exchange: ExchangeName.events, routingKey: "request.#")])
        let connection = try AMQPConnection(configuration: amqp, topology: topology, logger: SliceStack.logger)
        connection.start()
        defer { Task { await connection.close() } }
        try await connection.waitUntilConnected(timeout: .seconds(10))

        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let id = try await ServiceRequestFlowTests.submitted(api, w)
            _ = try await api.send(.post, "/v1/tenants/\(w.c1)/requests/\(id)/messages", token: w.engineerToken,
                                   json: #"{"body":"note","visibility":"internal"}"#)
            _ = try await api.send(.post, "/v1/tenants/\(w.c1)/requests/\(id)/transitions", token: w.engineerToken,
                                   json: #"{"transition":"resolve","resolution_summary":"done"}"#)

            var received: [(String, RequestEventBody, String?)] = []
            let consumer = connection.consume(queue: queue, prefetch: 16)
            let deadline = ContinuousClock.now + .seconds(10)
            for try await delivery in consumer {
                let body = try JSONCodec.decode(RequestEventBody.self, from: delivery.message.body)
                if body.requestID == id {
                    received.append((delivery.message.properties.type ?? "", body, delivery.message.properties.messageID))
                }
                delivery.ack()
                if received.count == 3 || ContinuousClock.now > deadline { break }
            }
            consumer.cancel()
            #expect(received.map(\.0) == ["request.submitted", "request.message_added", "request.resolved"])
            #expect(received.first?.1.tenantID == w.c1)
            #expect(received.first?.1.number != nil)
            #expect(received.first?.1.severity == .a)
            #expect(received[safe: 1]?.1.visibility == "internal")
            #expect(received.last?.1.status == .resolved)
            #expect(Set(received.compactMap(\.2)).count == 3)
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
