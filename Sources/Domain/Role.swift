/// A role an administrator holds in their home tenant.
public enum Role: String, Codable, Sendable, CaseIterable {
    /// Customer tenant: everything in the tenant, including admins and delegations.
    case tenantAdmin = "tenant_admin"
    /// Customer tenant: service requests and the support directory.
    case serviceAdmin = "service_admin"
    /// Customer tenant: reads requests, the directory and the tenant's profile; changes nothing.
    case readOnly = "read_only"
    /// Partner tenant: administers the partner and acts for customers through active delegations.
    case partnerAdmin = "partner_admin"
    /// Vendor: works queued requests.
    case supportEngineer = "support_engineer"
    /// Vendor: manages queues and engineers.
    case supportManager = "support_manager"
    /// Vendor: operates the platform (tenants, bootstrap).
    case platformOperator = "platform_operator"

    /// Whether the role works customers' requests from the support side (engineers, managers).
    public var isSupportStaff: Bool { self == .supportEngineer || self == .supportManager }

    /// The roles an administrator of a tenant of `kind` may hold.
    public static func roles(for kind: TenantKind) -> Set<Role> {
        switch kind {
        case .customer: return customerRoles
        case .partner: return partnerRoles
        case .vendor: return vendorRoles
        }
    }

    private static let customerRoles: Set<Role> = [.tenantAdmin, .serviceAdmin, .readOnly]
    private static let partnerRoles: Set<Role> = [.partnerAdmin]
    private static let vendorRoles: Set<Role> = [.supportEngineer, .supportManager, .platformOperator]

    /// The role that manages a tenant of `kind`: its last active holder cannot be removed or demoted.
    public static func manager(of kind: TenantKind) -> Role {
        switch kind {
        case .customer: return .tenantAdmin
        case .partner: return .partnerAdmin
        case .vendor: return .platformOperator
        }
    }
}

/// The kind of a tenant.
public enum TenantKind: String, Codable, Sendable, CaseIterable {
    case customer
    case partner
    /// The vendor's own support organisation.
    case vendor
}

/// What a decision needs to know about a tenant.
public struct TenantFacts: Codable, Sendable, Equatable {
    public var id: String
    public var kind: TenantKind
    /// `false` when suspended.
    public var active: Bool

    public init(id: String, kind: TenantKind, active: Bool = true) {
        self.id = id
        self.kind = kind
        self.active = active
    }
}
