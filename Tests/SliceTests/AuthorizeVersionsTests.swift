import AMQP
import Contracts
import Domain
import Foundation
import Messaging
import PostgresNIO
import Store
import Testing

/// The role service answers the authorization method of this release and the one before, so
/// gateways of both work while a deployment is upgraded.
@Suite("Authorization method versions", .timeLimit(.minutes(1)))
struct AuthorizeVersionsTests {
    @Test("v2 answers the flat decision, v1 the nested one, both the same decision")
    func bothVersions() async throws {
        let environment = try await SliceStack.shared.start()
        let (admin, tenant) = try await WorkerTestSupport.owner(environment) { db in
            let row = try #require(try await db.client.query(
                "SELECT id, tenant_id FROM admins WHERE email = \(SliceStack.operatorEmail)").collect().first)
            return try row.decode((UUID, UUID).self)
        }
        let principal = Principal(
            adminID: admin.uuidString.lowercased(), tenantID: tenant.uuidString.lowercased(), name: "", email: "", roles: [.platformOperator])
        let request = AuthorizeMethod.Request(principal: principal, tenantID: tenant.uuidString.lowercased(), action: .tenantRead)
        let connection = try AMQPConnection(configuration: environment.amqp, topology: TenantDeskTopology.gateway, logger: SliceStack.logger)
        try await connection.waitUntilConnected(timeout: .seconds(10))
        defer { Task { await connection.close() } }
        let rpc = RPCClient(connection: connection, timeout: .seconds(5))

        let current = try await rpc.call(AuthorizeMethod.self, request)
        #expect(current.decision == .allow(.ownRole(.platformOperator)))
        let earlier = try await rpc.call(AuthorizeV1Method.self, request)
        #expect(earlier.decision.decision == current.decision)

        for (method, shape) in [(AuthorizeMethod.name, #""allow":"own_role""#), (AuthorizeV1Method.name, #""allow":{"_0":{"ownRole""#)] {
            let reply = try await connection.call(
                queue: RPCQueue.roles, body: try JSONCodec.encode(request),
                properties: AMQPProperties(contentType: "application/json", type: method, persistent: false), timeout: .seconds(5))
            #expect(String(decoding: reply.body, as: UTF8.self).contains(shape), "\(method)")
        }
    }
}
