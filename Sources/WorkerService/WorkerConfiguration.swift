import AMQP
import Domain
import Foundation
import Settings
import Store

/// Configuration of the worker, from the environment:
/// - `TD_AMQP_URL`, `TD_AMQP_HEARTBEAT`: RabbitMQ.
/// - `TD_DATABASE_URL`: PostgreSQL as the non-owner role `tenantdesk_app`.
/// - `TD_RPC_CONCURRENCY`: RPC requests handled at once (prefetch), 1–256 (default 32).
/// - `TD_HOUSEKEEPING_INTERVAL_SECONDS`: how often expired drafts and idempotency keys are
///   deleted, 10–86400 (default 600).
/// - `TD_ATTACHMENT_MAX_BYTES` (default 25 MiB) and `TD_REQUEST_ATTACHMENTS_MAX_BYTES` (default
///   100 MiB): the size limits of one attachment and of all of a request's attachments.
/// - `TD_WORKER_ROLES`: what this copy does, comma-separated (default: all of them): `rpc` (the
///   worker's RPC queue), `triage` (triage and assignment of submitted requests, and the sweep
///   that assigns what waited), `sla` (first-response monitoring), `notifications` (the
///   notification feed from request events), `dead-letters` (keeps dead
///   letters in PostgreSQL), `housekeeping`.
/// - `TD_CONSUMER_PREFETCH`: messages each work-queue consumer handles at once, 1–256 (default 16).
/// - `TD_SLA_INTERVAL_SECONDS`: how often the SLA monitor looks, 1–3600 (default 15).
/// - `TD_ASSIGNMENT_SWEEP_SECONDS`: how often unassigned requests are offered again, 1–3600
///   (default 60).
/// - `TD_WEBHOOK_*`: webhook deliveries (see `WebhookSettings`).
/// - `TD_SMTP_*`: e-mail of notifications (see `mail(_:)`).
/// - `TD_LOG_LEVEL`.
public struct WorkerConfiguration: Sendable {
    public var amqp: AMQPConfiguration
    public var database: DatabaseConfiguration
    public var rpcConcurrency: Int
    public var housekeepingInterval: Duration
    public var attachmentLimits: AttachmentLimits
    public var roles: Set<WorkerRole>
    public var consumerPrefetch: Int
    public var slaInterval: Duration
    public var assignmentSweepInterval: Duration
    public var webhooks: WebhookSettings
    /// The SMTP server notifications are also e-mailed through; nil: no e-mail.
    public var mail: SMTPSettings?

    public init(
        amqp: AMQPConfiguration, database: DatabaseConfiguration, rpcConcurrency: Int = 32,
        housekeepingInterval: Duration = .seconds(600), attachmentLimits: AttachmentLimits = AttachmentLimits(),
        roles: Set<WorkerRole> = Set(WorkerRole.allCases), consumerPrefetch: Int = 16, slaInterval: Duration = .seconds(15),
        assignmentSweepInterval: Duration = .seconds(60), webhooks: WebhookSettings = WebhookSettings(),
        mail: SMTPSettings? = nil
    ) {
        self.amqp = amqp
        self.database = database
        self.rpcConcurrency = rpcConcurrency
        self.housekeepingInterval = housekeepingInterval
        self.attachmentLimits = attachmentLimits
        self.roles = roles
        self.consumerPrefetch = consumerPrefetch
        self.slaInterval = slaInterval
        self.assignmentSweepInterval = assignmentSweepInterval
        self.webhooks = webhooks
        self.mail = mail
    }

    public init(environment: Environment) throws(ConfigurationError) {
        let concurrency = try environment.int("TD_RPC_CONCURRENCY", default: 32, in: 1...256)
        self.init(
            amqp: try environment.amqp(connectionName: "tenantdesk-worker"),
            database: try environment.database("TD_DATABASE_URL", default: Defaults.databaseURL, maximumConnections: min(concurrency, 40)),
            rpcConcurrency: concurrency,
            housekeepingInterval: .seconds(try environment.int("TD_HOUSEKEEPING_INTERVAL_SECONDS", default: 600, in: 10...86_400)),
            attachmentLimits: AttachmentLimits(
                perFile: try environment.int("TD_ATTACHMENT_MAX_BYTES", default: 25 << 20, in: 1024...(90 << 20)),
                perRequest: try environment.int("TD_REQUEST_ATTACHMENTS_MAX_BYTES", default: 100 << 20, in: 1024...(1 << 30))),
            roles: try WorkerRole.parse(environment.string("TD_WORKER_ROLES", default: WorkerRole.allCases.map(\.rawValue).joined(separator: ","))),
            consumerPrefetch: try environment.int("TD_CONSUMER_PREFETCH", default: 16, in: 1...256),
            slaInterval: .seconds(try environment.int("TD_SLA_INTERVAL_SECONDS", default: 15, in: 1...3600)),
            assignmentSweepInterval: .seconds(try environment.int("TD_ASSIGNMENT_SWEEP_SECONDS", default: 60, in: 1...3600)),
            webhooks: try WebhookSettings(environment: environment),
            mail: try Self.mail(environment))
    }
}

extension WorkerConfiguration {
    /// `TD_SMTP_URL` (never echoed: it may hold a password), `TD_SMTP_FROM`,
    /// `TD_SMTP_TIMEOUT_SECONDS` (1–300, default 30) and `TD_SMTP_MAX_ATTEMPTS` (1–20, default 8).
    static func mail(_ environment: Environment) throws(ConfigurationError) -> SMTPSettings? {
        let url = environment.string("TD_SMTP_URL", default: "")
        guard !url.isEmpty else { return nil }
        let from = environment.string("TD_SMTP_FROM", default: "")
        guard !from.isEmpty, !from.contains("\r"), !from.contains("\n") else {
            throw ConfigurationError(key: "TD_SMTP_FROM", problem: "is required with TD_SMTP_URL, e.g. \"TenantDesk <support@example.com>\"")
        }
        guard var settings = SMTPSettings(url: url, from: from) else {
            throw ConfigurationError(key: "TD_SMTP_URL", problem: "must be smtp://[user:password@]host[:port] or smtps://…")
        }
        guard MailFormat.isAddress(settings.envelopeFrom) else {
            throw ConfigurationError(key: "TD_SMTP_FROM", problem: "must hold an address, e.g. \"TenantDesk <support@example.com>\"")
        }
        settings.timeout = .seconds(try environment.int("TD_SMTP_TIMEOUT_SECONDS", default: 30, in: 1...300))
        settings.maxAttempts = try environment.int("TD_SMTP_MAX_ATTEMPTS", default: 8, in: 1...20)
        return settings
    }
}

/// What one worker copy does (`TD_WORKER_ROLES`), so operators scale each part on its own.
public enum WorkerRole: String, Sendable, CaseIterable {
    case rpc
    case triage
    case sla
    case notifications
    case webhooks
    case deadLetters = "dead-letters"
    case housekeeping

    static func parse(_ text: String) throws(ConfigurationError) -> Set<WorkerRole> {
        var roles: Set<WorkerRole> = []
        for part in text.split(separator: ",") {
            let name = part.trimmingCharacters(in: .whitespaces)
            guard let role = WorkerRole(rawValue: name) else {
                throw ConfigurationError(
                    key: "TD_WORKER_ROLES",
                    problem: "has unknown role \"\(name)\" (known: \(allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            roles.insert(role)
        }
        guard !roles.isEmpty else { throw ConfigurationError(key: "TD_WORKER_ROLES", problem: "names no role") }
        return roles
    }
}

/// How webhook deliveries are made:
/// - `TD_WEBHOOK_TIMEOUT_SECONDS`: the whole of one attempt, connecting included, 1–60 (default 10).
/// - `TD_WEBHOOK_MAX_ATTEMPTS`: attempts before a delivery is dead, 1–20 (default 10).
/// - `TD_WEBHOOK_RETRY_BASE_MS`: the wait after the first failure, doubled after each next one,
///   10–3,600,000 (default 30,000); `TD_WEBHOOK_RETRY_CAP_SECONDS` caps it, 1–86,400 (default
///   21,600). Each wait loses a random part of up to half.
/// - `TD_WEBHOOK_CONCURRENCY`: deliveries in flight at once per worker copy, 1–256 (default 16);
///   one webhook has at most one in flight.
/// - `TD_WEBHOOK_ALLOW_PRIVATE_TARGETS`: allow loopback and private addresses (default false; for
///   a test installation).
public struct WebhookSettings: Sendable {
    public var timeout: Duration
    public var maxAttempts: Int
    public var retryBase: Duration
    public var retryCap: Duration
    public var concurrency: Int
    public var allowPrivateTargets: Bool
    /// How often the dispatcher looks for due deliveries when nothing woke it.
    public var pollInterval: Duration

    public init(
        timeout: Duration = .seconds(10), maxAttempts: Int = 10, retryBase: Duration = .seconds(30), retryCap: Duration = .seconds(21_600),
        concurrency: Int = 16, allowPrivateTargets: Bool = false, pollInterval: Duration = .seconds(1)
    ) {
        self.timeout = timeout
        self.maxAttempts = maxAttempts
        self.retryBase = retryBase
        self.retryCap = retryCap
        self.concurrency = concurrency
        self.allowPrivateTargets = allowPrivateTargets
        self.pollInterval = pollInterval
    }

    public init(environment: Environment) throws(ConfigurationError) {
        self.init(
            timeout: .seconds(try environment.int("TD_WEBHOOK_TIMEOUT_SECONDS", default: 10, in: 1...60)),
            maxAttempts: try environment.int("TD_WEBHOOK_MAX_ATTEMPTS", default: 10, in: 1...20),
            retryBase: .milliseconds(try environment.int("TD_WEBHOOK_RETRY_BASE_MS", default: 30_000, in: 10...3_600_000)),
            retryCap: .seconds(try environment.int("TD_WEBHOOK_RETRY_CAP_SECONDS", default: 21_600, in: 1...86_400)),
            concurrency: try environment.int("TD_WEBHOOK_CONCURRENCY", default: 16, in: 1...256),
            allowPrivateTargets: try environment.bool("TD_WEBHOOK_ALLOW_PRIVATE_TARGETS", default: false))
    }
}
