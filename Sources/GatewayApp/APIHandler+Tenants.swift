import Contracts
import Domain
import Foundation

/// Tenants and access checks.
extension APIHandler {
    func listTenants(_ input: Operations.ListTenants.Input) async throws -> Operations.ListTenants.Output {
        let context = try callContext()
        let page = try await call(ListTenantsMethod.self, .init(
            context: context, kind: input.query.kind.flatMap { TenantKind(rawValue: $0.rawValue) },
            status: input.query.status?.rawValue, cursor: input.query.cursor, limit: try limit(input.query.limit)))
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.Tenant.init), nextCursor: page.nextCursor))))
    }

    func createTenant(_ input: Operations.CreateTenant.Input) async throws -> Operations.CreateTenant.Output {
        let context = try callContext()
        guard case .json(let body) = input.body else { throw APIProblem.malformed("send a JSON body") }
        var firstAdmin: NewAdmin?
        if let admin = body.firstAdmin {
            firstAdmin = NewAdmin(name: admin.name, email: admin.email, password: admin.password, roles: try roles(admin.roles))
        }
        let tenant = try await call(CreateTenantMethod.self, .init(
            context: context, kind: body.kind == .partner ? .partner : .customer, displayName: body.displayName,
            country: body.country, defaultLanguage: body.defaultLanguage ?? "en", supportPlan: body.supportPlan?.rawValue ?? "professional",
            firstAdmin: firstAdmin))
        return .created(.init(body: .json(.init(tenant))))
    }

    func getTenant(_ input: Operations.GetTenant.Input) async throws -> Operations.GetTenant.Output {
        let tenant = try await call(GetTenantMethod.self, .init(context: try callContext(), tenantID: input.path.tenantId))
        return .ok(.init(body: .json(.init(tenant))))
    }

    func updateTenant(_ input: Operations.UpdateTenant.Input) async throws -> Operations.UpdateTenant.Output {
        let context = try callContext()
        guard case .json(let body) = input.body else { throw APIProblem.malformed("send a JSON body") }
        let tenant = try await call(UpdateTenantMethod.self, .init(
            context: context, tenantID: input.path.tenantId, displayName: body.displayName, defaultLanguage: body.defaultLanguage,
            supportPlan: body.supportPlan?.rawValue, status: body.status?.rawValue))
        decisions.invalidateAll()
        return .ok(.init(body: .json(.init(tenant))))
    }

    func checkAccess(_ input: Operations.CheckAccess.Input) async throws -> Operations.CheckAccess.Output {
        guard let action = Action(rawValue: input.path.action.rawValue) else { throw APIProblem.malformed("unknown action") }
        let via = try await authorize(action, in: input.path.tenantId)
        let payload: Components.Schemas.AccessDecision.ViaPayload
        switch via {
        case .ownRole(let role): payload = .init(kind: .ownRole, role: .init(role) ?? .readOnly)
        case .vendorRole(let role): payload = .init(kind: .vendorRole, role: .init(role) ?? .readOnly)
        case .delegation(let relationship, let role):
            payload = .init(kind: .delegation, role: .init(role) ?? .readOnly, relationshipId: relationship)
        }
        return .ok(.init(body: .json(.init(
            tenantId: input.path.tenantId.lowercased(), action: input.path.action, allowed: true, via: payload))))
    }

    func limit(_ raw: Int?) throws -> Int {
        guard let raw else { return PageSize.standard }
        guard PageSize.allowed.contains(raw) else { throw APIProblem.invalid(PageSize.rule) }
        return raw
    }
}
