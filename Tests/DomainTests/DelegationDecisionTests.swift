import Domain
import Foundation
import Testing

@Suite("Delegated administration decisions")
struct DelegationDecisionTests {
    let partnerAdmin = Principal(adminID: "pa", tenantID: "partner", name: "P", email: "p@x.io", roles: [.partnerAdmin])
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let partner = TenantFacts(id: "partner", kind: .partner)
    let customer = TenantFacts(id: "customer", kind: .customer)

    func grant(_ status: DelegationGrant.Status, endsIn seconds: TimeInterval, roles: [Role]) -> DelegationGrant {
        DelegationGrant(relationshipID: "rel-1", partnerTenantID: "partner", customerTenantID: "customer",
                        storedStatus: status, endsAt: now.addingTimeInterval(seconds), assignedRoles: roles)
    }

    func decide(_ action: Action, _ grants: [DelegationGrant], at time: Date? = nil) -> Authorization.Decision {
        Authorization.decide(principal: partnerAdmin, home: partner, action: action, target: customer,
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
            principal: serviceAdmin, home: partner, action: .requestRead, target: customer,
            delegations: [grant(.active, endsIn: 86_400, roles: [.serviceAdmin])], now: now)
        #expect(decision == .deny(.noRelationship))
    }

    @Test("a delegated tenant admin cannot approve relationships for the customer")
    func noSelfApproval() {
        let grants = [grant(.active, endsIn: 86_400 * 100, roles: [.tenantAdmin])]
        #expect(decide(.adminManage, grants).isAllowed)
        #expect(decide(.delegationApprove, grants) == .deny(.actionNotGranted))
    }

    @Test("a suspended customer cannot be acted for")
    func suspendedCustomer() {
        let suspended = TenantFacts(id: "customer", kind: .customer, active: false)
        let decision = Authorization.decide(
            principal: partnerAdmin, home: partner, action: .requestRead, target: suspended,
            delegations: [grant(.active, endsIn: 86_400, roles: [.serviceAdmin])], now: now)
        #expect(decision == .deny(.tenantSuspended))
    }

    @Test("auto-extension moves the end by 180 days each time it is reached")
    func autoExtend() {
        var extending = grant(.active, endsIn: 3600, roles: [.serviceAdmin])
        extending.autoExtend = true
        let end = now.addingTimeInterval(3600)
        #expect(decide(.requestRead, [extending], at: end.addingTimeInterval(1)).isAllowed)
        #expect(Relationship.effectiveEnd(endsAt: end, autoExtend: true, now: end) == end.addingTimeInterval(180 * 86_400))
        #expect(Relationship.effectiveEnd(endsAt: end, autoExtend: false, now: end) == end)
    }

    @Test("a request nobody answers lapses after 90 days")
    func lapse() {
        let requested = now.addingTimeInterval(-90 * 86_400)
        #expect(Relationship.status(stored: .approvalPending, endsAt: nil, autoExtend: false, now: now, requestedAt: requested) == .expired)
        #expect(Relationship.status(stored: .approvalPending, endsAt: nil, autoExtend: false, now: now.addingTimeInterval(-1),
                                    requestedAt: requested) == .approvalPending)
    }

    @Test("relationship requests: delegable roles, 1-730 days, no auto-extension with tenant_admin")
    func requestRules() {
        #expect(Relationship.requestProblem(roles: [.serviceAdmin], durationDays: 730, autoExtend: true) == nil)
        #expect(Relationship.requestProblem(roles: [.tenantAdmin], durationDays: 1, autoExtend: false) == nil)
        #expect(Relationship.requestProblem(roles: [.tenantAdmin], durationDays: 30, autoExtend: true) != nil)
        #expect(Relationship.requestProblem(roles: [.serviceAdmin], durationDays: 0, autoExtend: false) != nil)
        #expect(Relationship.requestProblem(roles: [.serviceAdmin], durationDays: 731, autoExtend: false) != nil)
        #expect(Relationship.requestProblem(roles: [.partnerAdmin], durationDays: 30, autoExtend: false) != nil)
        #expect(Relationship.requestProblem(roles: [], durationDays: 30, autoExtend: false) != nil)
    }
}
