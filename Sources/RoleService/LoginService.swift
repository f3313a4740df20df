import Contracts
import Domain
import Foundation
import Logging
import Store
import Tokens

/// Logs administrators in, refreshes and ends their sessions.
///
/// Every failed login answers the same 401 problem, whether the email is unknown, the password
/// wrong, or the account disabled, and takes as long (an unknown email is checked against a
/// decoy hash), so the answer reveals nothing about which emails exist. Failures are throttled
/// per account and per source address.
public struct LoginService: Sendable {
    let directory: AdminDirectory
    let hasher: PasswordHasher
    let signer: CurrentSigner
    let decoyHash: String
    let throttle: LoginThrottle
    let refreshTokens: RefreshTokens
    let logger: Logger

    static let invalid = RPCProblem(
        status: 401, type: ProblemType.invalidCredentials, title: "Invalid credentials",
        detail: "the email or password is not correct")

    public func login(_ request: LoginMethod.Request) async throws -> TokenGrant {
        let rawEmail = request.email.lowercased()
        let accountKey = LoginThrottle.accountKey(Validation.normalizedEmail(request.email) ?? rawEmail)
        let addressKey = request.sourceAddress.map(LoginThrottle.addressKey)
        if let seconds = try await throttle.retryAfter(account: accountKey, address: addressKey) {
            logger.info("login throttled", metadata: ["source": "\(request.sourceAddress ?? "-")"])
            throw RPCProblem(
                status: 429, type: ProblemType.loginThrottled, title: "Too many failed logins",
                detail: "too many failed logins for this account or address: wait and try again", retryAfter: seconds)
        }
        do {
            let principal = try await check(request)
            try await throttle.recordSuccess(account: accountKey)
            return try await grant(for: principal)
        } catch let problem as RPCProblem where problem.type == ProblemType.invalidCredentials {
            try await throttle.recordFailure(account: accountKey, address: addressKey)
            throw problem
        }
    }

    private func check(_ request: LoginMethod.Request) async throws -> Principal {
        // bcrypt reads a C string: a NUL would cut the password short, so it never matches.
        guard let email = Validation.normalizedEmail(request.email),
              request.password.utf8.count <= Validation.maximumPasswordBytes, !request.password.utf8.contains(0)
        else {
            _ = try await hasher.verify(request.password, hash: decoyHash)
            throw Self.invalid
        }
        guard let identity = try await directory.identity(email: email) else {
            _ = try await hasher.verify(request.password, hash: decoyHash)
            logger.info("login refused", metadata: ["reason": "unknown email", "source": "\(request.sourceAddress ?? "-")"])
            throw Self.invalid
        }
        guard try await hasher.verify(request.password, hash: identity.passwordHash) else {
            logger.info("login refused", metadata: ["reason": "wrong password", "admin": "\(identity.adminID)"])
            throw Self.invalid
        }
        guard let principal = try await directory.activePrincipal(adminID: identity.adminID, tenantID: identity.tenantID) else {
            logger.info("login refused", metadata: ["reason": "disabled", "admin": "\(identity.adminID)"])
            throw Self.invalid
        }
        logger.info("login", metadata: ["admin": "\(principal.adminID)", "tenant": "\(principal.tenantID)"])
        return principal
    }

    /// An access token and the first refresh token of a new family.
    private func grant(for principal: Principal) async throws -> TokenGrant {
        guard let admin = UUID(uuidString: principal.adminID), let tenant = UUID(uuidString: principal.tenantID) else {
            throw Self.invalid
        }
        let refresh = try await directory.database.withTenantTransaction(tenant) { connection in
            try await refreshTokens.issue(admin: admin, tenant: tenant, family: UUID(), on: connection)
        }
        return TokenGrant(accessToken: try await signer.signer.token(for: principal),
                          expiresIn: Int(signer.signer.lifetime.components.seconds), refreshToken: refresh)
    }

    public func refresh(_ request: RefreshMethod.Request) async throws -> TokenGrant {
        switch try await refreshTokens.rotate(request.refreshToken) {
        case .invalid:
            throw RefreshTokens.invalid
        case .reused:
            logger.warning("refresh token reused: family revoked", metadata: ["source": "\(request.sourceAddress ?? "-")"])
            throw RefreshTokens.invalid
        case .rotated(let admin, let tenant, let token):
            guard let principal = try await directory.activePrincipal(adminID: admin, tenantID: tenant) else {
                throw RefreshTokens.invalid
            }
            return TokenGrant(accessToken: try await signer.signer.token(for: principal),
                              expiresIn: Int(signer.signer.lifetime.components.seconds), refreshToken: token)
        }
    }

    public func logout(_ request: LogoutMethod.Request) async throws -> EmptyRequest {
        guard let admin = UUID(uuidString: request.context.principal.adminID) else { return EmptyRequest() }
        if try await refreshTokens.revokeFamily(of: request.refreshToken, admin: admin) {
            logger.info("logout", metadata: ["admin": "\(admin)"])
        }
        return EmptyRequest()
    }
}
