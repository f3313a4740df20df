import Foundation
import PostgresNIO
import Store
import Testing

@Suite("Migrations against PostgreSQL", .serialized, .timeLimit(.minutes(2)))
struct MigrationRunnerTests {
    @Test("applying twice applies each migration once; the second run is a no-op")
    func idempotent() async throws {
        let configuration = try await TestDatabase.fresh()
        let migrations = try Migration.load(from: TestDatabase.migrationsDirectory)
        #expect(migrations.count >= 2)
        try await Database.with(configuration, logger: TestDatabase.logger) { database in
            let runner = MigrationRunner(database: database)
            let first = try await runner.migrate(migrations)
            #expect(first.applied == migrations.map(\.version))
            let second = try await runner.migrate(migrations)
            #expect(second.applied.isEmpty)
            #expect(second.alreadyApplied == migrations.map(\.version))
            let rows = try await database.client.query("SELECT count(*) FROM schema_migrations").collect()
            #expect(try rows.first?.decode(Int.self) == migrations.count)
        }
    }

    @Test("an applied migration whose file changed is refused and nothing more is applied")
    func tampered() async throws {
        let configuration = try await TestDatabase.fresh()
        let original = try Migration.load(from: TestDatabase.migrationsDirectory)
        var edited = original
        edited[0] = Migration(version: original[0].version, name: original[0].name, sql: original[0].sql + "\n-- edited\n")
        let migrations = edited
        try await Database.with(configuration, logger: TestDatabase.logger) { database in
            let runner = MigrationRunner(database: database)
            _ = try await runner.migrate(Array(original.prefix(1)))
            await #expect(throws: MigrationError.checksumMismatch(version: migrations[0].version, name: migrations[0].name)) {
                _ = try await runner.migrate(migrations)
            }
            let rows = try await database.client.query("SELECT count(*) FROM schema_migrations").collect()
            #expect(try rows.first?.decode(Int.self) == 1)
        }
    }

    @Test("two runners at once apply each migration exactly once")
    func concurrentRunners() async throws {
        let configuration = try await TestDatabase.fresh()
        let migrations = try Migration.load(from: TestDatabase.migrationsDirectory)
        let reports = try await withThrowingTaskGroup(of: MigrationRunner.Report.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    try await Database.with(configuration, logger: TestDatabase.logger) { database in
                        try await MigrationRunner(database: database).migrate(migrations)
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let appliedByAll = reports.flatMap(\.applied).sorted()
        #expect(appliedByAll == migrations.map(\.version))
        try await Database.with(configuration, logger: TestDatabase.logger) { database in
            let rows = try await database.client.query("SELECT count(*) FROM schema_migrations").collect()
            #expect(try rows.first?.decode(Int.self) == migrations.count)
        }
    }

    @Test("a failing migration leaves nothing of itself behind")
    func failingMigrationRollsBack() async throws {
        let configuration = try await TestDatabase.fresh()
        let broken = [Migration(version: 1, name: "broken", sql: "CREATE TABLE half (x int);\nSELECT no_such_function();")]
        try await Database.with(configuration, logger: TestDatabase.logger) { database in
            await #expect {
                _ = try await MigrationRunner(database: database).migrate(broken)
            } throws: { error in
                guard case .failed(let version, _, let reason) = error as? MigrationError else { return false }
                return version == 1 && reason.contains("no_such_function")
            }
            let rows = try await database.client.query("SELECT to_regclass('half') IS NULL").collect()
            #expect(try rows.first?.decode(Bool.self) == true)
        }
    }
}
