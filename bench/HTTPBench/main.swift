import Foundation

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

func json(_ answer: HTTPAnswer) throws -> [String: Any] {
    guard let object = try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any] else {
        throw BenchError("not a JSON object: \(answer.status)")
    }
    return object
}

/// Logs in as the given user, then measures the scenario and prints its figures.
func run(_ options: Options) throws {
    let host = "\(options.host):\(options.port)"
    let session = try HTTPConnection(host: options.host, port: options.port)
    let login = try session.execute(HTTPRequestBytes(
        "POST", "/v1/auth/token", host: host, headers: [("Content-Type", "application/json")],
        body: #"{"email":"\#(options.email)","password":"\#(options.password)"}"#))
    guard login.status == 200, let token = try json(login)["access_token"] as? String else {
        throw BenchError("login failed: \(login.status)")
    }
    let me = try session.execute(HTTPRequestBytes("GET", "/v1/me", host: host, headers: [("Authorization", "Bearer \(token)")]))
    guard let tenant = try json(me)["tenant_id"] as? String else { throw BenchError("no tenant") }

    let draftBody = """
        {"category":"enrollment","feature":"windows-autopilot","symptom":"device-stuck-at-esp",
         "summary":"Autopilot devices stop at the Enrollment Status Page","details":"Every new laptop stops at the ESP.",
         "severity":"B","language":"en","contact":{"name":"Bench","email":"bench@contoso.example","preferred_method":"email"}}
        """
    let headers = [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")]
    let createDraft = HTTPRequestBytes("POST", "/v1/tenants/\(tenant)/requests", host: host, headers: headers, body: draftBody)
    let readList = HTTPRequestBytes("GET", "/v1/tenants/\(tenant)/requests", host: host, headers: [headers[0]])

    /// One filed request: the draft, then its submission.
    let submit: @Sendable (HTTPConnection) throws -> Bool = { connection in
        let draft = try connection.execute(createDraft)
        guard draft.status == 201, let id = try json(draft)["id"] as? String else { return false }
        let submitted = try connection.execute(HTTPRequestBytes("POST", "/v1/tenants/\(tenant)/requests/\(id)/submit", host: host, headers: headers))
        return submitted.status == 200
    }

    /// One read of the request list, as a tenant admin opens it.
    let list: @Sendable (HTTPConnection) throws -> Bool = { connection in
        try connection.execute(readList).status == 200
    }

    let scenario = options.scenario
    let generator = LoadGenerator(host: options.host, port: options.port, work: scenario == "list" ? list : submit)
    // Warm up: connections, caches, the worker's and PostgreSQL's plans.
    _ = try generator.closedLoop(clients: 4, duration: .seconds(2))

    /// The closed-loop rate the open loop is set from: at 32 clients when measured, else at the first count.
    var referenceRate: Double?
    for clients in options.clients {
        let result = try generator.closedLoop(clients: clients, duration: .seconds(options.seconds))
        if clients == 32 || referenceRate == nil { referenceRate = result.rate }
        print("\(scenario)_c\(clients)_rate \(String(format: "%.1f", result.rate))")
        print("\(scenario)_c\(clients)_p50_us \(result.microseconds(50))")
        print("\(scenario)_c\(clients)_p99_us \(result.microseconds(99))")
        print("\(scenario)_c\(clients)_completed \(result.completed)")
        print("\(scenario)_c\(clients)_failed \(result.failed)")
    }
    guard options.open else { return }
    let rate = options.rate ?? ((referenceRate ?? 100) * 0.6).rounded()
    let open = try generator.openLoop(rate: rate, connections: 64, duration: .seconds(options.seconds))
    print("open_rate_target \(String(format: "%.0f", rate))")
    print("open_rate \(String(format: "%.1f", open.rate))")
    print("open_p50_us \(open.microseconds(50))")
    print("open_p99_us \(open.microseconds(99))")
    print("open_p999_us \(open.microseconds(99.9))")
    print("open_failed \(open.failed)")
}

do {
    try run(Options(CommandLine.arguments))
} catch {
    FileHandle.standardError.write(Data("tenantdesk-bench-http: \(error)\n".utf8))
    exit(1)
}
