import Domain
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

    @Test("a body that is not JSON gets 415")
    func notJSON() async throws {
        try await withGateway { client in
            try await client.execute(uri: "/v1/auth/token", method: .post, headers: [.contentType: "text/plain"],
                                     body: jsonBody("email=a")) { response in
                #expect(response.status == .unsupportedMediaType)
                #expect(response.problemType == ProblemType.unsupportedMediaType)
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
                #expect(ready.checks == ["amqp": "ok", "keys": "ok", "roles": "ok", "worker": "ok"])
            }
        }
    }
}
