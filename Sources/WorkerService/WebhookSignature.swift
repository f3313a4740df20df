import Crypto
import Foundation

/// The signature of a webhook delivery, sent as
/// `TenantDesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` over `"<t>.<body>"` with the
/// webhook's secret. A receiver recomputes it over the raw body, compares in constant time and
/// rejects a timestamp more than five minutes from its clock (a replay).
public enum WebhookSignature {
    public static let header = "TenantDesk-Signature"

    public static func sign(body: [UInt8], secret: String, timestamp: Int) -> String {
        "t=\(timestamp),v1=\(hex(body: body, secret: secret, timestamp: timestamp))"
    }

    static func hex(body: [UInt8], secret: String, timestamp: Int) -> String {
        var message = Array("\(timestamp).".utf8)
        message.append(contentsOf: body)
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8)))
        return code.map { String(format: "%02x", $0) }.joined()
    }

    /// What a receiver does: true when `header` carries a `v1` signature of `body` with `secret`
    /// and its timestamp is within `tolerance` seconds of `now`.
    public static func verify(header: String, body: [UInt8], secret: String, now: Int, tolerance: Int = 300) -> Bool {
        var timestamp: Int?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            switch pair[0].trimmingCharacters(in: .whitespaces) {
            case "t": timestamp = Int(pair[1])
            case "v1": signatures.append(String(pair[1]))
            default: continue
            }
        }
        guard let timestamp, abs(now - timestamp) <= tolerance else { return false }
        let expected = Array(hex(body: body, secret: secret, timestamp: timestamp).utf8)
        return signatures.contains { candidate in
            let given = Array(candidate.utf8)
            guard given.count == expected.count else { return false }
            return zip(given, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
        }
    }
}
