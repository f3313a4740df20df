import Domain
import HTTPTypes
import Hummingbird
import Tokens

/// Verifies a bearer token when one is sent and records the outcome for the handlers; the
/// handlers of protected operations demand a principal. No call to the role service: the
/// signature is checked with the keys of the `KeyRing`.
struct AuthenticationMiddleware<Context: RequestContext>: RouterMiddleware {
    let keyRing: KeyRing

    /// Paths served without a token. Every other path needs one, checked before the body is read.
    static var publicPaths: Set<String> {
        ["/health/live", "/health/ready", "/v1/auth/token", "/v1/auth/refresh", "/v1/auth/api-key-token"]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            guard Self.publicPaths.contains(request.uri.path) else {
                throw APIProblem.unauthenticated("this operation needs an access token", error: "invalid_request")
            }
            return try await next(request, context)
        }
        var info = RequestInfo.current
        info.principal = await authenticate(header)
        // A bad token on a path that needs one is refused here, before the body is read.
        if case .failure(let problem) = info.principal, !Self.publicPaths.contains(request.uri.path) { throw problem }
        return try await RequestInfo.$current.withValue(info) { try await next(request, context) }
    }

    private func authenticate(_ header: String) async -> Result<Principal, APIProblem> {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else {
            return .failure(.unauthenticated("use Authorization: Bearer <access token>", error: "invalid_request"))
        }
        let token = String(parts[1])
        if let principal = try? await keyRing.verifier.verify(token) { return .success(principal) }
        // Only a failing token pays for this: its key may be new (the role service rotated).
        if let kid = TokenVerifier.unverifiedKeyID(of: token), await keyRing.refreshIfUnknown(kid: kid),
           let principal = try? await keyRing.verifier.verify(token) {
            return .success(principal)
        }
        return .failure(.unauthenticated("the access token is invalid or expired"))
    }
}

extension RequestInfo {
    /// The authenticated principal, or the 401 problem to answer with.
    static func requirePrincipal() throws(APIProblem) -> Principal {
        switch current.principal {
        case .success(let principal): return principal
        case .failure(let problem): throw problem
        case nil: throw APIProblem.unauthenticated("this operation needs an access token", error: "invalid_request")
        }
    }
}
