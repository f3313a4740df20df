import Domain
import Foundation
import GatewayApp
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Bad requests get the right problem+json", .timeLimit(.minutes(2)))
struct RequestProblemTests {
    @Test("malformed JSON gets 400, a missing field 400, empty fields 422")
    func malformed() async throws {
        try await withGateway { client in
            for body in [#"{"email": "a@b.c", "#, "[1,2", #"{"email":"a@b.c"}"#] {
                try await client.execute(uri: "/v1/auth/token", method: .post, headers: jsonHeaders, body: jsonBody(body)) { response in
                    #expect(response.status == .badRequest, "\(body)")
                    #expect(response.problemType == ProblemType.malformedRequest)
                }
            }
            try await client.execute(uri: "/v1/auth/token", method: .post, headers: jsonHeaders,
                                     body: jsonBody(#"{"email":"","password":""}"#)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(response.problemType == ProblemType.validationFailed)
            }
        }
    }

    @Test("a body over the limit gets 413, with or without Content-Length")
    func tooLarge() async throws {
        try await withGateway { client in
            let big = #"{"email":"a@b.c","password":""# + String(repeating: "x", count: 8192) + #""}"#
            try await client.execute(uri: "/v1/auth/token", method: .post, headers: jsonHeaders, body: jsonBody(big)) { response in
                #expect(response.status == .contentTooLarge)
                #expect(response.problemType == ProblemType.payloadTooLarge)
            }
        }
    }

    @Test("a chunked body (no Content-Length) that outgrows the limit gets 413, not 500")
    func chunkedTooLarge() async throws {
        try await withGateway(configure: { $0.maxBodyBytes = 64 << 10 }) { client in
            let port = try #require(client.port)
            let body = Array((#"{"email":"a@b.c","password":""# + String(repeating: "x", count: 200_000) + #""}"#).utf8)
            let answer = try await RawHTTP.exchange(
                port: port, RawHTTP.chunkedPost(path: "/v1/auth/token", headers: ["Content-Type": "application/json"], body: body))
            #expect(answer.hasPrefix("HTTP/1.1 413"), "\(answer.prefix(300))")
            #expect(answer.contains(ProblemType.payloadTooLarge))
            // Within the limit, the same way of sending is read as usual.
            let small = Array(#"{"email":"a@b.c","password":"not-the-password"}"#.utf8)
            let fine = try await RawHTTP.exchange(
                port: port, RawHTTP.chunkedPost(path: "/v1/auth/token", headers: ["Content-Type": "application/json", "Connection": "close"], body: small))
            #expect(fine.hasPrefix("HTTP/1.1 401"), "\(fine.prefix(300))")
        }
    }

    @Test("a NUL character (U+0000) in a body or a query gets 422 before any service sees it; other text is read as usual")
    func nulCharacters() async throws {
        try await withGateway { client in
            let token = try await operatorToken(client)
            let me = try await client.execute(uri: "/v1/me", method: .get, headers: bearer(token)) { response in
                try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
            }
            let tenant = try #require(me?["tenant_id"] as? String)
            let body = #"{"name":"N\u0000ul","email":"nul@slice.tenantdesk.test","password":"long-enough-passphrase","roles":["platform_operator"]}"#
            try await client.execute(uri: "/v1/tenants/\(tenant)/admins", method: .post, headers: [.contentType: "application/json", .authorization: "Bearer \(token)"],
                                     body: jsonBody(body)) { response in
                #expect(response.status == .unprocessableContent, "\(String(buffer: response.body))")
                #expect(response.problemType == ProblemType.validationFailed)
            }
            try await client.execute(uri: "/v1/tenants/\(tenant)/audit-events?action=%00", method: .get, headers: bearer(token)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(response.problemType == ProblemType.validationFailed)
            }
            // An escaped backslash before "u0000" is text, not a NUL: the name is refused for its
            // control character check only if it had one, so this one is created.
            let email = "backslash-\(UUID().uuidString.prefix(6).lowercased())@slice.tenantdesk.test"
            let text = #"{"name":"Back\\u0000slash","email":"\#(email)","password":"long-enough-passphrase","roles":["platform_operator"]}"#
            try await client.execute(uri: "/v1/tenants/\(tenant)/admins", method: .post, headers: [.contentType: "application/json", .authorization: "Bearer \(token)"],
                                     body: jsonBody(text)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
            }
        }
    }

    @Test("a name with a control character gets 422; roles named twice are kept once")
    func namesAndRoles() async throws {
        try await withGateway { client in
            let token = try await operatorToken(client)
            let headers: HTTPFields = [.contentType: "application/json", .authorization: "Bearer \(token)"]
            let me = try await client.execute(uri: "/v1/me", method: .get, headers: bearer(token)) { response in
                try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
            }
            let tenant = try #require(me?["tenant_id"] as? String)
            let suffix = UUID().uuidString.prefix(6).lowercased()
            let bell = #"{"name":"bell\u0007\u001b[31mred","email":"bell-\#(suffix)@slice.tenantdesk.test","password":"long-enough-passphrase","roles":["platform_operator"]}"#
            try await client.execute(uri: "/v1/tenants/\(tenant)/admins", method: .post, headers: headers, body: jsonBody(bell)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("control characters"))
            }
            let twice = #"{"name":"Twice","email":"twice-\#(suffix)@slice.tenantdesk.test","password":"long-enough-passphrase","roles":["platform_operator","platform_operator"]}"#
            try await client.execute(uri: "/v1/tenants/\(tenant)/admins", method: .post, headers: headers, body: jsonBody(twice)) { response in
                #expect(response.status == .created)
                let admin = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                #expect(admin?["roles"] as? [String] == ["platform_operator"])
            }
        }
    }

    @Test("a body that is not JSON gets 415")
    func notJSON() async throws {
        try await withGateway { client in
            for type in ["text/plain", "application/vnd.example+json"] {
                try await client.execute(uri: "/v1/auth/token", method: .post, headers: [.contentType: type],
                                         body: jsonBody(#"{"email":"a@b.c","password":"x"}"#)) { response in
                    #expect(response.status == .unsupportedMediaType, "\(type)")
                    #expect(response.problemType == ProblemType.unsupportedMediaType)
                }
            }
        }
    }

    @Test("an unknown path gets a 404 problem with a request id; without a token, 401 (nothing is revealed)")
    func unknownPath() async throws {
        try await withGateway { client in
            try await client.execute(uri: "/v1/nothing-here", method: .get) { response in
                #expect(response.status == .unauthorized)
                // The instance is the path, written as is.
                #expect(String(buffer: response.body).contains(#""instance":"/v1/nothing-here""#))
            }
            let token = try await operatorToken(client)
            try await client.execute(uri: "/v1/nothing-here", method: .get, headers: bearer(token)) { response in
                #expect(response.status == .notFound)
                let problem = try response.problem()
                #expect(problem.type == ProblemType.notFound)
                #expect(response.headers[HTTPField.Name("X-Request-Id")!] == problem.request_id)
            }
        }
    }

    @Test("liveness and readiness answer 200 when everything runs")
    func health() async throws {
        try await withGateway { client in
            try await client.execute(uri: "/health/live", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .ok)
                struct Ready: Decodable { var status: String; var checks: [String: String] }
                let ready = try response.json(Ready.self)
                #expect(ready.status == "ready")
                #expect(ready.checks == ["amqp": "ok", "database": "ok", "keys": "ok", "roles": "ok", "worker": "ok"])
            }
        }
    }
}
