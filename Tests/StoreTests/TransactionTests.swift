import Foundation
import PostgresNIO
import Store
import Testing

@Suite("Transactions: on their connection's event loop; read-only ones answer before their COMMIT", .serialized, .timeLimit(.minutes(2)))
struct TransactionTests {
    @Test("the body starts and continues after each statement on the connection's event loop")
    func onEventLoop() async throws {
        try await Database.with(try TestDatabase.app(), logger: TestDatabase.logger) { database in
            let threads = try await database.withTransaction { connection in
                var onLoop = [connection.eventLoop.inEventLoop]
                for _ in 0..<3 {
                    _ = try await connection.query("SELECT 1", logger: database.logger).collect()
                    onLoop.append(connection.eventLoop.inEventLoop)
                }
                return onLoop
            }
            #expect(threads == [true, true, true, true])
        }
    }

    @Test("a read-only transaction sees its tenant only, refuses writes, and leaves its one pooled connection clean for the next user")
    func readOnly() async throws {
        let (owner, a, b) = try await RowLevelSecurityTests.twoTenants()
        var app = try TestDatabase.app().with(database: owner.database)
        app.maximumConnections = 1  // every transaction below runs on the same connection
        try await Database.with(app, logger: TestDatabase.logger) { database in
            for _ in 0..<50 {
                let emails = try await database.withReadOnlyTenantTransaction(a, supportAudience: false) { connection in
                    try await connection.query("SELECT email FROM admins", logger: database.logger).collect()
                        .map { try $0.decode(String.self) }
                }
                #expect(emails == ["a@example.com"])
            }
            await #expect(throws: PSQLError.self) {
                try await database.withReadOnlyTenantTransaction(b, supportAudience: false) { connection in
                    try await connection.query("UPDATE admins SET name = 'written'", logger: database.logger)
                }
            }
            // The next user of the connection is outside any transaction block and bound to nothing.
            let bound = try await database.client.query("SELECT current_setting('tenantdesk.tenant_id', true)").collect()
                .first?.decode(String?.self)
            #expect(bound == nil || bound == "")
            await #expect(throws: PSQLError.self, "SAVEPOINT is refused outside a transaction block") {
                try await database.client.query("SAVEPOINT probe")
            }
            // A write after them commits.
            _ = try await database.withTenantTransaction(b) { connection in
                try await connection.query("UPDATE admins SET name = 'renamed'", logger: database.logger)
            }
        }
        try await Database.with(owner, logger: TestDatabase.logger) { database in
            let names = try await database.client.query("SELECT name FROM admins ORDER BY email").collect().map { try $0.decode(String.self) }
            #expect(names == ["N", "renamed"])
        }
    }

    @Test("the tenant binding is prepared once per connection and binds each transaction to its own tenant and audience")
    func preparedBinding() async throws {
        let (owner, a, b) = try await RowLevelSecurityTests.twoTenants()
        var app = try TestDatabase.app().with(database: owner.database)
        app.maximumConnections = 1  // one connection: the binding is prepared on it once
        try await Database.with(app, logger: TestDatabase.logger) { database in
            let settings = """
                SELECT current_setting('tenantdesk.tenant_id'), current_setting('tenantdesk.audience'),
                       current_setting('tenantdesk.read_tenant_ids'), current_setting('tenantdesk.support_scope')
                """
            for round in 0..<8 {  // past the fifth run, where PostgreSQL may switch to a generic plan
                let (tenant, readTenants) = round.isMultiple(of: 2) ? (a, [b]) : (b, [])
                let bound = try await database.withReadOnlyTenantTransaction(
                    tenant, supportAudience: round.isMultiple(of: 2), readTenants: readTenants, supportScope: round == 3
                ) { connection in
                    try await connection.query(PostgresQuery(unsafeSQL: settings), logger: database.logger).collect()
                        .map { try $0.decode((String, String, String, String).self) }
                }
                #expect(bound.first?.0 == tenant.uuidString.lowercased())
                #expect(bound.first?.1 == (round.isMultiple(of: 2) ? "support" : "customer"))
                #expect(bound.first?.2 == readTenants.map { $0.uuidString.lowercased() }.joined(separator: ","))
                #expect(bound.first?.3 == (round == 3 ? "all" : ""))
                let emails = try await database.withTenantTransaction(tenant) { connection in
                    try await connection.query("SELECT email FROM admins", logger: database.logger).collect()
                        .map { try $0.decode(String.self) }
                }
                #expect(emails == [tenant == a ? "a@example.com" : "b@example.com"])
            }
            // The workers' support binding is the same prepared statement.
            let support = try await database.withTransaction { connection in
                try await database.bindForSupport(b, on: connection)
                return try await connection.query(PostgresQuery(unsafeSQL: settings), logger: database.logger).collect()
                    .map { try $0.decode((String, String, String, String).self) }
            }
            #expect(support.first?.0 == b.uuidString.lowercased())
            #expect(support.first?.1 == "support")
            #expect(support.first?.2 == "" && support.first?.3 == "")
            let prepared = try await database.client.query("""
                SELECT count(*)::int FROM pg_prepared_statements
                WHERE NOT from_sql AND statement LIKE '%set_config(''tenantdesk.support_scope'', $4, true)%'
                """).collect().first?.decode(Int.self)
            #expect(prepared == 1)
        }
    }
}
