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

    static func ipv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isNumber), let value = UInt8(part) else { return nil }
            bytes.append(value)
        }
        return bytes
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
