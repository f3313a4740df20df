import Contracts
import Domain
import JWTKit

/// Verifies access tokens against the role service's public keys. Used by the gateway: no call
/// per request, only a signature check.
public actor TokenVerifier {
    private var keys = JWTKeyCollection()
    private var known: Set<String> = []

    public init() {}

    /// Replaces the verification keys (after fetching them from the role service).
    public func install(_ publicKeys: [PublicSigningKey]) async throws {
        let collection = JWTKeyCollection()
        for key in publicKeys where key.algorithm == "EdDSA" {
            await collection.add(eddsa: try EdDSA.PublicKey(x: key.x, curve: .ed25519), kid: JWKIdentifier(string: key.kid))
        }
        keys = collection
        known = Set(publicKeys.map(\.kid))
    }

    /// Whether a key id is installed (an unknown one may mean the role service rotated keys).
    public func knows(kid: String) -> Bool { known.contains(kid) }

    /// Whether any key is installed.
    public var isReady: Bool { !known.isEmpty }

    /// The principal of a valid token; throws when the signature, algorithm, issuer or expiry
    /// does not check out.
    public func verify(_ token: String) async throws -> Principal {
        try await keys.verify(token, as: AccessTokenClaims.self).principal
    }

    /// The `kid` of a token's header without verifying anything, to decide whether to refresh keys.
    public static func unverifiedKeyID(of token: String) -> String? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let header = Base64URL.decode(String(parts[0])) else { return nil }
        struct Header: Decodable { var kid: String? }
        return (try? JSONDecoder().decode(Header.self, from: header))?.kid
    }
}

enum Base64URL {
    static func decode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64.append("=") }
        return Data(base64Encoded: base64)
    }
}

import Foundation
