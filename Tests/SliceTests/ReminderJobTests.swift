import Contracts
import Foundation
import Messaging
import Logging
import PostgresNIO
@testable import RoleService
import Store
import Testing

/// Expiry reminders against PostgreSQL: each threshold once, whichever copy of the role service
/// claims it.
@Suite("Relationship expiry reminders", .timeLimit(.minutes(3)))
struct ReminderJobTests {
    @Test("a relationship ending in 5 days gets the 7-day reminder once, then the 1-day one; two jobs never both send")
    func reminders() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let pair = try await AccessLifecycleTests.pair(api)
            let relationship = try await AccessLifecycleTests.activeRelationship(api, pair)
            let id = try #require(UUID(uuidString: relationship))
            try await Database.with(environment.owner, logger: SliceStack.logger) { owner in
                try await owner.client.query("UPDATE partner_relationships SET ends_at = now() + interval '5 days' WHERE id = \(id)")
            }
            var app = environment.owner
            app.user = "tenantdesk_app"
            app.password = "tenantdesk_app"
            let owner = environment.owner
            try await Database.with(app, logger: SliceStack.logger) { database in
                let outbox = Outbox()
                let first = ReminderJob(database: database, outbox: outbox, interval: .seconds(60), logger: SliceStack.logger)
                let second = ReminderJob(database: database, outbox: outbox, interval: .seconds(60), logger: SliceStack.logger)
                let now = Date()
                async let a = first.tick(now: now)
                async let b = second.tick(now: now)
                let sent = try await [a, b]
                let mine = try await Self.reminders(owner, id)
                #expect(mine == [7], "sent \(sent)")
                try await first.tick(now: now.addingTimeInterval(3600))
                #expect(try await Self.reminders(owner, id) == [7])
                try await second.tick(now: now.addingTimeInterval(4 * 86_400 + 3600))
                #expect(try await Self.reminders(owner, id) == [1, 7])
                let events = try await database.client.query(
                    "SELECT count(*) FROM outbox_events WHERE routing_key = 'delegation.expiring' AND body->>'relationshipID' = \(relationship)")
                    .collect().first?.decode(Int.self)
                #expect(events == 2)
                // At most one of the two sent it (another test's round at the same moment may have been first;
                // other tests' relationships may be due in the same round, so only this one is counted).
                #expect(sent.joined().filter { $0.relationshipID == relationship }.count <= 1)
            }
        }
    }

    /// Moves a relationship's end `days` days from now and runs one reminder round, as the role
    /// service would; the events go out through the shared stack. (Another test's round at a
    /// later instant may send the 1-day reminder instead.)
    static func sendReminders(_ environment: SliceStack.Environment, relationship: String, endingIn days: Int) async throws {
        let id = try #require(UUID(uuidString: relationship))
        try await Database.with(environment.owner, logger: SliceStack.logger) { owner in
            try await owner.client.query(
                "UPDATE partner_relationships SET ends_at = now() + make_interval(days => \(days)::int) WHERE id = \(id)")
        }
        var app = environment.owner
        app.user = "tenantdesk_app"
        app.password = "tenantdesk_app"
        try await Database.with(app, logger: SliceStack.logger) { database in
            let job = ReminderJob(database: database, outbox: Outbox(), interval: .seconds(60), logger: SliceStack.logger)
            _ = try await job.tick(now: Date())
        }
        // This round, or the shared role service's own (which runs every minute), claimed it.
        #expect(!(try await Self.reminders(environment.owner, id)).isEmpty)
    }

    /// The reminders recorded, read as the schema owner.
    static func reminders(_ owner: DatabaseConfiguration, _ id: UUID) async throws -> [Int] {
        try await Database.with(owner, logger: SliceStack.logger) { database in
            try await database.client.query(
                "SELECT days_before FROM relationship_reminders WHERE relationship_id = \(id) ORDER BY 1"
            ).collect().map { try $0.decode(Int.self) }
        }
    }
}
