import Contracts
import Domain
import Foundation
@testable import GatewayApp
import Testing

/// The worker writes a page of requests as the API's JSON and the gateway sends it on: it must be
/// exactly what the generated types would have written for the same page.
@Suite("Request list JSON")
struct RequestListJSONTests {
    static let at = Date(timeIntervalSince1970: 1_795_000_000)

    static let full: ServiceRequestView = {
        var view = fullWithoutThread
        view.lastPublicMessage = LastMessageView(side: "customer", at: at + 35)
        return view
    }()

    static let fullWithoutThread = ServiceRequestView(
        id: UUID().uuidString.lowercased(), tenantID: UUID().uuidString.lowercased(), tenantName: "Contoso \"Japan\"", number: 42,
        status: .waitingForCustomer,
        fields: RequestFields(
            category: "device_management", feature: "enrolment", symptom: "esp_stuck", summary: "Laptops stop at ESP\n",
            details: "Since Monday — 日本語 too", severity: .a, language: "ja",
            contact: ContactDetails(name: "Cara", email: "cara@example.com", phone: "+81 3 0000 0000", preferredMethod: "phone",
                                    timeZone: "Asia/Tokyo", country: "JP"),
            suggestionSessionID: "s-1"),
        requestedBy: ActorView(adminID: UUID().uuidString.lowercased(), name: "Cara", side: "customer"),
        viaRelationshipID: UUID().uuidString.lowercased(), queue: "tokyo-devices",
        assignedTo: ActorView(adminID: UUID().uuidString.lowercased(), name: "Eve", side: "support"), plan: .premier,
        response: ResponseTargetView(
            targetMinutes: 60, dueAt: at + 3600, status: "breached", firstResponseAt: at + 7200,
            explanation: DueExplanation(policy: "premier plan, severity A", clock: "around the clock", startedAt: at, pausedMinutes: 5,
                                        steps: ["submitted", "due"])),
        submittedAt: at, resolvedAt: at + 10, resolutionSummary: "fixed", closedAt: at + 20, draftExpiresAt: at + 30,
        createdAt: at - 60, updatedAt: at + 40, version: 7, allowedTransitions: [.customerReply, .withdraw])

    static var sparse: ServiceRequestView {
        var view = ServiceRequestView(
            id: UUID().uuidString.lowercased(), tenantID: UUID().uuidString.lowercased(), tenantName: nil, number: nil, status: .draft,
            fields: RequestFields(), requestedBy: ActorView(adminID: nil, name: nil, side: "system"), viaRelationshipID: nil,
            queue: nil, assignedTo: nil, plan: nil, response: nil, submittedAt: nil, resolvedAt: nil, resolutionSummary: nil,
            closedAt: nil, draftExpiresAt: nil, createdAt: at, updatedAt: at, version: 1, allowedTransitions: [])
        view.escalatedAt = at + 50
        view.escalationReason = "customer is down"
        return view
    }

    @Test("the page the worker writes reads back as the page the generated types describe")
    func samePage() throws {
        let views = [Self.full, Self.sparse]
        let counts = ["submitted": 3, "waiting_for_customer": 1]
        for cursor in ["c2VjcmV0", nil] {
            let json = Data(ServiceRequestListJSON.bytes(items: views, nextCursor: cursor, counts: counts))
            let expected = Components.Schemas.ServiceRequestList(
                items: views.map(Components.Schemas.ServiceRequest.init), nextCursor: cursor, counts: .init(additionalProperties: counts))
            #expect(try APIHandler.decodeRequestList(json) == expected)
        }
    }

    @Test("one request the worker writes (create, submit) reads back as the generated types' request, and as a page's item")
    func sameRequest() throws {
        for view in [Self.full, Self.sparse] {
            let json = ServiceRequestListJSON.encode(request: view)
            #expect(try APIHandler.decodeRequest(json) == Components.Schemas.ServiceRequest(view))
            let page = Data(ServiceRequestListJSON.bytes(items: [view], nextCursor: nil, counts: [:]))
            #expect(String(decoding: page, as: UTF8.self).contains(String(decoding: json, as: UTF8.self)))
        }
    }

    @Test("text with escapes anywhere (first, last, in runs) reads back as written, on 2,000 random strings")
    func randomText() throws {
        let pieces: [String] = ["a", "Z", " ", "\"", "\\", "\n", "\r", "\t", "\u{01}", "\u{1F}", "é", "日本", "\u{1F600}", "/"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let text = (0..<Int.random(in: 0...12, using: &generator)).map { _ in pieces.randomElement(using: &generator) ?? "" }.joined()
            var view = Self.sparse
            view.fields.summary = text
            let object = try JSONSerialization.jsonObject(with: ServiceRequestListJSON.encode(request: view)) as? [String: Any]
            let fields = object?["fields"] as? [String: Any]
            #expect(fields?["summary"] as? String == text, "\(text.debugDescription)")
        }
    }

    @Test("keys sorted, compact, escaped: the bytes JSONSerialization writes for the same value")
    func canonical() throws {
        var tricky = Self.full
        tricky.fields.details = "quote \" backslash \\ slash / tab \t newline \n bell \u{07} 日本語 🚀"
        let sparse = Self.sparse
        let json = Data(ServiceRequestListJSON.bytes(items: [tricky, sparse], nextCursor: "n/x", counts: ["b": 2, "a": 1]))
        let reencoded = try JSONSerialization.data(
            withJSONObject: try JSONSerialization.jsonObject(with: json), options: [.sortedKeys, .withoutEscapingSlashes])
        #expect(String(decoding: json, as: UTF8.self) == String(decoding: reencoded, as: UTF8.self))
        let expected = Components.Schemas.ServiceRequestList(
            items: [tricky, sparse].map(Components.Schemas.ServiceRequest.init), nextCursor: "n/x",
            counts: .init(additionalProperties: ["a": 1, "b": 2]))
        #expect(try APIHandler.decodeRequestList(json) == expected)
    }

    @Test("a page assembled from its items' JSON (written while the counts are computed) is the page written at once; an empty page too")
    func assembled() throws {
        let items = [Self.full, Self.sparse]
        let whole = ServiceRequestListJSON.bytes(items: items, nextCursor: "c", counts: ["submitted": 3])
        let assembled = ServiceRequestListJSON.bytes(
            itemsJSON: ServiceRequestListJSON.items(items), nextCursor: "c", counts: ["submitted": 3])
        #expect(assembled == whole)
        let expected = Components.Schemas.ServiceRequestList(
            items: items.map(Components.Schemas.ServiceRequest.init), nextCursor: "c",
            counts: .init(additionalProperties: ["submitted": 3]))
        #expect(try APIHandler.decodeRequestList(Data(assembled)) == expected)
        let empty = ServiceRequestListJSON.bytes(itemsJSON: ServiceRequestListJSON.items([]), nextCursor: nil, counts: [:])
        #expect(String(decoding: empty, as: UTF8.self) == #"{"counts":{},"items":[]}"#)
        let countsOnly = ServiceRequestListJSON.bytes(itemsJSON: ServiceRequestListJSON.items([]), nextCursor: nil, counts: ["closed": 2, "b": 1])
        #expect(String(decoding: countsOnly, as: UTF8.self) == #"{"counts":{"b":1,"closed":2},"items":[]}"#)
    }

    @Test("absent values are left out, dates are RFC 3339 to the second, keys are snake_case")
    func shape() throws {
        let json = Data(ServiceRequestListJSON.bytes(items: [Self.sparse], nextCursor: nil, counts: [:]))
        let text = String(decoding: json, as: UTF8.self)
        #expect(!text.contains("null"))
        #expect(!text.contains("next_cursor"))
        #expect(text.contains(#""created_at":"2026-11-18T"#))
        #expect(text.contains(#""escalation_reason":"customer is down""#))
        #expect(text.contains(#""allowed_transitions":[]"#))
    }
}
