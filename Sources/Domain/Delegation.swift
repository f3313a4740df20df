import Foundation

/// A partner's delegated access to one customer tenant, as one partner admin holds it.
public struct DelegationGrant: Codable, Sendable, Equatable {
    /// Lifecycle of a partner relationship.
    public enum Status: String, Codable, Sendable {
        case approvalPending = "approval_pending"
        case active
        /// Active, in its last 30 days.
        case expiring
        case expired
        case terminated
        case rejected
    }

    public var relationshipID: String
    public var partnerTenantID: String
    public var customerTenantID: String
    /// The status stored with the relationship; `status(at:)` applies the clock to it.
    public var storedStatus: Status
    /// When the relationship ends (exclusive).
    public var endsAt: Date
    /// The customer roles this partner admin was assigned under the relationship.
    public var assignedRoles: [Role]

    public init(relationshipID: String, partnerTenantID: String, customerTenantID: String, storedStatus: Status,
                endsAt: Date, assignedRoles: [Role]) {
        self.relationshipID = relationshipID
        self.partnerTenantID = partnerTenantID
        self.customerTenantID = customerTenantID
        self.storedStatus = storedStatus
        self.endsAt = endsAt
        self.assignedRoles = assignedRoles
    }

    /// The status at `now`: expiry is decided by the clock, not only by a periodic job.
    public func status(at now: Date) -> Status {
        switch storedStatus {
        case .active, .expiring:
            if now >= endsAt { return .expired }
            return endsAt.timeIntervalSince(now) <= 30 * 86_400 ? .expiring : .active
        case .approvalPending, .expired, .terminated, .rejected:
            return storedStatus
        }
    }
}
