import Contracts
import Domain
import Foundation

/// Administrators of a tenant.
extension APIHandler {
    func listAdmins(_ input: Operations.ListAdmins.Input) async throws -> Operations.ListAdmins.Output {
        let response = try await call(ListAdminsMethod.self, .init(context: try callContext(), tenantID: input.path.tenantId))
        return .ok(.init(body: .json(.init(admins: response.admins.map(Components.Schemas.Admin.init)))))
    }

    func createAdmin(_ input: Operations.CreateAdmin.Input) async throws -> Operations.CreateAdmin.Output {
        let context = try callContext()
        guard case .json(let body) = input.body else { throw APIProblem.malformed("send a JSON body") }
        let admin = try await call(CreateAdminMethod.self, .init(
            context: context, tenantID: input.path.tenantId,
            admin: NewAdmin(name: body.name, email: body.email, password: body.password, roles: try roles(body.roles))))
        return .created(.init(body: .json(.init(admin))))
    }

    func updateAdmin(_ input: Operations.UpdateAdmin.Input) async throws -> Operations.UpdateAdmin.Output {
        let context = try callContext()
        guard case .json(let body) = input.body else { throw APIProblem.malformed("send a JSON body") }
        let admin = try await call(UpdateAdminMethod.self, .init(
            context: context, tenantID: input.path.tenantId, adminID: input.path.adminId, name: body.name,
            roles: try body.roles.map { try roles($0) }, status: body.status?.rawValue))
        decisions.invalidateAll()
        return .ok(.init(body: .json(.init(admin))))
    }
}
