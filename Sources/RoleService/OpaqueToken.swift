import Crypto
import Foundation

/// Opaque secrets handed to clients (refresh tokens `tdr_…`, API keys `tdk_…`): the prefix, the
/// tenant id (so the lookup runs under that tenant's row-level security), and 32 random bytes.
/// Only their SHA-256 is stored.
enum OpaqueToken {
    static let refreshPrefix = "tdr"
    static let apiKeyPrefix = "tdk"

    static func make(prefix: String, tenant: UUID) -> String {
        var generator = SystemRandomNumberGenerator()
        let secret = Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let encoded = secret.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return "\(prefix)_\(tenant.uuidString.lowercased().replacingOccurrences(of: "-", with: ""))_\(encoded)"
    }

    /// The tenant of a well-formed token with `prefix`, or `nil`.
    static func tenant(of token: String, prefix: String) -> UUID? {
        let parts = token.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == prefix, parts[1].count == 32, (40...50).contains(parts[2].count) else { return nil }
        let hex = Array(parts[1])
        let dashed = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(hex[$0]) }.joined(separator: "-")
        return UUID(uuidString: dashed)
    }

    static func hash(_ token: String) -> Data {
        Data(SHA256.hash(data: Data(token.utf8)))
    }
}
