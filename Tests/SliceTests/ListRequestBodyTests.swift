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
            scope: .support, queue: "tokyo-devices", assignee: "unassigned", awaiting: "support", responseDueBefore: at + 7_200)
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

    static func foundation(_ bytes: [UInt8]) throws -> ListRequestsMethod.Request {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .internetDate
        return try decoder.decode(ListRequestsMethod.Request.self, from: Data(bytes))
    }

    @Test("the worker reads the body itself as JSONDecoder reads it: what either side writes, escapes included")
    func sameRequests() throws {
        var escaped = Self.requests[1]
        escaped.text = "\u{08}\u{0C}\u{01} é 😀 a/b"
        for request in Self.requests + [escaped] {
            for body in [request.json, try JSONCodec.encode(request)] {
                let own = try ListRequestsMethod.Request(json: body)
                #expect(try JSONCodec.encode(own) == JSONCodec.encode(Self.foundation(body)))
                #expect(try JSONCodec.encode(own) == JSONCodec.encode(request))
            }
        }
        // \u escapes, a surrogate pair, an escaped slash, whitespace between tokens, nulls for absent members.
        let body = Array("""
            { "context": {"adminID":"a","adminName":"\\u00e9\\ud83d\\ude00\\/","homeTenantID":"h","requestID":"r","side":"support",
              "tenantID":"t","viaRelationshipID":null},
              "limit": 50, "requestedByMe": true, "scope": {"customers": {"_0": ["x", "y"]}}, "sort": "-created",
              "text": null, "statuses": ["submitted"], "createdFrom": "2026-11-26T10:00:00Z" }
            """.utf8)
        let own = try ListRequestsMethod.Request(json: body)
        #expect(own.context.adminName == "é😀/")
        #expect(own.scope == .customers(["x", "y"]))
        #expect(try JSONCodec.encode(own) == JSONCodec.encode(Self.foundation(body)))
    }

    @Test("a body the worker does not expect goes to JSONDecoder, which accepts or refuses it as before")
    func fallsBack() throws {
        let good = String(decoding: Self.requests[0].json, as: UTF8.self)
        // Whether JSONDecoder accepts each (nil: whatever it decides, the worker must decide the same).
        let bodies: [(String, Bool?)] = [
            (good.replacingOccurrences(of: "\"limit\":50", with: "\"limit\":50,\"extra\":[1,{\"a\":null}]"), true),
            (good.replacingOccurrences(of: "\"limit\":50", with: "\"limit\":50.0"), nil),
            (good.replacingOccurrences(of: "\"scope\":{\"tenant\":{}}", with: "\"scope\":{\"tenant\":{\"x\":1}}"), true),
            (good.replacingOccurrences(of: "\"limit\":50,", with: ""), false),
            (good.replacingOccurrences(of: "\"limit\":50", with: "\"limit\":050"), false),
            (good.replacingOccurrences(of: "\"side\":\"customer\"", with: "\"side\":\"vendor\""), false),
            (String(good.dropLast()), false),
            (good + "x", false),
        ]
        for (body, accepted) in bodies {
            let bytes = Array(body.utf8)
            #expect(throws: (any Error).self) { try ListRequestsMethod.Request(json: bytes) }
            let expected = try? JSONCodec.encode(Self.foundation(bytes))
            let got = try? JSONCodec.encode(JSONCodec.decode(ListRequestsMethod.Request.self, from: bytes))
            #expect(got == expected, "\(body)")
            if let accepted { #expect((got != nil) == accepted, "\(body)") }
        }
        // Invalid UTF-8 in a string.
        var bytes = Self.requests[0].json
        if let index = bytes.firstIndex(of: UInt8(ascii: "C")) { bytes[index] = 0xFF }
        #expect(throws: (any Error).self) { try ListRequestsMethod.Request(json: bytes) }
        #expect(throws: (any Error).self) { try JSONCodec.decode(ListRequestsMethod.Request.self, from: bytes) }
    }
}
