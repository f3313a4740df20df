import Contracts
import Domain
import Foundation
import PostgresNIO
@testable import RoleService
import Store
import Testing

/// The role service's facts cache: repeated decisions are answered from memory, and a change
/// committed by anyone (here a hand-written UPDATE the role service never sees) is in force at the
/// next decision.
@Suite("Authorization facts in memory", .timeLimit(.minutes(2)))
struct AuthorizationFactsTests {
    static let partnerAdmin = Principal(
        adminID: DemoPartners.fabrikam.admin.id.uuidString.lowercased(), tenantID: DemoPartners.fabrikam.id.uuidString.lowercased(),
        name: "", email: "", roles: [.partnerAdmin])
    static let customer = DemoPartners.contoso.id.uuidString.lowercased()

    /// Runs `body` with an authorizer whose cache listens, on a database of its own with the demo partners.
    static func withAuthorizer(_ body: @Sendable (Authorizer, FactsCache, Database) async throws -> Void) async throws {
        let prepared = try await SliceStack.prepare(prefix: "td_facts")
        try await Database.with(prepared.environment.owner, logger: SliceStack.logger) { owner in
            _ = try await DemoPartners.seed(owner, hasher: PasswordHasher(cost: 4))
            try await Database.with(prepared.app, logger: SliceStack.logger) { database in
                let cache = FactsCache(database: database, logger: SliceStack.logger)
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask { try await cache.run() }
                    defer { tasks.cancelAll() }
                    let authorizer = Authorizer(database: database, cache: cache)
                    // Listening has begun once a second decision comes from memory.
                    let probe = AuthorizeMethod.Request(principal: Self.partnerAdmin, tenantID: Self.customer, action: .tenantRead)
                    let deadline = ContinuousClock.now + .seconds(10)
                    while authorizer.cachedDecision(probe) == nil, ContinuousClock.now < deadline {
                        _ = try await authorizer.decideWithExpiry(probe)
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    try #require(authorizer.cachedDecision(probe) != nil, "the cache never started listening")
                    try await body(authorizer, cache, owner)
                }
            }
        }
    }

    /// Decides until `expected` or one second; returns how long it took.
    static func decideUntil(
        _ expected: Bool, _ authorizer: Authorizer, _ request: AuthorizeMethod.Request
    ) async throws -> Duration? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < .seconds(1) {
            if try await authorizer.decideWithExpiry(request).decision.isAllowed == expected { return ContinuousClock.now - start }
            try await Task.sleep(for: .milliseconds(1))
        }
        return nil
    }

    @Test("repeated decisions come from memory; a hand-written change to any fact is in force within a second")
    func changesReachTheCache() async throws {
        try await Self.withAuthorizer { authorizer, cache, owner in
            let request = AuthorizeMethod.Request(principal: Self.partnerAdmin, tenantID: Self.customer, action: .adminManage)
            #expect(try await authorizer.decideWithExpiry(request).decision.isAllowed)
            let before = cache.statistics
            for _ in 0..<10 { #expect(try await authorizer.decideWithExpiry(request).decision.isAllowed) }
            #expect(cache.statistics.hits - before.hits == 10)
            #expect(cache.statistics.misses == before.misses)

            let admin = DemoPartners.fabrikam.admin.id, relationship = DemoPartners.activeRelationship
            let contoso = DemoPartners.contoso.id
            // Each change, then its undoing, made behind the role service's back.
            let changes: [(String, PostgresQuery, PostgresQuery)] = [
                ("admin disabled", "UPDATE admins SET status = 'disabled' WHERE id = \(admin)",
                 "UPDATE admins SET status = 'active' WHERE id = \(admin)"),
                ("customer suspended", "UPDATE tenants SET status = 'suspended' WHERE id = \(contoso)",
                 "UPDATE tenants SET status = 'active' WHERE id = \(contoso)"),
                ("assignment narrowed", "UPDATE relationship_assignments SET roles = '{read_only}' WHERE relationship_id = \(relationship)",
                 "UPDATE relationship_assignments SET roles = '{tenant_admin}' WHERE relationship_id = \(relationship)"),
                ("relationship terminated", "UPDATE partner_relationships SET status = 'terminated' WHERE id = \(relationship)",
                 "UPDATE partner_relationships SET status = 'active' WHERE id = \(relationship)"),
                ("relationship ended", "UPDATE partner_relationships SET ends_at = now() - interval '1 second' WHERE id = \(relationship)",
                 "UPDATE partner_relationships SET ends_at = now() + interval '60 days' WHERE id = \(relationship)"),
            ]
            let seen = cache.statistics.notifications
            for (name, change, undo) in changes {
                try await owner.client.query(change)
                let denied = try await Self.decideUntil(false, authorizer, request)
                #expect(denied != nil, "still allowed a second after: \(name)")
                try await owner.client.query(undo)
                let allowed = try await Self.decideUntil(true, authorizer, request)
                #expect(allowed != nil, "still denied a second after undoing: \(name)")
            }
            // One notification per statement; none for a column that decides nothing. Notifications
            // arrive in commit order, so when a marker sent after the update has arrived, any
            // notification of the update would have too.
            _ = try await authorizer.decideWithExpiry(request)
            try await owner.client.query("UPDATE partner_relationships SET extensions = extensions WHERE id = \(relationship)")
            try await Self.fence(owner, cache)
            #expect(cache.statistics.notifications == seen + UInt64(2 * changes.count) + 1)
        }
    }

    /// Sends a marker notification and waits until the cache has received it.
    static func fence(_ owner: Database, _ cache: FactsCache) async throws {
        let marker = "fence-\(UUID())"
        try await owner.client.query("SELECT pg_notify('tenantdesk_authz', \(marker))")
        let deadline = ContinuousClock.now + .seconds(5)
        while cache.lastPayload != marker, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        try #require(cache.lastPayload == marker, "the marker notification never arrived")
    }

    @Test("an API key's expiry is judged by the clock at each decision, also when its facts come from memory")
    func apiKeyExpiryIsDecidedByTheClock() async throws {
        try await Self.withAuthorizer { authorizer, cache, owner in
            let key = UUID()
            try await owner.client.query("""
                INSERT INTO api_keys (id, tenant_id, admin_id, name, roles, key_hash, expires_at)
                VALUES (\(key), \(DemoPartners.fabrikam.id), \(DemoPartners.fabrikam.admin.id), 'expiring', '{partner_admin}',
                        \(Data(UUID().uuidString.utf8)), now() + interval '1500 milliseconds')
                """)
            // Notifications are asynchronous: wait for the insert's, so that nothing empties the
            // cache while the key runs out.
            try await Self.fence(owner, cache)
            var principal = Self.partnerAdmin
            principal.apiKeyID = key.uuidString.lowercased()
            let request = AuthorizeMethod.Request(principal: principal, tenantID: Self.customer, action: .tenantRead)
            let allowed = try await Self.decideUntil(true, authorizer, request)
            #expect(allowed != nil)
            let cached = try #require(authorizer.cachedDecision(request))
            #expect(cached.decision.isAllowed)
            // The allow says it ends with the key (before the delegation it goes through), so the
            // gateway does not keep it past the key's expiry.
            let until = try #require(cached.validUntil)
            #expect(until.timeIntervalSinceNow < 1.6)
            try await Task.sleep(for: .milliseconds(1600))
            let later = try #require(authorizer.cachedDecision(request), "nothing changed: the facts are still held")
            #expect(later.decision == .deny(.principalInactive))
            #expect(cache.statistics.hits > 0)
        }
    }
}
