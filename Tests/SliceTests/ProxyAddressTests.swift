import Domain
import Foundation
import GatewayApp
import HTTPTypes
import Testing

/// Behind a trusted reverse proxy the client's address comes from `X-Forwarded-For`; failed
/// logins from one address lock that address (429 with Retry-After), not the others; and a
/// gateway that trusts no proxy ignores the header, so a client cannot pick its address.
@Suite("Client addresses and per-address login throttling", .timeLimit(.minutes(3)))
struct ProxyAddressTests {
    static func login(_ api: API, _ email: String, _ password: String, from address: String) async throws -> API.Reply {
        try await api.send(.post, "/v1/auth/token", json: #"{"email":"\#(email)","password":"\#(password)"}"#,
                           headers: ["X-Forwarded-For": address])
    }

    @Test("failures from one forwarded address lock it after the limit; another address and the account stay open")
    func perAddress() async throws {
        let environment = try await SliceStack.shared.start()
        // Addresses of the documentation range, new for every run (locks last 15 minutes).
        let suffix = String(UInt16.random(in: 1...0xfffe), radix: 16)
        let (noisy, quiet) = ("2001:db8:\(suffix)::1", "2001:db8:\(suffix)::2")
        try await withGateway(environment: environment, configure: { $0.trustedProxies = [ClientAddress.Range("127.0.0.1")].compactMap { $0 } }) { client in
            let api = API(client: client)
            // 50 failures (the default address limit), each for a different unknown email: no account is locked.
            for index in 0..<50 {
                let reply = try await Self.login(api, "nobody-\(index)-\(suffix)@slice.tenantdesk.test", "wrong-password-123", from: noisy)
                #expect(reply.status == 401, "\(index): \(reply.status)")
            }
            let locked = try await Self.login(api, SliceStack.operatorEmail, SliceStack.operatorPassword, from: noisy)
            #expect(locked.status == 429)
            #expect(locked.problemType == ProblemType.loginThrottled)
            #expect(Int(locked.retryAfter ?? "") ?? 0 > 0)
            // The same (correct) login from another address works: the account is not locked.
            #expect(try await Self.login(api, SliceStack.operatorEmail, SliceStack.operatorPassword, from: quiet).status == 200)
        }
        // A gateway that trusts no proxy ignores the header: the address is the peer's, not locked.
        try await withGateway { client in
            let reply = try await Self.login(API(client: client), SliceStack.operatorEmail, SliceStack.operatorPassword, from: noisy)
            #expect(reply.status == 200)
        }
    }
}
