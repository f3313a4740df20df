import AMQP
import Contracts
import Domain
import Foundation
@testable import GatewayApp
import HTTPTypes
import Messaging
import Testing

/// The worker answers create and submit in this release's form (the API's JSON, `.v2`) and the
/// previous one's (contract types, `.v1`), and the list in three (`.v3`, the page's JSON as the
/// reply body; `.v2`, that JSON inside the envelope; `.v1`, contract types), so gateways of each
/// release work during an upgrade.
@Suite("Request method versions", .timeLimit(.minutes(2)))
struct RequestMethodVersionsTests {
    @Test("create and submit answer in both versions, the same request")
    func bothVersions() async throws {
        try await Self.withWorkerCaller("versions-test") { api, w, context, rpc in
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

    @Test("the list answers in all three versions with the same page; v3's reply is the page itself, its problems still problems")
    func listVersions() async throws {
        try await Self.withWorkerCaller("list-versions-test") { api, w, context, rpc in
            for summary in ["first", "second", "third"] {
                let draft = try await rpc.call(CreateRequestMethod.self, .init(
                    context: context, idempotencyKey: nil,
                    fields: RequestFields(category: "billing", summary: summary, severity: .c, language: "en",
                                          contact: ContactDetails(name: "Tara", email: "tara@contoso.example"))))
                _ = try await rpc.call(SubmitRequestMethod.self, .init(
                    context: context, requestID: draft.id, idempotencyKey: nil, ifMatch: draft.version))
            }
            let request = ListRequestsMethod.Request(
                context: context, statuses: nil, severities: nil, category: nil, requestedByMe: false, text: nil,
                createdFrom: nil, createdTo: nil, updatedFrom: nil, updatedTo: nil, sort: "-created", cursor: nil, limit: 2)

            let raw = try await rpc.call(ListRequestPageRawMethod.self, request)
            let wrapped = try await rpc.call(ListRequestPageMethod.self, request)
            #expect(raw == Array(wrapped.json), "v3's reply body is the page v2 carries in its envelope")
            let page = try APIHandler.decodeRequestList(Data(raw))
            #expect(page.items.map(\.fields.summary) == ["third", "second"])
            #expect(page.counts.additionalProperties["submitted"] == 3 && page.nextCursor != nil)
            let typed = try await rpc.call(ListRequestsMethod.self, request)
            #expect(typed.items.map(\.id) == page.items.map(\.id) && typed.nextCursor == page.nextCursor)

            var badSort = request
            badSort.sort = "colour"
            do throws(RPCProblem) {
                _ = try await rpc.call(ListRequestPageRawMethod.self, badSort)
                Issue.record("an unknown sort was accepted")
            } catch {
                #expect(error.status == 422 && error.type == ProblemType.validationFailed)
            }
            do throws(RPCProblem) {
                _ = try await rpc.call(UnknownRawMethod.self, EmptyRequest())
                Issue.record("a method the worker does not know answered")
            } catch {
                #expect(error.status == 501)
            }
        }
    }

    /// A new partner world, its first customer's tenant admin acting there, and an RPC client
    /// of the test's own connection, calling the worker as a gateway does.
    static func withWorkerCaller(
        _ requestID: String, _ body: @escaping @Sendable (API, PartnerWorld, ActingContext, RPCClient) async throws -> Void
    ) async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let admin = try await api.send(.get, "/v1/me", token: w.ta1Token).string("admin_id")
            let context = ActingContext(
                tenantID: w.c1, adminID: admin, adminName: "Tara", homeTenantID: w.c1, side: .customer, viaRelationshipID: nil,
                requestID: requestID)
            let connection = try AMQPConnection(configuration: environment.amqp, topology: TenantDeskTopology.gateway, logger: SliceStack.logger)
            try await connection.waitUntilConnected(timeout: .seconds(10))
            defer { Task { await connection.close() } }
            try await body(api, w, context, RPCClient(connection: connection, timeout: .seconds(10)))
        }
    }
}

/// A raw method no service implements: its caller gets the callee's problem, not a body.
private enum UnknownRawMethod: RawJSONMethod {
    static let name = "worker.requests.nonexistent.v1"
    static let queue = RPCQueue.worker
    typealias Request = EmptyRequest
}
