import Contracts
import Domain
import JWTKit

/// Verifies access tokens against the role service's public keys. Used by the gateway: no call
/// per request, only a signature check.
public actor TokenVerifier {
    private var keys = JWTKeyCollection()
    private var known: Set<String> = []
    /// Tokens whose signature checked out, with their claims: a client sends the same token with
    /// every request until it expires. The time claims are checked again at each use; the whole
    /// cache goes when the keys change.
    private var verified: [String: AccessTokenClaims] = [:]
    static let maximumVerified = 10_000

    public init() {}

    /// Replaces the verification keys (after fetching them from the role service).
    public func install(_ publicKeys: [PublicSigningKey]) async throws {
        let collection = JWTKeyCollection()
        for key in publicKeys where key.algorithm == "EdDSA" {
            await collection.add(eddsa: try EdDSA.PublicKey(x: key.x, curve: .ed25519), kid: JWKIdentifier(string: key.kid))
        }
        keys = collection
        known = Set(publicKeys.map(\.kid))
        verified.removeAll()
    }

    /// Whether a key id is installed (an unknown one may mean the role service rotated keys).
    public func knows(kid: String) -> Bool { known.contains(kid) }

    /// Whether any key is installed.
    public var isReady: Bool { !known.isEmpty }

    /// The principal of a valid token; throws when the header, signature, issuer, audience or
    /// time claims do not check out.
    ///
    /// The header is checked before the signature: only `alg: EdDSA`, `typ: JWT` and a `kid` of
    /// an installed key; a token naming its own key (`jku`, `jwk`, `x5u`, `x5c`) or demanding
    /// extensions (`crit`) is refused, whatever its signature.
    public func verify(_ token: String, at now: Date = Date()) async throws -> Principal {
        if let claims = verified[token] {
            try claims.verify(at: now)
            return claims.principal
        }
        guard let header = Self.header(of: token), header.alg == "EdDSA", header.typ == nil || header.typ == "JWT",
              let kid = header.kid, known.contains(kid),
              header.jku == nil, header.jwk == nil, header.x5u == nil, header.x5c == nil, header.crit == nil
        else { throw TokenRejected() }
        let installed = keys
        let claims = try await installed.verify(token, as: AccessTokenClaims.self)
        try claims.verify(at: now)
        // Not kept if the keys changed while the signature was checked (the actor was free meanwhile).
        if installed === keys {
            if verified.count >= Self.maximumVerified { verified.removeAll() }
            verified[token] = claims
        }
        return claims.principal
    }

    /// A token whose header is not acceptable.
    public struct TokenRejected: Error {}

    struct Header: Decodable {
        var alg: String?
        var typ: String?
        var kid: String?
        var jku: String?
        var jwk: JSONValue?
        var x5u: String?
        var x5c: JSONValue?
        var crit: JSONValue?
    }

    /// Any JSON value (only its presence matters).
    struct JSONValue: Decodable {
        init(from decoder: any Decoder) throws {}
    }

    static func header(of token: String) -> Header? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = Base64URL.decode(String(parts[0])) else { return nil }
        return try? JSONDecoder().decode(Header.self, from: data)
    }

    /// The `kid` of a token's header without verifying anything, to decide whether to refresh keys.
    public static func unverifiedKeyID(of token: String) -> String? {
        header(of: token)?.kid
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
