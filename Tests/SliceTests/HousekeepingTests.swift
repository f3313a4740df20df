import Foundation
import HTTPTypes
import Logging
import PostgresNIO
import Store
import Testing
@testable import WorkerService

/// Expired drafts and old idempotency keys are deleted across tenants by the services' role,
/// and nothing else is.
@Suite("Worker housekeeping", .timeLimit(.minutes(3)))
struct HousekeepingTests {
    @Test("a draft past its expiry and a key older than 24 hours are purged; a live draft and a submitted request stay")
    func purge() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let base = "/v1/tenants/\(w.c1)"
            let key = ["Idempotency-Key": "housekeeping-\(UUID().uuidString)"]
            let old = try await api.send(.post, "\(base)/requests", token: w.ta1Token, json: #"{"summary":"old draft"}"#, headers: key)
            let live = try await api.send(.post, "\(base)/requests", token: w.ta1Token, json: #"{"summary":"live draft"}"#)
            let submitted = try await ServiceRequestFlowTests.submitted(api, w)
            let oldID = try #require(UUID(uuidString: try old.string("id")))
            try await Database.with(environment.owner, logger: SliceStack.logger) { owner in
                try await owner.client.query("UPDATE service_requests SET draft_expires_at = now() - interval '1 second' WHERE id = \(oldID)")
                try await owner.client.query(
                    "UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = \(key["Idempotency-Key"] ?? "")")
            }
            // Expired drafts are hidden at once, before any purge.
            #expect(try await api.send(.get, "\(base)/requests/\(oldID.uuidString.lowercased())", token: w.ta1Token).status == 404)

            var app = environment.owner
            app.user = "tenantdesk_app"
            app.password = "tenantdesk_app"
            let purged = try await Database.with(app, logger: SliceStack.logger) { database in
                try await Housekeeping(database: database, interval: .seconds(60), logger: SliceStack.logger).purge(at: Date())
            }
            #expect(purged.drafts >= 1)
            #expect(purged.keys >= 1)
            let remaining = try await Database.with(environment.owner, logger: SliceStack.logger) { owner in
                try await owner.client.query("SELECT count(*)::int FROM service_requests WHERE id = \(oldID)")
                    .collect().first?.decode(Int.self) ?? -1
            }
            #expect(remaining == 0)
            #expect(try await api.send(.get, "\(base)/requests/\(try live.string("id"))", token: w.ta1Token).status == 200)
            #expect(try await api.send(.get, "\(base)/requests/\(submitted)", token: w.ta1Token).status == 200)
            // The key is free again: the same key now starts a new draft.
            let again = try await api.send(.post, "\(base)/requests", token: w.ta1Token, json: #"{"summary":"another"}"#, headers: key)
            #expect(again.status == 201)
            #expect(try again.string("id") != oldID.uuidString.lowercased())

            // A discarded draft is deleted with its timeline.
            let discarded = try await api.send(.post, "\(base)/requests/\(try live.string("id"))/transitions", token: w.ta1Token,
                                               json: #"{"transition":"discard"}"#)
            #expect(discarded.status == 200)
            #expect(try await api.send(.get, "\(base)/requests/\(try live.string("id"))", token: w.ta1Token).status == 404)
        }
    }

    @Test("sent e-mails go after 30 days, pending ones stay")
    func oldMail() async throws {
        let environment = try await SliceStack.shared.start()
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let (old, waiting) = ("old-\(suffix)@slice.tenantdesk.test", "waiting-\(suffix)@slice.tenantdesk.test")
        try await WorkerTestSupport.owner(environment) { db in
            let tenant = try await db.client.query("SELECT id FROM tenants WHERE kind = 'vendor'").collect().first?.decode(UUID.self)
            for (address, status) in [(old, "sent"), (waiting, "retrying")] {
                try await db.client.query("""
                    INSERT INTO email_messages (id, tenant_id, recipient_id, notification_id, to_address, subject, body, status, created_at,
                                                next_attempt_at)
                    VALUES (\(UUID()), \(tenant), \(UUID()), \(UUID()), \(address), 'Old', 'Old', \(status), now() - interval '31 days',
                            now() + interval '1 day')
                    """)
            }
        }
        var app = environment.owner
        app.user = "tenantdesk_app"
        app.password = "tenantdesk_app"
        // (The shared worker's own housekeeping round may have been first.)
        _ = try await Database.with(app, logger: SliceStack.logger) { database in
            try await Housekeeping(database: database, interval: .seconds(60), logger: SliceStack.logger).purgeDeliveries(at: Date())
        }
        let left = try await WorkerTestSupport.owner(environment) { db in
            try await db.client.query("SELECT to_address FROM email_messages WHERE to_address IN (\(old), \(waiting))")
                .collect().map { try $0.decode(String.self) }
        }
        #expect(left == [waiting])
    }
}
