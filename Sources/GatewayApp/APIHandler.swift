import Contracts
import Domain
import Foundation
import HTTPTypes
import Messaging
import OpenAPIRuntime

/// The operations of the OpenAPI document. Each authorizes, validates what it can without a
/// round trip, and forwards to the service that owns the data.
struct APIHandler: APIProtocol {
    let rpc: RPCClient
    let readiness: ReadinessCheck
    let decisions: AuthorizationCache
    let attachmentMaxBytes: Int

    func getLiveness(_ input: Operations.GetLiveness.Input) async throws -> Operations.GetLiveness.Output {
        .ok(.init(body: .json(.init(status: .alive))))
    }

    func getReadiness(_ input: Operations.GetReadiness.Input) async throws -> Operations.GetReadiness.Output {
        let (ready, checks) = await readiness.run()
        guard ready else {
            let failing = checks.filter { $0.value != "ok" }.map { "\($0.key): \($0.value)" }.sorted()
            throw APIProblem(
                status: 503, type: ProblemType.serviceUnavailable, title: "Not ready",
                detail: failing.joined(separator: ", "), retryAfter: 1)
        }
        return .ok(.init(body: .json(.init(status: .ready, checks: .init(additionalProperties: checks)))))
    }

    func createToken(_ input: Operations.CreateToken.Input) async throws -> Operations.CreateToken.Output {
        guard case .json(let grant) = input.body else { throw APIProblem.malformed("send a JSON body") }
        guard grant.email.count <= 254, grant.password.count <= 1024 else {
            throw APIProblem.invalid("email or password too long")
        }
        guard !grant.email.isEmpty, !grant.password.isEmpty else {
            throw APIProblem.invalid("email and password are required")
        }
        let response = try await call(LoginMethod.self, .init(
            email: grant.email, password: grant.password, sourceAddress: RequestInfo.current.sourceAddress))
        return .ok(.init(headers: .init(cacheControl: .noStore), body: .json(.init(response))))
    }

    func getMe(_ input: Operations.GetMe.Input) async throws -> Operations.GetMe.Output {
        let principal = try RequestInfo.requirePrincipal()
        return .ok(.init(body: .json(.init(
            adminId: principal.adminID, tenantId: principal.tenantID, name: principal.name, email: principal.email,
            roles: principal.roles.compactMap(Components.Schemas.Role.init), apiKeyId: principal.apiKeyID))))
    }

    func listPhoneNumbers(_ input: Operations.ListPhoneNumbers.Input) async throws -> Operations.ListPhoneNumbers.Output {
        let principal = try RequestInfo.requirePrincipal()
        _ = try await authorize(.directoryRead, in: principal.tenantID)
        var country: String?
        if let raw = input.query.country {
            guard let code = Validation.countryCode(raw) else {
                throw APIProblem.malformed("country must be an ISO 3166-1 alpha-2 code such as JP")
            }
            country = code
        }
        let response = try await call(PhoneNumbersMethod.self, .init(country: country))
        return .ok(.init(body: .json(.init(lines: response.entries.map {
            .init(country: $0.country, countryName: $0.countryName, phoneNumber: $0.phoneNumber, hours: $0.hours,
                  languages: $0.languages, notes: $0.notes)
        }))))
    }

    /// Decides through the cache; throws the problem of a denial (404 when the tenant must not
    /// be revealed, 403 otherwise).
    func authorize(_ action: Action, in tenantID: String) async throws -> Authorization.Via {
        switch try await decision(action, in: tenantID) {
        case .allow(let via): return via
        case .deny(let reason): throw APIProblem.denied(reason)
        }
    }

    /// Whether the caller may do `action` in the tenant, for a call that does more when they may;
    /// a role service that cannot answer is an error, not a no.
    func isAllowed(_ action: Action, in tenantID: String) async throws -> Bool {
        if case .allow = try await decision(action, in: tenantID) { return true }
        return false
    }

    private func decision(_ action: Action, in tenantID: String) async throws -> Authorization.Decision {
        let principal = try RequestInfo.requirePrincipal()
        do {
            return try await decisions.decision(AuthorizeMethod.Request(principal: principal, tenantID: tenantID.lowercased(), action: action))
        } catch {
            throw APIProblem(error)
        }
    }

    /// The caller, for calls the role service authorizes itself.
    func callContext() throws -> CallContext {
        let info = RequestInfo.current
        return CallContext(principal: try RequestInfo.requirePrincipal(), requestID: info.id, sourceAddress: info.sourceAddress)
    }

    func call<Method: RPCMethod>(
        _ method: Method.Type, _ request: Method.Request, timeout: Duration? = nil
    ) async throws -> Method.Response {
        do {
            return try await rpc.call(method, request, timeout: timeout)
        } catch {
            throw APIProblem(error)
        }
    }

    /// Calls a method whose response is JSON in the API's shape (`RawJSONMethod`).
    func call<Method: RawJSONMethod>(_ method: Method.Type, _ request: Method.Request) async throws -> [UInt8] {
        do {
            return try await rpc.call(method, request)
        } catch {
            throw APIProblem(error)
        }
    }
    /// A page of requests the worker wrote as the API's JSON, sent as it is (`PassThroughJSON`,
    /// which ends the handler); decoded only when no middleware sends it.
    func requestList(_ json: [UInt8]) throws -> Components.Schemas.ServiceRequestList {
        let data = Data(json)
        try PassThroughJSON.send(data)
        return try Self.decodeRequestList(data)
    }

    /// A request the worker wrote as the API's JSON, sent as it is with `status` and its ETag
    /// (`PassThroughJSON`, which ends the handler); decoded only when no middleware sends it.
    func serviceRequest(_ json: Data, status: HTTPResponse.Status, eTag: String) throws -> Components.Schemas.ServiceRequest {
        try PassThroughJSON.send(json, status: status, headers: [.eTag: eTag])
        return try Self.decodeRequest(json)
    }

    static func decodeRequest(_ json: Data) throws -> Components.Schemas.ServiceRequest {
        try decodeWorkerJSON(json)
    }

    static func decodeRequestList(_ json: Data) throws -> Components.Schemas.ServiceRequestList {
        try decodeWorkerJSON(json)
    }

    /// JSON the worker wrote in the API's shape, read as the generated types (RFC 3339 dates).
    private static func decodeWorkerJSON<Value: Decodable>(_ json: Data) throws -> Value {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .internetDate
        return try decoder.decode(Value.self, from: json)
    }
}
