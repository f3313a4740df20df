import Domain
import Foundation
import Testing

/// The documented permission table (docs/permissions.md), written out here independently of the
/// code: every role × action cell is checked.
@Suite("Permission table, row by row")
struct PermissionTableTests {
    static let ownTenant: [Role: Set<String>] = [
        .tenantAdmin: ["request.create", "request.read", "request.comment", "request.close", "directory.read",
                       "admin.manage", "delegation.approve", "audit.read"],
        .serviceAdmin: ["request.create", "request.read", "request.comment", "request.close", "directory.read"],
        .partnerAdmin: ["delegation.manage", "audit.read", "directory.read"],
        .supportEngineer: ["support.work", "request.read", "request.comment", "directory.read"],
        .supportManager: ["support.work", "support.manage", "request.read", "request.comment", "request.close",
                          "directory.read", "audit.read"],
        .platformOperator: ["tenant.manage", "admin.manage", "audit.read", "directory.read"],
    ]

    static let customerTenants: [Role: Set<String>] = [
        .supportEngineer: ["support.work", "request.read", "request.comment"],
        .supportManager: ["support.work", "request.read", "request.comment", "request.close", "audit.read"],
        .platformOperator: ["tenant.manage", "audit.read"],
    ]

    @Test("own tenant", arguments: Role.allCases)
    func ownTenantRow(role: Role) {
        for action in Action.allCases {
            let expected = Self.ownTenant[role, default: []].contains(action.rawValue)
            #expect(Permissions.actions(of: role).contains(action) == expected, "\(role.rawValue) \(action.rawValue)")
            let principal = Principal(adminID: "a", tenantID: "home", name: "n", email: "e@x.io", roles: [role])
            let decision = Authorization.decide(
                principal: principal, action: action, tenantID: "home", customerTenant: false, delegations: [], now: .now)
            #expect(decision.isAllowed == expected, "\(role.rawValue) \(action.rawValue)")
        }
    }

    @Test("another customer tenant, without a delegation", arguments: Role.allCases)
    func customerTenantRow(role: Role) {
        for action in Action.allCases {
            let expected = Self.customerTenants[role, default: []].contains(action.rawValue)
            let principal = Principal(adminID: "a", tenantID: "home", name: "n", email: "e@x.io", roles: [role])
            let decision = Authorization.decide(
                principal: principal, action: action, tenantID: "customer", customerTenant: true, delegations: [], now: .now)
            #expect(decision.isAllowed == expected, "\(role.rawValue) \(action.rawValue)")
            if expected { #expect(decision == .allow(.vendorRole(role))) }
        }
    }

    @Test("vendor roles do not reach into partner or vendor tenants")
    func vendorReachIsCustomersOnly() {
        let engineer = Principal(adminID: "a", tenantID: "vendor", name: "n", email: "e@x.io", roles: [.supportEngineer])
        let decision = Authorization.decide(
            principal: engineer, action: .requestRead, tenantID: "partner", customerTenant: false, delegations: [], now: .now)
        #expect(decision == .deny(.noRelationship))
    }
}
