import Foundation
import Logging
import PostgresNIO
import Store
import Testing

/// The PostgreSQL that `script/test` started: `TD_TEST_DATABASE_OWNER_URL` (the migration role,
/// allowed to create databases) and `TD_TEST_DATABASE_APP_URL` (the services' role).
enum TestDatabase {
    static func owner() throws -> DatabaseConfiguration { try configuration("TD_TEST_DATABASE_OWNER_URL") }
    static func app() throws -> DatabaseConfiguration { try configuration("TD_TEST_DATABASE_APP_URL") }

    private static func configuration(_ variable: String) throws -> DatabaseConfiguration {
        guard let url = ProcessInfo.processInfo.environment[variable] else {
            Issue.record("\(variable) is not set: run the tests with script/test, which starts PostgreSQL")
            throw SetupError(message: "\(variable) missing")
        }
        guard let configuration = DatabaseConfiguration(url: url, maximumConnections: 4) else {
            throw SetupError(message: "\(variable) is malformed")
        }
        return configuration
    }

    static var logger: Logger {
        var logger = Logger(label: "store-tests")
        logger.logLevel = .warning
        return logger
    }

    static var migrationsDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("sql")
    }

    /// Creates an empty database owned by the migration role and returns its configuration.
    static func fresh() async throws -> DatabaseConfiguration {
        let owner = try owner()
        let name = "td_test_\(UUID().uuidString.prefix(8).lowercased())"
        try await Database.with(owner, logger: logger) { database in
            try await database.client.query("CREATE DATABASE \(unescaped: name)")
        }
        return owner.with(database: name)
    }

    struct SetupError: Error { var message: String }
}
