import Contracts
import Crypto
import Domain
import Foundation
import Logging
import Messaging
import PostgresNIO
import Store

/// `Idempotency-Key` for creating calls. The same key with the same body returns the first
/// response again; with a different body, 422; while the first call is still running, 409. The
/// response is stored in the transaction of the effect, so a retry after a crash either finds it
/// or runs the effect (never both, never neither). Keys are kept at least 24 hours.
struct Idempotency: Sendable {
    let database: Database
    let logger: Logger

    /// A call in flight longer than this is presumed dead (its process stopped) and may be taken over.
    static let abandonedAfter = 60

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
        if let stored: Response = try await claim(tenant: tenant, admin: admin, key: key, operation: operation, hash: hash) {
            return stored
        }
        do {
            return try await database.withTenantTransaction(tenant, supportAudience: context.supportAudience) { connection in
                let response = try await effect(connection)
                let json = String(decoding: try JSONCodec.encode(response), as: UTF8.self)
                try await connection.query("""
                    UPDATE idempotency_keys SET state = 'done', response = \(json)::jsonb
                    WHERE tenant_id = \(tenant) AND admin_id = \(admin) AND key = \(key)
                    """, logger: logger)
                return response
            }
        } catch {
            // The effect did not happen: free the key so that a retry runs it.
            _ = try? await database.withTenantTransaction(tenant) { connection in
                try await connection.query("""
                    DELETE FROM idempotency_keys
                    WHERE tenant_id = \(tenant) AND admin_id = \(admin) AND key = \(key) AND state = 'in_flight'
                    """, logger: logger)
            }
            throw error
        }
    }

    /// Claims the key for this call (nil), or returns the stored response of the first one.
    private func claim<Response: Codable & Sendable>(
        tenant: UUID, admin: UUID, key: String, operation: String, hash: Data
    ) async throws -> Response? {
        try await database.withTenantTransaction(tenant) { connection in
            let inserted = try await connection.query("""
                INSERT INTO idempotency_keys (tenant_id, admin_id, key, operation, request_hash, state)
                VALUES (\(tenant), \(admin), \(key), \(operation), \(hash), 'in_flight')
                ON CONFLICT (tenant_id, admin_id, key) DO NOTHING RETURNING 1
                """, logger: logger).collect()
            if !inserted.isEmpty { return nil }
            let rows = try await connection.query("""
                SELECT operation, request_hash, state, response::text,
                       created_at < now() - make_interval(secs => \(Self.abandonedAfter)::int)
                FROM idempotency_keys WHERE tenant_id = \(tenant) AND admin_id = \(admin) AND key = \(key) FOR UPDATE
                """, logger: logger)
            for try await (storedOperation, storedHash, state, response, abandoned) in rows.decode((String, Data, String, String?, Bool).self) {
                guard storedOperation == operation, storedHash == hash else {
                    throw RPCProblem(
                        status: 422, type: ProblemType.idempotencyKeyReused, title: "Idempotency-Key reused",
                        detail: "this Idempotency-Key was used with a different request; use a new key for a new request")
                }
                if state == "done", let response {
                    return try JSONCodec.decode(Response.self, from: Array(response.utf8))
                }
                guard abandoned else {
                    throw RPCProblem(
                        status: 409, type: ProblemType.idempotencyInFlight, title: "Request in progress",
                        detail: "a request with this Idempotency-Key is still being processed; retry shortly", retryAfter: 1)
                }
                try await connection.query("""
                    UPDATE idempotency_keys SET created_at = now()
                    WHERE tenant_id = \(tenant) AND admin_id = \(admin) AND key = \(key)
                    """, logger: logger)
                return nil
            }
            return nil
        }
    }
}
