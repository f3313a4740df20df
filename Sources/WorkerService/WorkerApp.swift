import AMQP
import Contracts
import Domain
import Foundation
import Logging
import Messaging
import PostgresNIO
import ServiceLifecycle
import Store
import Settings

/// The worker: serves its RPC queue until SIGTERM/SIGINT.
public struct WorkerApp: Sendable {
    let configuration: WorkerConfiguration
    let logger: Logger

    public init(configuration: WorkerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// The long-running pieces, in start order; shutdown runs in reverse.
    public func services() throws -> [any Service] {
        let database = Database(configuration: configuration.database, logger: logger)
        let connection = try AMQPConnection(configuration: configuration.amqp, topology: TenantDeskTopology.worker, logger: logger)
        let outbox = Outbox()
        let deliveries = WakeSignal()
        let router = Self.router(
            database: database, outbox: outbox, limits: configuration.attachmentLimits, webhooks: configuration.webhooks,
            wakeDeliveries: { deliveries.wake() }, logger: logger)
        let roles = configuration.roles
        let prefetch = UInt16(configuration.consumerPrefetch)
        var services: [any Service] = [
            database.client, connection,
            OutboxPublisher(outbox: outbox, database: database, connection: connection, logger: logger),
        ]
        if roles.contains(.housekeeping) {
            services.append(Housekeeping(database: database, interval: configuration.housekeepingInterval, logger: logger))
        }
        if roles.contains(.deadLetters) {
            let deadLetters = DeadLetters(database: database, logger: logger)
            services.append(EventConsumer(
                name: "dead-letters", queue: WorkQueue.deadLetters, connection: connection, database: database,
                prefetch: prefetch, logger: logger, mode: .transaction
            ) { message, tx in try await deadLetters.store(message, on: tx) })
        }
        if roles.contains(.triage) {
            let triage = Triage(database: database, logger: logger)
            services.append(EventConsumer(
                name: Triage.consumer, queue: WorkQueue.triage, connection: connection, database: database, prefetch: prefetch,
                logger: logger, mode: .transaction, afterCommit: { outbox.wake() }
            ) { message, tx in try await triage.handle(message, on: tx) })
            services.append(AssignmentSweep(triage: triage, outbox: outbox, interval: configuration.assignmentSweepInterval, logger: logger))
        }
        if roles.contains(.notifications) {
            let notifier = Notifier(
                database: database, access: RPCClient(connection: connection, timeout: .seconds(5)), logger: logger,
                mailEnabled: configuration.mail != nil)
            let mails = WakeSignal()
            services.append(EventConsumer(
                name: "notifications", queue: WorkQueue.notifications, connection: connection, database: database,
                prefetch: prefetch, logger: logger, wanted: Notifier.concernsAnyone, afterCommit: { mails.wake() }
            ) { message, tx in try await notifier.handle(message, on: tx) })
            if let mail = configuration.mail {
                services.append(MailSender(database: database, settings: mail, signal: mails, logger: logger))
            }
        }
        if roles.contains(.webhooks) {
            let fanout = WebhookFanout(logger: logger)
            services.append(EventConsumer(
                name: "webhooks", queue: WorkQueue.webhooks, connection: connection, database: database, prefetch: prefetch,
                logger: logger, mode: .standalone, afterCommit: { deliveries.wake() },
                reporting: { message, tx in try await fanout.handle(message, on: tx) > 0 }))
            services.append(WebhookDispatcher(database: database, settings: configuration.webhooks, signal: deliveries, logger: logger))
        }
        if roles.contains(.sla) {
            services.append(SLAMonitor(database: database, outbox: outbox, interval: configuration.slaInterval, logger: logger))
        }
        if roles.contains(.rpc) {
            services.append(AMQPRPCServer(
                connection: connection, queue: RPCQueue.worker, prefetch: UInt16(configuration.rpcConcurrency), logger: logger
            ) { message in
                // Handlers leave the connection thread (some hash or sniff large uploads); a
                // list read goes straight to a database event loop (`RequestRoutes`).
                await router.handle(message, on: globalConcurrentExecutor)
            })
        }
        return services
    }

    public func run() async throws {
        guard try await SchemaCheck.beforeStart(configuration.database, logger: logger) else { return }
        try await ProcessStart.runUntilSignalled(try services(), logger: logger)
    }

    static func router(
        database: Database, outbox: Outbox, limits: AttachmentLimits, webhooks: WebhookSettings = WebhookSettings(),
        wakeDeliveries: @escaping @Sendable () -> Void = {}, logger: Logger
    ) -> RPCRouter {
        let directory = PhoneDirectory(database: database)
        let instance = ProcessInfo.processInfo.hostName + ":" + String(ProcessInfo.processInfo.processIdentifier)
        var router = RPCRouter(logger: logger)
        router.on(PhoneNumbersMethod.self) { request in
            var country: String?
            if let raw = request.country {
                guard let code = Validation.countryCode(raw) else {
                    throw RPCProblem(
                        status: 400, type: ProblemType.malformedRequest, title: "Invalid country",
                        detail: "country must be an ISO 3166-1 alpha-2 code such as JP")
                }
                country = code
            }
            return PhoneNumbersMethod.Response(entries: try await directory.lines(country: country))
        }
        router.on(WorkerPingMethod.self) { _ in
            PingResponse(service: "worker", instance: instance, database: await database.health(timeout: .milliseconds(500)))
        }
        RequestRoutes(database: database, outbox: outbox, limits: limits, logger: logger).register(on: &router)
        let hooks = Webhooks(database: database, settings: webhooks, logger: logger, wake: wakeDeliveries)
        router.on(WebhooksMethod.self) { request in try await clientData { try await hooks.handle(request) } }
        router.on(WebhookDeliveriesMethod.self) { request in try await clientData { try await hooks.deliveries(request) } }
        return router
    }
}
