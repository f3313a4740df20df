import Foundation
import HTTPTypes
import PostgresNIO
import Store
import Testing
@testable import WorkerService

/// Notifications by e-mail through a real SMTP conversation with the test sink: the right
/// people get one message each, deferred messages are retried and refused ones given up.
@Suite("E-mail notifications", .timeLimit(.minutes(3)))
struct EmailTests {
    @Test("the assigned engineer and the requester are e-mailed what concerns them, once each")
    func notifications() async throws {
        let environment = try await SliceStack.shared.start()
        let sink = try #require(environment.smtp)
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let queue = try await WorkerTestSupport.privateQueue(language: "es", environment: environment)
            try await WorkerTestSupport.addMember(w.engineerID, to: queue, languages: ["es"], environment: environment)
            let engineerEmail = try await api.send(.get, "/v1/me", token: w.engineerToken).string("email")
            let requesterEmail = try await api.send(.get, "/v1/me", token: w.ta1Token).string("email")
            let id = try await WorkerTestSupport.submit(api, w, language: "es", summary: "Fattura doppia")
            let number = try await api.send(.get, "/v1/tenants/\(w.c1)/requests/\(id.uuidString.lowercased())", token: w.ta1Token)
                .json()["request"].flatMap { ($0 as? [String: Any])?["number"] as? Int }

            // The engineer is told of the assignment.
            #expect(try await WorkerTestSupport.eventually(timeout: .seconds(20)) { !sink.received(to: engineerEmail).isEmpty })
            let assigned = try #require(sink.received(to: engineerEmail).first)
            #expect(assigned.subject == "Assigned to you: #\(number ?? 0) Fattura doppia", "\(assigned.subject)")
            #expect(assigned.from == "desk@slice.tenantdesk.test")
            #expect(assigned.text.contains("was assigned to you"))
            #expect(assigned.headerNames.contains("Message-ID") && assigned.headerNames.contains("Auto-Submitted"))

            // Support answers publicly and notes internally: the requester is e-mailed the answer only.
            let path = "/v1/tenants/\(w.c1)/requests/\(id.uuidString.lowercased())/messages"
            #expect(try await api.send(.post, path, token: w.engineerToken, json: #"{"body":"Stiamo controllando."}"#).status == 201)
            #expect(try await api.send(.post, path, token: w.engineerToken,
                                       json: #"{"body":"secret ledger note","visibility":"internal"}"#).status == 201)
            #expect(try await WorkerTestSupport.eventually(timeout: .seconds(20)) { !sink.received(to: requesterEmail).isEmpty })
            try await Task.sleep(for: .milliseconds(800))
            let toRequester = sink.received(to: requesterEmail)
            #expect(toRequester.count == 1, "\(toRequester.map(\.subject))")
            #expect(toRequester.first?.subject == "New message on #\(number ?? 0) Fattura doppia")
            #expect(!sink.received.contains { $0.data.contains("secret ledger") || $0.text.contains("secret ledger") })
            // Their own messages bring the engineer nothing more.
            #expect(sink.received(to: engineerEmail).count == 1)

            // Recorded as sent (the sender records it after the server's answer to the message,
            // which the sink has received already: wait for that commit).
            var statuses: [String] = []
            let sent = try await WorkerTestSupport.eventually(timeout: .seconds(10)) {
                statuses = try await WorkerTestSupport.owner(environment) { db in
                    try await db.client.query("SELECT status FROM email_messages WHERE to_address = \(requesterEmail)")
                        .collect().map { try $0.decode(String.self) }
                }
                return statuses == ["sent"]
            }
            #expect(sent, "\(statuses)")
        }
    }

    @Test("a deferred message is retried until the attempts run out; a refused one is given up at once")
    func deferredAndRefused() async throws {
        let environment = try await SliceStack.shared.start()
        let sink = try #require(environment.smtp)
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let deferred = "someone+defer-\(suffix)@slice.tenantdesk.test"
        let refused = "someone+refuse-\(suffix)@slice.tenantdesk.test"
        let fine = "someone-\(suffix)@slice.tenantdesk.test"
        try await WorkerTestSupport.owner(environment) { db in
            let tenant = try await db.client.query("SELECT id FROM tenants WHERE kind = 'vendor'").collect().first?.decode(UUID.self)
            for address in [deferred, refused, fine] {
                try await db.client.query("""
                    INSERT INTO email_messages (id, tenant_id, recipient_id, notification_id, to_address, subject, body)
                    VALUES (\(UUID()), \(tenant), \(UUID()), \(UUID()), \(address), 'Probe', 'Probe body')
                    """)
            }
        }
        func row(_ address: String) async throws -> (status: String, attempts: Int, error: String?) {
            try await WorkerTestSupport.owner(environment) { db in
                let row = try #require(try await db.client.query(
                    "SELECT status, attempts, last_error FROM email_messages WHERE to_address = \(address)").collect().first)
                let (status, attempts, error) = try row.decode((String, Int, String?).self)
                return (status, attempts, error)
            }
        }
        #expect(try await WorkerTestSupport.eventually(timeout: .seconds(30)) { try await row(deferred).status == "dead" })
        let gaveUp = try await row(deferred)
        #expect(gaveUp.attempts == 3)
        #expect(gaveUp.error?.contains("451") == true, "\(gaveUp)")
        let refusal = try await row(refused)
        #expect(refusal.status == "dead")
        #expect(refusal.attempts == 1)
        #expect(refusal.error?.contains("550") == true, "\(refusal)")
        #expect(try await row(fine).status == "sent")
        #expect(sink.received(to: fine).count == 1)
        #expect(sink.received(to: deferred).isEmpty && sink.received(to: refused).isEmpty)
    }

    @Test("an administrator chooses which notifications come by e-mail; the feed keeps them all")
    func settings() async throws {
        let environment = try await SliceStack.shared.start()
        let sink = try #require(environment.smtp)
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let defaults = try await api.send(.get, "/v1/me/notification-settings", token: w.ta1Token)
            #expect(defaults.status == 200)
            #expect(try defaults.json()["email"] as? Bool == true)
            // Tara wants e-mail only for surveys; the engineer none at all.
            let tara = try await api.send(.put, "/v1/me/notification-settings", token: w.ta1Token,
                                          json: #"{"email":true,"email_kinds":["survey_requested"]}"#)
            #expect(tara.status == 200, "\(tara.body)")
            #expect(try tara.json()["email_kinds"] as? [String] == ["survey_requested"])
            #expect(try await api.send(.put, "/v1/me/notification-settings", token: w.engineerToken, json: #"{"email":false}"#).status == 200)
            #expect(try await api.send(.put, "/v1/me/notification-settings", token: w.ta1Token,
                                       json: #"{"email":true,"email_kinds":["nonsense"]}"#).status == 400)
            // Another administrator's settings are untouched.
            #expect(try await api.send(.get, "/v1/me/notification-settings", token: w.ta2Token).json()["email_kinds"] == nil)

            let requesterEmail = try await api.send(.get, "/v1/me", token: w.ta1Token).string("email")
            let engineerEmail = try await api.send(.get, "/v1/me", token: w.engineerToken).string("email")
            let id = try await WorkerTestSupport.submit(api, w, language: "en", summary: "Settings check")
            let path = "/v1/tenants/\(w.c1)/requests/\(id.uuidString.lowercased())"
            // The engineer takes it, and the customer writes: the engineer's feed has it, their mailbox not.
            let taken = try await api.send(.put, "\(path)/assignee", token: w.engineerToken, json: #"{"admin_id":"\#(w.engineerID)"}"#)
            #expect(taken.status == 200, "\(taken.body)")
            #expect(try await api.send(.post, "\(path)/messages", token: w.ta1Token, json: #"{"body":"Any news?"}"#).status == 201)
            #expect(try await WorkerTestSupport.eventually(timeout: .seconds(20)) {
                NotificationTests.kinds(try await NotificationTests.feed(api, w.engineerToken), request: id).contains("message")
            })
            #expect(try await api.send(.post, "\(path)/messages", token: w.engineerToken, json: #"{"body":"Looking."}"#).status == 201)
            #expect(try await api.send(.post, "\(path)/transitions", token: w.engineerToken,
                                       json: #"{"transition":"resolve","resolution_summary":"Done"}"#).status == 200)
            // The survey request comes by e-mail; the message and the status change only in the feed.
            #expect(try await WorkerTestSupport.eventually(timeout: .seconds(20)) {
                sink.received(to: requesterEmail).contains { $0.subject.hasPrefix("How was the help") }
            })
            try await Task.sleep(for: .milliseconds(800))
            let mails = sink.received(to: requesterEmail).filter { $0.subject.contains("Settings check") }
            #expect(mails.count == 1, "\(mails.map(\.subject))")
            let feed = try await NotificationTests.feed(api, w.ta1Token)
            #expect(NotificationTests.kinds(feed, request: id) == ["message", "survey_requested"])
            #expect(sink.received(to: engineerEmail).isEmpty)
        }
    }

    @Test("message data is dot-stuffed and ends with CRLF")
    func dotStuffing() {
        #expect(SMTPClient.Session.dotStuffed("a\n.b\n..c\nd") == "a\r\n..b\r\n...c\r\nd\r\n")
        #expect(SMTPClient.Session.dotStuffed("x\r\n.\r\ny") == "x\r\n..\r\ny\r\n")
    }
}
