import Domain
import Foundation
import Testing
import Tokens

/// The gateway checks a token's signature once and keeps its claims; what depends on the clock
/// and on the installed keys is checked at every use.
@Suite("Token verification cache")
struct TokenVerifierTests {
    static let principal = Principal(
        adminID: UUID().uuidString.lowercased(), tenantID: UUID().uuidString.lowercased(), name: "Pat", email: "pat@example.com",
        roles: [.tenantAdmin])

    @Test("a token verified once still expires, a tampered copy is still refused, and new keys drop it")
    func cachedTokens() async throws {
        let key = SigningKey()
        let verifier = TokenVerifier()
        try await verifier.install([key.publicKey])
        let token = try await TokenSigner(key: key, lifetime: .seconds(300)).token(for: Self.principal)

        #expect(try await verifier.verify(token).adminID == Self.principal.adminID)
        #expect(try await verifier.verify(token).adminID == Self.principal.adminID)
        // Past its end (and the leeway), the same token is refused.
        await #expect(throws: (any Error).self) { try await verifier.verify(token, at: Date().addingTimeInterval(3600)) }
        // A different signature is a different token: checked, and refused.
        var tampered = Array(token)
        let last = tampered.count - 2
        tampered[last] = tampered[last] == "A" ? "B" : "A"
        await #expect(throws: (any Error).self) { try await verifier.verify(String(tampered)) }
        // Keys replaced (the signing key retired): the token no longer verifies.
        try await verifier.install([SigningKey().publicKey])
        await #expect(throws: (any Error).self) { try await verifier.verify(token) }
    }
}
