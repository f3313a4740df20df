import Foundation
import PostgresNIO
import Store
import Testing

/// What the services read at start to refuse a database that lacks their release's migrations.
@Suite("Schema version check", .timeLimit(.minutes(2)))
struct SchemaVersionTests {
    @Test("the version the services require is the newest migration in sql/")
    func requiredIsNewest() throws {
        let newest = try Migration.load(from: TestDatabase.migrationsDirectory).map(\.version).max()
        #expect(newest == SchemaVersion.required)
    }

    @Test("a schema behind the release is refused with the command to run; a current or newer one passes")
    func behindCurrentNewer() async throws {
        let owner = try await TestDatabase.fresh()
        let app = try TestDatabase.app().with(database: owner.database)
        let migrations = try Migration.load(from: TestDatabase.migrationsDirectory)
        try await Database.with(owner, logger: TestDatabase.logger) { database in
            _ = try await MigrationRunner(database: database).migrate(migrations.filter { $0.version < SchemaVersion.required })
        }
        try await Database.with(app, logger: TestDatabase.logger) { database in
            // Before the newest migration the services' role cannot read the table: older.
            let applied = try await SchemaVersion.applied(database)
            #expect(applied == nil)
            await #expect(throws: SchemaBehind(applied: nil, required: SchemaVersion.required)) {
                try await SchemaVersion.waitUntilCurrent(database, logger: TestDatabase.logger)
            }
            #expect(SchemaBehind(applied: 30, required: 31).description
                .contains("is at migration 30, and this release needs migration 31: apply the migrations first (tenantdesk-admin migrate)"))
        }
        try await Database.with(owner, logger: TestDatabase.logger) { database in
            _ = try await MigrationRunner(database: database).migrate(migrations)
        }
        try await Database.with(app, logger: TestDatabase.logger) { database in
            let applied = try await SchemaVersion.applied(database)
            #expect(applied == SchemaVersion.required)
            let checked = try await SchemaVersion.waitUntilCurrent(database, logger: TestDatabase.logger)
            #expect(checked == SchemaVersion.required)
            // A release that needs more than is there is refused by the same check.
            await #expect(throws: SchemaBehind(applied: SchemaVersion.required, required: SchemaVersion.required + 1)) {
                try await SchemaVersion.waitUntilCurrent(database, required: SchemaVersion.required + 1, logger: TestDatabase.logger)
            }
        }
        // The next release's migrations come before its services: this release keeps running.
        try await Database.with(owner, logger: TestDatabase.logger) { database in
            try await database.client.query("INSERT INTO schema_migrations (version, name, checksum) VALUES (999, 'next', 'x')")
        }
        try await Database.with(app, logger: TestDatabase.logger) { database in
            let checked = try await SchemaVersion.waitUntilCurrent(database, logger: TestDatabase.logger)
            #expect(checked == 999)
        }
    }
}
