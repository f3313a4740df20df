import AMQP
import Contracts
import Domain
import Messaging
import Testing

/// A method served by nobody, to see what a caller gets when a service is down.
enum UnservedMethod: RPCMethod {
    static let name = "test.unserved.v1"
    static let queue = "tenantdesk.rpc.test-unserved"
    typealias Request = EmptyRequest
    typealias Response = PingResponse
}

/// A method whose queue nobody ever declares.
enum UndeclaredMethod: RPCMethod {
    static let name = "test.undeclared.v1"
    static let queue = "tenantdesk.rpc.test-undeclared"
    typealias Request = EmptyRequest
    typealias Response = PingResponse
}

@Suite("RPC failures become 503/504 problems, never a hang", .timeLimit(.minutes(1)))
struct RPCDeadlineTests {
    @Test("a callee that does not answer gives 504 at the deadline")
    func timeout() async throws {
        let environment = try await SliceStack.shared.start()
        let connection = try AMQPConnection(
            configuration: environment.amqp, topology: TenantDeskTopology.rpcQueue(UnservedMethod.queue), logger: SliceStack.logger)
        try await connection.waitUntilConnected(timeout: .seconds(10))
        defer { Task { _ = try? await connection.deleteQueue(UnservedMethod.queue); await connection.close() } }
        let clock = ContinuousClock()
        let start = clock.now
        await #expect {
            _ = try await RPCClient(connection: connection, timeout: .milliseconds(400)).call(UnservedMethod.self, .init())
        } throws: { error in
            guard let problem = error as? RPCProblem else { return false }
            return problem.status == 504 && problem.type == ProblemType.upstreamTimeout
        }
        // Far above the deadline: on a loaded machine a timer can fire seconds late. Without a
        // deadline the call would wait until the suite's time limit.
        #expect(clock.now - start < .seconds(30))
    }

    @Test("a callee whose queue does not exist gives 503 at once")
    func unavailable() async throws {
        let environment = try await SliceStack.shared.start()
        let connection = try AMQPConnection(configuration: environment.amqp, logger: SliceStack.logger)
        try await connection.waitUntilConnected(timeout: .seconds(10))
        defer { Task { await connection.close() } }
        await #expect {
            _ = try await RPCClient(connection: connection, timeout: .seconds(5)).call(UndeclaredMethod.self, .init())
        } throws: { error in
            (error as? RPCProblem)?.status == 503
        }
    }
}
