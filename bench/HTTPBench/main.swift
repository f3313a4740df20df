import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore

/// tenantdesk-bench-http: HTTP load through a running gateway, in a closed loop at each client
/// count, then in an open loop at a fixed rate; prints one figure per line. Scenarios:
/// - `submit`: files service requests (draft, then submit: HTTP → gateway → role service
///   decision → worker → PostgreSQL → reply);
/// - `list`: reads the caller's tenant's request list (the default view: unresolved, newest
///   first, 50 a page, with the counts per status).
///
///   tenantdesk-bench-http --scenario submit|list --port P --email E --password W [--clients 8,32,64]
///                         [--seconds 10] [--rate R] [--open yes|no]
struct Options {
    var scenario = "submit"
    var host = "127.0.0.1"
    var port = 8080
    var email = ""
    var password = ""
    var clients = [8, 32, 64]
    var seconds = 10
    var rate: Double?
    /// Whether the open-loop figure follows the closed-loop ones.
    var open = true

    init(_ arguments: [String]) throws {
        var rest = arguments.dropFirst()
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw BenchError("\(flag) needs a value") }
            switch flag {
            case "--scenario": scenario = value
            case "--host": host = value
            case "--port": port = Int(value) ?? 0
            case "--email": email = value
            case "--password": password = value
            case "--clients": clients = value.split(separator: ",").compactMap { Int($0) }
            case "--seconds": seconds = Int(value) ?? 0
            case "--rate": rate = Double(value)
            case "--open": open = value != "no"
            default: throw BenchError("unknown option \(flag)")
            }
        }
        guard ["submit", "list"].contains(scenario), port > 0, !email.isEmpty, !password.isEmpty, !clients.isEmpty, seconds > 0 else {
            throw BenchError(
                "usage: tenantdesk-bench-http --scenario submit|list --port P --email E --password W [--clients 8,32,64] [--seconds 10] [--rate R] [--open yes|no]")
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func json(_ response: TestClient.Response) throws -> [String: Any] {
    guard let body = response.body,
          let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any] else {
        throw BenchError("not JSON: \(response.status)")
    }
    return object
}

let options = try Options(CommandLine.arguments)
let (token, tenant) = try await TestClient.withClient(host: options.host, port: options.port) { client in
    let login = try await client.execute(.init(
        "/v1/auth/token", method: .post, headers: [.contentType: "application/json"],
        body: ByteBuffer(string: #"{"email":"\#(options.email)","password":"\#(options.password)"}"#)))
    guard login.status == .ok, let token = try json(login)["access_token"] as? String else {
        throw BenchError("login failed: \(login.status)")
    }
    let me = try await client.execute(.init("/v1/me", method: .get, headers: [.authorization: "Bearer \(token)"]))
    guard let tenant = try json(me)["tenant_id"] as? String else { throw BenchError("no tenant") }
    return (token, tenant)
}

let draftBody = """
    {"category":"enrollment","feature":"windows-autopilot","symptom":"device-stuck-at-esp",
     "summary":"Autopilot devices stop at the Enrollment Status Page","details":"Every new laptop stops at the ESP.",
     "severity":"B","language":"en","contact":{"name":"Bench","email":"bench@contoso.example","preferred_method":"email"}}
    """
let headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]

/// One filed request: the draft, then its submission.
let submit: @Sendable (TestClient) async throws -> Bool = { client in
    let draft = try await client.execute(.init(
        "/v1/tenants/\(tenant)/requests", method: .post, headers: headers, body: ByteBuffer(string: draftBody)))
    guard draft.status == .created, let id = try json(draft)["id"] as? String else { return false }
    let submitted = try await client.execute(.init("/v1/tenants/\(tenant)/requests/\(id)/submit", method: .post, headers: headers))
    return submitted.status == .ok
}

/// One read of the request list, as a tenant admin opens it.
let list: @Sendable (TestClient) async throws -> Bool = { client in
    let response = try await client.execute(.init("/v1/tenants/\(tenant)/requests", method: .get, headers: headers))
    return response.status == .ok
}

let scenario = options.scenario
let generator = LoadGenerator(host: options.host, port: options.port, work: scenario == "list" ? list : submit)
// Warm up: connections, caches, the worker's and PostgreSQL's plans.
_ = try await generator.closedLoop(clients: 4, duration: .seconds(2))

/// The closed-loop rate the open loop is set from: at 32 clients when measured, else at the first count.
var referenceRate: Double?
for clients in options.clients {
    let result = try await generator.closedLoop(clients: clients, duration: .seconds(options.seconds))
    if clients == 32 || referenceRate == nil { referenceRate = result.rate }
    print("\(scenario)_c\(clients)_rate \(String(format: "%.1f", result.rate))")
    print("\(scenario)_c\(clients)_p50_us \(result.microseconds(50))")
    print("\(scenario)_c\(clients)_p99_us \(result.microseconds(99))")
    print("\(scenario)_c\(clients)_failed \(result.failed)")
}
guard options.open else { exit(0) }
let rate = options.rate ?? ((referenceRate ?? 100) * 0.6).rounded()
let open = try await generator.openLoop(rate: rate, connections: 64, duration: .seconds(options.seconds))
print("open_rate_target \(String(format: "%.0f", rate))")
print("open_rate \(String(format: "%.1f", open.rate))")
print("open_p50_us \(open.microseconds(50))")
print("open_p99_us \(open.microseconds(99))")
print("open_p999_us \(open.microseconds(99.9))")
print("open_failed \(open.failed)")
