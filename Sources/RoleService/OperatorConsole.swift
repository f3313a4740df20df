import Contracts
import Domain
import Foundation
import Logging
import Messaging
import Store

/// What a platform operator does from the command line (`tenantdesk-admin tenants|admins`),
/// through the same code, checks, authorization and audit log as the API: the console acts as
/// the named operator, who must be an active `platform_operator`. Its events (`authz.changed`)
/// are left in the outbox, which a running role service publishes within a second.
public struct OperatorConsole: Sendable {
    let tenants: TenantService
    let admins: AdminService
    let context: CallContext

    public enum ConsoleError: Error, CustomStringConvertible {
        case notAnOperator(String)
        public var description: String {
            switch self {
            case .notAnOperator(let email): return "\(email) is not an active platform operator"
            }
        }
    }

    /// Acts as the operator with this login email; `bcryptCost` hashes the passwords of new admins.
    public init(database: Database, operatorEmail: String, bcryptCost: Int, logger: Logger) async throws {
        let directory = AdminDirectory(database: database)
        let email = operatorEmail.lowercased()
        guard let identity = try await directory.identity(email: email),
              let principal = try await directory.activePrincipal(adminID: identity.adminID, tenantID: identity.tenantID),
              principal.roles.contains(.platformOperator)
        else { throw ConsoleError.notAnOperator(email) }
        let store = RoleStore(
            database: database, authorizer: Authorizer(database: database), outbox: Outbox(), hasher: PasswordHasher(cost: bcryptCost),
            logger: logger)
        admins = AdminService(store: store)
        tenants = TenantService(store: store, admins: admins)
        context = CallContext(principal: principal, requestID: "cli-" + UUID().uuidString.lowercased(), sourceAddress: "tenantdesk-admin")
    }

    public func listTenants(kind: TenantKind?, status: String?) async throws -> [TenantView] {
        var all: [TenantView] = []
        var cursor: String?
        repeat {
            let page = try await tenants.list(.init(context: context, kind: kind, status: status, cursor: cursor, limit: 200))
            all += page.items
            cursor = page.nextCursor
        } while cursor != nil
        return all
    }

    public func createTenant(
        kind: TenantKind, name: String, country: String, language: String, plan: String, firstAdmin: NewAdmin?
    ) async throws -> TenantView {
        try await tenants.create(.init(
            context: context, kind: kind, displayName: name, country: country, defaultLanguage: language, supportPlan: plan,
            firstAdmin: firstAdmin))
    }

    public func updateTenant(_ id: String, name: String?, language: String?, plan: String?, status: String?) async throws -> TenantView {
        try await tenants.update(.init(
            context: context, tenantID: id, displayName: name, defaultLanguage: language, supportPlan: plan, status: status))
    }

    public func listAdmins(tenant: String) async throws -> [AdminView] {
        try await admins.list(.init(context: context, tenantID: tenant)).admins
    }

    public func createAdmin(tenant: String, _ admin: NewAdmin) async throws -> AdminView {
        try await admins.create(.init(context: context, tenantID: tenant, admin: admin))
    }

    public func updateAdmin(tenant: String, admin: String, name: String?, roles: [Role]?, status: String?) async throws -> AdminView {
        try await admins.update(.init(context: context, tenantID: tenant, adminID: admin, name: name, roles: roles, status: status))
    }
}
