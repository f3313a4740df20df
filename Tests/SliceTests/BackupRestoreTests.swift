import Foundation
import PostgresNIO
import Store
import Testing

/// The backup the operations guide describes: `pg_dump --enable-row-security` as the owner, then
/// `pg_restore` as the owner into an empty database, gives back every row, with the stored
/// search columns computed as before (English and Japanese) and row-level security in force.
@Suite("Backup and restore", .timeLimit(.minutes(3)))
struct BackupRestoreTests {
    @Test("a dump made as the owner restores into an empty database: same rows, same search columns, RLS forced")
    func dumpAndRestore() async throws {
        let env = ProcessInfo.processInfo.environment
        guard let ownerURL = env["TD_TEST_DATABASE_OWNER_URL"], env["TD_STACK_DIR"] != nil else {
            throw SliceError("TD_TEST_DATABASE_OWNER_URL and TD_STACK_DIR must be set: run script/test")
        }
        let prepared = try await SliceStack.prepare(prefix: "td_backup")
        let source = prepared.environment.owner
        let restoredName = "\(source.database)_restored"
        try await Database.with(source, logger: SliceStack.logger) { database in
            try await database.client.query("CREATE DATABASE \(unescaped: restoredName)")
        }
        let base = ownerURL.prefix { $0 != "?" }
        let server = base[..<(base.lastIndex(of: "/") ?? base.endIndex)]
        let dump = FileManager.default.temporaryDirectory.appendingPathComponent("\(source.database).dump").path
        defer { try? FileManager.default.removeItem(atPath: dump) }

        // Without --enable-row-security the owner's dump stops at the first table that forces it.
        await #expect(throws: SliceError.self) {
            try await RestartDrill.services("\"$TD_PG_BIN/pg_dump\" '\(server)/\(source.database)' -Fc -f '\(dump)'")
        }
        try await RestartDrill.services("""
            "$TD_PG_BIN/pg_dump" '\(server)/\(source.database)' --enable-row-security -Fc -f '\(dump)' && \
            "$TD_PG_BIN/pg_restore" -d '\(server)/\(restoredName)' --exit-on-error '\(dump)'
            """)

        let restored = source.with(database: restoredName)
        let facts = "(SELECT count(*) FROM schema_migrations)::text || ' ' || (SELECT count(*) FROM admins)::text || ' ' || (SELECT count(*) FROM phone_support_lines)::text"
        let searches = "SELECT count(*)::int, md5(string_agg(id || ':' || search::text, '|' ORDER BY id)) FROM kb_articles"
        func read(_ configuration: DatabaseConfiguration) async throws -> (String, Int, String, Int) {
            try await Database.with(configuration, logger: SliceStack.logger) { database in
                let counts = try await database.client.query("SELECT \(unescaped: facts)").collect().first?.decode(String.self) ?? ""
                let search = try await database.client.query("\(unescaped: searches)").collect().first
                let (articles, digest) = try search?.decode((Int, String).self) ?? (0, "")
                let forced = try await database.client.query("""
                    SELECT count(*)::int FROM pg_class WHERE relname IN ('service_requests', 'admins', 'tenants') AND relforcerowsecurity
                    """).collect().first?.decode(Int.self) ?? 0
                return (counts, articles, digest, forced)
            }
        }
        let before = try await read(source)
        let after = try await read(restored)
        #expect(before.1 > 0, "the catalogue's articles are there to compare")
        #expect(after.0 == before.0, "migrations, admins and phone lines")
        #expect(after.1 == before.1 && after.2 == before.2, "the same articles with the same search columns")
        #expect(after.3 == 3, "row-level security is forced on the restored tables")
    }
}
