import Domain
import JWTKit

/// The claims of an access token. Short-lived (15 minutes at most), signed with Ed25519 by the
/// role service, verified by the gateway without a call.
public struct AccessTokenClaims: JWTPayload, Equatable {
    /// Always `tenantdesk`.
    public var iss: IssuerClaim
    /// The administrator id.
    public var sub: SubjectClaim
    /// The home tenant id.
    public var tid: String
    public var name: String
    public var email: String
    public var roles: [Role]
    public var iat: IssuedAtClaim
    public var exp: ExpirationClaim
    /// Unique token id.
    public var jti: IDClaim

    public static let issuer = "tenantdesk"

    public init(principal: Principal, issuedAt: Date, lifetime: Duration, id: String) {
        self.iss = IssuerClaim(value: Self.issuer)
        self.sub = SubjectClaim(value: principal.adminID)
        self.tid = principal.tenantID
        self.name = principal.name
        self.email = principal.email
        self.roles = principal.roles
        self.iat = IssuedAtClaim(value: issuedAt)
        self.exp = ExpirationClaim(value: issuedAt.addingTimeInterval(Double(lifetime.components.seconds)))
        self.jti = IDClaim(value: id)
    }

    /// The principal the token speaks for.
    public var principal: Principal {
        Principal(adminID: sub.value, tenantID: tid, name: name, email: email, roles: roles)
    }

    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        guard iss.value == Self.issuer else {
            throw JWTError.claimVerificationFailure(failedClaim: iss, reason: "unknown issuer")
        }
    }
}

import Foundation
