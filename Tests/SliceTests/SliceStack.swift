import AMQP
import Contracts
import Foundation
import GatewayApp
import Logging
import PostgresNIO
import RoleService
import ServiceLifecycle
import Store
import Testing
import WorkerService

/// One migrated database with a bootstrapped operator, and a role service and a worker running
/// in this process against it and the test RabbitMQ. Started once, shared by the slice tests.
actor SliceStack {
    static let shared = SliceStack()

    static let operatorEmail = "operator@slice.tenantdesk.test"
    static let operatorPassword = "slice-operator-passphrase"

    struct Environment: Sendable {
        var owner: DatabaseConfiguration
        var amqp: AMQPConfiguration
        /// The SMTP server the shared worker e-mails notifications through (nil in a prepared stack).
        var smtp: SMTPSink? = nil
    }

    private var starting: Task<Environment, any Error>?

    static var logger: Logger {
        var logger = Logger(label: "slice-tests")
        logger.logLevel = .warning
        return logger
    }

    /// Starts the stack the first time; later calls wait for that start.
    func start() async throws -> Environment {
        if let starting { return try await starting.value }
        let task = Task { try await Self.launch() }
        starting = task
        return try await task.value
    }

    /// A fresh database (migrated, with the operator and a phone directory) and vhost on the
    /// test servers; nothing runs yet.
    struct Prepared: Sendable {
        var environment: Environment
        var app: DatabaseConfiguration
    }

    static func prepare(prefix: String = "td_slice") async throws -> Prepared {
        let env = ProcessInfo.processInfo.environment
        guard let ownerURL = env["TD_TEST_DATABASE_OWNER_URL"], let appURL = env["TD_TEST_DATABASE_APP_URL"],
              let amqpURL = env["TD_TEST_AMQP_URL"]
        else {
            Issue.record("TD_TEST_DATABASE_OWNER_URL, TD_TEST_DATABASE_APP_URL and TD_TEST_AMQP_URL must be set: run script/test")
            throw SliceError("test environment missing")
        }
        guard let ownerBase = DatabaseConfiguration(url: ownerURL, maximumConnections: 4),
              let appBase = DatabaseConfiguration(url: appURL, maximumConnections: 8),
              var amqp = AMQPConfiguration(url: amqpURL, connectionName: "slice")
        else { throw SliceError("malformed test URLs") }
        amqp.initialReconnectDelay = .milliseconds(50)

        let name = "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
        // A vhost of its own: work queues and events of other stacks on the broker stay apart.
        amqp.virtualHost = try await Self.createVirtualHost(name, user: amqp.user)
        let logger = Self.logger
        try await Database.with(ownerBase, logger: logger) { database in
            try await database.client.query("CREATE DATABASE \(unescaped: name)")
        }
        let owner = ownerBase.with(database: name)
        let migrations = try Migration.load(from: Self.repositoryRoot.appendingPathComponent("sql"))
        try await Database.with(owner, logger: logger) { database in
            _ = try await MigrationRunner(database: database).migrate(migrations)
            _ = try await OperatorBootstrap(database: database, hasher: PasswordHasher(cost: 4))
                .run(name: "Slice Operator", email: Self.operatorEmail, password: Self.operatorPassword)
            try await PhoneDirectory(database: database).upsert(.init(
                country: "JP", countryName: "Japan", phoneNumber: "+81 3 0000 0001", hours: "24x7", languages: ["ja", "en"], notes: nil))
            try await PhoneDirectory(database: database).upsert(.init(
                country: "US", countryName: "United States", phoneNumber: "+1 800 000 0001", hours: "24x7", languages: ["en"], notes: nil))
        }
        return Prepared(environment: Environment(owner: owner, amqp: amqp), app: appBase.with(database: name))
    }

    private static func launch() async throws -> Environment {
        let prepared = try await prepare()
        let sink = try await SMTPSink.start()
        let amqp = prepared.environment.amqp
        let app = prepared.app
        let logger = Self.logger
        var services: [any Service] = []
        var roles = RolesConfiguration(amqp: amqp, database: app, bcryptCost: 4)
        roles.signingKeyReloadInterval = .milliseconds(500)
        roles.signingKeyGrace = .seconds(2)
        services += try RoleServiceApp(configuration: roles, logger: logger).services()
        services += try WorkerApp(configuration: WorkerConfiguration(
            amqp: amqp, database: app, attachmentLimits: AttachmentLimits(perFile: Self.attachmentMaxBytes, perRequest: 600 << 10),
            webhooks: Self.webhookSettings,
            mail: SMTPSettings(
                host: "127.0.0.1", port: sink.port, from: "TenantDesk Tests <desk@slice.tenantdesk.test>", timeout: .seconds(5),
                maxAttempts: 3, retryBase: .milliseconds(200), pollInterval: .milliseconds(200))
        ), logger: logger).services()
        let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) }, logger: logger))
        Task.detached { try await group.run() }

        var environment = prepared.environment
        environment.smtp = sink
        return environment
    }

    /// Runs a role service and an RPC-only worker for a prepared stack in this process while
    /// `body` runs (a stack of its own, for tests that change what every caller depends on).
    static func running(_ prepared: Prepared, _ body: @Sendable (Environment) async throws -> Void) async throws {
        var roles = RolesConfiguration(amqp: prepared.environment.amqp, database: prepared.app, bcryptCost: 4)
        roles.signingKeyReloadInterval = .milliseconds(500)
        roles.signingKeyGrace = .seconds(1)
        var services = try RoleServiceApp(configuration: roles, logger: logger).services()
        services += try WorkerApp(configuration: WorkerConfiguration(
            amqp: prepared.environment.amqp, database: prepared.app, roles: [.rpc]), logger: logger).services()
        let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) }, logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            defer { tasks.cancelAll() }
            try await body(prepared.environment)
        }
    }

    /// Creates vhost `name` on the test broker with full permissions for `user`.
    static func createVirtualHost(_ name: String, user: String) async throws -> String {
        try await rabbitmqctl("add_vhost", name)
        try await rabbitmqctl("set_permissions", "-p", name, user, ".*", ".*", ".*")
        return name
    }

    /// Runs `script/rabbitmqctl` (the test node) and returns its output.
    @discardableResult
    static func rabbitmqctl(_ arguments: String...) async throws -> String {
        let root = repositoryRoot
        return try await offPool {
            let process = Process()
            process.executableURL = root.appendingPathComponent("script/rabbitmqctl")
            process.arguments = arguments
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw SliceError("rabbitmqctl \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
            }
            return String(decoding: data, as: UTF8.self)
        }
    }

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Webhooks as the tests need them: receivers on loopback, a 1 s timeout, 3 attempts with
    /// short waits, and a quick poll.
    static let webhookSettings = WebhookSettings(
        timeout: .seconds(1), maxAttempts: 3, retryBase: .milliseconds(100), retryCap: .seconds(1), concurrency: 8,
        allowPrivateTargets: true, pollInterval: .milliseconds(200))

    /// Small attachment limits, so that the tests reach them: 256 KiB per file, 600 KiB per request.
    static let attachmentMaxBytes = 256 << 10

    /// A gateway configured for tests: an ephemeral port, a small body limit, short deadlines.
    /// Readiness waits as long as any call (5 s, not 1 s): the suites run side by side on two
    /// cores, and a ping queued behind their work is not a service that is down.
    static func gatewayConfiguration(_ environment: Environment) -> GatewayConfiguration {
        var amqp = environment.amqp
        amqp.connectionName = "slice-gateway"
        var configuration = GatewayConfiguration(
            host: "127.0.0.1", port: 0, maxBodyBytes: 4096, rpcTimeout: .seconds(5), readinessTimeout: .seconds(5), amqp: amqp)
        configuration.attachmentMaxBytes = attachmentMaxBytes
        return configuration
    }
}

struct SliceError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
