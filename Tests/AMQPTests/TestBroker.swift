import AMQP
import Foundation
import Logging
import Testing

/// The RabbitMQ that `script/test` started, read from `TD_TEST_AMQP_URL`.
enum TestBroker {
    static func configuration(name: String = "amqp-tests") throws -> AMQPConfiguration {
        guard let url = ProcessInfo.processInfo.environment["TD_TEST_AMQP_URL"] else {
            Issue.record("TD_TEST_AMQP_URL is not set: run the tests with script/test, which starts RabbitMQ")
            throw TestSetupError.missingEnvironment("TD_TEST_AMQP_URL")
        }
        guard var configuration = AMQPConfiguration(url: url, connectionName: name) else {
            throw TestSetupError.missingEnvironment("TD_TEST_AMQP_URL is malformed: \(url)")
        }
        configuration.initialReconnectDelay = .milliseconds(50)
        configuration.maximumReconnectDelay = .milliseconds(500)
        return configuration
    }

    static var logger: Logger {
        var logger = Logger(label: "amqp-tests")
        logger.logLevel = .warning
        return logger
    }

    /// A started and connected client.
    static func connect(name: String = "amqp-tests", topology: AMQPTopology = AMQPTopology()) async throws -> AMQPConnection {
        let connection = try AMQPConnection(configuration: configuration(name: name), topology: topology, logger: logger)
        try await connection.waitUntilConnected(timeout: .seconds(10))
        return connection
    }

    static func uniqueName(_ prefix: String) -> String {
        "\(prefix).\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Has the broker close the connection whose client-provided name is `name`, as an
    /// operator's `rabbitmqctl close_connection` would. Other connections are left alone.
    static func closeConnection(named name: String) throws {
        let listing = try rabbitmqctl("-q", "list_connections", "-p", "tenantdesk", "pid", "client_properties")
        let lines = listing.split(separator: "\n").filter { $0.contains("\"\(name)\"") }
        guard let line = lines.first, let pid = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first else {
            throw TestSetupError.commandFailed("no connection named \(name) in: \(listing)")
        }
        _ = try rabbitmqctl("close_connection", String(pid), "test: connection closed by the broker")
    }

    /// Runs `rabbitmqctl` against the test node through `script/rabbitmqctl` and returns its output.
    @discardableResult
    static func rabbitmqctl(_ arguments: String...) throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let process = Process()
        process.executableURL = root.appendingPathComponent("script/rabbitmqctl")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestSetupError.commandFailed("rabbitmqctl \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

enum TestSetupError: Error {
    case missingEnvironment(String)
    case commandFailed(String)
}

extension Array where Element == UInt8 {
    init(text: String) { self = Array(text.utf8) }
    var text: String { String(decoding: self, as: UTF8.self) }
}
