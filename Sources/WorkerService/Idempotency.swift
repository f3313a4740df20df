import Contracts
import Crypto
import Domain
import Foundation
import Logging
import Messaging
import PostgresNIO
import Store

/// `Idempotency-Key` for creating calls. The same key with the same body returns the first
/// response again; with a different body, 422; while the first call is still running, 409. Keys
/// are kept at least 24 hours.
///
/// The key is claimed in the transaction of the effect, and its response stored there too: a
/// second call with the key waits briefly on the first one's uncommitted claim, then answers 409;
/// if the first call fails or its process dies, its transaction rolls back with the claim, so a
/// retry runs the effect. The effect therefore happens once or not at all, never twice.
struct Idempotency: Sendable {
    let database: Database
    let logger: Logger

    /// How long a call waits on another one holding the same key before answering 409.
    static let claimWait = "200ms"

    /// Runs `effect` in a transaction acting as `context`, once per key.
    func run<Response: Codable & Sendable>(
        _ context: ActingContext, key: String?, operation: String, fingerprint: some Encodable,
        effect: (PostgresConnection) async throws -> Response
    ) async throws -> Response {
        let tenant = try context.tenant()
        guard let key else {
            return try await database.withTenantTransaction(tenant, supportAudience: context.supportAudience, effect)
        }
        guard (1...255).contains(key.utf8.count), key.unicodeScalars.allSatisfy({ (0x20...0x7E).contains($0.value) }) else {
            throw WorkerProblems.invalid("Idempotency-Key must be 1-255 printable ASCII characters")
        }
        let admin = try context.admin()
        let hash = Data(SHA256.hash(data: try JSONCodec.encode(fingerprint)))
        do {
            return try await database.withTenantTransaction(tenant, supportAudience: context.supportAudience) { connection in
                try await connection.query("SELECT set_config('lock_timeout', \(Self.claimWait), true)", logger: logger)
                let claimed = try await connection.query("""
                    INSERT INTO idempotency_keys (tenant_id, admin_id, key, operation, request_hash, state)
                    VALUES (\(tenant), \(admin), \(key), \(operation), \(hash), 'in_flight')
                    ON CONFLICT (tenant_id, admin_id, key) DO NOTHING RETURNING 1
                    """, logger: logger).collect()
                try await connection.query("SELECT set_config('lock_timeout', '0', true)", logger: logger)
                guard !claimed.isEmpty else {
                    return try await stored(tenant: tenant, admin: admin, key: key, operation: operation, hash: hash, on: connection)
                }
                let response = try await effect(connection)
                let json = String(decoding: try JSONCodec.encode(response), as: UTF8.self)
                try await connection.query("""
                    UPDATE idempotency_keys SET state = 'done', response = \(json)::jsonb
                    WHERE tenant_id = \(tenant) AND admin_id = \(admin) AND key = \(key)
                    """, logger: logger)
                return response
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "55P03" {
            throw RPCProblem(
                status: 409, type: ProblemType.idempotencyInFlight, title: "Request in progress",
                detail: "a request with this Idempotency-Key is still being processed; retry shortly", retryAfter: 1)
        }
    }

    /// The first call's response, when the key was used with the same request.
    private func stored<Response: Codable & Sendable>(
        tenant: UUID, admin: UUID, key: String, operation: String, hash: Data, on connection: PostgresConnection
    ) async throws -> Response {
        let rows = try await connection.query("""
            SELECT operation, request_hash, response::text
            FROM idempotency_keys WHERE tenant_id = \(tenant) AND admin_id = \(admin) AND key = \(key)
            """, logger: logger)
        for try await (storedOperation, storedHash, response) in rows.decode((String, Data, String?).self) {
            guard storedOperation == operation, storedHash == hash else {
                throw RPCProblem(
                    status: 422, type: ProblemType.idempotencyKeyReused, title: "Idempotency-Key reused",
                    detail: "this Idempotency-Key was used with a different request; use a new key for a new request")
            }
            if let response { return try JSONCodec.decode(Response.self, from: Array(response.utf8)) }
        }
        // Deleted by housekeeping between the conflict and this read: treat it as in flight.
        throw RPCProblem(
            status: 409, type: ProblemType.idempotencyInFlight, title: "Request in progress",
            detail: "a request with this Idempotency-Key is still being processed; retry shortly", retryAfter: 1)
    }
}
