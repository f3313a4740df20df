import PostgresNIO
import Settings
import Store
import Testing

@Suite("The database pool's settings")
struct DatabasePoolSettingsTests {
    let url = "postgres://tenantdesk_app:secret@db.example:5432/tenantdesk"

    @Test("by default no connection is kept open when idle and idle connections are checked every 30 seconds")
    func defaults() throws {
        let configuration = try Environment(["TD_DATABASE_URL": url]).database("TD_DATABASE_URL", default: "", maximumConnections: 32)
        #expect(configuration.minimumConnections == 0)
        #expect(configuration.keepAlive == .seconds(30))
        let options = configuration.clientConfiguration.options
        #expect(options.minimumConnections == 0)
        #expect(options.maximumConnections == 32)
        #expect(options.keepAliveBehavior?.frequency == .seconds(30))
    }

    @Test("TD_DATABASE_MIN_CONNECTIONS keeps connections open (never more than the pool holds); TD_DATABASE_KEEPALIVE_SECONDS=0 turns the checks off")
    func tuned() throws {
        let environment = Environment([
            "TD_DATABASE_URL": url, "TD_DATABASE_MIN_CONNECTIONS": "4", "TD_DATABASE_KEEPALIVE_SECONDS": "0",
        ])
        let worker = try environment.database("TD_DATABASE_URL", default: "", maximumConnections: 32)
        #expect(worker.minimumConnections == 4)
        #expect(worker.keepAlive == nil)
        #expect(worker.clientConfiguration.options.minimumConnections == 4)
        #expect(worker.clientConfiguration.options.keepAliveBehavior == nil)
        let small = try environment.database("TD_DATABASE_URL", default: "", maximumConnections: 2)
        #expect(small.clientConfiguration.options.minimumConnections == 2)
        let slow = try Environment(["TD_DATABASE_URL": url, "TD_DATABASE_KEEPALIVE_SECONDS": "120"])
            .database("TD_DATABASE_URL", default: "")
        #expect(slow.clientConfiguration.options.keepAliveBehavior?.frequency == .seconds(120))
    }

    @Test("connections run without JIT compilation, for the services' role and the owner alike")
    func noJIT() async throws {
        let environment = try await SliceStack.shared.start()
        #expect(environment.owner.clientConfiguration.options.additionalStartupParameters.map(\.0) == ["jit"])
        for configuration in [environment.owner, WorkerTestSupport.app(environment)] {
            let jit = try await Database.with(configuration, logger: SliceStack.logger) { database in
                try await database.client.query("SHOW jit").collect().first?.decode(String.self)
            }
            #expect(jit == "off")
        }
    }

    @Test("a value out of range or not a number is a configuration error naming the variable", arguments: [
        ("TD_DATABASE_MIN_CONNECTIONS", "-1"), ("TD_DATABASE_MIN_CONNECTIONS", "41"), ("TD_DATABASE_MIN_CONNECTIONS", "four"),
        ("TD_DATABASE_KEEPALIVE_SECONDS", "3601"), ("TD_DATABASE_KEEPALIVE_SECONDS", "1.5"),
    ])
    func refused(key: String, value: String) {
        #expect {
            _ = try Environment(["TD_DATABASE_URL": url, key: value]).database("TD_DATABASE_URL", default: "")
        } throws: { error in
            (error as? ConfigurationError)?.key == key
        }
    }
}
