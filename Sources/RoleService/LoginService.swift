import Contracts
import Domain
import Logging
import Tokens

/// Checks an email and password and issues an access token.
///
/// Every failure answers the same 401 problem, whether the email is unknown, the password wrong,
/// or the account disabled, and takes as long (an unknown email is checked against a decoy
/// hash), so the answer reveals nothing about which emails exist.
public struct LoginService: Sendable {
    let directory: AdminDirectory
    let hasher: PasswordHasher
    let signer: TokenSigner
    let decoyHash: String
    let logger: Logger

    public init(directory: AdminDirectory, hasher: PasswordHasher, decoyHash: String, signer: TokenSigner, logger: Logger) {
        self.directory = directory
        self.decoyHash = decoyHash
        self.hasher = hasher
        self.signer = signer
        self.logger = logger
    }

    public func login(_ request: LoginMethod.Request) async throws -> LoginMethod.Response {
        let invalid = RPCProblem(
            status: 401, type: ProblemType.invalidCredentials, title: "Invalid credentials",
            detail: "the email or password is not correct")
        // bcrypt reads a C string: a NUL would cut the password short, so it never matches.
        guard let email = Validation.normalizedEmail(request.email),
              request.password.utf8.count <= Validation.maximumPasswordBytes, !request.password.utf8.contains(0)
        else {
            _ = try await hasher.verify(request.password, hash: decoyHash)
            throw invalid
        }
        guard let identity = try await directory.identity(email: email) else {
            _ = try await hasher.verify(request.password, hash: decoyHash)
            logger.info("login refused", metadata: ["reason": "unknown email", "source": "\(request.sourceAddress ?? "-")"])
            throw invalid
        }
        guard try await hasher.verify(request.password, hash: identity.passwordHash) else {
            logger.info("login refused", metadata: ["reason": "wrong password", "admin": "\(identity.adminID)"])
            throw invalid
        }
        guard let principal = try await directory.activePrincipal(adminID: identity.adminID, tenantID: identity.tenantID) else {
            logger.info("login refused", metadata: ["reason": "disabled", "admin": "\(identity.adminID)"])
            throw invalid
        }
        let token = try await signer.token(for: principal)
        logger.info("login", metadata: ["admin": "\(principal.adminID)", "tenant": "\(principal.tenantID)"])
        return LoginMethod.Response(accessToken: token, expiresIn: Int(signer.lifetime.components.seconds))
    }
}
