import Foundation

/// The authorization decision: may `principal` do `action` in a tenant?
///
/// Deny by default. Allowed through the principal's own roles in its home tenant, a vendor
/// role's reach into other tenants, or an active delegation whose assigned roles grant the
/// action (a partner admin acts for customers only that way).
public enum Authorization {
    /// How an allowed action is allowed.
    public enum Via: Codable, Sendable, Equatable {
        case ownRole(Role)
        case vendorRole(Role)
        case delegation(relationshipID: String, role: Role)

        /// The relationship acted under, if any.
        public var relationshipID: String? {
            if case .delegation(let id, _) = self { return id }
            return nil
        }
    }

    /// Why an action is denied.
    public enum DenyReason: String, Codable, Sendable, Equatable {
        /// The roles held (or granted) do not include the action.
        case actionNotGranted = "action_not_granted"
        /// No relationship gives access to that tenant.
        case noRelationship = "no_relationship"
        case delegationPending = "delegation_pending"
        case delegationExpired = "delegation_expired"
        case delegationTerminated = "delegation_terminated"
        /// The relationship exists but this partner admin is not assigned to it.
        case notAssigned = "not_assigned"
        /// The caller's home tenant, or the customer acted for, is suspended.
        case tenantSuspended = "tenant_suspended"
        /// The caller's account is disabled, or its API key revoked or expired.
        case principalInactive = "principal_inactive"
        /// The tenant does not exist.
        case noSuchTenant = "no_such_tenant"

        /// Whether the caller may learn that the tenant exists: denials that reveal nothing
        /// answer like a missing tenant (404), the others are 403.
        public var revealsTenant: Bool {
            switch self {
            case .actionNotGranted, .tenantSuspended, .principalInactive: return true
            default: return false
            }
        }
    }

    /// On the wire (the hottest RPC reply, so kept flat): `{"allow":"own_role"|"vendor_role",
    /// "role":…}`, `{"allow":"delegation","role":…,"relationship_id":…}` or `{"deny":<reason>}`.
    /// The nested shape of earlier releases (`{"allow":{"_0":…}}`) is still read.
    public enum Decision: Codable, Sendable, Equatable {
        case allow(Via)
        case deny(DenyReason)

        public var isAllowed: Bool {
            if case .allow = self { return true }
            return false
        }

        private enum Key: String, CodingKey {
            case allow, deny, role
            case relationshipID = "relationship_id"
        }

        /// `{"_0": value}`: how earlier releases wrapped an associated value.
        private struct Legacy<Value: Decodable>: Decodable {
            var value: Value
            enum CodingKeys: String, CodingKey { case value = "_0" }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            switch self {
            case .allow(.ownRole(let role)):
                try container.encode("own_role", forKey: .allow)
                try container.encode(role, forKey: .role)
            case .allow(.vendorRole(let role)):
                try container.encode("vendor_role", forKey: .allow)
                try container.encode(role, forKey: .role)
            case .allow(.delegation(let relationshipID, let role)):
                try container.encode("delegation", forKey: .allow)
                try container.encode(role, forKey: .role)
                try container.encode(relationshipID, forKey: .relationshipID)
            case .deny(let reason):
                try container.encode(reason, forKey: .deny)
            }
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            if container.contains(.deny) {
                if let reason = try? container.decode(DenyReason.self, forKey: .deny) {
                    self = .deny(reason)
                } else {
                    self = .deny(try container.decode(Legacy<DenyReason>.self, forKey: .deny).value)
                }
                return
            }
            guard let kind = try? container.decode(String.self, forKey: .allow) else {
                self = .allow(try container.decode(Legacy<Via>.self, forKey: .allow).value)
                return
            }
            let role = try container.decode(Role.self, forKey: .role)
            switch kind {
            case "own_role": self = .allow(.ownRole(role))
            case "vendor_role": self = .allow(.vendorRole(role))
            case "delegation":
                self = .allow(.delegation(relationshipID: try container.decode(String.self, forKey: .relationshipID), role: role))
            default:
                throw DecodingError.dataCorruptedError(forKey: .allow, in: container, debugDescription: "unknown way of allowing: \(kind)")
            }
        }
    }

    /// Decides. `principal.roles` are the roles in force (the account's current roles, narrowed
    /// to an API key's scope); `home` is the principal's tenant; `target` the tenant acted in
    /// (`nil` when it does not exist); `delegations` the principal's grants.
    public static func decide(
        principal: Principal, home: TenantFacts, action: Action, target: TenantFacts?,
        delegations: [DelegationGrant], now: Date
    ) -> Decision {
        guard let target else { return .deny(.noSuchTenant) }
        guard home.active else { return .deny(.tenantSuspended) }
        let roles = principal.roles.filter { Role.roles(for: home.kind).contains($0) }
        if home.id == target.id {
            for role in roles where Permissions.actions(of: role).contains(action) {
                return .allow(.ownRole(role))
            }
            return .deny(.actionNotGranted)
        }
        for role in roles where Permissions.vendorActions(of: role, in: target.kind).contains(action) {
            return .allow(.vendorRole(role))
        }
        // A vendor role that reaches the tenant may know it exists: the denial says so.
        if roles.contains(where: { !Permissions.vendorActions(of: $0, in: target.kind).isEmpty }) {
            return .deny(.actionNotGranted)
        }
        guard roles.contains(.partnerAdmin), target.kind == .customer else { return .deny(.noRelationship) }
        let grants = delegations.filter { $0.customerTenantID == target.id && $0.partnerTenantID == home.id }
        guard !grants.isEmpty else { return .deny(.noRelationship) }
        var reason = DenyReason.notAssigned
        for grant in grants {
            switch grant.status(at: now) {
            case .active, .expiring:
                let granted = grant.assignedRoles.filter { Permissions.delegableRoles.contains($0) }
                // Relationships are the customer's own decision: a delegated tenant admin cannot
                // approve (or reject) its partner's requests on the customer's behalf.
                if let role = granted.first(where: { Permissions.actions(of: $0).contains(action) }),
                   !Permissions.neverDelegated.contains(action) {
                    return target.active
                        ? .allow(.delegation(relationshipID: grant.relationshipID, role: role))
                        : .deny(.tenantSuspended)
                }
                reason = granted.isEmpty ? .notAssigned : .actionNotGranted
            case .approvalPending:
                if reason == .notAssigned { reason = .delegationPending }
            case .expired:
                if reason == .notAssigned { reason = .delegationExpired }
            case .terminated, .rejected:
                if reason == .notAssigned { reason = .delegationTerminated }
            }
        }
        return .deny(reason)
    }
}
