/// Where and how to connect to RabbitMQ.
public struct AMQPConfiguration: Sendable, Equatable {
    /// Broker host name or address.
    public var host: String
    /// Broker port.
    public var port: Int
    /// Virtual host.
    public var virtualHost: String
    /// User name.
    public var user: String
    /// Password. Never logged.
    public var password: String
    /// Heartbeat interval in seconds; a silent peer is noticed within two of them.
    public var heartbeatSeconds: Int
    /// Name shown for the connection in the broker's management tools.
    public var connectionName: String
    /// First delay before reconnecting; doubles up to `maximumReconnectDelay`.
    public var initialReconnectDelay: Duration
    /// Upper bound of the reconnect delay.
    public var maximumReconnectDelay: Duration
    /// Deadline for the TCP connect and for each synchronous broker operation (declarations).
    public var operationTimeout: Duration

    /// Creates a configuration; the defaults suit a local broker.
    public init(
        host: String = "127.0.0.1",
        port: Int = 5672,
        virtualHost: String = "/",
        user: String = "guest",
        password: String = "guest",
        heartbeatSeconds: Int = 15,
        connectionName: String = "tenantdesk",
        initialReconnectDelay: Duration = .milliseconds(100),
        maximumReconnectDelay: Duration = .seconds(5),
        operationTimeout: Duration = .seconds(10)
    ) {
        self.host = host
        self.port = port
        self.virtualHost = virtualHost
        self.user = user
        self.password = password
        self.heartbeatSeconds = heartbeatSeconds
        self.connectionName = connectionName
        self.initialReconnectDelay = initialReconnectDelay
        self.maximumReconnectDelay = maximumReconnectDelay
        self.operationTimeout = operationTimeout
    }

    /// Parses `amqp://user:password@host:port/vhost` (the vhost percent-encoded, `%2f` for `/`).
    /// Returns `nil` when the URL is malformed.
    public init?(url: String, connectionName: String = "tenantdesk", heartbeatSeconds: Int = 15) {
        let scheme = "amqp://"
        guard url.hasPrefix(scheme) else { return nil }
        var rest = Substring(url.dropFirst(scheme.count))
        var user = "guest"
        var password = "guest"
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                guard let u = Self.percentDecode(credentials[..<colon]),
                      let p = Self.percentDecode(credentials[credentials.index(after: colon)...])
                else { return nil }
                user = u
                password = p
            } else {
                guard let u = Self.percentDecode(credentials) else { return nil }
                user = u
            }
        }
        var vhost = "/"
        if let slash = rest.firstIndex(of: "/") {
            let encoded = rest[rest.index(after: slash)...]
            if !encoded.isEmpty {
                guard let decoded = Self.percentDecode(encoded) else { return nil }
                vhost = decoded
            }
            rest = rest[..<slash]
        }
        var port = 5672
        var host = String(rest)
        if let colon = rest.lastIndex(of: ":") {
            guard let p = Int(rest[rest.index(after: colon)...]), (1...65535).contains(p) else { return nil }
            port = p
            host = String(rest[..<colon])
        }
        guard !host.isEmpty else { return nil }
        self.init(
            host: host, port: port, virtualHost: vhost, user: user, password: password,
            heartbeatSeconds: heartbeatSeconds, connectionName: connectionName
        )
    }

    private static func percentDecode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next(), let low = iterator.next(),
                      let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
                else { return nil }
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}

extension AMQPConfiguration: CustomStringConvertible {
    /// The address without the password, safe to log.
    public var description: String {
        "amqp://\(user)@\(host):\(port)/\(virtualHost == "/" ? "%2f" : virtualHost)"
    }
}
