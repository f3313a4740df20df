import Foundation
import NIOSSL
import PostgresNIO

/// How to reach PostgreSQL, parsed from a `postgres://user:password@host:port/database` URL.
/// `?sslmode=require` asks for TLS (certificate verified), `?sslmode=prefer` uses it when offered.
public struct DatabaseConfiguration: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    /// Never logged.
    public var password: String?
    public var database: String
    public var tlsMode: TLSMode
    /// Connections kept in the pool at most.
    public var maximumConnections: Int
    /// Connections kept open even when idle (at most `maximumConnections`); the others close
    /// after a minute idle.
    public var minimumConnections = 0
    /// How often an idle connection runs `SELECT 1`, so that a connection dropped silently (by a
    /// firewall or NAT between the service and PostgreSQL) is found before a request needs it;
    /// nil for never. PostgresNIO schedules (and cancels) a timer for it each time a connection
    /// goes back to the pool.
    public var keepAlive: Duration? = .seconds(30)

    public enum TLSMode: String, Sendable { case disable, prefer, require }

    /// Parses a URL; `nil` when it is malformed.
    public init?(url: String, maximumConnections: Int = 20) {
        guard let components = URLComponents(string: url),
              components.scheme == "postgres" || components.scheme == "postgresql",
              let host = components.host, !host.isEmpty,
              let user = components.user, !user.isEmpty
        else { return nil }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !database.isEmpty else { return nil }
        var mode = TLSMode.disable
        if let value = components.queryItems?.first(where: { $0.name == "sslmode" })?.value {
            guard let parsed = TLSMode(rawValue: value) else { return nil }
            mode = parsed
        }
        self.host = host
        self.port = components.port ?? 5432
        self.user = user
        self.password = components.password
        self.database = database
        self.tlsMode = mode
        self.maximumConnections = maximumConnections
    }

    /// A copy that connects to another database of the same server.
    public func with(database: String) -> DatabaseConfiguration {
        var copy = self
        copy.database = database
        return copy
    }

    /// The address without the password, safe to log.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    /// PostgresNIO's configuration.
    public var clientConfiguration: PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch tlsMode {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(.makeClientConfiguration())
        case .require: tls = .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectionIdleTimeout = .seconds(60)
        configuration.options.minimumConnections = min(minimumConnections, maximumConnections)
        configuration.options.keepAliveBehavior = keepAlive.map { .init(frequency: $0) }
        // No JIT compilation: PostgreSQL compiles a statement whose estimated cost passes
        // jit_above_cost, and a statement that might read a large tenant's history (a text
        // search's fallback branch, a count) can pass it even when it reads a few rows. Compiling
        // took about 100 ms; the statements themselves take milliseconds.
        configuration.options.additionalStartupParameters = [("jit", "off")]
        return configuration
    }
}
