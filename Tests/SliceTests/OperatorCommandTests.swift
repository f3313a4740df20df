import Foundation
import PostgresNIO
import Store
import Testing

/// `tenantdesk-admin tenants|admins`: the operator's commands go through the role service's
/// checks and audit log, acting as a named platform operator.
@Suite("tenantdesk-admin tenants and admins", .timeLimit(.minutes(3)))
struct OperatorCommandTests {
    static func json(_ output: String) throws -> Any {
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("[") || $0.hasPrefix("{") }) else {
            throw SliceError("no JSON in \(output)")
        }
        return try JSONSerialization.jsonObject(with: Data(line.utf8))
    }

    @Test("an operator creates, lists, suspends and reactivates tenants and manages admins; the rules of the API hold")
    func commands() async throws {
        let (url, configuration) = try await BootstrapCommandTests.migratedDatabase()
        let adminPassword = "cli-admin-secret-\(UUID().uuidString.prefix(6))"
        let environment = [
            "TD_DATABASE_OWNER_URL": url, "TD_BOOTSTRAP_PASSWORD": "operator-secret-for-cli", "TD_BCRYPT_COST": "10",
            "TD_ADMIN_PASSWORD": adminPassword, "TD_OPERATOR_EMAIL": "op@cli.test",
        ]
        func admin(_ arguments: [String]) async throws -> (status: Int32, output: String) {
            try await BootstrapCommandTests.admin(arguments, environment: environment)
        }
        #expect(try await admin(["bootstrap-operator", "--name", "Op", "--email", "op@cli.test"]).status == 0)

        let created = try await admin([
            "tenants", "create", "--kind", "customer", "--name", "CLI Customer", "--country", "JP", "--language", "ja",
            "--admin-name", "Tia", "--admin-email", "tia@cli.test", "--json",
        ])
        #expect(created.status == 0, "\(created.output)")
        let tenant = try #require((try Self.json(created.output) as? [String: Any])?["id"] as? String)

        let listed = try await admin(["tenants", "list", "--kind", "customer"])
        #expect(listed.status == 0)
        #expect(listed.output.contains(tenant) && listed.output.contains("CLI Customer"))

        let admins = try #require(try Self.json(try await admin(["admins", "list", "--tenant", tenant, "--json"]).output) as? [[String: Any]])
        let tia = try #require(admins.first { $0["email"] as? String == "tia@cli.test" }?["id"] as? String)
        // The last tenant admin cannot be disabled, here as in the API.
        let lastAdmin = try await admin(["admins", "disable", "--tenant", tenant, tia])
        #expect(lastAdmin.status != 0)
        #expect(lastAdmin.output.contains("last-tenant-admin"), "\(lastAdmin.output)")
        let added = try await admin([
            "admins", "create", "--tenant", tenant, "--name", "Sol", "--email", "sol@cli.test", "--roles", "service_admin",
        ])
        #expect(added.status == 0, "\(added.output)")
        let badRole = try await admin(["admins", "create", "--tenant", tenant, "--name", "X", "--email", "x@cli.test", "--roles", "partner_admin"])
        #expect(badRole.status != 0)

        #expect(try await admin(["tenants", "suspend", tenant]).output.contains("suspended"))
        #expect(try await admin(["tenants", "activate", tenant]).output.contains("active"))

        // Only an operator may act; the password is never printed.
        let notOperator = try await admin(["tenants", "list", "--as", "tia@cli.test"])
        #expect(notOperator.status != 0)
        #expect(notOperator.output.contains("not an active platform operator"))
        #expect(!created.output.contains(adminPassword) && !added.output.contains(adminPassword))

        // Every change is in the tenant's audit log, by the operator, from the command line.
        let audit = try await Database.with(configuration, logger: SliceStack.logger) { database in
            try await database.client.query("""
                SELECT e.action FROM audit_events e JOIN admins a ON a.id = e.actor_admin_id
                WHERE e.tenant_id = \(UUID(uuidString: tenant)) AND a.email = 'op@cli.test' AND e.source_address = 'tenantdesk-admin'
                ORDER BY e.id
                """).collect().map { try $0.decode(String.self) }
        }
        #expect(audit.count >= 4, "\(audit)")
    }
}
