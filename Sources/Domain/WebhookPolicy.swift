/// The rules of webhook targets, free of I/O so that they are tested on their own.
public enum WebhookPolicy {
    /// Why a URL cannot be a webhook target.
    public enum TargetRefusal: Error, Equatable, Sendable {
        case malformed(String)
        /// Loopback, private, link-local and similar addresses, refused unless the operator allows
        /// them (a tenant must not make the worker call into the operator's own network).
        case privateAddress(String)
    }

    /// The parts of a target URL that matter.
    public struct Target: Equatable, Sendable {
        public var scheme: String
        public var host: String
        public var port: Int
        public init(scheme: String, host: String, port: Int) {
            self.scheme = scheme
            self.host = host
            self.port = port
        }
    }

    /// Checks a target URL: `http` or `https`, a host, no user information or fragment, at most
    /// 2,000 characters; a literal address or `localhost` in a private range is refused unless
    /// `allowPrivate`. (Names are checked again after resolution, when delivering.)
    public static func target(_ url: String, allowPrivate: Bool) -> Result<Target, TargetRefusal> {
        guard url.count <= 2000, url.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "\\" }) else {
            return .failure(.malformed("url must be an absolute http or https URL of at most 2000 characters"))
        }
        let lower = url.lowercased()
        let scheme: String
        if lower.hasPrefix("https://") { scheme = "https" } else if lower.hasPrefix("http://") { scheme = "http" } else {
            return .failure(.malformed("url must start with https:// or http://"))
        }
        guard !url.contains("#") else { return .failure(.malformed("url must not have a fragment")) }
        let rest = url.dropFirst(scheme.count + 3)
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        guard !authority.contains("@") else { return .failure(.malformed("url must not carry a user name or password")) }
        var host = Substring(authority)
        var port = scheme == "https" ? 443 : 80
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return .failure(.malformed("url has an unclosed IPv6 address")) }
            let after = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let value = Int(after.dropFirst()), (1...65535).contains(value) else {
                    return .failure(.malformed("url has an invalid port"))
                }
                port = value
            }
        } else if let colon = host.lastIndex(of: ":") {
            guard let value = Int(host[host.index(after: colon)...]), (1...65535).contains(value) else {
                return .failure(.malformed("url has an invalid port"))
            }
            port = value
            host = host[..<colon]
        }
        guard !host.isEmpty else { return .failure(.malformed("url has no host")) }
        // A name is letters, digits, dots, dashes and underscores (no percent-encoding); an IPv6
        // address was taken from its brackets above.
        guard authority.hasPrefix("[")
            || host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") })
        else { return .failure(.malformed("url's host has characters a host name cannot have")) }
        let name = host.lowercased()
        if !allowPrivate, isPrivate(host: name) {
            return .failure(.privateAddress("url points at a loopback or private address (\(name))"))
        }
        return .success(Target(scheme: scheme, host: name, port: port))
    }

    /// Whether a host name or literal address is one a tenant's webhook must not reach:
    /// `localhost`, and the loopback, private, link-local, carrier-grade NAT, unspecified,
    /// multicast and unique-local ranges of IPv4 and IPv6 (IPv4-mapped IPv6 included).
    public static func isPrivate(host: String) -> Bool {
        let name = host.lowercased().trimmingSuffix(".")
        if name == "localhost" || name.hasSuffix(".localhost") { return true }
        if let v4 = ipv4(name) { return isPrivate(v4) }
        if name.contains(":") { return isPrivateIPv6(name) }
        return false
    }

    static func isPrivate(_ a: [UInt8]) -> Bool {
        switch (a[0], a[1]) {
        case (0, _), (10, _), (127, _), (169, 254), (192, 168): return true
        case (172, 16...31), (100, 64...127), (198, 18...19): return true
        case (224...255, _): return true
        default: return false
        }
    }

    /// An IPv4 address in any form the resolver accepts (as `inet_aton` reads it), since that is
    /// what a connection to the host would reach: one to four parts, each decimal, octal
    /// (leading `0`) or hexadecimal (`0x`), the last filling the bytes left (`127.1`,
    /// `2130706433`, `0x7f000001` and `0177.0.0.1` are all 127.0.0.1). Nil when `text` is not one.
    static func ipv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return nil }
        var values: [UInt64] = []
        for part in parts {
            guard let value = ipv4Number(part) else { return nil }
            values.append(value)
        }
        let leading = values.dropLast()
        let lastBytes = 4 - leading.count
        guard let last = values.last, leading.allSatisfy({ $0 <= 255 }), last < UInt64(1) << UInt64(8 * lastBytes) else { return nil }
        var bytes = leading.map { UInt8($0) }
        for shift in stride(from: 8 * (lastBytes - 1), through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: last >> UInt64(shift)))
        }
        return bytes
    }

    private static func ipv4Number(_ part: Substring) -> UInt64? {
        guard (1...12).contains(part.count) else { return nil }
        let lower = part.lowercased()
        if lower.hasPrefix("0x") { return UInt64(lower.dropFirst(2), radix: 16) }
        if lower.count > 1, lower.hasPrefix("0") { return UInt64(lower.dropFirst(), radix: 8) }
        return UInt64(lower, radix: 10)
    }

    static func isPrivateIPv6(_ text: String) -> Bool {
        let address = text.split(separator: "%").first.map(String.init) ?? text
        if address == "::" || address == "::1" { return true }
        if let last = address.split(separator: ":").last, last.contains("."), let v4 = ipv4(String(last)) {
            // IPv4-mapped or -compatible.
            return isPrivate(v4)
        }
        let first = address.split(separator: ":", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        guard let head = UInt16(first.isEmpty ? "0" : first, radix: 16) else { return true }
        if head & 0xfe00 == 0xfc00 { return true }  // fc00::/7 unique local
        if head & 0xffc0 == 0xfe80 { return true }  // fe80::/10 link local
        if head & 0xff00 == 0xff00 { return true }  // ff00::/8 multicast
        return first.isEmpty  // ::/8 and friends (unspecified, mapped, compatible)
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
