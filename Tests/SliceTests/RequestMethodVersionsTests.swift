import AMQP
import Contracts
import Domain
import Foundation
@testable import GatewayApp
import HTTPTypes
import Messaging
import Testing

/// The worker answers create and submit in this release's form (the API's JSON, `.v2`) and the
/// previous one's (contract types, `.v1`), so gateways of both work during an upgrade.
@Suite("Request method versions", .timeLimit(.minutes(2)))
struct RequestMethodVersionsTests {
    @Test("create and submit answer in both versions, the same request")
    func bothVersions() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let admin = try await api.send(.get, "/v1/me", token: w.ta1Token).string("admin_id")
            let context = ActingContext(
                tenantID: w.c1, adminID: admin, adminName: "Tara", homeTenantID: w.c1, side: .customer, viaRelationshipID: nil,
                requestID: "versions-test")
            let connection = try AMQPConnection(configuration: environment.amqp, topology: TenantDeskTopology.gateway, logger: SliceStack.logger)
            try await connection.waitUntilConnected(timeout: .seconds(10))
            defer { Task { await connection.close() } }
            let rpc = RPCClient(connection: connection, timeout: .seconds(10))
            func fields(_ summary: String) -> RequestFields {
                RequestFields(category: "billing", summary: summary, severity: .c, language: "en",
                              contact: ContactDetails(name: "Tara", email: "tara@contoso.example"))
            }

            let earlier = try await rpc.call(CreateRequestMethod.self, .init(context: context, idempotencyKey: nil, fields: fields("v1")))
            #expect(earlier.status == .draft && earlier.fields.summary == "v1")
            let current = try await rpc.call(CreateRequestJSONMethod.self, .init(context: context, idempotencyKey: nil, fields: fields("v2")))
            let draft = try APIHandler.decodeRequest(current.json)
            #expect(draft.status == .draft && draft.fields.summary == "v2" && draft.version == current.version)
            #expect(draft.tenantId == w.c1)

            let submittedEarlier = try await rpc.call(SubmitRequestMethod.self, .init(
                context: context, requestID: earlier.id, idempotencyKey: nil, ifMatch: earlier.version))
            #expect(submittedEarlier.status == .submitted && submittedEarlier.number == 1)
            let submittedNow = try await rpc.call(SubmitRequestJSONMethod.self, .init(
                context: context, requestID: draft.id, idempotencyKey: nil, ifMatch: current.version))
            let submitted = try APIHandler.decodeRequest(submittedNow.json)
            #expect(submitted.status == .submitted && submitted.number == 2 && submitted.version == submittedNow.version)
            #expect(submitted.response?.targetMinutes != nil)

            // Through the gateway, the answer is that JSON, with its ETag.
            let read = try await api.send(.get, "/v1/tenants/\(w.c1)/requests/\(draft.id)", token: w.ta1Token)
            #expect(read.status == 200)
        }
    }
}
