import AMQP
import Settings
import Store

/// Configuration of the role/permission service, from the environment:
/// - `TD_AMQP_URL`, `TD_AMQP_HEARTBEAT`: RabbitMQ.
/// - `TD_DATABASE_URL`: PostgreSQL as the non-owner role `tenantdesk_app`.
/// - `TD_ACCESS_TOKEN_TTL_SECONDS`: access-token lifetime, 60–900 (default 900).
/// - `TD_BCRYPT_COST`: bcrypt cost, 10–16 (default 12): of new password hashes, and of the
///   decoy hash that makes an unknown email cost as much as a wrong password (keep it equal to
///   the cost the stored hashes were made with).
/// - `TD_REFRESH_TOKEN_TTL_DAYS`: refresh-token lifetime, 1–90 days (default 30).
/// - `TD_LOGIN_ACCOUNT_LIMIT`, `TD_LOGIN_ADDRESS_LIMIT`: failed logins within 15 minutes before an
///   account (default 5) or a source address (default 50) is locked.
/// - `TD_REMINDER_INTERVAL_SECONDS`: how often expiry reminders are looked for, 5–3600 (default 60).
/// - `TD_RPC_CONCURRENCY`: RPC requests handled at once (prefetch), 1–256 (default 32).
/// - `TD_LOG_LEVEL`.
public struct RolesConfiguration: Sendable {
    public var amqp: AMQPConfiguration
    public var database: DatabaseConfiguration
    public var accessTokenLifetime: Duration
    public var bcryptCost: Int
    public var rpcConcurrency: Int
    public var refreshTokenLifetime: Duration = .seconds(30 * 86_400)
    var loginLimits = LoginThrottle.Limits()
    public var reminderInterval: Duration = .seconds(60)
    /// How often signing keys are reloaded (a rotation takes effect within this).
    public var signingKeyReloadInterval: Duration = .seconds(60)
    /// A new key signs only once this old: gateways fetch it first (on an unknown kid they
    /// refresh at most once a second, and every five minutes anyway).
    public var signingKeyGrace: Duration = .seconds(75)

    public init(amqp: AMQPConfiguration, database: DatabaseConfiguration, accessTokenLifetime: Duration = .seconds(900),
                bcryptCost: Int = 12, rpcConcurrency: Int = 32) {
        self.amqp = amqp
        self.database = database
        self.accessTokenLifetime = accessTokenLifetime
        self.bcryptCost = bcryptCost
        self.rpcConcurrency = rpcConcurrency
    }

    public init(environment: Environment) throws(ConfigurationError) {
        let concurrency = try environment.int("TD_RPC_CONCURRENCY", default: 32, in: 1...256)
        self.init(
            amqp: try environment.amqp(connectionName: "tenantdesk-roles"),
            database: try environment.database("TD_DATABASE_URL", default: Defaults.databaseURL, maximumConnections: min(concurrency, 40)),
            accessTokenLifetime: .seconds(try environment.int("TD_ACCESS_TOKEN_TTL_SECONDS", default: 900, in: 60...900)),
            bcryptCost: try environment.int("TD_BCRYPT_COST", default: 12, in: 10...16),
            rpcConcurrency: concurrency)
        refreshTokenLifetime = .seconds(86_400 * (try environment.int("TD_REFRESH_TOKEN_TTL_DAYS", default: 30, in: 1...90)))
        loginLimits.accountLimit = try environment.int("TD_LOGIN_ACCOUNT_LIMIT", default: 5, in: 1...100)
        loginLimits.addressLimit = try environment.int("TD_LOGIN_ADDRESS_LIMIT", default: 50, in: 1...10_000)
        reminderInterval = .seconds(try environment.int("TD_REMINDER_INTERVAL_SECONDS", default: 60, in: 5...3600))
    }

    /// Failed logins within 15 minutes before an account, or a source address, is locked.
    public mutating func setLoginLimits(account: Int, address: Int) {
        loginLimits.accountLimit = account
        loginLimits.addressLimit = address
    }
}
