import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Store
import Testing

/// JSON calls against a live gateway.
struct API: Sendable {
    let client: any TestClientProtocol

    struct Reply: Sendable {
        var status: Int
        var body: String
        var contentType: String?
        var retryAfter: String?
        var etag: String? = nil
        var headers: HTTPFields = [:]
        var bytes: [UInt8] = []

        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else {
                throw SliceError("not a JSON object: \(body)")
            }
            return object
        }

        func string(_ key: String) throws -> String {
            guard let value = try json()[key] as? String else { throw SliceError("no \(key) in \(status) \(body)") }
            return value
        }

        var problemType: String? { (try? json())?["type"] as? String }
    }

    @discardableResult
    func send(
        _ method: HTTPRequest.Method, _ path: String, token: String? = nil, json: String? = nil, headers extra: [String: String] = [:]
    ) async throws -> Reply {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json != nil { headers[.contentType] = "application/json" }
        for (name, value) in extra {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return try await client.execute(uri: path, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }) { response in
            Reply(status: Int(response.status.code), body: String(buffer: response.body),
                  contentType: response.headers[.contentType], retryAfter: response.headers[.retryAfter],
                  etag: response.headers[.eTag], headers: response.headers)
        }
    }

    /// Sends raw bytes (an attachment upload); the reply keeps the raw body and all headers.
    func sendBytes(
        _ method: HTTPRequest.Method, _ path: String, token: String?, bytes: [UInt8]? = nil, contentType: String? = nil,
        headers extra: [String: String] = [:]
    ) async throws -> Reply {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let contentType { headers[.contentType] = contentType }
        for (name, value) in extra {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return try await client.execute(uri: path, method: method, headers: headers, body: bytes.map { ByteBuffer(bytes: $0) }) { response in
            Reply(status: Int(response.status.code), body: String(decoding: response.body.readableBytesView, as: UTF8.self),
                  contentType: response.headers[.contentType], retryAfter: response.headers[.retryAfter],
                  etag: response.headers[.eTag], headers: response.headers, bytes: Array(response.body.readableBytesView))
        }
    }

    /// Logs in; returns the access and refresh tokens.
    func login(_ email: String, _ password: String) async throws -> (access: String, refresh: String) {
        let reply = try await send(.post, "/v1/auth/token", json: #"{"email":"\#(email)","password":"\#(password)"}"#)
        guard reply.status == 200 else { throw SliceError("login \(email): \(reply.status) \(reply.body)") }
        return (try reply.string("access_token"), try reply.string("refresh_token"))
    }

    /// Creates a tenant with a first administrator; returns the tenant id.
    func createTenant(_ operatorToken: String, kind: String, name: String, admin: Member) async throws -> String {
        let reply = try await send(.post, "/v1/tenants", token: operatorToken, json: """
            {"kind":"\(kind)","display_name":"\(name)","country":"JP","support_plan":"premier",
             "first_admin":{"name":"\(admin.name)","email":"\(admin.email)","password":"\(Member.password)","roles":["\(admin.role)"]}}
            """)
        guard reply.status == 201 else { throw SliceError("create tenant: \(reply.status) \(reply.body)") }
        return try reply.string("id")
    }

    func createAdmin(_ token: String, tenant: String, _ member: Member) async throws -> String {
        let reply = try await send(.post, "/v1/tenants/\(tenant)/admins", token: token, json: """
            {"name":"\(member.name)","email":"\(member.email)","password":"\(Member.password)","roles":["\(member.role)"]}
            """)
        guard reply.status == 201 else { throw SliceError("create admin: \(reply.status) \(reply.body)") }
        return try reply.string("id")
    }
}

/// An administrator to create.
struct Member: Sendable {
    static let password = "slice-member-passphrase"
    var name: String
    var email: String
    var role: String

    init(_ name: String, _ role: String, _ suffix: String) {
        self.name = name
        self.email = "\(name.lowercased())-\(suffix)@slice.tenantdesk.test"
        self.role = role
    }
}

/// Tenants, administrators and partner relationships in every state, made through the API (the
/// expired one is aged in the database: time cannot be waited for).
struct PartnerWorld: Sendable {
    var vendor: String
    var c1: String, c2: String, c3: String, c4: String, c5: String
    var partner: String
    var r1: String, r3: String, r4: String, r5: String
    var operatorToken: String
    var engineerToken: String
    var ta1Token: String, sa1Token: String, ta2Token: String
    var paToken: String, pbToken: String
    var paID: String, pbID: String
    var names: [String: String]
    var engineerID = ""

    static func build(_ api: API, environment: SliceStack.Environment) async throws -> PartnerWorld {
        let suffix = String(UUID().uuidString.prefix(8)).lowercased()
        let op = try await api.login(SliceStack.operatorEmail, SliceStack.operatorPassword).access
        let vendor = try await api.send(.get, "/v1/me", token: op).string("tenant_id")
        let engineer = Member("Eve", "support_engineer", suffix)
        let engineerID = try await api.createAdmin(op, tenant: vendor, engineer)

        var names: [String: String] = [:]
        func tenant(_ kind: String, _ label: String, _ admin: Member) async throws -> String {
            let name = "\(label) \(suffix)"
            let id = try await api.createTenant(op, kind: kind, name: name, admin: admin)
            names[id] = name
            return id
        }
        let ta1 = Member("Tara", "tenant_admin", suffix), ta2 = Member("Tom", "tenant_admin", suffix)
        let c1 = try await tenant("customer", "Contoso", ta1)
        let c2 = try await tenant("customer", "Northwind", ta2)
        let c3Admin = Member("Cleo", "tenant_admin", suffix), c4Admin = Member("Dan", "tenant_admin", suffix)
        let c5Admin = Member("Fay", "tenant_admin", suffix)
        let c3 = try await tenant("customer", "Pending Co", c3Admin)
        let c4 = try await tenant("customer", "Expired Co", c4Admin)
        let c5 = try await tenant("customer", "Ended Co", c5Admin)
        let pa = Member("Pat", "partner_admin", suffix), pb = Member("Pia", "partner_admin", suffix)
        let partner = try await tenant("partner", "Fabrikam", pa)

        let ta1Token = try await api.login(ta1.email, Member.password).access
        let sa1 = Member("Sam", "service_admin", suffix)
        _ = try await api.createAdmin(ta1Token, tenant: c1, sa1)
        let paToken = try await api.login(pa.email, Member.password).access
        let pbID = try await api.createAdmin(paToken, tenant: partner, pb)
        let paID = try await api.send(.get, "/v1/me", token: paToken).string("admin_id")

        func relationship(_ customer: String, approveAs admin: Member?) async throws -> String {
            try await Self.relationship(api, partner: partner, partnerToken: paToken, assign: paID, customer: customer, approveAs: admin)
        }
        let r1 = try await relationship(c1, approveAs: ta1)
        let r3 = try await relationship(c3, approveAs: nil)
        let r4 = try await relationship(c4, approveAs: c4Admin)
        let r5 = try await relationship(c5, approveAs: c5Admin)
        let ended = try await api.send(.post, "/v1/tenants/\(partner)/relationships/\(r5)/terminate", token: paToken)
        guard ended.status == 200 else { throw SliceError("terminate: \(ended.status) \(ended.body)") }
        try await Database.with(environment.owner, logger: SliceStack.logger) { database in
            try await database.client.query("""
                UPDATE partner_relationships SET starts_at = now() - interval '31 days', ends_at = now() - interval '1 second'
                WHERE id = \(UUID(uuidString: r4) ?? UUID())
                """)
        }
        return PartnerWorld(
            vendor: vendor, c1: c1, c2: c2, c3: c3, c4: c4, c5: c5, partner: partner, r1: r1, r3: r3, r4: r4, r5: r5,
            operatorToken: op, engineerToken: try await api.login(engineer.email, Member.password).access,
            ta1Token: ta1Token, sa1Token: try await api.login(sa1.email, Member.password).access,
            ta2Token: try await api.login(ta2.email, Member.password).access,
            paToken: paToken, pbToken: try await api.login(pb.email, Member.password).access,
            paID: paID, pbID: pbID, names: names, engineerID: engineerID)
    }

    /// Relationship of `partner` with `customer` asked for by the partner admin of
    /// `partnerToken` for 30 days, approved by `admin` (nil: left pending), and `assign`ed to
    /// that partner admin as tenant admin; returns its id.
    static func relationship(
        _ api: API, partner: String, partnerToken: String, assign admin: String, customer: String, approveAs approver: Member?
    ) async throws -> String {
        let reply = try await api.send(.post, "/v1/tenants/\(partner)/relationships", token: partnerToken, json: """
            {"customer_tenant_id":"\(customer)","roles":["tenant_admin","service_admin"],"duration_days":30}
            """)
        guard reply.status == 201 else { throw SliceError("request relationship: \(reply.status) \(reply.body)") }
        let id = try reply.string("id")
        if let approver {
            let token = try await api.login(approver.email, Member.password).access
            let approved = try await api.send(.post, "/v1/tenants/\(customer)/relationships/\(id)/approve", token: token)
            guard approved.status == 200 else { throw SliceError("approve: \(approved.status) \(approved.body)") }
        }
        let assigned = try await api.send(.put, "/v1/tenants/\(partner)/relationships/\(id)/assignments/\(admin)", token: partnerToken,
                                          json: #"{"roles":["tenant_admin"]}"#)
        guard assigned.status == 200 else { throw SliceError("assign: \(assigned.status) \(assigned.body)") }
        return id
    }

    /// One more customer with an active relationship assigned to Pat; returns the tenant's id.
    func addActiveCustomer(_ api: API, label: String) async throws -> String {
        let suffix = String(UUID().uuidString.prefix(8)).lowercased()
        let admin = Member("Ada", "tenant_admin", suffix)
        let customer = try await api.createTenant(operatorToken, kind: "customer", name: "\(label) \(suffix)", admin: admin)
        _ = try await Self.relationship(api, partner: partner, partnerToken: paToken, assign: paID, customer: customer, approveAs: admin)
        return customer
    }
}
