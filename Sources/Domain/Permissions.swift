/// The one permission table: what each role may do in its own tenant, and what the vendor's
/// roles may do in other tenants. docs/permissions.md shows the same table; the tests check it
/// row by row.
public enum Permissions {
    /// Actions a role grants in the tenant where it is held (or, for a partner admin's delegated
    /// customer roles, in the customer tenant).
    public static func actions(of role: Role) -> Set<Action> {
        ownTable[role] ?? []
    }

    /// Every role's actions, built once: a decision looks them up several times.
    private static let ownTable = Dictionary(uniqueKeysWithValues: Role.allCases.map { ($0, table(of: $0)) })

    private static func table(of role: Role) -> Set<Action> {
        switch role {
        case .tenantAdmin:
            return [.tenantRead, .requestCreate, .requestRead, .requestComment, .requestClose, .directoryRead,
                    .adminManage, .delegationApprove, .auditRead, .webhookManage]
        case .serviceAdmin:
            return [.tenantRead, .requestCreate, .requestRead, .requestComment, .requestClose, .directoryRead]
        case .readOnly:
            return [.tenantRead, .requestRead, .directoryRead]
        case .partnerAdmin:
            return [.tenantRead, .delegationManage, .adminManage, .auditRead, .directoryRead, .webhookManage]
        case .supportEngineer:
            return [.tenantRead, .supportWork, .requestRead, .requestComment, .directoryRead]
        case .supportManager:
            return [.tenantRead, .supportWork, .supportManage, .requestRead, .requestComment, .requestClose,
                    .directoryRead, .auditRead]
        case .platformOperator:
            return [.tenantRead, .tenantManage, .adminManage, .auditRead, .directoryRead]
        }
    }

    /// Actions a vendor role grants in another tenant of `kind`. The support organisation works
    /// every customer's requests; the platform operator administers customers and partners.
    /// Other roles act outside their tenant only through a delegation.
    public static func vendorActions(of role: Role, in kind: TenantKind) -> Set<Action> {
        vendorTables[role]?[kind] ?? []
    }

    /// Every role's actions in every kind of tenant, built once like `ownTable`.
    private static let vendorTables = Dictionary(uniqueKeysWithValues: Role.allCases.map { role in
        (role, Dictionary(uniqueKeysWithValues: TenantKind.allCases.map { ($0, vendorTable(of: role, in: $0)) }))
    })

    private static func vendorTable(of role: Role, in kind: TenantKind) -> Set<Action> {
        switch (role, kind) {
        case (.supportEngineer, .customer): return [.tenantRead, .supportWork, .requestRead, .requestComment]
        case (.supportManager, .customer):
            return [.tenantRead, .supportWork, .requestRead, .requestComment, .requestClose, .auditRead]
        case (.platformOperator, .customer), (.platformOperator, .partner):
            return [.tenantRead, .tenantManage, .adminManage, .auditRead]
        default: return []
        }
    }

    /// Actions a delegation never grants, whatever the roles: only the customer's own tenant
    /// admins decide on partner relationships.
    public static let neverDelegated: Set<Action> = [.delegationApprove]

    /// Customer roles a partner relationship may grant.
    public static let delegableRoles: Set<Role> = [.tenantAdmin, .serviceAdmin, .readOnly]
}
