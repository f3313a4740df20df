import Logging
import RoleService
import Settings

let configuration = ProcessStart.configuration("tenantdesk-roles") {
    try RolesConfiguration(environment: .process)
}
ProcessStart.bootstrapLogging(level: ProcessStart.configuration("tenantdesk-roles") { try Environment.process.logLevel() })
let logger = Logger(label: "tenantdesk.roles")
logger.info("starting", metadata: ["amqp": "\(configuration.amqp)", "database": "\(configuration.database)"])
try await RoleServiceApp(configuration: configuration, logger: logger).run()
