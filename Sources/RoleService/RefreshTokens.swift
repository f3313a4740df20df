import Contracts
import Domain
import Foundation
import Logging
import PostgresNIO
import Store

/// Refresh tokens: opaque, single-use, rotated on every refresh. A family is one login; a token
/// presented a second time means it was copied, so the whole family is revoked and both the
/// thief and the owner must log in again.
struct RefreshTokens: Sendable {
    let database: Database
    let lifetime: Duration
    let logger: Logger

    static let invalid = RPCProblem(
        status: 401, type: ProblemType.invalidGrant, title: "Invalid grant",
        detail: "the refresh token is unknown, used, revoked or expired: log in again")

    /// Stores a new token of `family` in the bound tenant and returns it.
    func issue(admin: UUID, tenant: UUID, family: UUID, on connection: PostgresConnection) async throws -> String {
        let token = OpaqueToken.make(prefix: OpaqueToken.refreshPrefix, tenant: tenant)
        let seconds = Int(lifetime.components.seconds)
        try await connection.query("""
            INSERT INTO refresh_tokens (id, tenant_id, admin_id, family_id, token_hash, expires_at)
            VALUES (\(UUID()), \(tenant), \(admin), \(family), \(OpaqueToken.hash(token)), now() + make_interval(secs => \(seconds)))
            """, logger: logger)
        return token
    }

    enum Rotation: Sendable {
        case rotated(admin: UUID, tenant: UUID, token: String)
        case reused
        case invalid
    }

    /// Uses `token` once: returns its successor, or revokes the family when it was used before.
    func rotate(_ token: String) async throws -> Rotation {
        guard let tenant = OpaqueToken.tenant(of: token, prefix: OpaqueToken.refreshPrefix) else { return .invalid }
        return try await database.withTenantTransaction(tenant) { connection in
            let rows = try await connection.query("""
                SELECT id, admin_id, family_id, expires_at > now(), used_at IS NOT NULL OR revoked_at IS NOT NULL
                FROM refresh_tokens WHERE token_hash = \(OpaqueToken.hash(token)) FOR UPDATE
                """, logger: logger).collect()
            guard let row = rows.first else { return .invalid }
            let (id, admin, family, live, spent) = try row.decode((UUID, UUID, UUID, Bool, Bool).self)
            if spent {
                try await connection.query(
                    "UPDATE refresh_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE family_id = \(family)", logger: logger)
                return .reused
            }
            guard live else { return .invalid }
            try await connection.query("UPDATE refresh_tokens SET used_at = now() WHERE id = \(id)", logger: logger)
            return .rotated(admin: admin, tenant: tenant, token: try await issue(admin: admin, tenant: tenant, family: family, on: connection))
        }
    }

    /// Revokes the family of `token` when it belongs to `admin`; unknown tokens change nothing.
    func revokeFamily(of token: String, admin: UUID) async throws -> Bool {
        guard let tenant = OpaqueToken.tenant(of: token, prefix: OpaqueToken.refreshPrefix) else { return false }
        return try await database.withTenantTransaction(tenant) { connection in
            let rows = try await connection.query("""
                UPDATE refresh_tokens SET revoked_at = coalesce(revoked_at, now())
                WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = \(OpaqueToken.hash(token)) AND admin_id = \(admin))
                RETURNING id
                """, logger: logger).collect()
            return !rows.isEmpty
        }
    }
}
