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
    /// The lower-case text form used in the API and in messages (`uuidString.lowercased()`,
    /// written directly: a page of requests formats a few hundred of them).
    public var text: String {
        withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                let digits: StaticString = "0123456789abcdef"
                var position = 0
                for (index, byte) in bytes.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        out[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    out[position] = digits.utf8Start[Int(byte >> 4)]
                    out[position + 1] = digits.utf8Start[Int(byte & 0x0F)]
                    position += 2
                }
                return position
            }
        }
    }
}
