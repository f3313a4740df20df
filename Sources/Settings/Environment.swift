import AMQP
import Foundation
import Logging
import Store

/// Reads configuration from environment variables. A malformed value is an error naming the
/// variable; secrets are never echoed back.
public struct Environment: Sendable {
    let values: [String: String]

    public init(_ values: [String: String]) { self.values = values }

    /// The process environment.
    public static var process: Environment { Environment(ProcessInfo.processInfo.environment) }

    public func string(_ key: String, default fallback: String) -> String {
        values[key].flatMap { $0.isEmpty ? nil : $0 } ?? fallback
    }

    public func int(_ key: String, default fallback: Int, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard let raw = values[key], !raw.isEmpty else { return fallback }
        guard let value = Int(raw), range.contains(value) else {
            throw ConfigurationError(key: key, problem: "must be a whole number in \(range.lowerBound)...\(range.upperBound), got \"\(raw)\"")
        }
        return value
    }

    /// `true`/`false` (also `1`/`0`, `yes`/`no`).
    public func bool(_ key: String, default fallback: Bool) throws(ConfigurationError) -> Bool {
        guard let raw = values[key], !raw.isEmpty else { return fallback }
        switch raw.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw ConfigurationError(key: key, problem: "must be true or false, got \"\(raw)\"")
        }
    }

    public func logLevel(_ key: String = "TD_LOG_LEVEL") throws(ConfigurationError) -> Logger.Level {
        let raw = string(key, default: "info")
        guard let level = Logger.Level(rawValue: raw.lowercased()) else {
            throw ConfigurationError(key: key, problem: "must be one of trace, debug, info, notice, warning, error, critical")
        }
        return level
    }

    /// `TD_AMQP_URL` and `TD_AMQP_HEARTBEAT`.
    public func amqp(connectionName: String, defaultURL: String = Defaults.amqpURL) throws(ConfigurationError) -> AMQPConfiguration {
        let url = string("TD_AMQP_URL", default: defaultURL)
        let heartbeat = try int("TD_AMQP_HEARTBEAT", default: 15, in: 10...30)
        guard let configuration = AMQPConfiguration(url: url, connectionName: connectionName, heartbeatSeconds: heartbeat) else {
            throw ConfigurationError(key: "TD_AMQP_URL", problem: "must look like amqp://user:password@host:port/vhost")
        }
        return configuration
    }

    /// A PostgreSQL URL such as `TD_DATABASE_URL`, with the pool's `TD_DATABASE_MIN_CONNECTIONS`
    /// (connections kept open when idle, default 0) and `TD_DATABASE_KEEPALIVE_SECONDS` (how
    /// often an idle connection is checked, default 30, 0 for never).
    public func database(_ key: String, default fallback: String, maximumConnections: Int = 20) throws(ConfigurationError) -> DatabaseConfiguration {
        let url = string(key, default: fallback)
        guard var configuration = DatabaseConfiguration(url: url, maximumConnections: maximumConnections) else {
            throw ConfigurationError(key: key, problem: "must look like postgres://user:password@host:port/database")
        }
        configuration.minimumConnections = try int("TD_DATABASE_MIN_CONNECTIONS", default: 0, in: 0...40)
        let keepAlive = try int("TD_DATABASE_KEEPALIVE_SECONDS", default: 30, in: 0...3600)
        configuration.keepAlive = keepAlive == 0 ? nil : .seconds(keepAlive)
        return configuration
    }
}

/// A configuration value that cannot be used; the process prints it as one line and exits.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var key: String
    public var problem: String
    public init(key: String, problem: String) {
        self.key = key
        self.problem = problem
    }
    public var description: String { "configuration error: \(key) \(problem)" }
}

/// Local defaults: the addresses `script/server` uses.
public enum Defaults {
    public static let amqpURL = "amqp://tenantdesk:tenantdesk@127.0.0.1:5673/tenantdesk"
    public static let databaseURL = "postgres://tenantdesk_app:tenantdesk_app@127.0.0.1:5433/tenantdesk"
    public static let ownerDatabaseURL = "postgres://tenantdesk_owner:tenantdesk_owner@127.0.0.1:5433/tenantdesk"
}
