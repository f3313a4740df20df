import Contracts
import Domain
import Foundation
import PostgresNIO
import Store

/// Makes authorization decisions from the facts in PostgreSQL: the caller's current roles and
/// status, its API key's scope, the target tenant, and its delegations. The facts are read in
/// one round trip however many actions are weighed, or taken from a `FactsCache` that drops them
/// at every committed change; the clock is consulted at each decision.
public struct Authorizer: Sendable {
    let database: Database
    let cache: FactsCache?

    /// Reads the facts of every decision from PostgreSQL, or first from `cache` when given.
    public init(database: Database, cache: FactsCache? = nil) {
        self.database = database
        self.cache = cache
    }

    /// What an allowed call may proceed with.
    public struct Grant: Sendable {
        /// The tenant acted in, and its kind.
        public var tenantID: UUID
        public var tenantKind: TenantKind
        /// The action that was allowed (the first allowed of those asked for).
        public var action: Action
        public var via: Authorization.Via
    }

    /// What one decision is made from. Nothing here depends on the clock: a relationship's end
    /// and an API key's expiry are compared with `now` at each decision.
    struct Facts: Sendable {
        var principal: Principal
        var home: TenantFacts
        var target: TenantFacts?
        var grants: [DelegationGrant]
        var apiKeyExpiresAt: Date?

        func decide(_ action: Action, now: Date) -> Authorization.Decision {
            if let apiKeyExpiresAt, now >= apiKeyExpiresAt { return .deny(.principalInactive) }
            return Authorization.decide(principal: principal, home: home, action: action, target: target, delegations: grants, now: now)
        }
    }

    /// The decision and, for an allow through a delegation, when the relationship ends.
    public func decideWithExpiry(_ request: AuthorizeMethod.Request, now: Date = Date()) async throws -> AuthorizeMethod.Response {
        let loaded = try await load(adminID: request.adminID, homeTenantID: request.homeTenantID, apiKeyID: request.apiKeyID, tenantID: request.tenantID)
        return Self.response(loaded, action: request.action, now: now)
    }

    /// Allows the call when any of `actions` is allowed (the first one wins), or throws the
    /// problem of the denial (`RPCProblem.denied`); when every action is denied, the denial that
    /// may reveal the tenant (403) wins over one that must not (404).
    public func require(_ context: CallContext, anyOf actions: [Action], in tenantID: String) async throws -> Grant {
        let principal = context.principal
        let facts: Facts
        switch try await load(adminID: principal.adminID, homeTenantID: principal.tenantID, apiKeyID: principal.apiKeyID, tenantID: tenantID) {
        case .failure(let reason): throw RPCProblem.denied(reason)
        case .success(let loaded): facts = loaded
        }
        let now = Date()
        var denial: Authorization.DenyReason?
        for action in actions {
            switch facts.decide(action, now: now) {
            case .allow(let via):
                guard let target = facts.target, let id = UUID(uuidString: tenantID) else { throw RPCProblem.denied(.noSuchTenant) }
                return Grant(tenantID: id, tenantKind: target.kind, action: action, via: via)
            case .deny(let reason):
                if denial == nil || (reason.revealsTenant && denial?.revealsTenant == false) { denial = reason }
            }
        }
        throw RPCProblem.denied(denial ?? .actionNotGranted)
    }

    /// Allows the call or throws the problem of the denial.
    public func require(_ context: CallContext, _ action: Action, in tenantID: String) async throws -> Grant {
        try await require(context, anyOf: [action], in: tenantID)
    }

    /// The facts, or the denial that needs no further thought (no such caller, disabled,
    /// revoked key, bad id).
    enum Loaded: Sendable {
        case success(Facts)
        case failure(Authorization.DenyReason)
    }

    /// The decision from facts held in memory, or nil when they must be read from PostgreSQL.
    /// Never waits: the RPC server answers with it on the connection thread.
    public func cachedDecision(_ request: AuthorizeMethod.Request, now: Date = Date()) -> AuthorizeMethod.Response? {
        guard let cache, let key = Self.key(adminID: request.adminID, homeTenantID: request.homeTenantID, apiKeyID: request.apiKeyID, tenantID: request.tenantID),
              case (let loaded?, _) = cache.lookup(key)
        else { return nil }
        return Self.response(loaded, action: request.action, now: now)
    }

    private static func response(_ loaded: Loaded, action: Action, now: Date) -> AuthorizeMethod.Response {
        let facts: Facts
        switch loaded {
        case .failure(let reason): return .init(decision: .deny(reason))
        case .success(let loadedFacts): facts = loadedFacts
        }
        let decision = facts.decide(action, now: now)
        // An allow is not kept past the end of what it rests on: the delegation, the API key.
        var validUntil: Date?
        if case .allow(let via) = decision {
            if let relationship = via.relationshipID, let grant = facts.grants.first(where: { $0.relationshipID == relationship }) {
                validUntil = Relationship.effectiveEnd(endsAt: grant.endsAt, autoExtend: grant.autoExtend, now: now)
            }
            if let keyEnd = facts.apiKeyExpiresAt {
                validUntil = min(validUntil ?? keyEnd, keyEnd)
            }
        }
        return .init(decision: decision, validUntil: validUntil)
    }

    private static func key(adminID: String, homeTenantID: String, apiKeyID: String?, tenantID: String) -> FactsCache.Key? {
        guard let admin = UUID(uuidString: adminID), let home = UUID(uuidString: homeTenantID), let target = UUID(uuidString: tenantID) else {
            return nil
        }
        var apiKey: UUID?
        if let raw = apiKeyID {
            guard let id = UUID(uuidString: raw) else { return nil }
            apiKey = id
        }
        return FactsCache.Key(admin: admin, home: home, target: target, apiKey: apiKey)
    }

    private func load(adminID: String, homeTenantID: String, apiKeyID: String?, tenantID: String) async throws -> Loaded {
        guard let key = Self.key(adminID: adminID, homeTenantID: homeTenantID, apiKeyID: apiKeyID, tenantID: tenantID) else {
            // A malformed caller id is an inactive principal, then a malformed tenant id a missing
            // tenant, then a malformed key id an inactive principal again.
            let callerValid = UUID(uuidString: adminID) != nil && UUID(uuidString: homeTenantID) != nil
            return .failure(callerValid && UUID(uuidString: tenantID) == nil ? .noSuchTenant : .principalInactive)
        }
        guard let cache else { return try await read(key) }
        let (cached, generation) = cache.lookup(key)
        if let cached { return cached }
        let loaded = try await read(key)
        cache.store(loaded, for: key, generation: generation)
        return loaded
    }

    private func read(_ key: FactsCache.Key) async throws -> Loaded {
        let rows = try await database.client.query("""
            SELECT admin_active, admin_roles, home_kind, home_active, target_kind, target_active,
                   api_key_roles, api_key_valid, api_key_expires_at, delegations::text
            FROM tenantdesk_authorization_facts(\(key.admin), \(key.home), \(key.target), \(key.apiKey))
            """, logger: database.logger)
        let homeID = key.home.uuidString.lowercased()
        let targetID = key.target.uuidString.lowercased()
        for try await row in rows.decode((Bool, [String], String?, Bool, String?, Bool, [String]?, Bool, Double?, String).self) {
            let (adminActive, adminRoles, homeKind, homeActive, targetKind, targetActive, keyRoles, keyValid, keyExpiresAt, delegations) = row
            guard adminActive, keyValid, let homeKind = homeKind.flatMap(TenantKind.init(rawValue:)) else {
                return .failure(.principalInactive)
            }
            var roles = adminRoles.compactMap(Role.init(rawValue:))
            if let keyRoles { roles = roles.filter { keyRoles.contains($0.rawValue) } }
            return .success(Facts(
                principal: Principal(adminID: key.admin.uuidString.lowercased(), tenantID: homeID, name: "", email: "", roles: roles),
                home: TenantFacts(id: homeID, kind: homeKind, active: homeActive),
                target: targetKind.flatMap(TenantKind.init(rawValue:)).map { TenantFacts(id: targetID, kind: $0, active: targetActive) },
                grants: try Self.grants(delegations, partner: homeID, customer: targetID),
                apiKeyExpiresAt: keyExpiresAt.map(Date.init(timeIntervalSince1970:))))
        }
        return .failure(.principalInactive)
    }

    private struct StoredGrant: Decodable {
        var id: String
        var status: String
        var ends_at: Double?
        var auto_extend: Bool
        var roles: [String]
    }

    private static func grants(_ json: String, partner: String, customer: String) throws -> [DelegationGrant] {
        try JSONDecoder().decode([StoredGrant].self, from: Data(json.utf8)).compactMap { stored in
            guard let status = DelegationGrant.Status(rawValue: stored.status) else { return nil }
            return DelegationGrant(
                relationshipID: stored.id, partnerTenantID: partner, customerTenantID: customer,
                storedStatus: status, endsAt: Date(timeIntervalSince1970: stored.ends_at ?? 0), autoExtend: stored.auto_extend,
                assignedRoles: stored.roles.compactMap(Role.init(rawValue:)))
        }
    }
}
