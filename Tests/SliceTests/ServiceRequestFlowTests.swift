import Domain
import Foundation
import HTTPTypes
import Testing

/// The intake wizard, tracking, messages and the lifecycle, through the gateway against the
/// real role service, worker, PostgreSQL and RabbitMQ.
@Suite("Service requests", .serialized, .timeLimit(.minutes(5)))
struct ServiceRequestFlowTests {
    static let enrollmentDraft = """
        {"category":"enrollment","feature":"windows-autopilot","summary":"Autopilot devices stuck at ESP",
         "details":"Since Monday every new laptop stops at the Enrollment Status Page during app installation.",
         "severity":"B","language":"en",
         "contact":{"name":"Tara","email":"tara@contoso.example","preferred_method":"email","time_zone":"Asia/Tokyo","country":"JP"}}
        """

    @Test("the whole wizard: plan options, features, suggestions, draft, edit with If-Match, submit with a target")
    func wizard() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let base = "/v1/tenants/\(w.c1)"

            // Before the wizard: what the (premier) plan allows.
            let options = try await api.send(.get, "\(base)/support/intake-options", token: w.ta1Token)
            #expect(options.status == 200)
            let optionsJSON = try options.json()
            #expect(optionsJSON["plan"] as? String == "premier")
            let targets = (optionsJSON["severities"] as? [[String: Any]] ?? []).reduce(into: [String: Int]()) {
                $0[$1["severity"] as? String ?? ""] = $1["target_minutes"] as? Int
            }
            #expect(targets == ["A": 60, "B": 120, "C": 240])
            let categories = optionsJSON["categories"] as? [[String: Any]] ?? []
            let enrollment = categories.first { $0["code"] as? String == "enrollment" }
            #expect(enrollment?["technical"] as? Bool == true)
            #expect(enrollment?["languages"] as? [String] == ["en", "ja"])
            #expect(enrollment?["hours"] != nil)
            #expect(categories.contains { ($0["languages"] as? [String])?.contains("de") == true && $0["technical"] as? Bool == false })

            // Step 2: features and symptoms of the category.
            let features = try await api.send(.get, "/v1/support/categories/enrollment/features", token: w.ta1Token)
            #expect(features.status == 200)
            #expect(features.body.contains("windows-autopilot"))
            #expect(try await api.send(.get, "/v1/support/categories/no-such/features", token: w.ta1Token).status == 404)

            // Step 3: suggestions, then the admin continues.
            let suggestions = try await api.send(.post, "\(base)/suggestions", token: w.ta1Token, json: """
                {"category":"enrollment","feature":"windows-autopilot","text":"device stuck at enrollment status page","language":"en"}
                """)
            #expect(suggestions.status == 200)
            let session = try suggestions.string("session_id")
            let articles = try suggestions.json()["articles"] as? [[String: Any]] ?? []
            #expect((articles.first?["title"] as? String)?.contains("Enrollment Status Page") == true, "\(suggestions.body)")
            let continued = try await api.send(.put, "\(base)/suggestions/\(session)/outcome", token: w.ta1Token,
                                               json: #"{"outcome":"continued"}"#)
            #expect(continued.status == 204)

            // Step 4/5: a draft, edited with If-Match, then submitted.
            var draftBody = Self.enrollmentDraft
            draftBody.removeLast()
            draftBody += #","suggestion_session_id":"\#(session)"}"#
            let draft = try await api.send(.post, "\(base)/requests", token: w.ta1Token, json: draftBody)
            #expect(draft.status == 201, "\(draft.body)")
            let id = try draft.string("id")
            #expect(try draft.json()["status"] as? String == "draft")
            #expect((try draft.json()["response"] as? [String: Any])?["status"] as? String == "preview")
            let etag = try #require(draft.etag)
            #expect(etag == "\"v1\"")
            // The worker's JSON is sent on as it is, as the typed answer would have been.
            #expect(draft.headers[.contentType] == "application/json; charset=utf-8")
            #expect(draft.headers[.contentLength] == String(draft.body.utf8.count))

            let noMatch = try await api.send(.patch, "\(base)/requests/\(id)", token: w.ta1Token, json: #"{"severity":"A"}"#)
            #expect(noMatch.status == 428)
            let edited = try await api.send(.patch, "\(base)/requests/\(id)", token: w.ta1Token,
                                            json: #"{"severity":"A","contact":{"phone":"+81 3 1234 5678"}}"#, headers: ["If-Match": etag])
            #expect(edited.status == 200, "\(edited.body)")
            #expect(edited.etag == "\"v2\"")
            let stale = try await api.send(.patch, "\(base)/requests/\(id)", token: w.ta1Token, json: #"{"severity":"C"}"#,
                                           headers: ["If-Match": etag])
            #expect(stale.status == 412)
            #expect(stale.problemType == ProblemType.preconditionFailed)
            // If-Match compares strongly: the current version as a weak tag does not match.
            let weak = try await api.send(.patch, "\(base)/requests/\(id)", token: w.ta1Token, json: #"{"severity":"C"}"#,
                                          headers: ["If-Match": "W/\"v2\""])
            #expect(weak.status == 412)

            // Read back, the draft shows its target as its create and edit did: severity A, 60 minutes.
            let read = try await api.send(.get, "\(base)/requests/\(id)", token: w.ta1Token).json()
            let preview = (read["request"] as? [String: Any])?["response"] as? [String: Any]
            #expect(preview?["status"] as? String == "preview", "\(read)")
            #expect(preview?["target_minutes"] as? Int == 60)
            // Another admin of the tenant does not see someone else's draft.
            #expect(try await api.send(.get, "\(base)/requests/\(id)", token: w.sa1Token).status == 404)

            let submitted = try await api.send(.post, "\(base)/requests/\(id)/submit", token: w.ta1Token,
                                               headers: ["Idempotency-Key": "submit-\(id)"])
            #expect(submitted.status == 200, "\(submitted.body)")
            let request = try submitted.json()
            #expect(request["status"] as? String == "submitted")
            #expect(submitted.etag == "\"v\(request["version"] as? Int ?? 0)\"")
            #expect(submitted.headers[.contentType] == "application/json; charset=utf-8")
            #expect((request["number"] as? Int ?? 0) >= 1)
            // Submitted after the suggestions: the session counts as continued, for good.
            let lateHelp = try await api.send(.put, "\(base)/suggestions/\(session)/outcome", token: w.ta1Token,
                                              json: #"{"outcome":"helped"}"#)
            #expect(lateHelp.status == 409, "\(lateHelp.body)")
            #expect(lateHelp.problemType == ProblemType.invalidTransition)
            #expect(request["queue"] as? String == "device-management-en")
            let response = try #require(request["response"] as? [String: Any])
            #expect(response["target_minutes"] as? Int == 60)
            #expect(response["status"] as? String == "pending")
            // Severity A runs around the clock: due exactly one hour after submission.
            let submittedAt = try #require(Self.date(request["submitted_at"]))
            let dueAt = try #require(Self.date(response["due_at"]))
            #expect(abs(dueAt.timeIntervalSince(submittedAt) - 3600) < 1.5)
            #expect(((response["explanation"] as? [String: Any])?["clock"] as? String)?.contains("around the clock") == true)
            // The list shows the due time and its status; the explanation stays in the detail.
            let listed = try await api.send(.get, "\(base)/requests", token: w.ta1Token).json()["items"] as? [[String: Any]] ?? []
            let row = try #require(listed.first { $0["id"] as? String == id })
            let rowResponse = try #require(row["response"] as? [String: Any])
            #expect(rowResponse["due_at"] as? String == response["due_at"] as? String)
            #expect(rowResponse["status"] as? String == "pending" && rowResponse["explanation"] == nil)
            let explained = try await api.send(.get, "\(base)/requests/\(id)", token: w.ta1Token).json()
            #expect(((explained["request"] as? [String: Any])?["response"] as? [String: Any])?["explanation"] != nil)

            // Submitting again with the same key returns the first answer; the draft is gone.
            let again = try await api.send(.post, "\(base)/requests/\(id)/submit", token: w.ta1Token,
                                           headers: ["Idempotency-Key": "submit-\(id)"])
            #expect(again.status == 200)
            #expect(try again.json()["number"] as? Int == request["number"] as? Int)
            let twice = try await api.send(.post, "\(base)/requests/\(id)/submit", token: w.ta1Token)
            #expect(twice.status == 409)
            #expect(twice.problemType == ProblemType.invalidTransition)

            // Now the whole tenant sees it, with its timeline.
            let detail = try await api.send(.get, "\(base)/requests/\(id)", token: w.sa1Token)
            #expect(detail.status == 200)
            let kinds = (try detail.json()["timeline"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            #expect(kinds == ["created", "submitted"])
        }
    }

    @Test("every intake rule has its own problem type, and a refused submission changes nothing")
    func intakeRules() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let base = "/v1/tenants/\(w.c1)"
            func submit(_ fields: String) async throws -> API.Reply {
                let draft = try await api.send(.post, "\(base)/requests", token: w.ta1Token, json: fields)
                #expect(draft.status == 201, "\(draft.body)")
                return try await api.send(.post, "\(base)/requests/\(try draft.string("id"))/submit", token: w.ta1Token)
            }
            let contact = #""contact":{"name":"Tara","email":"tara@contoso.example"}"#
            let german = try await submit(#"{"category":"enrollment","summary":"x","severity":"C","language":"de",\#(contact)}"#)
            #expect(german.status == 422)
            #expect(german.problemType == ProblemType.languageNotSupported)
            // Billing is not technical: German is fine there.
            let billing = try await submit(#"{"category":"billing","summary":"Invoice","severity":"C","language":"de",\#(contact)}"#)
            #expect(billing.status == 200, "\(billing.body)")
            let noPhone = try await submit(#"{"category":"enrollment","summary":"Down","severity":"A","language":"en",\#(contact)}"#)
            #expect(noPhone.problemType == ProblemType.phoneRequired)
            let noSummary = try await submit(#"{"category":"enrollment","summary":"  ","severity":"B","language":"en",\#(contact)}"#)
            #expect(noSummary.problemType == ProblemType.summaryRequired)
            let noSeverity = try await submit(#"{"category":"enrollment","summary":"x","language":"en",\#(contact)}"#)
            #expect(noSeverity.problemType == ProblemType.draftIncomplete)
            // Neither summary nor category: the summary's rule first, the category named after it.
            let bare = try await submit(#"{"language":"en",\#(contact)}"#)
            #expect(bare.problemType == ProblemType.summaryRequired, "\(bare.body)")
            #expect((try bare.json()["detail"] as? String)?.contains("category") == true, "\(bare.body)")

            // A trial tenant's plan does not cover endpoint security.
            let trialAdmin = Member("Trish", "tenant_admin", String(UUID().uuidString.prefix(8)).lowercased())
            let created = try await api.send(.post, "/v1/tenants", token: w.operatorToken, json: """
                {"kind":"customer","display_name":"Trial Co","country":"JP","support_plan":"trial",
                 "first_admin":{"name":"\(trialAdmin.name)","email":"\(trialAdmin.email)","password":"\(Member.password)","roles":["tenant_admin"]}}
                """)
            let trial = try created.string("id")
            let trialToken = try await api.login(trialAdmin.email, Member.password).access
            let draft = try await api.send(.post, "/v1/tenants/\(trial)/requests", token: trialToken,
                                           json: #"{"category":"endpoint-security","summary":"AV","severity":"C","language":"en",\#(contact)}"#)
            let uncovered = try await api.send(.post, "/v1/tenants/\(trial)/requests/\(try draft.string("id"))/submit", token: trialToken)
            #expect(uncovered.status == 422)
            #expect(uncovered.problemType == ProblemType.categoryNotCovered)

            // Field shapes are checked when set.
            let badFeature = try await api.send(.post, "\(base)/requests", token: w.ta1Token,
                                                json: #"{"category":"billing","feature":"windows-autopilot"}"#)
            #expect(badFeature.status == 422)
            let unknownField = try await api.send(.post, "\(base)/requests", token: w.ta1Token, json: #"{"tenant_id":"\#(w.c2)"}"#)
            #expect(unknownField.status == 422)
            #expect(unknownField.problemType == ProblemType.fieldNotAllowed)

            // Only the billing request was submitted.
            let list = try await api.send(.get, "\(base)/requests?status=all", token: w.ta1Token)
            #expect(list.status == 200 && list.headers[.contentType] == "application/json; charset=utf-8")
            let items = try list.json()["items"] as? [[String: Any]] ?? []
            #expect(items.filter { $0["status"] as? String == "submitted" }.count == 1)
        }
    }

    @Test("Idempotency-Key: the same key and body create one request; another body with it is refused")
    func idempotentCreate() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let base = "/v1/tenants/\(w.c1)"
            let key = ["Idempotency-Key": "create-\(UUID().uuidString)"]
            let first = try await api.send(.post, "\(base)/requests", token: w.ta1Token, json: Self.enrollmentDraft, headers: key)
            let second = try await api.send(.post, "\(base)/requests", token: w.ta1Token, json: Self.enrollmentDraft, headers: key)
            #expect(first.status == 201)
            #expect(second.status == 201)
            #expect(try first.string("id") == second.string("id"))
            let other = try await api.send(.post, "\(base)/requests", token: w.ta1Token, json: #"{"summary":"other"}"#, headers: key)
            #expect(other.status == 422)
            #expect(other.problemType == ProblemType.idempotencyKeyReused)
            // Another admin's same key is its own.
            let theirs = try await api.send(.post, "\(base)/requests", token: w.sa1Token, json: Self.enrollmentDraft, headers: key)
            #expect(theirs.status == 201)
            #expect(try theirs.string("id") != first.string("id"))
            let drafts = try await api.send(.get, "\(base)/requests?status=draft", token: w.ta1Token)
            #expect((try drafts.json()["items"] as? [Any])?.count == 1)
        }
    }

    @Test("internal notes never reach the tenant: not in the thread, the timeline or the list")
    func internalNotes() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let base = "/v1/tenants/\(w.c1)"
            let id = try await Self.submitted(api, w)
            let secret = "internal-\(UUID().uuidString)"
            let note = try await api.send(.post, "\(base)/requests/\(id)/messages", token: w.engineerToken,
                                          json: #"{"body":"\#(secret)","visibility":"internal"}"#)
            #expect(note.status == 201, "\(note.body)")
            let customerNote = try await api.send(.post, "\(base)/requests/\(id)/messages", token: w.ta1Token,
                                                  json: #"{"body":"sneaky","visibility":"internal"}"#)
            #expect(customerNote.status == 422)
            #expect(customerNote.problemType == ProblemType.fieldNotAllowed)

            for token in [w.ta1Token, w.sa1Token, w.paToken] {
                let detail = try await api.send(.get, "\(base)/requests/\(id)", token: token)
                #expect(detail.status == 200)
                #expect(!detail.body.contains(secret))
                #expect(!detail.body.contains("\"internal_only\":true"))
                let list = try await api.send(.get, "\(base)/requests?status=all", token: token)
                #expect(!list.body.contains(secret))
            }
            let support = try await api.send(.get, "\(base)/requests/\(id)", token: w.engineerToken)
            #expect(support.body.contains(secret))
            // The note did not stop the response clock.
            let supportView = try #require(try support.json()["request"] as? [String: Any])
            let response = try #require(supportView["response"] as? [String: Any])
            #expect(response["first_response_at"] == nil)
        }
    }

    @Test("lifecycle: first response, questions and replies, resolve, reopen, withdraw; refused moves name the allowed ones")
    func lifecycle() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let base = "/v1/tenants/\(w.c1)"
            let id = try await Self.submitted(api, w)
            func status() async throws -> String? {
                let detail = try await api.send(.get, "\(base)/requests/\(id)", token: w.ta1Token)
                return (try detail.json()["request"] as? [String: Any])?["status"] as? String
            }
            func move(_ token: String, _ body: String) async throws -> API.Reply {
                try await api.send(.post, "\(base)/requests/\(id)/transitions", token: token, json: body)
            }
            // A customer message does not stop the clock; support's first public answer does.
            #expect(try await api.send(.post, "\(base)/requests/\(id)/messages", token: w.ta1Token, json: #"{"body":"Any news?"}"#).status == 201)
            #expect(try await status() == "submitted")
            #expect(try await api.send(.post, "\(base)/requests/\(id)/messages", token: w.engineerToken,
                                       json: #"{"body":"Looking into it."}"#).status == 201)
            let detail = try await api.send(.get, "\(base)/requests/\(id)", token: w.ta1Token)
            let request = try #require(try detail.json()["request"] as? [String: Any])
            #expect(request["status"] as? String == "in_progress")
            let response = try #require(request["response"] as? [String: Any])
            #expect(response["first_response_at"] as? String != nil)
            #expect(response["status"] as? String == "met")

            // The customer cannot do support's moves (403), and support asks for information.
            #expect(try await move(w.ta1Token, #"{"transition":"resolve","resolution_summary":"x"}"#).status == 403)
            #expect(try await move(w.engineerToken, #"{"transition":"ask_for_information","reason":"logs please"}"#).status == 200)
            #expect(try await status() == "waiting_for_customer")
            #expect(try await api.send(.post, "\(base)/requests/\(id)/messages", token: w.ta1Token, json: #"{"body":"Attached."}"#).status == 201)
            #expect(try await status() == "in_progress")

            let noSummary = try await move(w.engineerToken, #"{"transition":"resolve"}"#)
            #expect(noSummary.status == 422)
            let resolved = try await move(w.engineerToken, #"{"transition":"resolve","resolution_summary":"ESP timeout raised to 90 min."}"#)
            #expect(resolved.status == 200, "\(resolved.body)")
            #expect(try resolved.json()["resolution_summary"] as? String == "ESP timeout raised to 90 min.")
            let refused = try await move(w.ta1Token, #"{"transition":"withdraw"}"#)
            #expect(refused.status == 409)
            #expect(refused.problemType == ProblemType.invalidTransition)
            #expect(refused.body.contains("reopen"))
            #expect(try await api.send(.post, "\(base)/requests/\(id)/messages", token: w.ta1Token, json: #"{"body":"hm"}"#).status == 409)
            #expect(try await move(w.ta1Token, #"{"transition":"reopen","reason":"still failing"}"#).status == 200)
            #expect(try await status() == "in_progress")
            let withdrawn = try await move(w.ta1Token, #"{"transition":"withdraw"}"#)
            #expect(withdrawn.status == 200)
            #expect(try withdrawn.json()["status"] as? String == "closed")
            #expect(try withdrawn.json()["allowed_transitions"] as? [String] == [])

            // The timeline names each change and who made it.
            let final = try await api.send(.get, "\(base)/requests/\(id)", token: w.ta1Token)
            let changes = (try final.json()["timeline"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "status_changed" }
            let moves = changes.compactMap { ($0["data"] as? [String: String])?["transition"] }
            #expect(moves == ["start", "ask_for_information", "customer_reply", "resolve", "reopen", "withdraw"])
        }
    }

    @Test("tenants are isolated, and a partner acts for its customer through the delegation, recorded as such")
    func isolationAndDelegation() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let id = try await Self.submitted(api, w)
            // Tenant 2's admin: 404 on tenant 1's path and on its own path with tenant 1's id.
            #expect(try await api.send(.get, "/v1/tenants/\(w.c1)/requests/\(id)", token: w.ta2Token).status == 404)
            #expect(try await api.send(.get, "/v1/tenants/\(w.c2)/requests/\(id)", token: w.ta2Token).status == 404)
            #expect(try await api.send(.post, "/v1/tenants/\(w.c2)/requests/\(id)/messages", token: w.ta2Token,
                                       json: #"{"body":"x"}"#).status == 404)
            let theirs = try await api.send(.get, "/v1/tenants/\(w.c2)/requests?status=all", token: w.ta2Token)
            #expect((try theirs.json()["items"] as? [Any])?.isEmpty == true)

            // The partner admin opens a request for Contoso through relationship r1.
            let draft = try await api.send(.post, "/v1/tenants/\(w.c1)/requests", token: w.paToken, json: Self.enrollmentDraft)
            #expect(draft.status == 201, "\(draft.body)")
            #expect(try draft.json()["via_relationship_id"] as? String == w.r1)
            let submitted = try await api.send(.post, "/v1/tenants/\(w.c1)/requests/\(try draft.string("id"))/submit", token: w.paToken)
            #expect(submitted.status == 200, "\(submitted.body)")
            let detail = try await api.send(.get, "/v1/tenants/\(w.c1)/requests/\(try draft.string("id"))", token: w.ta1Token)
            let timeline = try detail.json()["timeline"] as? [[String: Any]] ?? []
            #expect(timeline.allSatisfy { $0["via_relationship_id"] as? String == w.r1 })
            // Not through the pending (c3) or expired (c4) relationships: those tenants stay hidden.
            #expect(try await api.send(.get, "/v1/tenants/\(w.c3)/requests", token: w.paToken).status == 404)
            #expect(try await api.send(.get, "/v1/tenants/\(w.c4)/requests", token: w.paToken).status == 404)
        }
    }

    @Test("the list: unresolved by default, filters, text search, counts per status, cursor pages")
    func list() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let base = "/v1/tenants/\(w.c1)"
            let first = try await Self.submitted(api, w)
            let second = try await Self.submitted(api, w, summary: "VPN profile not applied", severity: "C")
            let third = try await Self.submitted(api, w, summary: "アプリのインストールが失敗する", severity: "B", token: w.sa1Token)
            let resolved = try await api.send(.post, "\(base)/requests/\(first)/transitions", token: w.engineerToken,
                                              json: #"{"transition":"resolve","resolution_summary":"done"}"#)
            #expect(resolved.status == 200)

            func ids(_ query: String, token: String? = nil) async throws -> [String] {
                let reply = try await api.send(.get, "\(base)/requests\(query)", token: token ?? w.ta1Token)
                #expect(reply.status == 200, "\(query): \(reply.body)")
                return (try reply.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            }
            #expect(Set(try await ids("")) == [second, third])
            #expect(Set(try await ids("?status=all")) == [first, second, third])
            #expect(try await ids("?status=resolved") == [first])
            #expect(try await ids("?severity=C") == [second])
            #expect(try await ids("?q=vpn") == [second])
            #expect(try await ids("?q=%E3%82%A2%E3%83%97%E3%83%AA") == [third])  // アプリ
            #expect(try await ids("?requested_by_me=true&status=all", token: w.sa1Token) == [third])
            #expect(try await ids("?sort=severity&status=all").first == first)  // A before B and C
            let counts = try await api.send(.get, "\(base)/requests", token: w.ta1Token).json()["counts"] as? [String: Int]
            #expect(counts == ["submitted": 2, "resolved": 1])

            var seen: [String] = []
            var cursor: String?
            repeat {
                let query = "?status=all&limit=1&sort=created" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await api.send(.get, "\(base)/requests\(query)", token: w.ta1Token).json()
                seen += (page["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                cursor = page["next_cursor"] as? String
            } while cursor != nil && seen.count < 10
            #expect(seen == [first, second, third])
            let bad = try await api.send(.get, "\(base)/requests?sort=priority", token: w.ta1Token)
            #expect(bad.status == 422)
            let badStatus = try await api.send(.get, "\(base)/requests?status=open", token: w.ta1Token)
            #expect(badStatus.status == 400)

            // A draft counts for its author only; a filtered view counts its own rows.
            let draft = try await api.send(.post, "\(base)/requests", token: w.ta1Token, json: Self.enrollmentDraft)
            #expect(draft.status == 201, "\(draft.body)")
            func statusCounts(_ query: String = "", token: String) async throws -> [String: Int]? {
                try await api.send(.get, "\(base)/requests\(query)", token: token).json()["counts"] as? [String: Int]
            }
            #expect(try await statusCounts(token: w.ta1Token) == ["submitted": 2, "resolved": 1, "draft": 1])
            #expect(try await statusCounts(token: w.sa1Token) == ["submitted": 2, "resolved": 1])
            #expect(try await statusCounts("?severity=C", token: w.ta1Token) == ["submitted": 1])
            // Filtered counts count the reader's own drafts that match, and nobody else's.
            #expect(try await statusCounts("?severity=B", token: w.ta1Token) == ["submitted": 1, "draft": 1])
            #expect(try await statusCounts("?severity=B", token: w.sa1Token) == ["submitted": 1])
            #expect(try await statusCounts("?requested_by_me=true", token: w.ta1Token) == ["resolved": 1, "submitted": 1, "draft": 1])
            #expect(try await statusCounts("?requested_by_me=true", token: w.sa1Token) == ["submitted": 1])
            #expect(try await statusCounts("?status=all&sort=-updated", token: w.ta1Token) == ["submitted": 2, "resolved": 1, "draft": 1])
        }
    }

    @Test("suggestions rank the right article first in English and in Japanese")
    func suggestions() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            func top(_ category: String, _ text: String, _ language: String) async throws -> [String: Any]? {
                let reply = try await api.send(.post, "/v1/tenants/\(w.c1)/suggestions", token: w.ta1Token, json: """
                    {"category":"\(category)","text":"\(text)","language":"\(language)"}
                    """)
                #expect(reply.status == 200, "\(reply.body)")
                return (try reply.json()["articles"] as? [[String: Any]])?.first
            }
            let english = try await top("app-deployment", "Win32 app install fails, detection rule not found", "en")
            #expect((english?["title"] as? String)?.contains("0x87D1041C") == true, "\(String(describing: english))")
            let japanese = try await top("app-deployment", "アプリのインストールが失敗する", "ja")
            #expect(japanese?["language"] as? String == "ja")
            #expect((japanese?["title"] as? String)?.contains("インストール") == true, "\(String(describing: japanese))")
            let sync = try await top("general-troubleshooting", "デバイスが同期しない", "ja")
            #expect((sync?["title"] as? String)?.contains("同期") == true, "\(String(describing: sync))")
        }
    }

    /// A submitted severity-A enrollment request of tenant c1 (or `tenant`); returns its id.
    static func submitted(
        _ api: API, _ w: PartnerWorld, summary: String = "Autopilot devices stuck at ESP", severity: String = "A", token: String? = nil,
        tenant: String? = nil
    ) async throws -> String {
        let token = token ?? w.ta1Token
        let tenant = tenant ?? w.c1
        let draft = try await api.send(.post, "/v1/tenants/\(tenant)/requests", token: token, json: """
            {"category":"enrollment","summary":"\(summary)","severity":"\(severity)","language":"en",
             "contact":{"name":"Tara","email":"tara@contoso.example","phone":"+81 3 1234 5678"}}
            """)
        guard draft.status == 201 else { throw SliceError("draft: \(draft.status) \(draft.body)") }
        let id = try draft.string("id")
        let submitted = try await api.send(.post, "/v1/tenants/\(tenant)/requests/\(id)/submit", token: token)
        guard submitted.status == 200 else { throw SliceError("submit: \(submitted.status) \(submitted.body)") }
        return id
    }

    static func date(_ value: Any?) -> Date? {
        guard let text = value as? String else { return nil }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
