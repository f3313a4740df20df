import Domain
import Foundation
import JWTKit

/// The claims of an access token. Short-lived (15 minutes at most), signed with Ed25519 by the
/// role service, verified by the gateway without a call.
public struct AccessTokenClaims: JWTPayload, Equatable {
    /// Always `tenantdesk`.
    public var iss: IssuerClaim
    /// Always `tenantdesk-api`.
    public var aud: AudienceClaim
    /// The administrator id.
    public var sub: SubjectClaim
    /// The home tenant id.
    public var tid: String
    public var name: String
    public var email: String
    public var roles: [Role]
    /// The API key the token was issued for, if any.
    public var akid: String?
    public var iat: IssuedAtClaim
    public var nbf: NotBeforeClaim
    public var exp: ExpirationClaim
    /// Unique token id.
    public var jti: IDClaim

    public static let issuer = "tenantdesk"
    public static let audience = "tenantdesk-api"
    /// Clock skew tolerated on `exp`, `nbf` and `iat`.
    public static let leeway: TimeInterval = 30

    public init(principal: Principal, issuedAt: Date, lifetime: Duration, id: String) {
        self.iss = IssuerClaim(value: Self.issuer)
        self.aud = AudienceClaim(value: Self.audience)
        self.sub = SubjectClaim(value: principal.adminID)
        self.tid = principal.tenantID
        self.name = principal.name
        self.email = principal.email
        self.roles = principal.roles
        self.akid = principal.apiKeyID
        self.iat = IssuedAtClaim(value: issuedAt)
        self.nbf = NotBeforeClaim(value: issuedAt)
        self.exp = ExpirationClaim(value: issuedAt.addingTimeInterval(Double(lifetime.components.seconds)))
        self.jti = IDClaim(value: id)
    }

    /// The principal the token speaks for.
    public var principal: Principal {
        Principal(adminID: sub.value, tenantID: tid, name: name, email: email, roles: roles, apiKeyID: akid)
    }

    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try verify(at: Date())
    }

    /// Checks issuer, audience and the time claims at `now`, with `leeway`.
    public func verify(at now: Date) throws {
        guard iss.value == Self.issuer else {
            throw JWTError.claimVerificationFailure(failedClaim: iss, reason: "unknown issuer")
        }
        guard aud.value.contains(Self.audience) else {
            throw JWTError.claimVerificationFailure(failedClaim: aud, reason: "not for this API")
        }
        guard exp.value.addingTimeInterval(Self.leeway) > now else {
            throw JWTError.claimVerificationFailure(failedClaim: exp, reason: "expired")
        }
        guard nbf.value.addingTimeInterval(-Self.leeway) <= now else {
            throw JWTError.claimVerificationFailure(failedClaim: nbf, reason: "not yet valid")
        }
        guard iat.value.addingTimeInterval(-Self.leeway) <= now else {
            throw JWTError.claimVerificationFailure(failedClaim: iat, reason: "issued in the future")
        }
    }
}
