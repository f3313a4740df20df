import Domain
import Foundation
import HTTPTypes
import Testing

/// A submitted request's contact details change with PATCH (contact alone, If-Match), so that a
/// request filed without a phone can still be raised to severity A; nothing else of it does.
@Suite("Contact changes after submission", .serialized, .timeLimit(.minutes(5)))
struct ContactChangeTests {
    @Test("contact alone changes on an unresolved request, recorded by name and versioned; other fields, stale tags and resolved requests are refused")
    func contactAfterSubmission() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let base = "/v1/tenants/\(w.c1)/requests"
            // Filed as severity C without a phone.
            let draft = try await api.send(.post, base, token: w.ta1Token, json: """
                {"category":"billing","summary":"Invoice shows the wrong company","severity":"C","language":"en",
                 "contact":{"name":"Tara","email":"tara@contoso.example"}}
                """)
            let id = try draft.string("id")
            let submitted = try await api.send(.post, "\(base)/\(id)/submit", token: w.ta1Token)
            #expect(submitted.status == 200, "\(submitted.body)")
            let tag = try #require(submitted.etag)

            // Severity A needs a phone: refused until one is given.
            let proposeA = #"{"severity":"A","reason":"Nobody can be invoiced"}"#
            let early = try await api.send(.post, "\(base)/\(id)/severity-changes", token: w.ta1Token, json: proposeA)
            #expect(early.status == 422 && early.problemType == ProblemType.phoneRequired, "\(early.status) \(early.body)")

            // Other fields of a submitted request stay as filed.
            let summary = try await api.send(.patch, "\(base)/\(id)", token: w.ta1Token, json: #"{"summary":"Changed"}"#,
                                             headers: ["If-Match": tag])
            #expect(summary.status == 409 && summary.problemType == ProblemType.invalidTransition, "\(summary.body)")
            let mixed = try await api.send(.patch, "\(base)/\(id)", token: w.ta1Token,
                                           json: #"{"severity":"A","contact":{"phone":"+81 3 1234 5678"}}"#, headers: ["If-Match": tag])
            #expect(mixed.status == 409, "\(mixed.body)")
            // Contact rules hold as in the wizard.
            let badPhone = try await api.send(.patch, "\(base)/\(id)", token: w.ta1Token,
                                              json: #"{"contact":{"phone":"call me"}}"#, headers: ["If-Match": tag])
            #expect(badPhone.status == 422, "\(badPhone.body)")
            let phoneOnlyByPhone = try await api.send(.patch, "\(base)/\(id)", token: w.ta1Token,
                                                      json: #"{"contact":{"preferred_method":"phone"}}"#, headers: ["If-Match": tag])
            #expect(phoneOnlyByPhone.status == 422, "\(phoneOnlyByPhone.body)")
            // Another customer's admin cannot touch it.
            let foreign = try await api.send(.patch, "/v1/tenants/\(w.c1)/requests/\(id)", token: w.ta2Token,
                                             json: #"{"contact":{"phone":"+44 20 7946 0000"}}"#, headers: ["If-Match": tag])
            #expect([403, 404].contains(foreign.status), "\(foreign.status)")
            // Nothing refused changed the request.
            let unchanged = try await api.send(.get, "\(base)/\(id)", token: w.ta1Token)
            #expect(unchanged.etag == tag)

            let changed = try await api.send(.patch, "\(base)/\(id)", token: w.ta1Token,
                                             json: #"{"contact":{"phone":" +81 3 1234 5678 ","preferred_method":"phone"}}"#,
                                             headers: ["If-Match": tag])
            #expect(changed.status == 200, "\(changed.body)")
            let request = try changed.json()
            let contact = (request["fields"] as? [String: Any])?["contact"] as? [String: Any]
            #expect(contact?["phone"] as? String == "+81 3 1234 5678")
            #expect(contact?["name"] as? String == "Tara" && contact?["email"] as? String == "tara@contoso.example")
            #expect(request["status"] as? String == "submitted")
            #expect(changed.etag != tag)
            // The old tag is stale now; the same change again changes nothing.
            let stale = try await api.send(.patch, "\(base)/\(id)", token: w.ta1Token,
                                           json: #"{"contact":{"name":"Tom"}}"#, headers: ["If-Match": tag])
            #expect(stale.status == 412, "\(stale.body)")
            let same = try await api.send(.patch, "\(base)/\(id)", token: w.ta1Token,
                                          json: #"{"contact":{"phone":"+81 3 1234 5678"}}"#, headers: ["If-Match": changed.etag ?? ""])
            #expect(same.status == 200 && same.etag == changed.etag, "\(same.body)")

            // The timeline names what changed, not the values; support sees the new phone.
            let detail = try await api.send(.get, "\(base)/\(id)", token: w.engineerToken)
            let timeline = try detail.json()["timeline"] as? [[String: Any]] ?? []
            let entries = timeline.filter { $0["kind"] as? String == "contact_changed" }
            #expect(entries.count == 1)
            #expect((entries.first?["data"] as? [String: String])?["fields"] == "phone,preferred_method")
            #expect(!(String(describing: entries.first ?? [:])).contains("1234"))

            // Now severity A can be asked for.
            let proposed = try await api.send(.post, "\(base)/\(id)/severity-changes", token: w.ta1Token, json: proposeA)
            #expect(proposed.status == 201, "\(proposed.status) \(proposed.body)")

            // Resolved: the contact is fixed again.
            let resolved = try await api.send(.post, "\(base)/\(id)/transitions", token: w.engineerToken,
                                              json: #"{"transition":"resolve","resolution_summary":"Invoice reissued"}"#)
            #expect(resolved.status == 200, "\(resolved.body)")
            let late = try await api.send(.patch, "\(base)/\(id)", token: w.ta1Token,
                                          json: #"{"contact":{"name":"Tom"}}"#, headers: ["If-Match": "*"])
            #expect(late.status == 409, "\(late.body)")
        }
    }
}
