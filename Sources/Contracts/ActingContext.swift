import Domain
import Foundation

/// Who acts on service requests, as the gateway authorized the call: sent with every call to the
/// worker's request methods. The worker binds `tenantID` for row-level security and records the
/// actor (and the delegation used) in the timeline.
public struct ActingContext: Codable, Sendable {
    /// The tenant acted in (the request's tenant).
    public var tenantID: String
    public var adminID: String
    public var adminName: String
    /// The actor's own tenant (a partner's, or the vendor's, when acting for a customer).
    public var homeTenantID: String
    /// The customer's side, or the support organisation (which also sees internal notes).
    public var side: RequestSide
    /// The partner relationship the call was allowed through.
    public var viaRelationshipID: String?
    /// The gateway's `X-Request-Id`.
    public var requestID: String

    public init(
        tenantID: String, adminID: String, adminName: String, homeTenantID: String, side: RequestSide,
        viaRelationshipID: String?, requestID: String
    ) {
        self.tenantID = tenantID
        self.adminID = adminID
        self.adminName = adminName
        self.homeTenantID = homeTenantID
        self.side = side
        self.viaRelationshipID = viaRelationshipID
        self.requestID = requestID
    }
}

/// An empty reply.
public struct EmptyResponse: Codable, Sendable, Equatable {
    public init() {}
}

extension UUID {
    /// The lower-case text form used in the API and in messages.
    public var text: String { uuidString.lowercased() }
}
