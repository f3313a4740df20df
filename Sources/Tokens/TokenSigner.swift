import Domain
import Foundation
import JWTKit

/// Issues access tokens with the current signing key.
public struct TokenSigner: Sendable {
    let keys: JWTKeyCollection
    public let kid: String
    /// Lifetime of issued tokens.
    public let lifetime: Duration

    public init(key: SigningKey, lifetime: Duration) async {
        let keys = JWTKeyCollection()
        await keys.add(eddsa: EdDSA.PrivateKey(backing: key.privateKey), kid: JWKIdentifier(string: key.kid))
        self.keys = keys
        self.kid = key.kid
        self.lifetime = lifetime
    }

    /// A signed token for `principal`.
    public func token(for principal: Principal, now: Date = Date()) async throws -> String {
        let claims = AccessTokenClaims(
            principal: principal, issuedAt: now, lifetime: lifetime, id: UUID().uuidString.lowercased())
        return try await keys.sign(claims, kid: JWKIdentifier(string: kid))
    }
}
