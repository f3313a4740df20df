import Contracts
import Domain
import Foundation
import Messaging
import Testing

/// The gateway writes the list's RPC request itself (`WritesOwnJSON`); the worker reads it with
/// `JSONCodec`. Both must agree on every member, absent or present.
@Suite("List request body")
struct ListRequestBodyTests {
    static let at = Date(timeIntervalSince1970: 1_795_000_000)

    static func context(via: String?, side: RequestSide) -> ActingContext {
        ActingContext(
            tenantID: UUID().uuidString.lowercased(), adminID: UUID().uuidString.lowercased(), adminName: "Cara \"C\" Ōta\n",
            homeTenantID: UUID().uuidString.lowercased(), side: side, viaRelationshipID: via, requestID: "req-1")
    }

    static var requests: [ListRequestsMethod.Request] {
        let bare = ListRequestsMethod.Request(
            context: context(via: nil, side: .customer), statuses: nil, severities: nil, category: nil, requestedByMe: false,
            text: nil, createdFrom: nil, createdTo: nil, updatedFrom: nil, updatedTo: nil, sort: "-created", cursor: nil, limit: 50)
        let full = ListRequestsMethod.Request(
            context: context(via: UUID().uuidString.lowercased(), side: .customer), statuses: [.submitted, .waitingForCustomer],
            severities: [.a, .c], category: "device_management", requestedByMe: true, text: "ESP \\ stuck \t \"quoted\" 日本語",
            createdFrom: at, createdTo: at + 86_400, updatedFrom: at - 60, updatedTo: at + 3_600, sort: "response_due",
            cursor: "Y3JlYXRlZDox", limit: 100, scope: .customers(["t-1", "t-2"]), customer: "t-2")
        let support = ListRequestsMethod.Request(
            context: context(via: nil, side: .support), statuses: [], severities: [], category: nil, requestedByMe: false,
            text: "", createdFrom: nil, createdTo: nil, updatedFrom: nil, updatedTo: nil, sort: "-updated", cursor: nil, limit: 1,
            scope: .support, queue: "tokyo-devices", assignee: "unassigned")
        return [bare, full, support]
    }

    @Test("the hand-written body is the bytes JSONCodec writes, for sparse, full and support requests")
    func sameBytes() throws {
        for request in Self.requests {
            #expect(String(decoding: request.json, as: UTF8.self) == String(decoding: try JSONCodec.encode(request), as: UTF8.self))
        }
    }

    @Test("a slash (which Foundation escapes and the writer does not) reads back as the same request")
    func slashes() throws {
        var request = Self.requests[1]
        request.text = "a/b </script>"
        request.cursor = "a/b+c=="
        let decoded = try JSONCodec.decode(ListRequestsMethod.Request.self, from: request.json)
        #expect(decoded.text == "a/b </script>")
        #expect(decoded.cursor == "a/b+c==")
        #expect(try JSONCodec.encode(decoded) == JSONCodec.encode(request))
    }
}
