import ArgumentParser
import Foundation
import Logging
import Settings
import Store

/// `tenantdesk-admin`: migrations, bootstrap and operating tasks. Connects to PostgreSQL as the
/// schema owner (`TD_DATABASE_OWNER_URL`).
@main
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenantdesk-admin",
        abstract: "Operate a TenantDesk installation.",
        discussion: "Connects to PostgreSQL as the schema owner given by TD_DATABASE_OWNER_URL.",
        subcommands: [
            MigrateCommand.self, BootstrapOperatorCommand.self, SeedDemoCommand.self, PhoneNumbersCommand.self, SigningKeysCommand.self,
            DeadLettersCommand.self, TenantsCommand.self, AdminsCommand.self,
        ])
}

/// Options every subcommand shares.
struct GlobalOptions: ParsableArguments {
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (any case; after the subcommand).")
    var logLevel: String = "warning"

    func logger() throws -> Logger {
        guard let level = Logger.Level(rawValue: logLevel.lowercased()) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        var logger = Logger(label: "tenantdesk.admin") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = level
        return logger
    }

    func ownerDatabase() throws -> DatabaseConfiguration {
        do {
            return try Settings.Environment.process.database("TD_DATABASE_OWNER_URL", default: Defaults.ownerDatabaseURL, maximumConnections: 2)
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
