import ArgumentParser
import Contracts
import Domain
import Foundation
import Logging
import Messaging
import RoleService
import Store
import WorkerService

struct SeedDemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed-demo",
        abstract: "Load the sample data: the phone-support directory, and a partner with two customers (one relationship active, one awaiting approval). Safe to run again.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Folder of seed files (default: TD_SEED_DIR, else ./seed).")
    var seed: String?

    func run() async throws {
        let directory = seed ?? ProcessInfo.processInfo.environment["TD_SEED_DIR"] ?? "seed"
        let count = try await PhoneDirectoryImport.run(
            file: directory + "/phone-support-lines.json", database: try global.ownerDatabase(), logger: try global.logger())
        print("seeded \(count) phone-support line(s)")
        let created = try await Database.with(try global.ownerDatabase(), logger: try global.logger()) { database in
            try await DemoPartners.seed(database, hasher: PasswordHasher(cost: 12))
        }
        print("seeded \(created) demo tenant(s): a partner with two customers")
    }
}

enum PhoneDirectoryImport {
    static func run(file: String, database configuration: DatabaseConfiguration, logger: Logger) async throws -> Int {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationError("cannot read \(file)")
        }
        let entries: [PhoneSupportEntry]
        do {
            entries = try JSONCodec.decode([PhoneSupportEntry].self, from: Array(data))
        } catch {
            throw ValidationError("\(file) is not an array of phone-support entries: \(error)")
        }
        for entry in entries where Validation.countryCode(entry.country) != entry.country {
            throw ValidationError("\(file): \(entry.country) is not an upper-case ISO 3166-1 alpha-2 code")
        }
        return try await Database.with(configuration, logger: logger) { database in
            try await PhoneDirectory(database: database).upsert(entries)
            return entries.count
        }
    }
}
