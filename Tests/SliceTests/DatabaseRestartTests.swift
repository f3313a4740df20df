import Foundation
import HTTPTypes
import PostgresNIO
import Store
import Testing

/// PostgreSQL is stopped (a fast shutdown, which ends every session) and started again while
/// requests are submitted (`RestartDrill`): the services' connection pools connect again by
/// themselves; calls that need the database meanwhile get a 503/504 problem at once; requests
/// accepted before and after are all triaged and assigned; and the role service listens for
/// authorization changes again, so a change committed after the restart by another process
/// takes effect at once. The database is the test run's own, so this runs alone (script/test,
/// TD_DATABASE_RESTART_TEST=1).
@Suite(
    "Database restart", .timeLimit(.minutes(6)),
    .enabled(if: ProcessInfo.processInfo.environment["TD_DATABASE_RESTART_TEST"] == "1", "restarts the test database: script/test runs it on its own"))
struct DatabaseRestartTests {
    @Test("restart PostgreSQL while requests are submitted: the services reconnect, accepted requests are all processed, refusals are 503/504 at once, authorization changes are heard again")
    func restart() async throws {
        let env = ProcessInfo.processInfo.environment
        guard env["TD_STACK_DIR"] != nil, let port = env["TD_PG_PORT"] else {
            throw SliceError("TD_STACK_DIR and TD_PG_PORT must be set: run script/test")
        }
        var drill = RestartDrill(name: "database_restart", outage: { _ in
            try await RestartDrill.services("td_pg_stop \"$TD_STACK_DIR\"")
            try await Task.sleep(for: .seconds(5))
            try await RestartDrill.services("td_pg_start \"$TD_STACK_DIR\" \(port)")
        })
        // No decisions kept by the gateway: what the role service decides shows at once.
        drill.gatewayCache = .zero
        drill.afterRecovery = { scene in
            let back = try await WorkerTestSupport.eventually(timeout: .seconds(10)) {
                let ready = try await scene.api.send(.get, "/health/ready", token: nil)
                return (try ready.json()["checks"] as? [String: String])?["database"] == "ok"
            }
            #expect(back, "readiness shows the database again")
            let una = Member("Una", "tenant_admin", scene.suffix)
            let unaID = try await scene.api.createAdmin(scene.adminToken, tenant: scene.tenant, una)
            let unaToken = try await scene.api.login(una.email, Member.password).access
            let admins = "/v1/tenants/\(scene.tenant)/admins"
            #expect(try await scene.api.send(.get, admins, token: unaToken).status == 200)
            #expect(try await scene.api.send(.get, admins, token: unaToken).status == 200)
            // Another process (another role service, the admin command) takes Una's admin role:
            // only the database's notification tells this role service, which holds her facts.
            try await Database.with(scene.owner, logger: SliceStack.logger) { db in
                try await db.client.query("UPDATE admins SET roles = '{service_admin}' WHERE id = \(UUID(uuidString: unaID))")
            }
            let refused = try await WorkerTestSupport.eventually(timeout: .seconds(5)) {
                try await scene.api.send(.get, admins, token: unaToken).status == 403
            }
            #expect(refused, "a role taken away after the restart is refused within 5 s")
        }
        try await drill.run()
    }
}
