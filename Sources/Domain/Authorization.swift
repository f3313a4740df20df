import Foundation

/// The authorization decision: may `principal` do `action` in `tenantID`?
///
/// Deny by default. Allowed through the principal's own roles in its home tenant, a vendor
/// role's reach into customer tenants, or an active delegation whose assigned roles grant the
/// action (a partner admin acts for customers only that way).
public enum Authorization {
    /// How an allowed action is allowed.
    public enum Via: Codable, Sendable, Equatable {
        case ownRole(Role)
        case vendorRole(Role)
        case delegation(relationshipID: String, role: Role)
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
    }

    public enum Decision: Codable, Sendable, Equatable {
        case allow(Via)
        case deny(DenyReason)

        public var isAllowed: Bool {
            if case .allow = self { return true }
            return false
        }
    }

    /// Decides. `delegations` are the grants of the principal (any tenant); `customerTenant`
    /// says whether `tenantID` is a customer tenant (vendor roles reach only those).
    public static func decide(
        principal: Principal, action: Action, tenantID: String, customerTenant: Bool,
        delegations: [DelegationGrant], now: Date
    ) -> Decision {
        if principal.tenantID == tenantID {
            for role in principal.roles where Permissions.actions(of: role).contains(action) {
                return .allow(.ownRole(role))
            }
            return .deny(.actionNotGranted)
        }
        if customerTenant {
            for role in principal.roles where Permissions.vendorActions(of: role).contains(action) {
                return .allow(.vendorRole(role))
            }
        }
        guard principal.roles.contains(.partnerAdmin) else { return .deny(.noRelationship) }
        let grants = delegations.filter { $0.customerTenantID == tenantID && $0.partnerTenantID == principal.tenantID }
        guard !grants.isEmpty else { return .deny(.noRelationship) }
        var reason = DenyReason.notAssigned
        for grant in grants {
            switch grant.status(at: now) {
            case .active, .expiring:
                let roles = grant.assignedRoles.filter { Permissions.delegableRoles.contains($0) }
                if let role = roles.first(where: { Permissions.actions(of: $0).contains(action) }) {
                    return .allow(.delegation(relationshipID: grant.relationshipID, role: role))
                }
                reason = roles.isEmpty ? .notAssigned : .actionNotGranted
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
