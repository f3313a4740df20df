#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The client's address behind reverse proxies: `X-Forwarded-For` is believed only as far as
/// the hops that appended to it are trusted proxies (`TD_TRUSTED_PROXIES`), so a client cannot
/// choose the address its logins are throttled and audited under.
public enum ClientAddress {
    /// An address or a CIDR range of IPv4 or IPv6 addresses.
    public struct Range: Sendable, Equatable {
        let bytes: [UInt8]
        let prefix: Int

        /// `10.0.0.0/8`, `192.0.2.7`, `::1`, `fd00::/8`; nil when malformed.
        public init?(_ text: String) {
            let parts = text.trimmingSpaces().split(separator: "/", omittingEmptySubsequences: false)
            guard (1...2).contains(parts.count), let bytes = ClientAddress.bytes(String(parts[0])) else { return nil }
            var prefix = bytes.count * 8
            if parts.count == 2 {
                guard let value = Int(parts[1]), (0...bytes.count * 8).contains(value) else { return nil }
                prefix = value
            }
            self.bytes = bytes
            self.prefix = prefix
        }

        public func contains(_ address: String) -> Bool {
            guard let other = ClientAddress.bytes(address), other.count == bytes.count else { return false }
            var remaining = prefix
            for (mine, theirs) in zip(bytes, other) where remaining > 0 {
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                guard mine & mask == theirs & mask else { return false }
                remaining -= bits
            }
            return true
        }
    }

    /// An entry of `TD_TRUSTED_PROXIES` that is not an address or range.
    public struct MalformedRange: Error, Equatable {
        public var entry: String
        public init(entry: String) { self.entry = entry }
    }

    /// Parses `TD_TRUSTED_PROXIES` (comma-separated addresses or ranges); a failure names the
    /// first malformed entry.
    public static func ranges(_ text: String) -> Result<[Range], MalformedRange> {
        var ranges: [Range] = []
        for part in text.split(separator: ",") where !String(part).trimmingSpaces().isEmpty {
            guard let range = Range(String(part)) else { return .failure(MalformedRange(entry: String(part))) }
            ranges.append(range)
        }
        return .success(ranges)
    }

    /// The client: the peer, unless it is a trusted proxy; then the right-most `X-Forwarded-For`
    /// hop that is not a trusted proxy (every header line, in order). An unparsable hop ends
    /// the walk at the last address believed.
    public static func client(peer: String?, forwardedFor: [String], trusted: [Range]) -> String? {
        guard let peer, !trusted.isEmpty, isTrusted(peer, trusted) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { normalized(String($0)) }
        var client = peer
        for hop in hops.reversed() {
            guard let hop, bytes(hop) != nil else { return client }
            client = hop
            if !isTrusted(hop, trusted) { return hop }
        }
        return client
    }

    static func isTrusted(_ address: String, _ trusted: [Range]) -> Bool { trusted.contains { $0.contains(address) } }

    /// A hop without spaces, brackets or port (`[2001:db8::1]:443`, `192.0.2.1:8080`).
    static func normalized(_ text: String) -> String? {
        var value = text.trimmingSpaces()
        if value.hasPrefix("[") {
            guard let close = value.firstIndex(of: "]") else { return nil }
            value = String(value[value.index(after: value.startIndex)..<close])
        } else if value.filter({ $0 == ":" }).count == 1, let colon = value.firstIndex(of: ":") {
            value = String(value[..<colon])
        }
        return value.isEmpty ? nil : value
    }

    /// The 4 or 16 bytes of a literal address.
    static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}

extension String {
    /// Without leading and trailing spaces (Domain does without Foundation's trimming).
    fileprivate func trimmingSpaces() -> String {
        var slice = Substring(self)
        while slice.first == " " { slice.removeFirst() }
        while slice.last == " " { slice.removeLast() }
        return String(slice)
    }
}
