import Contracts
import Domain
import Foundation
import PostgresNIO
import Store
import Tokens

/// API keys for automation: an administrator creates keys for itself, each named and limited to
/// some of its roles, and exchanges a key for a short access token. Only a hash is stored; the
/// secret is shown once. Revoking a key ends its tokens' access at the next decision.
struct APIKeyService: Sendable {
    let store: RoleStore
    let directory: AdminDirectory
    let signer: CurrentSigner

    static let columns = "id, name, roles, created_at, expires_at, last_used_at, revoked_at"

    func list(_ request: ListAPIKeysMethod.Request) async throws -> ListAPIKeysMethod.Response {
        let principal = request.context.principal
        let grant = try await store.authorizer.require(request.context, .tenantRead, in: principal.tenantID)
        let admin = try parseID(principal.adminID)
        return try await store.read(in: grant.tenantID) { connection in
            ListAPIKeysMethod.Response(keys: try await Self.decode(connection.query(
                "SELECT \(unescaped: Self.columns) FROM api_keys WHERE admin_id = \(admin) ORDER BY created_at DESC",
                logger: store.logger)))
        }
    }

    func create(_ request: CreateAPIKeyMethod.Request) async throws -> CreateAPIKeyMethod.Response {
        let principal = request.context.principal
        if principal.apiKeyID != nil { throw Problems.notAllowed("an API key cannot create API keys; log in with a password") }
        let grant = try await store.authorizer.require(request.context, .tenantRead, in: principal.tenantID)
        let admin = try parseID(principal.adminID)
        let name = try Problems.name(request.name, "name", max: 100)
        let roles = AdminService.distinct(request.roles)
        guard !roles.isEmpty else { throw Problems.invalid("give the key at least one role") }
        if let days = request.expiresInDays, !(1...730).contains(days) {
            throw Problems.invalid("expires_in_days must be between 1 and 730")
        }
        let secret = OpaqueToken.make(prefix: OpaqueToken.apiKeyPrefix, tenant: grant.tenantID)
        let id = UUID()
        return try await store.change(in: grant.tenantID) { connection in
            let held = try await AdminService.load(admin, tenant: grant.tenantID, on: connection, store: store).roles
            if let role = roles.first(where: { !held.contains($0) }) {
                throw Problems.notAllowed("you do not hold \(role.rawValue), so a key of yours cannot have it")
            }
            let days = request.expiresInDays
            try await connection.query("""
                INSERT INTO api_keys (id, tenant_id, admin_id, name, roles, key_hash, expires_at)
                VALUES (\(id), \(grant.tenantID), \(admin), \(name), \(roles.map(\.rawValue)), \(OpaqueToken.hash(secret)),
                        CASE WHEN \(days)::int IS NULL THEN NULL ELSE now() + make_interval(days => \(days)::int) END)
                """, logger: store.logger)
            try await AuditLog.record(
                AuditEntry(tenantID: grant.tenantID, action: "api_key.created", targetType: "api_key", targetID: id.text,
                           details: ["name": name, "roles": roles.map(\.rawValue).joined(separator: ",")]),
                context: request.context, via: grant.via, on: connection, logger: store.logger)
            let key = try await Self.load(id, on: connection, store: store)
            return CreateAPIKeyMethod.Response(key: key, secret: secret)
        }
    }

    func revoke(_ request: RevokeAPIKeyMethod.Request) async throws -> APIKeyView {
        let principal = request.context.principal
        let grant = try await store.authorizer.require(request.context, .tenantRead, in: principal.tenantID)
        let admin = try parseID(principal.adminID)
        let id = try parseID(request.keyID)
        return try await store.change(in: grant.tenantID, invalidating: [grant.tenantID]) { connection in
            let rows = try await connection.query("""
                UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = \(id) AND admin_id = \(admin) RETURNING id
                """, logger: store.logger).collect()
            guard !rows.isEmpty else { throw Problems.notFound }
            try await AuditLog.record(
                AuditEntry(tenantID: grant.tenantID, action: "api_key.revoked", targetType: "api_key", targetID: id.text),
                context: request.context, via: grant.via, on: connection, logger: store.logger)
            return try await Self.load(id, on: connection, store: store)
        }
    }

    /// Exchanges a key for an access token carrying the key's id and the roles it may use.
    func token(_ request: APIKeyTokenMethod.Request) async throws -> TokenGrant {
        guard let tenant = OpaqueToken.tenant(of: request.apiKey, prefix: OpaqueToken.apiKeyPrefix) else { throw RefreshTokens.invalid }
        let found = try await store.database.withTenantTransaction(tenant) { connection -> (UUID, UUID, [String])? in
            let rows = try await connection.query("""
                UPDATE api_keys SET last_used_at = now()
                WHERE key_hash = \(OpaqueToken.hash(request.apiKey)) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
                RETURNING id, admin_id, roles
                """, logger: store.logger).collect()
            return try rows.first?.decode((UUID, UUID, [String]).self)
        }
        guard let (keyID, admin, keyRoles) = found,
              var principal = try await directory.activePrincipal(adminID: admin, tenantID: tenant)
        else { throw RefreshTokens.invalid }
        principal.roles = principal.roles.filter { keyRoles.contains($0.rawValue) }
        principal.apiKeyID = keyID.text
        return TokenGrant(accessToken: try await signer.signer.token(for: principal), expiresIn: Int(signer.signer.lifetime.components.seconds))
    }

    static func load(_ id: UUID, on connection: PostgresConnection, store: RoleStore) async throws -> APIKeyView {
        guard let key = try await decode(connection.query(
            "SELECT \(unescaped: columns) FROM api_keys WHERE id = \(id)", logger: store.logger)).first
        else { throw Problems.notFound }
        return key
    }

    static func decode(_ rows: PostgresRowSequence) async throws -> [APIKeyView] {
        var keys: [APIKeyView] = []
        for try await (id, name, roles, created, expires, used, revoked) in rows.decode(
            (UUID, String, [String], Date, Date?, Date?, Date?).self) {
            keys.append(APIKeyView(id: id.text, name: name, roles: roles.compactMap(Role.init(rawValue:)), createdAt: created,
                                   expiresAt: expires, lastUsedAt: used, revokedAt: revoked))
        }
        return keys
    }
}
