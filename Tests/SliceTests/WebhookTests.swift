import Foundation
import HTTPTypes
import Testing
import WorkerService

/// Webhooks end to end: registration and its checks, signed deliveries to a receiver on
/// loopback, retries then a dead delivery for a receiver that fails, a hanging receiver that
/// times out without delaying the others, redelivery, pings, and relationship reminders.
@Suite("Webhooks", .timeLimit(.minutes(3)))
struct WebhookTests {
    static func register(
        _ api: API, _ tenant: String, _ token: String, url: String, events: [String], secret: String
    ) async throws -> String {
        let list = events.map { "\"\($0)\"" }.joined(separator: ",")
        let reply = try await api.send(.post, "/v1/tenants/\(tenant)/webhooks", token: token,
                                       json: #"{"url":"\#(url)","events":[\#(list)],"secret":"\#(secret)"}"#)
        guard reply.status == 201 else { throw SliceError("register: \(reply.status) \(reply.body)") }
        #expect(try reply.string("secret") == secret)
        return try reply.string("id")
    }

    static func deliveries(_ api: API, _ tenant: String, _ token: String, _ webhook: String) async throws -> [[String: Any]] {
        let reply = try await api.send(.get, "/v1/tenants/\(tenant)/webhooks/\(webhook)/deliveries", token: token)
        guard reply.status == 200 else { throw SliceError("deliveries: \(reply.status) \(reply.body)") }
        return try reply.json()["items"] as? [[String: Any]] ?? []
    }

    @Test("signed deliveries; a failing receiver is retried then dead and can be redelivered; a hanging one delays nobody")
    func deliveries() async throws {
        let environment = try await SliceStack.shared.start()
        let receiver = try await WebhookReceiver.start()
        defer { receiver.stop() }
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let events = ["request.submitted", "request.message_added"]
            let secrets = ["good": "whsec_good_receiver_0001", "bad": "whsec_bad_receiver_00002", "slow": "whsec_slow_receiver_0003"]
            for (name, secret) in secrets { receiver.expect(secret: secret, for: name) }
            let good = try await Self.register(api, w.c1, w.ta1Token, url: receiver.url("ok", "good"), events: events, secret: secrets["good"]!)
            let bad = try await Self.register(api, w.c1, w.ta1Token, url: receiver.url("fail", "bad"), events: events, secret: secrets["bad"]!)
            let slow = try await Self.register(api, w.c1, w.ta1Token, url: receiver.url("hang", "slow"), events: events, secret: secrets["slow"]!)

            // Reading never shows the secret; other tenants and other roles see nothing.
            let read = try await api.send(.get, "/v1/tenants/\(w.c1)/webhooks/\(good)", token: w.ta1Token)
            #expect(read.status == 200)
            #expect(!read.body.contains(secrets["good"]!))
            #expect(try await api.send(.get, "/v1/tenants/\(w.c1)/webhooks", token: w.sa1Token).status == 403)
            #expect(try await api.send(.get, "/v1/tenants/\(w.c1)/webhooks/\(good)", token: w.ta2Token).status == 404)
            #expect(try await api.send(.get, "/v1/tenants/\(w.c2)/webhooks/\(good)", token: w.ta2Token).status == 404)
            #expect(try await api.send(.delete, "/v1/tenants/\(w.c2)/webhooks/\(good)", token: w.ta2Token).status == 404)
            let unknownEvent = try await api.send(.post, "/v1/tenants/\(w.c1)/webhooks", token: w.ta1Token,
                                                  json: #"{"url":"https://example.com/hook","events":["request.submitted","ping"]}"#)
            // The detail names the place as the client wrote it.
            #expect(unknownEvent.status == 400, "\(unknownEvent.body)")
            #expect(try unknownEvent.json()["detail"] as? String == "a parameter or the body does not match this operation: not a valid value at events[1]")
            let badURL = try await api.send(.post, "/v1/tenants/\(w.c1)/webhooks", token: w.ta1Token,
                                            json: #"{"url":"https://user:pw@example.com/hook","events":["request.submitted"]}"#)
            #expect(badURL.status == 422, "\(badURL.body)")
            #expect(try await api.send(.get, "/v1/tenants/\(w.c1)/webhooks", token: w.ta1Token).json()["items"].map { ($0 as? [Any])?.count } == 3)

            // A PATCH that sets nothing changes nothing and is not audited; a removed description is.
            let hook = "/v1/tenants/\(w.c1)/webhooks/\(good)"
            let audited = "/v1/tenants/\(w.c1)/audit-events?action=webhook.updated"
            func updates() async throws -> [[String: Any]] {
                try await api.send(.get, audited, token: w.ta1Token).json()["items"] as? [[String: Any]] ?? []
            }
            let before = try await api.send(.get, hook, token: w.ta1Token).string("updated_at")
            let auditedBefore = try await updates().count
            for body in ["{}", #"{"rotate_secret":false}"#] {
                let unchanged = try await api.send(.patch, hook, token: w.ta1Token, json: body)
                #expect(unchanged.status == 200, "\(unchanged.body)")
                #expect(try unchanged.string("updated_at") == before)
            }
            #expect(try await updates().count == auditedBefore)
            #expect(try await api.send(.patch, hook, token: w.ta1Token, json: #"{"description":"to remove"}"#).status == 200)
            #expect(try await api.send(.patch, hook, token: w.ta1Token, json: #"{"description":""}"#).status == 200)
            let removal = try await updates().first { ($0["details"] as? [String: Any])?["description"] as? String == "(removed)" }
            #expect(removal != nil, "the removal is in the audit log")

            // A request is filed: every receiver is called at once.
            let id = try await WorkerTestSupport.submit(api, w, language: "en", summary: "Webhook check")
            let request = id.uuidString.lowercased()
            #expect(try await WorkerTestSupport.eventually(timeout: .seconds(20)) { !receiver.received("good").isEmpty })
            let first = try #require(receiver.received("good").first)
            #expect(first.event == "request.submitted")
            #expect(first.signatureValid)
            #expect((first.body["data"] as? [String: Any])?["request_id"] as? String == request)
            #expect(first.body["tenant_id"] as? String == w.c1)
            #expect(first.body["id"] as? String == first.eventID)
            // The hanging receiver's first attempt started with it, and the good one was answered
            // long before that attempt timed out (1 s).
            #expect(try await WorkerTestSupport.eventually(timeout: .seconds(10)) { !receiver.received("slow").isEmpty })
            let slowStart = try #require(receiver.received("slow").first).at
            #expect(first.at < slowStart + .milliseconds(900), "the good receiver waited for the hanging one")

            // A tampered body or another secret does not verify.
            var tampered = first.raw
            tampered[tampered.count - 2] ^= 1
            let now = Int(Date().timeIntervalSince1970)
            #expect(WebhookSignature.verify(header: first.signature, body: first.raw, secret: secrets["good"]!, now: now))
            #expect(!WebhookSignature.verify(header: first.signature, body: tampered, secret: secrets["good"]!, now: now))
            #expect(!WebhookSignature.verify(header: first.signature, body: first.raw, secret: secrets["bad"]!, now: now))
            // A replay ten minutes later is refused.
            #expect(!WebhookSignature.verify(header: first.signature, body: first.raw, secret: secrets["good"]!, now: now + 600))

            // The failing receiver: three attempts of the same event, waiting longer each time, then dead.
            let deadNow = try await WorkerTestSupport.eventually(timeout: .seconds(30)) {
                try await Self.deliveries(api, w.c1, w.ta1Token, bad).contains { $0["status"] as? String == "dead" }
            }
            #expect(deadNow)
            let badDelivery = try #require(try await Self.deliveries(api, w.c1, w.ta1Token, bad).first { $0["status"] as? String == "dead" })
            #expect(badDelivery["attempts"] as? Int == 3)
            #expect(badDelivery["last_status_code"] as? Int == 500)
            #expect(badDelivery["last_error"] as? String == "HTTP 500")
            let attempts = receiver.received("bad").filter { $0.eventID == first.eventID }
            #expect(attempts.map(\.attempt) == [1, 2, 3])
            #expect(attempts.allSatisfy { $0.signatureValid })
            if attempts.count == 3 {
                #expect(attempts[1].at - attempts[0].at >= .milliseconds(50))
                #expect(attempts[2].at - attempts[1].at >= .milliseconds(100))
            }
            let badHook = try await api.send(.get, "/v1/tenants/\(w.c1)/webhooks/\(bad)", token: w.ta1Token).json()
            #expect(badHook["dead_deliveries"] as? Int == 1)

            // The hanging receiver timed out on every attempt.
            #expect(try await WorkerTestSupport.eventually(timeout: .seconds(30)) {
                try await Self.deliveries(api, w.c1, w.ta1Token, slow).contains { $0["status"] as? String == "dead" }
            })
            let slowDelivery = try #require(try await Self.deliveries(api, w.c1, w.ta1Token, slow).first)
            #expect((slowDelivery["last_error"] as? String)?.hasPrefix("no answer within") == true, "\(slowDelivery)")
            let goodDeliveries = try await Self.deliveries(api, w.c1, w.ta1Token, good)
            #expect(goodDeliveries.first?["status"] as? String == "succeeded")
            #expect(goodDeliveries.first?["attempts"] as? Int == 1)

            // The receiver is fixed and the dead delivery sent again: same event, new delivery, valid signature.
            let fixed = try await api.send(.patch, "/v1/tenants/\(w.c1)/webhooks/\(bad)", token: w.ta1Token,
                                           json: #"{"url":"\#(receiver.url("ok", "bad"))"}"#)
            #expect(fixed.status == 200, "\(fixed.body)")
            #expect((try? fixed.string("secret")) == nil)
            let deadID = try #require(badDelivery["id"] as? String)
            let again = try await api.send(.post, "/v1/tenants/\(w.c1)/webhooks/\(bad)/deliveries/\(deadID)/redeliver", token: w.ta1Token)
            #expect(again.status == 202, "\(again.body)")
            #expect(try again.json()["redelivery_of"] as? String == deadID)
            #expect(try await WorkerTestSupport.eventually(timeout: .seconds(20)) {
                receiver.received("bad").contains { $0.behaviour == "ok" && $0.eventID == first.eventID && $0.signatureValid }
            })
            // Another tenant cannot redeliver it.
            #expect(try await api.send(.post, "/v1/tenants/\(w.c2)/webhooks/\(bad)/deliveries/\(deadID)/redeliver",
                                       token: w.ta2Token).status == 404)

            // An internal note goes to nobody; the public message after it does.
            let path = "/v1/tenants/\(w.c1)/requests/\(request)/messages"
            let note = try await api.send(.post, path, token: w.engineerToken, json: #"{"body":"internal only","visibility":"internal"}"#)
            #expect(note.status == 201, "\(note.body)")
            let noteID = try note.string("id")
            let message = try await api.send(.post, path, token: w.ta1Token, json: #"{"body":"any news?"}"#)
            let messageID = try message.string("id")
            #expect(try await WorkerTestSupport.eventually(timeout: .seconds(20)) {
                receiver.received("good").contains { ($0.body["data"] as? [String: Any])?["message_id"] as? String == messageID }
            })
            try await Task.sleep(for: .milliseconds(500))
            #expect(!receiver.received.contains { ($0.body["data"] as? [String: Any])?["message_id"] as? String == noteID })
            #expect(!receiver.received.contains { String(decoding: $0.raw, as: UTF8.self).contains("internal only") })

            // A ping, and the secret rotated: the next delivery is signed with the new one.
            let rotated = try await api.send(.patch, "/v1/tenants/\(w.c1)/webhooks/\(good)", token: w.ta1Token, json: #"{"rotate_secret":true}"#)
            let newSecret = try rotated.string("secret")
            #expect(newSecret.hasPrefix("whsec_") && newSecret != secrets["good"]!)
            receiver.expect(secret: newSecret, for: "good")
            let ping = try await api.send(.post, "/v1/tenants/\(w.c1)/webhooks/\(good)/pings", token: w.ta1Token)
            #expect(ping.status == 202)
            #expect(try await WorkerTestSupport.eventually(timeout: .seconds(20)) {
                receiver.received("good").contains { $0.event == "ping" && $0.signatureValid }
            })

            // Paging, and the audit log of the changes.
            let page = try await api.send(.get, "/v1/tenants/\(w.c1)/webhooks/\(good)/deliveries?limit=1", token: w.ta1Token).json()
            #expect((page["items"] as? [Any])?.count == 1)
            let cursor = try #require(page["next_cursor"] as? String)
            let next = try await api.send(.get, "/v1/tenants/\(w.c1)/webhooks/\(good)/deliveries?limit=1&cursor=\(cursor)", token: w.ta1Token)
            #expect(next.status == 200)
            let forged = try await api.send(
                .get, "/v1/tenants/\(w.c1)/webhooks/\(good)/deliveries?cursor=\(Int64.max)_\(UUID().uuidString)", token: w.ta1Token)
            #expect(forged.status == 422, "\(forged.body)")
            #expect(try (next.json()["items"] as? [[String: Any]])?.first?["id"] as? String != (page["items"] as? [[String: Any]])?.first?["id"] as? String)
            let audit = try await api.send(.get, "/v1/tenants/\(w.c1)/audit-events?action=webhook.created", token: w.ta1Token)
            #expect(audit.body.contains(good) && audit.body.contains(bad) && audit.body.contains(slow))

            // Deleted: gone, with its deliveries.
            #expect(try await api.send(.delete, "/v1/tenants/\(w.c1)/webhooks/\(slow)", token: w.ta1Token).status == 204)
            #expect(try await api.send(.get, "/v1/tenants/\(w.c1)/webhooks/\(slow)/deliveries", token: w.ta1Token).status == 404)
        }
    }

    @Test("a webhook a partner admin registered through a delegation is delivered to only while the relationship is in force")
    func throughDelegation() async throws {
        let environment = try await SliceStack.shared.start()
        let receiver = try await WebhookReceiver.start()
        defer { receiver.stop() }
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            receiver.expect(secret: "whsec_partner_registered_1", for: "partner")
            receiver.expect(secret: "whsec_customer_registered1", for: "customer")
            let partners = try await Self.register(api, w.c1, w.paToken, url: receiver.url("ok", "partner"),
                                                   events: ["request.submitted"], secret: "whsec_partner_registered_1")
            _ = try await Self.register(api, w.c1, w.ta1Token, url: receiver.url("ok", "customer"),
                                        events: ["request.submitted"], secret: "whsec_customer_registered1")
            // The customer sees which relationship the partner's webhook came through.
            let listed = try await api.send(.get, "/v1/tenants/\(w.c1)/webhooks/\(partners)", token: w.ta1Token)
            #expect(try listed.json()["via_relationship_id"] as? String == w.r1)

            _ = try await WorkerTestSupport.submit(api, w, language: "en", summary: "Before the end")
            #expect(try await WorkerTestSupport.eventually(timeout: .seconds(20)) {
                receiver.received("partner").count == 1 && receiver.received("customer").count == 1
            })
            // The relationship ends: the next request reaches the customer's webhook only.
            #expect(try await api.send(.post, "/v1/tenants/\(w.partner)/relationships/\(w.r1)/terminate", token: w.paToken).status == 200)
            _ = try await WorkerTestSupport.submit(api, w, language: "en", summary: "After the end")
            #expect(try await WorkerTestSupport.eventually(timeout: .seconds(20)) { receiver.received("customer").count == 2 })
            try await Task.sleep(for: .seconds(1))
            #expect(receiver.received("partner").count == 1, "nothing after the relationship ended")
            #expect(try await Self.deliveries(api, w.c1, w.ta1Token, partners).count == 1)
        }
    }

    @Test("a relationship about to end reaches the partner and the customer: in their feeds and at their webhooks")
    func relationshipReminders() async throws {
        let environment = try await SliceStack.shared.start()
        let receiver = try await WebhookReceiver.start()
        defer { receiver.stop() }
        try await withGateway { client in
            let api = API(client: client)
            let pair = try await AccessLifecycleTests.pair(api)
            let relationship = try await AccessLifecycleTests.activeRelationship(api, pair)
            receiver.expect(secret: "whsec_partner_side_000001", for: "partner")
            receiver.expect(secret: "whsec_customer_side_00001", for: "customer")
            _ = try await Self.register(api, pair.partner, pair.partnerToken, url: receiver.url("ok", "partner"),
                                        events: ["delegation.expiring"], secret: "whsec_partner_side_000001")
            _ = try await Self.register(api, pair.customer, pair.customerToken, url: receiver.url("ok", "customer"),
                                        events: ["delegation.expiring", "delegation.terminated"], secret: "whsec_customer_side_00001")
            try await ReminderJobTests.sendReminders(environment, relationship: relationship, endingIn: 5)

            #expect(try await WorkerTestSupport.eventually(timeout: .seconds(20)) {
                !receiver.received("partner").isEmpty && !receiver.received("customer").isEmpty
            })
            // (Another test's reminder round, run at a later instant, may have sent this relationship's
            // 1-day reminder first: either is right.)
            for side in ["partner", "customer"] {
                let reminder = try #require(receiver.received(side).first)
                #expect(reminder.event == "delegation.expiring")
                #expect(reminder.signatureValid)
                let data = reminder.body["data"] as? [String: Any]
                #expect(data?["relationship_id"] as? String == relationship)
                #expect([7, 1].contains(data?["days_before"] as? Int ?? 0), "\(reminder.body)")
                #expect(data?["ends_at"] is String)
                #expect(reminder.body["tenant_id"] as? String == (side == "partner" ? pair.partner : pair.customer))
            }
            for token in [pair.partnerToken, pair.customerToken] {
                let found = try await WorkerTestSupport.eventually(timeout: .seconds(20)) {
                    let feed = try await NotificationTests.feed(api, token)
                    return feed.contains { $0["kind"] as? String == "delegation_expiring" && $0["relationship_id"] as? String == relationship }
                }
                #expect(found)
            }
            let partnerFeed = try await NotificationTests.feed(api, pair.partnerToken)
            let item = try #require(partnerFeed.first { $0["relationship_id"] as? String == relationship })
            let detail = item["detail"] as? String ?? ""
            #expect(detail.contains("in 7 days") || detail.contains("in 1 day"), "\(item)")
            #expect(item["summary"] as? String == "Customer \(pair.suffix)")
        }
    }
}
