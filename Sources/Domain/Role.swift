/// A role an administrator holds in their home tenant.
public enum Role: String, Codable, Sendable, CaseIterable {
    /// Customer tenant: everything in the tenant, including admins and delegations.
    case tenantAdmin = "tenant_admin"
    /// Customer tenant: service requests and the support directory.
    case serviceAdmin = "service_admin"
    /// Partner tenant: acts for customers through active delegations only.
    case partnerAdmin = "partner_admin"
    /// Vendor: works queued requests.
    case supportEngineer = "support_engineer"
    /// Vendor: manages queues and engineers.
    case supportManager = "support_manager"
    /// Vendor: operates the platform (tenants, bootstrap).
    case platformOperator = "platform_operator"
}

/// The kind of a tenant.
public enum TenantKind: String, Codable, Sendable, CaseIterable {
    case customer
    case partner
    /// The vendor's own support organisation.
    case vendor
}
