import Crypto
import Domain
import Foundation
import HTTPTypes
import Testing
import RoleService
import Store
import Tokens

/// Hand-made tokens, each wrong in one way, signed with the real key where a signature matters:
/// every one is refused with 401.
@Suite("Token attacks", .timeLimit(.minutes(3)))
struct TokenAttackTests {
    static func b64(_ data: Data) -> String { data.base64URLEncoded }

    static func forge(header: [String: Any], claims: [String: Any], sign: (Data) throws -> Data) throws -> String {
        let h = b64(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
        let p = b64(try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]))
        let input = "\(h).\(p)"
        return "\(input).\(b64(try sign(Data(input.utf8))))"
    }

    @Test("alg none, HS256 with the public key, injected kid or jku, wrong typ, iss, aud, nbf, exp: all 401")
    func attacks() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let key = try await AuthenticationTests.currentSigningKey(environment)
            let me = try await api.send(.get, "/v1/me", token: try await api.login(SliceStack.operatorEmail, SliceStack.operatorPassword).access)
            let now = Int(Date().timeIntervalSince1970)
            let good: [String: Any] = [
                "iss": "tenantdesk", "aud": "tenantdesk-api", "sub": try me.string("admin_id"), "tid": try me.string("tenant_id"),
                "name": "Mallory", "email": "m@example.com", "roles": ["platform_operator"], "iat": now, "nbf": now, "exp": now + 600,
                "jti": UUID().uuidString,
            ]
            let header: [String: Any] = ["alg": "EdDSA", "typ": "JWT", "kid": key.kid]
            let eddsa: (Data) throws -> Data = { try key.privateKey.signature(for: $0) }
            func with(_ changes: [String: Any?], in base: [String: Any]) -> [String: Any] {
                var copy = base
                for (name, value) in changes { copy[name] = value }
                return copy
            }
            // The control: a correctly forged token passes, so each refusal is about its one flaw.
            let control = try Self.forge(header: header, claims: good, sign: eddsa)
            #expect(try await api.send(.get, "/v1/me", token: control).status == 200)

            let publicKey = key.privateKey.publicKey.rawRepresentation
            let hmac: (Data) throws -> Data = { Data(HMAC<SHA256>.authenticationCode(for: $0, using: SymmetricKey(data: publicKey))) }
            let cases: [(String, String)] = [
                ("alg none", try Self.forge(header: with(["alg": "none"], in: header), claims: good, sign: { _ in Data() })),
                ("HS256 keyed with the public key", try Self.forge(header: with(["alg": "HS256"], in: header), claims: good, sign: hmac)),
                ("kid injection", try Self.forge(header: with(["kid": "../../../../dev/null"], in: header), claims: good, sign: eddsa)),
                ("no kid", try Self.forge(header: with(["kid": nil], in: header), claims: good, sign: eddsa)),
                ("jku", try Self.forge(header: with(["jku": "https://evil.example/keys"], in: header), claims: good, sign: eddsa)),
                ("embedded jwk", try Self.forge(header: with(["jwk": ["kty": "OKP", "crv": "Ed25519", "x": Self.b64(publicKey)]], in: header),
                                                claims: good, sign: eddsa)),
                ("typ", try Self.forge(header: with(["typ": "refresh+jwt"], in: header), claims: good, sign: eddsa)),
                ("wrong issuer", try Self.forge(header: header, claims: with(["iss": "someone-else"], in: good), sign: eddsa)),
                ("wrong audience", try Self.forge(header: header, claims: with(["aud": "another-api"], in: good), sign: eddsa)),
                ("not yet valid", try Self.forge(header: header, claims: with(["nbf": now + 3600], in: good), sign: eddsa)),
                ("expired beyond leeway", try Self.forge(header: header, claims: with(["exp": now - 61], in: good), sign: eddsa)),
                ("tampered payload", {
                    let parts = control.split(separator: ".").map(String.init)
                    let payload = Self.b64((try? JSONSerialization.data(withJSONObject: with(["roles": ["support_manager"]], in: good))) ?? Data())
                    return "\(parts[0]).\(payload).\(parts[2])"
                }()),
            ]
            for (label, token) in cases {
                let reply = try await api.send(.get, "/v1/me", token: token)
                #expect(reply.status == 401, "\(label)")
                #expect(reply.problemType == ProblemType.unauthenticated, "\(label)")
            }
        }
    }
}

@Suite("Signing-key rotation", .timeLimit(.minutes(2)))
struct KeyRotationTests {
    @Test("after a rotation new tokens carry the new kid and verify; tokens of the old key still verify")
    func rotation() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let before = try await api.login(SliceStack.operatorEmail, SliceStack.operatorPassword).access
            let newKid = try await Database.with(environment.owner, logger: SliceStack.logger) { database in
                try await SigningKeyRepository(database: database).rotate()
            }
            var after = before
            for _ in 0..<60 where TokenVerifier.unverifiedKeyID(of: after) != newKid {
                try await Task.sleep(for: .milliseconds(100))
                after = try await api.login(SliceStack.operatorEmail, SliceStack.operatorPassword).access
            }
            #expect(TokenVerifier.unverifiedKeyID(of: after) == newKid)
            #expect(try await api.send(.get, "/v1/me", token: after).status == 200)
            #expect(try await api.send(.get, "/v1/me", token: before).status == 200)
        }
    }

    @Test("a retired key's tokens stop verifying within seconds, not at the gateways' next five-minute refresh")
    func retirement() async throws {
        let prepared = try await SliceStack.prepare(prefix: "td_keys")
        try await SliceStack.running(prepared) { environment in
            try await withGateway(environment: environment) { client in
                let api = API(client: client)
                let old = try await api.login(SliceStack.operatorEmail, SliceStack.operatorPassword).access
                let oldKid = try #require(TokenVerifier.unverifiedKeyID(of: old))
                let newKid = try await Database.with(environment.owner, logger: SliceStack.logger) { database in
                    try await SigningKeyRepository(database: database).rotate()
                }
                // The role service signs with the new key once it has reloaded.
                #expect(try await WorkerTestSupport.eventually(timeout: .seconds(10)) {
                    TokenVerifier.unverifiedKeyID(of: try await api.login(SliceStack.operatorEmail, SliceStack.operatorPassword).access) == newKid
                })
                #expect(try await api.send(.get, "/v1/me", token: old).status == 200)
                let retired = try await Database.with(environment.owner, logger: SliceStack.logger) { database in
                    try await SigningKeyRepository(database: database).retire(kid: oldKid)
                }
                #expect(retired)
                #expect(try await WorkerTestSupport.eventually(timeout: .seconds(10)) {
                    try await api.send(.get, "/v1/me", token: old).status == 401
                }, "the gateway still accepted the retired key's token")
                let fresh = try await api.login(SliceStack.operatorEmail, SliceStack.operatorPassword).access
                #expect(try await api.send(.get, "/v1/me", token: fresh).status == 200)
            }
        }
    }
}
