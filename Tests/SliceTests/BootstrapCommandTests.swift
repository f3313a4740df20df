import Foundation
import Contracts
import PostgresNIO
import Store
import Testing
import WorkerService

@Suite("tenantdesk-admin bootstrap-operator", .serialized, .timeLimit(.minutes(2)))
struct BootstrapCommandTests {
    @Test("running it twice creates one operator and never prints the password")
    func twice() async throws {
        let (url, configuration) = try await Self.migratedDatabase()
        let password = "bootstrap-secret-\(UUID().uuidString.prefix(6))"
        let environment = ["TD_DATABASE_OWNER_URL": url, "TD_BOOTSTRAP_PASSWORD": password, "TD_BCRYPT_COST": "10"]
        var outputs: [String] = []
        for _ in 0..<2 {
            let run = try await Self.admin(
                ["bootstrap-operator", "--name", "First Operator", "--email", "First@Example.com", "--log-level", "trace"],
                environment: environment)
            #expect(run.status == 0, "\(run.output)")
            outputs.append(run.output)
        }
        #expect(outputs[0].contains("created platform operator first@example.com"))
        #expect(outputs[1].contains("exists already"))
        #expect(!outputs.joined().contains(password))

        let count = try await Database.with(configuration, logger: SliceStack.logger) { database in
            let rows = try await database.client.query("SELECT count(*) FROM admins WHERE 'platform_operator' = ANY (roles)").collect()
            return try rows.first?.decode(Int.self)
        }
        #expect(count == 1)
    }

    @Test("a weak password is refused with a clear message and creates nothing")
    func weakPassword() async throws {
        let (url, configuration) = try await Self.migratedDatabase()
        let run = try await Self.admin(
            ["bootstrap-operator", "--name", "X", "--email", "x@example.com"],
            environment: ["TD_DATABASE_OWNER_URL": url, "TD_BOOTSTRAP_PASSWORD": "password1234"])
        #expect(run.status != 0)
        #expect(run.output.contains("password is not acceptable"))
        let count = try await Database.with(configuration, logger: SliceStack.logger) { database in
            try await database.client.query("SELECT count(*) FROM admins").collect().first?.decode(Int.self)
        }
        #expect(count == 0)
    }

    @Test("an unreachable database fails within seconds with one clear line")
    func unreachable() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let run = try await Self.admin(
            ["migrate"], environment: ["TD_DATABASE_OWNER_URL": "postgres://nobody:nothing@127.0.0.1:1/none"])
        #expect(run.status != 0)
        #expect(run.output.contains("PostgreSQL did not answer"))
        #expect(clock.now - start < .seconds(30))
    }

    /// A new database with the migrations applied: its URL and configuration.
    static func migratedDatabase() async throws -> (String, DatabaseConfiguration) {
        let base = try await SliceStack.shared.start().owner
        let name = "td_boot_\(UUID().uuidString.prefix(8).lowercased())"
        try await Database.with(base, logger: SliceStack.logger) { database in
            try await database.client.query("CREATE DATABASE \(unescaped: name)")
        }
        let url = "postgres://\(base.user):\(base.password ?? "")@\(base.host):\(base.port)/\(name)"
        let migrate = try await admin(["migrate"], environment: ["TD_DATABASE_OWNER_URL": url])
        #expect(migrate.status == 0, "\(migrate.output)")
        return (url, base.with(database: name))
    }

    /// Runs the built `tenantdesk-admin` (next to the test bundle) and returns its exit status
    /// and everything it printed.
    static func admin(_ arguments: [String], environment: [String: String]) async throws -> (status: Int32, output: String) {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tenantdesk-admin")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = SliceStack.repositoryRoot
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = try await offPool {
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return data
        }
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

@Suite("Phone directory import", .timeLimit(.minutes(1)))
struct PhoneDirectoryImportTests {
    @Test("an import with one bad line changes nothing")
    func allOrNothing() async throws {
        let (_, configuration) = try await BootstrapCommandTests.migratedDatabase()
        try await Database.with(configuration, logger: SliceStack.logger) { database in
            let directory = PhoneDirectory(database: database)
            let good = PhoneSupportEntry(country: "NZ", countryName: "New Zealand", phoneNumber: "+64 9 000 0001",
                                         hours: "24x7", languages: ["en"], notes: nil)
            var bad = good
            bad.phoneNumber = "call us"
            await #expect(throws: (any Error).self) { try await directory.upsert([good, bad]) }
            #expect(try await directory.lines(country: "NZ").isEmpty)
            try await directory.upsert([good])
            #expect(try await directory.lines(country: "NZ") == [good])
        }
    }
}
