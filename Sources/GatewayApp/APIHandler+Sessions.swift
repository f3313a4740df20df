import Contracts
import Domain
import Foundation

/// Refresh, logout, API keys.
extension APIHandler {
    func refreshToken(_ input: Operations.RefreshToken.Input) async throws -> Operations.RefreshToken.Output {
        guard case .json(let grant) = input.body else { throw APIProblem.malformed("send a JSON body") }
        guard !grant.refreshToken.isEmpty, grant.refreshToken.count <= 200 else { throw APIProblem.invalid("refresh_token is not valid") }
        let response = try await call(RefreshMethod.self, .init(
            refreshToken: grant.refreshToken, sourceAddress: RequestInfo.current.sourceAddress))
        return .ok(.init(headers: .init(cacheControl: .noStore), body: .json(.init(response))))
    }

    func logout(_ input: Operations.Logout.Input) async throws -> Operations.Logout.Output {
        let context = try callContext()
        guard case .json(let grant) = input.body else { throw APIProblem.malformed("send a JSON body") }
        _ = try await call(LogoutMethod.self, .init(refreshToken: grant.refreshToken, context: context))
        return .noContent(.init())
    }

    func createAPIKeyToken(_ input: Operations.CreateAPIKeyToken.Input) async throws -> Operations.CreateAPIKeyToken.Output {
        guard case .json(let grant) = input.body else { throw APIProblem.malformed("send a JSON body") }
        let response = try await call(APIKeyTokenMethod.self, .init(apiKey: grant.apiKey, sourceAddress: RequestInfo.current.sourceAddress))
        return .ok(.init(headers: .init(cacheControl: .noStore), body: .json(.init(response))))
    }

    func listAPIKeys(_ input: Operations.ListAPIKeys.Input) async throws -> Operations.ListAPIKeys.Output {
        let response = try await call(ListAPIKeysMethod.self, .init(context: try callContext()))
        return .ok(.init(body: .json(.init(keys: response.keys.map(Components.Schemas.APIKey.init)))))
    }

    func createAPIKey(_ input: Operations.CreateAPIKey.Input) async throws -> Operations.CreateAPIKey.Output {
        let context = try callContext()
        guard case .json(let body) = input.body else { throw APIProblem.malformed("send a JSON body") }
        let response = try await call(CreateAPIKeyMethod.self, .init(
            context: context, name: body.name, roles: try roles(body.roles), expiresInDays: body.expiresInDays))
        return .created(.init(headers: .init(cacheControl: .noStore),
                              body: .json(.init(key: .init(response.key), secret: response.secret))))
    }

    func revokeAPIKey(_ input: Operations.RevokeAPIKey.Input) async throws -> Operations.RevokeAPIKey.Output {
        let response = try await call(RevokeAPIKeyMethod.self, .init(context: try callContext(), keyID: input.path.keyId))
        decisions.invalidateAll()
        return .ok(.init(body: .json(.init(response))))
    }

    func roles(_ roles: [Components.Schemas.Role]) throws -> [Role] {
        guard roles.count <= 10 else { throw APIProblem.invalid("at most 10 roles") }
        return roles.compactMap(Role.init)
    }
}
