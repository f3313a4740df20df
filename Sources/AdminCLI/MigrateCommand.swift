import ArgumentParser
import Foundation
import Store

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply the migrations of sql/ that are not applied yet.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Folder of NNNN_name.sql files (default: TD_MIGRATIONS_DIR, else ./sql).")
    var migrations: String?

    func run() async throws {
        let directory = migrations ?? ProcessInfo.processInfo.environment["TD_MIGRATIONS_DIR"] ?? "sql"
        let loaded = try Migration.load(from: URL(fileURLWithPath: directory))
        let report = try await Database.with(try global.ownerDatabase(), logger: try global.logger()) { database in
            try await MigrationRunner(database: database).migrate(loaded)
        }
        if report.applied.isEmpty {
            print("schema is up to date (\(report.alreadyApplied.count) migrations applied)")
        } else {
            print("applied \(report.applied.count) migration(s): \(report.applied.map(String.init).joined(separator: ", "))")
        }
    }
}
