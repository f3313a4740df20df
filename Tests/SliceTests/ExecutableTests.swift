import Foundation
import PostgresNIO
import Store
import Testing

@Suite("The executables: configuration errors and signals", .timeLimit(.minutes(2)))
struct ExecutableTests {
    static func binary(_ name: String) -> URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name)
    }

    static func process(_ name: String, environment: [String: String]) -> (Process, Pipe) {
        let process = Process()
        process.executableURL = binary(name)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        return (process, pipe)
    }

    /// The test database URL `url` (ending in `/tenantdesk`) naming `database` instead.
    static func url(_ url: String, database: String) throws -> String {
        guard url.hasSuffix("/tenantdesk") else { throw SliceError("unexpected database URL \(url)") }
        return url.dropLast("tenantdesk".count) + database
    }

    @Test("a malformed value stops the process at start with one line naming the variable", arguments: [
        ("tenantdesk-gateway", "TD_HTTP_PORT", "eighty"),
        ("tenantdesk-gateway", "TD_AMQP_URL", "http://nope"),
        ("tenantdesk-roles", "TD_DATABASE_URL", "mysql://x"),
        ("tenantdesk-roles", "TD_ACCESS_TOKEN_TTL_SECONDS", "86400"),
        ("tenantdesk-worker", "TD_RPC_CONCURRENCY", "0"),
        ("tenantdesk-worker", "TD_LOG_LEVEL", "loud"),
    ])
    func malformedConfiguration(executable: String, variable: String, value: String) async throws {
        let (process, pipe) = Self.process(executable, environment: [variable: value])
        try process.run()
        let output = try await offPool {
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        #expect(process.terminationStatus == 2)
        let lines = output.split(separator: "\n")
        #expect(lines.count == 1, "\(output)")
        #expect(output.contains(variable))
        #expect(output.hasPrefix("\(executable): configuration error"))
    }

    @Test("SIGTERM stops a running worker cleanly")
    func sigterm() async throws {
        let environment = try await SliceStack.shared.start()
        let env = ProcessInfo.processInfo.environment
        guard let amqpURL = env["TD_TEST_AMQP_URL"], let appURL = env["TD_TEST_DATABASE_APP_URL"] else {
            throw SliceError("test environment missing")
        }
        let databaseURL = try Self.url(appURL, database: environment.owner.database)
        let (process, pipe) = Self.process("tenantdesk-worker", environment: [
            "TD_AMQP_URL": amqpURL, "TD_DATABASE_URL": databaseURL, "TD_LOG_LEVEL": "info",
        ])
        try process.run()
        // Wait until it has connected, then ask it to stop.
        let reader = pipe.fileHandleForReading
        var log = try await offPool {
            var log = ""
            let deadline = ContinuousClock.now + .seconds(20)
            while !log.contains("AMQP connected"), ContinuousClock.now < deadline {
                log += String(decoding: reader.availableData, as: UTF8.self)
            }
            return log
        }
        #expect(log.contains("AMQP connected"))
        let clock = ContinuousClock()
        let start = clock.now
        process.terminate()
        log += try await offPool {
            process.waitUntilExit()
            return String(decoding: reader.readDataToEndOfFile(), as: UTF8.self)
        }
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0, "\(log)")
        // Loose: on a loaded machine everything can take seconds longer.
        #expect(clock.now - start < .seconds(30))
        #expect(log.contains("AMQP connection closed"))
    }

    @Test("a worker started against a database that lacks this release's migrations stops with the command to run")
    func schemaBehind() async throws {
        let environment = try await SliceStack.shared.start()
        let env = ProcessInfo.processInfo.environment
        guard let amqpURL = env["TD_TEST_AMQP_URL"], let appURL = env["TD_TEST_DATABASE_APP_URL"] else {
            throw SliceError("test environment missing")
        }
        let name = "td_behind_\(UUID().uuidString.prefix(8).lowercased())"
        try await Database.with(environment.owner, logger: SliceStack.logger) { database in
            try await database.client.query("CREATE DATABASE \(unescaped: name)")
        }
        let migrations = try Migration.load(from: SliceStack.repositoryRoot.appendingPathComponent("sql"))
        try await Database.with(environment.owner.with(database: name), logger: SliceStack.logger) { database in
            _ = try await MigrationRunner(database: database).migrate(migrations.filter { $0.version < SchemaVersion.required })
        }
        let (process, pipe) = Self.process("tenantdesk-worker", environment: [
            "TD_AMQP_URL": amqpURL, "TD_DATABASE_URL": try Self.url(appURL, database: name),
            "TD_LOG_LEVEL": "info",
        ])
        try process.run()
        // A worker that never stops is stopped after a minute (and fails the test below).
        let watchdog = Task {
            try await Task.sleep(for: .seconds(60))
            process.terminate()
        }
        let log = try await offPool {
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        watchdog.cancel()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 1, "\(log)")
        #expect(log.contains("the database schema is older than migration 31"), "\(log)")
        #expect(log.contains("apply the migrations first (tenantdesk-admin migrate)"))
        #expect(!log.contains("AMQP connected"), "it stops before starting anything: \(log)")
        try await Database.with(environment.owner, logger: SliceStack.logger) { database in
            try await database.client.query("DROP DATABASE \(unescaped: name)")
        }
    }
}

/// Runs blocking work (waiting for a child process, reading its pipe) on a thread of its own,
/// never on the cooperative pool, which has as few threads as the machine has cores.
func offPool<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Swift.Result { try work() }) }.start()
    }
}
