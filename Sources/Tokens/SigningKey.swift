import Contracts
import Crypto
import Foundation
import JWTKit

/// An Ed25519 key pair that signs access tokens, identified by `kid`.
public struct SigningKey: Sendable {
    public let kid: String
    public let privateKey: Curve25519.Signing.PrivateKey

    /// A new random key with a random key id.
    public init() {
        self.privateKey = Curve25519.Signing.PrivateKey()
        self.kid = "k-" + Data((0..<9).map { _ in UInt8.random(in: 0...255) }).base64URLEncoded
    }

    /// A stored key.
    public init(kid: String, rawPrivateKey: Data) throws {
        self.kid = kid
        self.privateKey = try Curve25519.Signing.PrivateKey(rawRepresentation: rawPrivateKey)
    }

    /// The public half as published to verifiers.
    public var publicKey: PublicSigningKey {
        PublicSigningKey(kid: kid, x: privateKey.publicKey.rawRepresentation.base64URLEncoded)
    }
}

extension Data {
    /// Base64url without padding (RFC 4648 §5), as JWK uses.
    public var base64URLEncoded: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
