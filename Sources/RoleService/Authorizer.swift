import Contracts
import Domain
import Foundation
import PostgresNIO
import Store

/// Makes authorization decisions from the facts in PostgreSQL at decision time: the caller's
/// current roles and status, its API key's scope, the target tenant, and its delegations.
public struct Authorizer: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// What an allowed call may proceed with.
    public struct Grant: Sendable {
        /// The tenant acted in.
        public var tenantID: UUID
        public var via: Authorization.Via
    }

    /// The decision for `request`, now.
    public func decide(_ request: AuthorizeMethod.Request, now: Date = Date()) async throws -> Authorization.Decision {
        try await decideWithExpiry(request, now: now).decision
    }

    /// The decision and, for an allow through a delegation, when the relationship ends.
    public func decideWithExpiry(_ request: AuthorizeMethod.Request, now: Date = Date()) async throws -> AuthorizeMethod.Response {
        guard let admin = UUID(uuidString: request.adminID), let home = UUID(uuidString: request.homeTenantID) else {
            return .init(decision: .deny(.principalInactive))
        }
        guard let target = UUID(uuidString: request.tenantID) else { return .init(decision: .deny(.noSuchTenant)) }
        var apiKey: UUID?
        if let raw = request.apiKeyID {
            guard let id = UUID(uuidString: raw) else { return .init(decision: .deny(.principalInactive)) }
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
                return .init(decision: .deny(.principalInactive))
            }
            var roles = adminRoles.compactMap(Role.init(rawValue:))
            if let keyRoles { roles = roles.filter { keyRoles.contains($0.rawValue) } }
            let principal = Principal(adminID: request.adminID, tenantID: request.homeTenantID, name: "", email: "", roles: roles)
            let targetFacts = targetKind.flatMap(TenantKind.init(rawValue:)).map {
                TenantFacts(id: request.tenantID.lowercased(), kind: $0, active: targetActive)
            }
            let grants = try Self.grants(delegations, partner: request.homeTenantID, customer: request.tenantID)
            let decision = Authorization.decide(
                principal: principal, home: TenantFacts(id: request.homeTenantID.lowercased(), kind: homeKind, active: homeActive),
                action: request.action, target: targetFacts, delegations: grants, now: now)
            var validUntil: Date?
            if case .allow(let via) = decision, let relationship = via.relationshipID,
               let grant = grants.first(where: { $0.relationshipID == relationship }) {
                validUntil = Relationship.effectiveEnd(endsAt: grant.endsAt, autoExtend: grant.autoExtend, now: now)
            }
            return .init(decision: decision, validUntil: validUntil)
        }
        return .init(decision: .deny(.principalInactive))
    }

    /// Allows the call or throws the problem to answer with: 404 when the denial must not reveal
    /// that the tenant exists, 403 when the caller may know it, 401 for a disabled account or
    /// a revoked API key.
    public func require(_ context: CallContext, _ action: Action, in tenantID: String) async throws -> Grant {
        let decision = try await decide(AuthorizeMethod.Request(principal: context.principal, tenantID: tenantID, action: action))
        switch decision {
        case .allow(let via):
            guard let id = UUID(uuidString: tenantID) else { throw Self.problem(for: .noSuchTenant) }
            return Grant(tenantID: id, via: via)
        case .deny(let reason):
            throw Self.problem(for: reason)
        }
    }

    /// The problem of a denial.
    public static func problem(for reason: Authorization.DenyReason) -> RPCProblem {
        switch reason {
        case .actionNotGranted:
            return RPCProblem(status: 403, type: ProblemType.forbidden, title: "Forbidden",
                              detail: "your roles do not allow this in that tenant")
        case .tenantSuspended:
            return RPCProblem(status: 403, type: ProblemType.tenantSuspended, title: "Tenant suspended",
                              detail: "the tenant is suspended; a platform operator can reactivate it")
        case .principalInactive:
            return RPCProblem(status: 401, type: ProblemType.unauthenticated, title: "Authentication required",
                              detail: "the account is disabled or the API key revoked")
        case .noRelationship, .delegationPending, .delegationExpired, .delegationTerminated, .notAssigned, .noSuchTenant:
            return RPCProblem(status: 404, type: ProblemType.notFound, title: "Not found", detail: "no such resource")
        }
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
