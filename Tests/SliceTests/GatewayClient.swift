import Foundation
import GatewayApp
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Runs `body` against a live gateway (real HTTP on loopback) once it reports ready.
func withGateway(
    environment given: SliceStack.Environment? = nil, configure: (inout GatewayConfiguration) -> Void = { _ in },
    _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
) async throws {
    let environment: SliceStack.Environment
    if let given { environment = given } else { environment = try await SliceStack.shared.start() }
    var configuration = SliceStack.gatewayConfiguration(environment)
    configure(&configuration)
    let app = try Gateway(configuration: configuration, logger: SliceStack.logger).buildApplication()
    try await app.test(.live) { client in
        var ready = false
        for _ in 0..<200 where !ready {
            ready = try await client.execute(uri: "/health/ready", method: .get) { $0.status == .ok }
            if !ready { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(ready, "the gateway did not become ready")
        try await body(client)
    }
}

struct Problem: Decodable {
    var type: String
    var title: String
    var status: Int
    var detail: String?
    var request_id: String
}

extension TestResponse {
    /// The body as a problem, after checking the media type.
    func problem() throws -> Problem {
        #expect(headers[.contentType] == "application/problem+json")
        return try JSONDecoder().decode(Problem.self, from: Data(body.readableBytesView))
    }

    /// The problem `type`, or `nil` when the body is not problem+json.
    var problemType: String? { (try? problem())?.type }

    func json<T: Decodable>(_ type: T.Type) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(body.readableBytesView))
        } catch {
            Issue.record("status \(status.code), body: \(String(buffer: body))")
            throw error
        }
    }
}

func jsonBody(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

let jsonHeaders: HTTPFields = [.contentType: "application/json"]

func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

/// Logs in as the slice operator and returns the access token.
func operatorToken(_ client: any TestClientProtocol) async throws -> String {
    struct Token: Decodable { var access_token: String; var token_type: String; var expires_in: Int }
    let body = #"{"email":"\#(SliceStack.operatorEmail)","password":"\#(SliceStack.operatorPassword)"}"#
    return try await client.execute(uri: "/v1/auth/token", method: .post, headers: jsonHeaders, body: jsonBody(body)) { response in
        #expect(response.status == .ok)
        let token = try response.json(Token.self)
        #expect(token.token_type == "Bearer")
        #expect(token.expires_in <= 900)
        return token.access_token
    }
}
