/// The one permission table: what each role may do in its own tenant, and what the vendor's
/// roles may do in every customer tenant. docs/permissions.md shows the same table; the tests
/// check it row by row.
public enum Permissions {
    /// Actions a role grants in the tenant where it is held (or, for a partner admin's delegated
    /// customer roles, in the customer tenant).
    public static func actions(of role: Role) -> Set<Action> {
        switch role {
        case .tenantAdmin:
            return [.requestCreate, .requestRead, .requestComment, .requestClose, .directoryRead,
                    .adminManage, .delegationApprove, .auditRead]
        case .serviceAdmin:
            return [.requestCreate, .requestRead, .requestComment, .requestClose, .directoryRead]
        case .partnerAdmin:
            return [.delegationManage, .auditRead, .directoryRead]
        case .supportEngineer:
            return [.supportWork, .requestRead, .requestComment, .directoryRead]
        case .supportManager:
            return [.supportWork, .supportManage, .requestRead, .requestComment, .requestClose,
                    .directoryRead, .auditRead]
        case .platformOperator:
            return [.tenantManage, .adminManage, .auditRead, .directoryRead]
        }
    }

    /// Actions a vendor role grants in every customer tenant (the support organisation works
    /// all customers' requests). Other roles act outside their tenant only through a delegation.
    public static func vendorActions(of role: Role) -> Set<Action> {
        switch role {
        case .supportEngineer: return [.supportWork, .requestRead, .requestComment]
        case .supportManager: return [.supportWork, .requestRead, .requestComment, .requestClose, .auditRead]
        case .platformOperator: return [.tenantManage, .auditRead]
        case .tenantAdmin, .serviceAdmin, .partnerAdmin: return []
        }
    }

    /// Customer roles a partner relationship may grant.
    public static let delegableRoles: Set<Role> = [.tenantAdmin, .serviceAdmin]
}
