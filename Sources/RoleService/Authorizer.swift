import Contracts
import Domain
import Foundation
import PostgresNIO
import Store

/// Makes authorization decisions from the facts in PostgreSQL at decision time: the caller's
/// current roles and status, its API key's scope, the target tenant, and its delegations. The
/// facts are read once per call, in one round trip, however many actions are weighed.
public struct Authorizer: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
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

    /// What one decision is made from.
    struct Facts {
        var principal: Principal
        var home: TenantFacts
        var target: TenantFacts?
        var grants: [DelegationGrant]

        func decide(_ action: Action, now: Date) -> Authorization.Decision {
            Authorization.decide(principal: principal, home: home, action: action, target: target, delegations: grants, now: now)
        }
    }

    /// The decision and, for an allow through a delegation, when the relationship ends.
    public func decideWithExpiry(_ request: AuthorizeMethod.Request, now: Date = Date()) async throws -> AuthorizeMethod.Response {
        let facts: Facts
        switch try await load(adminID: request.adminID, homeTenantID: request.homeTenantID, apiKeyID: request.apiKeyID, tenantID: request.tenantID) {
        case .failure(let reason): return .init(decision: .deny(reason))
        case .success(let loaded): facts = loaded
        }
        let decision = facts.decide(request.action, now: now)
        var validUntil: Date?
        if case .allow(let via) = decision, let relationship = via.relationshipID,
           let grant = facts.grants.first(where: { $0.relationshipID == relationship }) {
            validUntil = Relationship.effectiveEnd(endsAt: grant.endsAt, autoExtend: grant.autoExtend, now: now)
        }
        return .init(decision: decision, validUntil: validUntil)
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

    /// Reads the facts; a failure is the denial that needs no further thought.
    private enum Loaded {
        case success(Facts)
        /// A denial decided by the facts alone (no such caller, disabled, revoked key, bad id).
        case failure(Authorization.DenyReason)
    }

    private func load(adminID: String, homeTenantID: String, apiKeyID: String?, tenantID: String) async throws -> Loaded {
        guard let admin = UUID(uuidString: adminID), let home = UUID(uuidString: homeTenantID) else { return .failure(.principalInactive) }
        guard let target = UUID(uuidString: tenantID) else { return .failure(.noSuchTenant) }
        var apiKey: UUID?
        if let raw = apiKeyID {
            guard let id = UUID(uuidString: raw) else { return .failure(.principalInactive) }
            apiKey = id
        }
        let rows = try await database.client.query("""
            SELECT admin_active, admin_roles, home_kind, home_active, target_kind, target_active,
                   api_key_roles, api_key_valid, delegations::text
            FROM tenantdesk_authorization_facts(\(admin), \(home), \(target), \(apiKey))
            """, logger: database.logger)
        for try await row in rows.decode((Bool, [String], String?, Bool, String?, Bool, [String]?, Bool, String).self) {
            let (adminActive, adminRoles, homeKind, homeActive, targetKind, targetActive, keyRoles, keyValid, delegations) = row
            guard adminActive, keyValid, let homeKind = homeKind.flatMap(TenantKind.init(rawValue:)) else {
                return .failure(.principalInactive)
            }
            var roles = adminRoles.compactMap(Role.init(rawValue:))
            if let keyRoles { roles = roles.filter { keyRoles.contains($0.rawValue) } }
            return .success(Facts(
                principal: Principal(adminID: adminID, tenantID: homeTenantID, name: "", email: "", roles: roles),
                home: TenantFacts(id: homeTenantID.lowercased(), kind: homeKind, active: homeActive),
                target: targetKind.flatMap(TenantKind.init(rawValue:)).map { TenantFacts(id: tenantID.lowercased(), kind: $0, active: targetActive) },
                grants: try Self.grants(delegations, partner: homeTenantID, customer: tenantID)))
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
                relationshipID: stored.id, partnerTenantID: partner.lowercased(), customerTenantID: customer.lowercased(),
                storedStatus: status, endsAt: Date(timeIntervalSince1970: stored.ends_at ?? 0), autoExtend: stored.auto_extend,
                assignedRoles: stored.roles.compactMap(Role.init(rawValue:)))
        }
    }
}
