import Foundation
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
        let databaseURL = appURL.replacingOccurrences(of: "/tenantdesk", with: "/\(environment.owner.database)")
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
        #expect(clock.now - start < .seconds(10))
        #expect(log.contains("AMQP connection closed"))
    }
}

/// Runs blocking work (waiting for a child process, reading its pipe) on a thread of its own,
/// never on the cooperative pool, which has as few threads as the machine has cores.
func offPool<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Swift.Result { try work() }) }.start()
    }
}
