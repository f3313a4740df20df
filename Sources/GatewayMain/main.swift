import GatewayApp
import Hummingbird
import Logging
import Settings

let configuration = ProcessStart.configuration("tenantdesk-gateway") {
    try GatewayConfiguration(environment: .process)
}
ProcessStart.bootstrapLogging(level: ProcessStart.configuration("tenantdesk-gateway") { try Environment.process.logLevel() })
let logger = Logger(label: "tenantdesk.gateway")
logger.info("starting", metadata: ["amqp": "\(configuration.amqp)", "listen": "\(configuration.host):\(configuration.port)"])
let app = try Gateway(configuration: configuration, logger: logger).buildApplication()
try await app.runService()
