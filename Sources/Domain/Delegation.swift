import Foundation

/// A partner's delegated access to one customer tenant, as one partner admin holds it.
public struct DelegationGrant: Codable, Sendable, Equatable {
    /// Lifecycle of a partner relationship.
    public enum Status: String, Codable, Sendable, CaseIterable {
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
    /// When the relationship ends (exclusive), before any automatic extension.
    public var endsAt: Date
    /// Extended by 180 days at each end, until terminated.
    public var autoExtend: Bool
    /// The customer roles this partner admin was assigned under the relationship.
    public var assignedRoles: [Role]

    public init(relationshipID: String, partnerTenantID: String, customerTenantID: String, storedStatus: Status,
                endsAt: Date, autoExtend: Bool = false, assignedRoles: [Role]) {
        self.relationshipID = relationshipID
        self.partnerTenantID = partnerTenantID
        self.customerTenantID = customerTenantID
        self.storedStatus = storedStatus
        self.endsAt = endsAt
        self.autoExtend = autoExtend
        self.assignedRoles = assignedRoles
    }

    /// The status at `now`: expiry is decided by the clock, not only by a periodic job.
    public func status(at now: Date) -> Status {
        Relationship.status(stored: storedStatus, endsAt: endsAt, autoExtend: autoExtend, now: now)
    }
}

/// The rules of partner relationships.
public enum Relationship {
    /// Allowed durations in days.
    public static let durationDays = 1...730
    /// Days an automatic extension adds.
    public static let extensionDays = 180
    /// A request nobody answers lapses after this many days.
    public static let approvalWindowDays = 90
    /// The last days of a relationship, shown as `expiring`.
    public static let expiringDays = 30
    /// Expiry reminders go out this many days before the end.
    public static let reminderDays = [30, 7, 1]

    /// Why a relationship request is not acceptable, or `nil`.
    public static func requestProblem(roles: [Role], durationDays: Int, autoExtend: Bool) -> String? {
        if roles.isEmpty { return "ask for at least one customer role" }
        if let role = roles.first(where: { !Permissions.delegableRoles.contains($0) }) {
            return "\(role.rawValue) cannot be delegated: ask for tenant_admin, service_admin or read_only"
        }
        if !Self.durationDays.contains(durationDays) { return "duration_days must be between 1 and 730" }
        if autoExtend && roles.contains(.tenantAdmin) {
            return "auto_extend is not allowed when tenant_admin is requested"
        }
        return nil
    }

    /// The end in effect at `now`: an auto-extending relationship moves its end by 180 days
    /// each time it is reached.
    public static func effectiveEnd(endsAt: Date, autoExtend: Bool, now: Date) -> Date {
        guard autoExtend, now >= endsAt else { return endsAt }
        let step = TimeInterval(extensionDays * 86_400)
        let periods = ((now.timeIntervalSince(endsAt)) / step).rounded(.down) + 1
        return endsAt.addingTimeInterval(periods * step)
    }

    /// The status at `now` of a relationship stored with `stored`.
    public static func status(stored: DelegationGrant.Status, endsAt: Date?, autoExtend: Bool, now: Date,
                              requestedAt: Date? = nil) -> DelegationGrant.Status {
        switch stored {
        case .active, .expiring:
            guard let endsAt else { return .expired }
            let end = effectiveEnd(endsAt: endsAt, autoExtend: autoExtend, now: now)
            if now >= end { return .expired }
            return end.timeIntervalSince(now) <= TimeInterval(expiringDays * 86_400) ? .expiring : .active
        case .approvalPending:
            if let requestedAt, now.timeIntervalSince(requestedAt) >= TimeInterval(approvalWindowDays * 86_400) {
                return .expired
            }
            return .approvalPending
        case .expired, .terminated, .rejected:
            return stored
        }
    }
}
