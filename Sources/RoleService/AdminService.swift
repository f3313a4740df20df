import Contracts
import Domain
import Foundation
import PostgresNIO
import Store

/// Administrators of a tenant: listed, created, renamed, re-roled, disabled and re-enabled by
/// whoever holds `admin.manage` there. The last active manager of a tenant stays.
struct AdminService: Sendable {
    let store: RoleStore

    /// A new administrator, checked and with the password hashed (outside any transaction).
    struct Prepared: Sendable {
        var id: UUID
        var name: String
        var email: String
        var roles: [Role]
        var passwordHash: String
    }

    static let columns = "id, tenant_id, name, email, roles, status, created_at"

    func list(_ request: ListAdminsMethod.Request) async throws -> ListAdminsMethod.Response {
        let grant = try await store.authorizer.require(request.context, .adminManage, in: request.tenantID)
        return try await store.read(in: grant.tenantID) { connection in
            ListAdminsMethod.Response(admins: try await Self.decode(connection.query(
                "SELECT \(unescaped: Self.columns) FROM admins WHERE tenant_id = \(grant.tenantID) ORDER BY created_at, id",
                logger: store.logger)))
        }
    }

    func create(_ request: CreateAdminMethod.Request) async throws -> AdminView {
        let grant = try await store.authorizer.require(request.context, .adminManage, in: request.tenantID)
        let kind = grant.tenantKind
        let prepared = try await prepare(request.admin, kind: kind)
        return try await store.change(in: grant.tenantID) { connection in
            try await insert(prepared, tenant: grant.tenantID, context: request.context, via: grant.via, on: connection)
            return try await Self.load(prepared.id, tenant: grant.tenantID, on: connection, store: store)
        }
    }

    func update(_ request: UpdateAdminMethod.Request) async throws -> AdminView {
        let grant = try await store.authorizer.require(request.context, .adminManage, in: request.tenantID)
        let adminID = try parseID(request.adminID)
        let kind = grant.tenantKind
        if let status = request.status, !["active", "disabled"].contains(status) {
            throw Problems.invalid("status must be active or disabled")
        }
        if let roles = request.roles { try Self.check(roles: roles, kind: kind) }
        var name: String?
        if let raw = request.name {
            name = try Problems.name(raw, "name", max: 200)
        }
        let manager = Role.manager(of: kind).rawValue
        return try await store.change(in: grant.tenantID, invalidating: [grant.tenantID]) { connection in
            // Lock the tenant's managers: two admins demoting each other at once cannot both win.
            let managers = try await connection.query("""
                SELECT id FROM admins WHERE tenant_id = \(grant.tenantID) AND status = 'active' AND \(manager) = ANY (roles)
                ORDER BY id FOR UPDATE
                """, logger: store.logger).collect().map { try $0.decode(UUID.self) }
            let before = try await Self.load(adminID, tenant: grant.tenantID, on: connection, store: store)
            let newRoles = request.roles.map(Self.distinct) ?? before.roles
            let newStatus = request.status ?? before.status
            let staysManager = newStatus == "active" && newRoles.contains(Role.manager(of: kind))
            if managers.contains(adminID), !staysManager, managers.count == 1 {
                throw Problems.conflict(
                    ProblemType.lastTenantAdmin, "Last administrator",
                    "this is the last active \(manager) of the tenant: add another before disabling or demoting this one")
            }
            try await connection.query("""
                UPDATE admins SET name = coalesce(\(name), name), roles = \(newRoles.map(\.rawValue)), status = \(newStatus)
                WHERE id = \(adminID) AND tenant_id = \(grant.tenantID)
                """, logger: store.logger)
            if newStatus == "disabled" {
                // A disabled account's sessions end now, not when its refresh tokens expire.
                try await connection.query(
                    "UPDATE refresh_tokens SET revoked_at = now() WHERE admin_id = \(adminID) AND revoked_at IS NULL",
                    logger: store.logger)
            }
            let after = try await Self.load(adminID, tenant: grant.tenantID, on: connection, store: store)
            var details: [String: String] = [:]
            if before.name != after.name { details["name"] = after.name }
            if before.roles != after.roles { details["roles"] = after.roles.map(\.rawValue).joined(separator: ",") }
            if before.status != after.status { details["status"] = after.status }
            try await AuditLog.record(
                AuditEntry(tenantID: grant.tenantID, action: "admin.updated", targetType: "admin", targetID: adminID.text, details: details),
                context: request.context, via: grant.via, on: connection, logger: store.logger)
            return after
        }
    }

    /// Validates a new administrator and hashes the password.
    func prepare(_ admin: NewAdmin, kind: TenantKind) async throws -> Prepared {
        let name = try Problems.name(admin.name, "name", max: 200)
        guard let email = Validation.normalizedEmail(admin.email) else { throw Problems.invalid("email is not a valid address") }
        try Self.check(roles: admin.roles, kind: kind)
        if let problem = Validation.passwordProblem(admin.password) { throw Problems.weakPassword(problem) }
        return Prepared(id: UUID(), name: name, email: email, roles: Self.distinct(admin.roles), passwordHash: try await store.hasher.hash(admin.password))
    }

    /// Inserts a prepared administrator into the bound tenant, with its login identity and audit event.
    func insert(_ admin: Prepared, tenant: UUID, context: CallContext, via: Authorization.Via, on connection: PostgresConnection) async throws {
        let taken = try await connection.query(
            "SELECT 1 FROM login_identities WHERE email = \(admin.email)", logger: store.logger).collect()
        guard taken.isEmpty else {
            throw Problems.conflict(ProblemType.emailTaken, "Email taken", "another administrator already signs in with \(admin.email)")
        }
        try await connection.query("""
            INSERT INTO admins (id, tenant_id, name, email, roles) VALUES (\(admin.id), \(tenant), \(admin.name), \(admin.email), \(admin.roles.map(\.rawValue)))
            """, logger: store.logger)
        try await connection.query("""
            INSERT INTO login_identities (email, admin_id, tenant_id, password_hash) VALUES (\(admin.email), \(admin.id), \(tenant), \(admin.passwordHash))
            """, logger: store.logger)
        try await AuditLog.record(
            AuditEntry(tenantID: tenant, action: "admin.created", targetType: "admin", targetID: admin.id.text,
                       details: ["email": admin.email, "roles": admin.roles.map(\.rawValue).joined(separator: ",")]),
            context: context, via: via, on: connection, logger: store.logger)
    }

    /// `roles` with each named once, in the order first given.
    static func distinct(_ roles: [Role]) -> [Role] {
        var seen: Set<Role> = []
        return roles.filter { seen.insert($0).inserted }
    }

    static func check(roles: [Role], kind: TenantKind) throws(RPCProblem) {
        guard !roles.isEmpty else { throw Problems.invalid("give at least one role") }
        let allowed = Role.roles(for: kind)
        if let role = roles.first(where: { !allowed.contains($0) }) {
            throw Problems.notAllowed("\(role.rawValue) cannot be held in a \(kind.rawValue) tenant")
        }
    }

    static func load(_ id: UUID, tenant: UUID, on connection: PostgresConnection, store: RoleStore) async throws -> AdminView {
        let rows = try await decode(connection.query(
            "SELECT \(unescaped: columns) FROM admins WHERE id = \(id) AND tenant_id = \(tenant)", logger: store.logger))
        guard let admin = rows.first else { throw Problems.notFound }
        return admin
    }

    static func decode(_ rows: PostgresRowSequence) async throws -> [AdminView] {
        var admins: [AdminView] = []
        for try await (id, tenant, name, email, roles, status, created) in rows.decode((UUID, UUID, String, String, [String], String, Date).self) {
            admins.append(AdminView(id: id.text, tenantID: tenant.text, name: name, email: email,
                                    roles: roles.compactMap(Role.init(rawValue:)), status: status, createdAt: created))
        }
        return admins
    }
}
