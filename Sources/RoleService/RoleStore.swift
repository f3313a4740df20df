import Contracts
import Domain
import Foundation
import Logging
import Messaging
import PostgresNIO
import Store

/// What every management operation of the role service works with.
struct RoleStore: Sendable {
    let database: Database
    let authorizer: Authorizer
    let outbox: Outbox
    let hasher: PasswordHasher
    let logger: Logger

    /// Runs a change in one transaction bound to `tenant`. When it may change authorization
    /// decisions, an `authz.changed` event for `invalidating` commits with it (gateways drop
    /// their cached decisions when it arrives) and this process's facts cache is dropped at once.
    func change<Result: Sendable>(
        in tenant: UUID, invalidating: [UUID] = [], _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let result = try await database.withTenantTransaction(tenant) { connection in
            let result = try await body(connection)
            if !invalidating.isEmpty {
                try await Outbox.enqueue(
                    RoleEvent.authorizationChanged,
                    AuthorizationChanged(tenantIDs: invalidating.map { $0.uuidString.lowercased() }),
                    on: connection, logger: logger)
            }
            return result
        }
        outbox.wake()
        if !invalidating.isEmpty { authorizer.cache?.invalidateAll() }
        return result
    }

    /// Reads in one transaction bound to `tenant`.
    func read<Result: Sendable>(in tenant: UUID, _ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await database.withTenantTransaction(tenant, body)
    }
}

/// The problems the role service's operations answer with.
enum Problems {
    static let notFound = RPCProblem.notFound

    static func invalid(_ detail: String) -> RPCProblem { RPCProblem.invalid(detail) }

    static func notAllowed(_ detail: String) -> RPCProblem {
        RPCProblem(status: 422, type: ProblemType.fieldNotAllowed, title: "Field not allowed", detail: detail)
    }

    static func conflict(_ type: String, _ title: String, _ detail: String) -> RPCProblem {
        RPCProblem(status: 409, type: type, title: title, detail: detail)
    }

    /// A name from the API (an administrator's, a tenant's, a key's), trimmed: 1 to `max`
    /// characters, on one line, without control characters.
    static func name(_ raw: String, _ field: String, max: Int) throws(RPCProblem) -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...max).contains(name.count) else { throw invalid("\(field) must have 1 to \(max) characters") }
        guard !Validation.hasControlCharacters(name) else { throw invalid("\(field) contains control characters") }
        return name
    }

    static func weakPassword(_ detail: String) -> RPCProblem {
        RPCProblem(status: 422, type: ProblemType.weakPassword, title: "Password not acceptable", detail: detail)
    }
}

/// Parses an id from the API; an unparsable one is simply not found.
func parseID(_ raw: String) throws(RPCProblem) -> UUID {
    guard let id = UUID(uuidString: raw) else { throw Problems.notFound }
    return id
}
