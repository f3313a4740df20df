import Logging
import Settings
import WorkerService

let configuration = ProcessStart.configuration("tenantdesk-worker") {
    try WorkerConfiguration(environment: .process)
}
ProcessStart.bootstrapLogging(level: ProcessStart.configuration("tenantdesk-worker") { try Environment.process.logLevel() })
let logger = Logger(label: "tenantdesk.worker")
logger.info("starting", metadata: ["amqp": "\(configuration.amqp)", "database": "\(configuration.database)"])
try await WorkerApp(configuration: configuration, logger: logger).run()
