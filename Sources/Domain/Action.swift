/// Something an administrator may do, as the authorization decision names it.
public enum Action: String, Codable, Sendable, CaseIterable {
    /// Read the tenant's profile (name, kind, plan, status).
    case tenantRead = "tenant.read"
    case requestCreate = "request.create"
    case requestRead = "request.read"
    case requestComment = "request.comment"
    case requestClose = "request.close"
    /// Read the support directory (phone lines, plan, categories).
    case directoryRead = "directory.read"
    /// Invite, disable and re-role the admins of a tenant.
    case adminManage = "admin.manage"
    /// Approve, reject or terminate a partner relationship (customer side).
    case delegationApprove = "delegation.approve"
    /// Request, assign or terminate partner relationships (partner side).
    case delegationManage = "delegation.manage"
    case auditRead = "audit.read"
    /// Work queued requests (vendor side).
    case supportWork = "support.work"
    /// Manage queues and engineers (vendor side).
    case supportManage = "support.manage"
    /// Create, update, suspend and list tenants (platform).
    case tenantManage = "tenant.manage"
    /// Register, change and delete the tenant's webhooks, see their deliveries, redeliver.
    case webhookManage = "webhook.manage"
}
