import Domain
import Foundation
import Testing

/// The documented permission table (docs/permissions.md), written out here independently of the
/// code: every role × action cell is checked.
@Suite("Permission table, row by row")
struct PermissionTableTests {
    static let ownTenant: [Role: Set<String>] = [
        .tenantAdmin: ["tenant.read", "request.create", "request.read", "request.comment", "request.close",
                       "directory.read", "admin.manage", "delegation.approve", "audit.read", "webhook.manage"],
        .serviceAdmin: ["tenant.read", "request.create", "request.read", "request.comment", "request.close", "directory.read"],
        .readOnly: ["tenant.read", "request.read", "directory.read"],
        .partnerAdmin: ["tenant.read", "delegation.manage", "admin.manage", "audit.read", "directory.read", "webhook.manage"],
        .supportEngineer: ["tenant.read", "support.work", "request.read", "request.comment", "directory.read"],
        .supportManager: ["tenant.read", "support.work", "support.manage", "request.read", "request.comment",
                          "request.close", "directory.read", "audit.read"],
        .platformOperator: ["tenant.read", "tenant.manage", "admin.manage", "audit.read", "directory.read"],
    ]

    static let customerTenants: [Role: Set<String>] = [
        .supportEngineer: ["tenant.read", "support.work", "request.read", "request.comment"],
        .supportManager: ["tenant.read", "support.work", "request.read", "request.comment", "request.close", "audit.read"],
        .platformOperator: ["tenant.read", "tenant.manage", "admin.manage", "audit.read"],
    ]

    static let partnerTenants: [Role: Set<String>] = [
        .platformOperator: ["tenant.read", "tenant.manage", "admin.manage", "audit.read"],
    ]

    /// The kind of tenant where each role can be held.
    static func homeKind(of role: Role) -> TenantKind {
        TenantKind.allCases.first { Role.roles(for: $0).contains(role) } ?? .customer
    }

    @Test("own tenant", arguments: Role.allCases)
    func ownTenantRow(role: Role) {
        let home = TenantFacts(id: "home", kind: Self.homeKind(of: role))
        for action in Action.allCases {
            let expected = Self.ownTenant[role, default: []].contains(action.rawValue)
            #expect(Permissions.actions(of: role).contains(action) == expected, "\(role.rawValue) \(action.rawValue)")
            let principal = Principal(adminID: "a", tenantID: "home", name: "n", email: "e@x.io", roles: [role])
            let decision = Authorization.decide(
                principal: principal, home: home, action: action, target: home, delegations: [], now: .now)
            #expect(decision.isAllowed == expected, "\(role.rawValue) \(action.rawValue)")
        }
    }

    @Test("another tenant, without a delegation", arguments: Role.allCases)
    func otherTenantRows(role: Role) {
        let home = TenantFacts(id: "home", kind: Self.homeKind(of: role))
        let cases: [(TenantFacts, [Role: Set<String>])] = [
            (TenantFacts(id: "customer", kind: .customer), Self.customerTenants),
            (TenantFacts(id: "partner", kind: .partner), Self.partnerTenants),
            (TenantFacts(id: "vendor", kind: .vendor), [:]),
        ]
        for (target, table) in cases where target.kind != home.kind || target.kind != .vendor {
            for action in Action.allCases {
                let expected = table[role, default: []].contains(action.rawValue)
                let principal = Principal(adminID: "a", tenantID: "home", name: "n", email: "e@x.io", roles: [role])
                let decision = Authorization.decide(
                    principal: principal, home: home, action: action, target: target, delegations: [], now: .now)
                #expect(decision.isAllowed == expected, "\(role.rawValue) \(action.rawValue) in \(target.kind)")
                if expected { #expect(decision == .allow(.vendorRole(role))) }
            }
        }
    }

    @Test("a role held in the wrong kind of tenant grants nothing")
    func roleOutsideItsKind() {
        let customer = TenantFacts(id: "home", kind: .customer)
        let forged = Principal(adminID: "a", tenantID: "home", name: "n", email: "e@x.io", roles: [.platformOperator])
        let decision = Authorization.decide(
            principal: forged, home: customer, action: .tenantManage, target: TenantFacts(id: "other", kind: .customer),
            delegations: [], now: .now)
        #expect(decision == .deny(.noRelationship))
    }

    @Test("a suspended home tenant denies everything, a missing target is no_such_tenant")
    func suspendedAndMissing() {
        let principal = Principal(adminID: "a", tenantID: "home", name: "n", email: "e@x.io", roles: [.tenantAdmin])
        let suspended = TenantFacts(id: "home", kind: .customer, active: false)
        #expect(Authorization.decide(principal: principal, home: suspended, action: .requestRead, target: suspended,
                                     delegations: [], now: .now) == .deny(.tenantSuspended))
        let home = TenantFacts(id: "home", kind: .customer)
        #expect(Authorization.decide(principal: principal, home: home, action: .requestRead, target: nil,
                                     delegations: [], now: .now) == .deny(.noSuchTenant))
    }
}
