import Domain
import Foundation
import Testing

@Suite("Delegated administration decisions")
struct DelegationDecisionTests {
    let partnerAdmin = Principal(adminID: "pa", tenantID: "partner", name: "P", email: "p@x.io", roles: [.partnerAdmin])
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func grant(_ status: DelegationGrant.Status, endsIn seconds: TimeInterval, roles: [Role]) -> DelegationGrant {
        DelegationGrant(relationshipID: "rel-1", partnerTenantID: "partner", customerTenantID: "customer",
                        storedStatus: status, endsAt: now.addingTimeInterval(seconds), assignedRoles: roles)
    }

    func decide(_ action: Action, _ grants: [DelegationGrant], at time: Date? = nil) -> Authorization.Decision {
        Authorization.decide(principal: partnerAdmin, action: action, tenantID: "customer", customerTenant: true,
                             delegations: grants, now: time ?? now)
    }

    @Test("an active delegation allows what its assigned roles grant, and says via which")
    func active() {
        let grants = [grant(.active, endsIn: 86_400 * 100, roles: [.serviceAdmin])]
        #expect(decide(.requestCreate, grants) == .allow(.delegation(relationshipID: "rel-1", role: .serviceAdmin)))
        #expect(decide(.adminManage, grants) == .deny(.actionNotGranted))
        #expect(decide(.delegationApprove, grants) == .deny(.actionNotGranted))
    }

    @Test("expiry is decided by the clock: allowed one second before the end, denied one second after")
    func expiryBoundary() {
        let grants = [grant(.active, endsIn: 3600, roles: [.serviceAdmin])]
        let end = now.addingTimeInterval(3600)
        #expect(decide(.requestRead, grants, at: end.addingTimeInterval(-1)).isAllowed)
        #expect(decide(.requestRead, grants, at: end.addingTimeInterval(1)) == .deny(.delegationExpired))
        #expect(decide(.requestRead, grants, at: end) == .deny(.delegationExpired))
    }

    @Test("the last 30 days are 'expiring' and still allowed")
    func expiring() {
        let soon = grant(.active, endsIn: 86_400 * 10, roles: [.tenantAdmin])
        #expect(soon.status(at: now) == .expiring)
        #expect(grant(.active, endsIn: 86_400 * 31, roles: []).status(at: now) == .active)
        #expect(decide(.adminManage, [soon]) == .allow(.delegation(relationshipID: "rel-1", role: .tenantAdmin)))
    }

    @Test("pending, terminated and unassigned relationships deny with their reason")
    func denials() {
        #expect(decide(.requestRead, [grant(.approvalPending, endsIn: 86_400, roles: [.serviceAdmin])]) == .deny(.delegationPending))
        #expect(decide(.requestRead, [grant(.terminated, endsIn: 86_400, roles: [.serviceAdmin])]) == .deny(.delegationTerminated))
        #expect(decide(.requestRead, [grant(.active, endsIn: 86_400, roles: [])]) == .deny(.notAssigned))
        #expect(decide(.requestRead, []) == .deny(.noRelationship))
    }

    @Test("a grant of another partner or for another customer does not count")
    func wrongParties() {
        var otherPartner = grant(.active, endsIn: 86_400, roles: [.serviceAdmin])
        otherPartner.partnerTenantID = "someone-else"
        var otherCustomer = grant(.active, endsIn: 86_400, roles: [.serviceAdmin])
        otherCustomer.customerTenantID = "another-customer"
        #expect(decide(.requestRead, [otherPartner, otherCustomer]) == .deny(.noRelationship))
    }

    @Test("a delegation never grants roles that are not customer roles")
    func onlyDelegableRoles() {
        let grants = [grant(.active, endsIn: 86_400, roles: [.platformOperator, .supportManager])]
        #expect(decide(.tenantManage, grants) == .deny(.notAssigned))
        #expect(decide(.supportWork, grants) == .deny(.notAssigned))
    }

    @Test("without the partner-admin role no delegation applies")
    func onlyPartnerAdmins() {
        let serviceAdmin = Principal(adminID: "x", tenantID: "partner", name: "X", email: "x@x.io", roles: [.serviceAdmin])
        let decision = Authorization.decide(
            principal: serviceAdmin, action: .requestRead, tenantID: "customer", customerTenant: true,
            delegations: [grant(.active, endsIn: 86_400, roles: [.serviceAdmin])], now: now)
        #expect(decision == .deny(.noRelationship))
    }
}
