import Crypto
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Store
import Testing
import Tokens

@Suite("Login and bearer tokens through gateway, role service and PostgreSQL", .timeLimit(.minutes(3)))
struct AuthenticationTests {
    @Test("the right password gets a token that /v1/me accepts")
    func loginAndMe() async throws {
        try await withGateway { client in
            let token = try await operatorToken(client)
            try await client.execute(uri: "/v1/me", method: .get, headers: bearer(token)) { response in
                #expect(response.status == .ok)
                struct Me: Decodable { var admin_id: String; var tenant_id: String; var email: String; var roles: [String] }
                let me = try response.json(Me.self)
                #expect(me.email == SliceStack.operatorEmail)
                #expect(me.roles == ["platform_operator"])
                #expect(UUID(uuidString: me.admin_id) != nil)
            }
        }
    }

    @Test("a wrong password and an unknown email get the same 401 problem")
    func wrongPasswordAndUnknownEmail() async throws {
        try await withGateway { client in
            let wrong = #"{"email":"\#(SliceStack.operatorEmail)","password":"not-the-password"}"#
            let unknown = #"{"email":"nobody@slice.tenantdesk.test","password":"not-the-password"}"#
            var problems: [Problem] = []
            for body in [wrong, unknown] {
                try await client.execute(uri: "/v1/auth/token", method: .post, headers: jsonHeaders, body: jsonBody(body)) { response in
                    #expect(response.status == .unauthorized)
                    problems.append(try response.problem())
                }
            }
            #expect(problems.count == 2)
            #expect(problems.allSatisfy { $0.type == ProblemType.invalidCredentials && $0.status == 401 })
            #expect(Set(problems.map(\.detail)).count == 1)
            // A NUL is a client's mistake, refused before any account is looked at: the same 422
            // for a real account's password and an unknown email (nothing revealed), never a 500,
            // and it cannot cut the real password short.
            let nulPassword = #"{"email":"\#(SliceStack.operatorEmail)","password":"\#(SliceStack.operatorPassword)\u0000tail"}"#
            let nulEmail = #"{"email":"operator\u0000@slice.tenantdesk.test","password":"x"}"#
            var refusals: [Problem] = []
            for body in [nulPassword, nulEmail] {
                try await client.execute(uri: "/v1/auth/token", method: .post, headers: jsonHeaders, body: jsonBody(body)) { response in
                    #expect(response.status == .unprocessableContent, "\(body)")
                    refusals.append(try response.problem())
                }
            }
            #expect(refusals.count == 2)
            #expect(refusals.allSatisfy { $0.type == ProblemType.validationFailed })
            #expect(Set(refusals.map(\.detail)).count == 1)
        }
    }

    @Test("expired, foreign-key, tampered and alg:none tokens each get 401 problem+json")
    func badTokens() async throws {
      try await withGateway { client in
        // Ready means the role service runs, so its signing key exists.
        let environment = try await SliceStack.shared.start()
        let realKey = try await Self.currentSigningKey(environment)
        let principal = Principal(
            adminID: UUID().uuidString.lowercased(), tenantID: UUID().uuidString.lowercased(), name: "Mallory",
            email: "mallory@example.com", roles: [.platformOperator])

        let expired = try await TokenSigner(key: realKey, lifetime: .seconds(60))
            .token(for: principal, now: Date().addingTimeInterval(-3600))
        let foreign = try await TokenSigner(key: SigningKey(), lifetime: .seconds(600)).token(for: principal)
        let sameKidOtherKey = try await TokenSigner(
            key: SigningKey(kid: realKey.kid, rawPrivateKey: SigningKey().privateKey.rawRepresentation), lifetime: .seconds(600)
        ).token(for: principal)
        let valid = try await TokenSigner(key: realKey, lifetime: .seconds(600)).token(for: principal)
        let tamperedPayload = Self.replacingPayload(of: valid, roles: "[\"platform_operator\",\"support_manager\"]")
        let algNone = Self.unsignedToken(kid: realKey.kid, subject: principal.adminID)

            // The control: the real key's token passes, so the refusals below are about the token.
            try await client.execute(uri: "/v1/me", method: .get, headers: bearer(valid)) { #expect($0.status == .ok) }
            for (label, token) in [("expired", expired), ("foreign key", foreign), ("same kid, other key", sameKidOtherKey),
                                   ("tampered payload", tamperedPayload), ("alg none", algNone), ("garbage", "not.a.token")] {
                try await client.execute(uri: "/v1/me", method: .get, headers: bearer(token)) { response in
                    #expect(response.status == .unauthorized, "\(label)")
                    #expect(response.problemType == ProblemType.unauthenticated, "\(label)")
                    #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true, "\(label)")
                }
            }
            try await client.execute(uri: "/v1/me", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.problemType == ProblemType.unauthenticated)
            }
            try await client.execute(uri: "/v1/me", method: .get, headers: [.authorization: "Basic dXNlcjpwYXNz"]) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }

    static func currentSigningKey(_ environment: SliceStack.Environment) async throws -> SigningKey {
        try await Database.with(environment.owner, logger: SliceStack.logger) { database in
            let rows = try await database.client.query(
                "SELECT kid, private_key FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1")
            for try await (kid, raw) in rows.decode((String, Data).self) { return try SigningKey(kid: kid, rawPrivateKey: raw) }
            throw SliceError("no signing key")
        }
    }

    static func base64URL(_ text: String) -> String {
        Data(text.utf8).base64URLEncoded
    }

    static func unsignedToken(kid: String, subject: String) -> String {
        let exp = Int(Date().timeIntervalSince1970) + 600
        let header = base64URL(#"{"alg":"none","typ":"JWT","kid":"\#(kid)"}"#)
        let payload = base64URL(#"{"iss":"tenantdesk","sub":"\#(subject)","tid":"\#(subject)","name":"x","email":"x@example.com","roles":["platform_operator"],"iat":0,"exp":\#(exp),"jti":"x"}"#)
        return "\(header).\(payload)."
    }

    static func replacingPayload(of token: String, roles: String) -> String {
        let parts = token.split(separator: ".").map(String.init)
        let exp = Int(Date().timeIntervalSince1970) + 600
        let payload = base64URL(#"{"iss":"tenantdesk","sub":"x","tid":"x","name":"x","email":"x@example.com","roles":\#(roles),"iat":0,"exp":\#(exp),"jti":"x"}"#)
        return "\(parts[0]).\(payload).\(parts[2])"
    }
}
