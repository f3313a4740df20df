import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Partner relationships, sessions and account state through the live gateway, role service,
/// PostgreSQL and RabbitMQ.
@Suite("Delegated access, sessions and account state", .timeLimit(.minutes(5)))
struct AccessLifecycleTests {
    /// A partner with one partner admin and a customer with one tenant admin.
    struct Pair {
        var partner: String, customer: String
        var partnerToken: String, customerToken: String
        var partnerAdminID: String
        var customerAdmin: Member
        var suffix: String
    }

    static func pair(_ api: API) async throws -> Pair {
        let suffix = String(UUID().uuidString.prefix(8)).lowercased()
        let op = try await api.login(SliceStack.operatorEmail, SliceStack.operatorPassword).access
        let pa = Member("Pam", "partner_admin", suffix), ta = Member("Ted", "tenant_admin", suffix)
        let partner = try await api.createTenant(op, kind: "partner", name: "Partner \(suffix)", admin: pa)
        let customer = try await api.createTenant(op, kind: "customer", name: "Customer \(suffix)", admin: ta)
        let partnerToken = try await api.login(pa.email, Member.password).access
        return Pair(partner: partner, customer: customer, partnerToken: partnerToken,
                    customerToken: try await api.login(ta.email, Member.password).access,
                    partnerAdminID: try await api.send(.get, "/v1/me", token: partnerToken).string("admin_id"), customerAdmin: ta, suffix: suffix)
    }

    /// Requests, approves and assigns; returns the relationship id.
    static func activeRelationship(_ api: API, _ pair: Pair, roles: String = #"["tenant_admin","service_admin"]"#) async throws -> String {
        let id = try await api.send(.post, "/v1/tenants/\(pair.partner)/relationships", token: pair.partnerToken,
                                    json: #"{"customer_tenant_id":"\#(pair.customer)","roles":\#(roles),"duration_days":60}"#).string("id")
        let approved = try await api.send(.post, "/v1/tenants/\(pair.customer)/relationships/\(id)/approve", token: pair.customerToken)
        #expect(approved.status == 200)
        let assigned = try await api.send(.put, "/v1/tenants/\(pair.partner)/relationships/\(id)/assignments/\(pair.partnerAdminID)",
                                          token: pair.partnerToken, json: #"{"roles":["tenant_admin"]}"#)
        #expect(assigned.status == 200)
        return id
    }

    @Test("a partner acts for its customer; the customer's audit log names the partner and the relationship")
    func partnerActionIsAudited() async throws {
        try await withGateway { client in
            let api = API(client: client)
            let pair = try await Self.pair(api)
            let relationship = try await Self.activeRelationship(api, pair)
            let access = try await api.send(.get, "/v1/tenants/\(pair.customer)/access/admin.manage", token: pair.partnerToken)
            #expect(access.status == 200)
            #expect(access.body.contains(relationship))
            let created = try await api.send(.post, "/v1/tenants/\(pair.customer)/admins", token: pair.partnerToken, json: """
                {"name":"Added","email":"added-\(pair.suffix)@slice.tenantdesk.test","password":"\(Member.password)","roles":["service_admin"]}
                """)
            #expect(created.status == 201)
            let log = try await api.send(.get, "/v1/tenants/\(pair.customer)/audit-events?via_relationship=\(relationship)",
                                         token: pair.customerToken)
            #expect(log.status == 200)
            let items = try log.json()["items"] as? [[String: Any]] ?? []
            #expect(items.count == 1)
            #expect(items.first?["action"] as? String == "admin.created")
            #expect(items.first?["actor_tenant_id"] as? String == pair.partner)
            #expect(items.first?["via_relationship_id"] as? String == relationship)
            #expect(items.first?["request_id"] as? String != nil)
            // The customer lists the relationship with who acts under it.
            let listed = try await api.send(.get, "/v1/tenants/\(pair.customer)/relationships?status=active", token: pair.customerToken)
            #expect(listed.body.contains(pair.partnerAdminID))
            // A tenant_id in the body is refused, not ignored.
            let smuggled = try await api.send(.post, "/v1/tenants/\(pair.customer)/admins", token: pair.partnerToken, json: """
                {"name":"X","email":"x-\(pair.suffix)@slice.tenantdesk.test","password":"\(Member.password)","roles":["service_admin"],"tenant_id":"\(pair.partner)"}
                """)
            #expect(smuggled.status == 422)
            #expect(smuggled.problemType == "urn:tenantdesk:problem:field-not-allowed")
        }
    }

    @Test("revocation latency: after an assignment is removed, another gateway denies within a second (worst of 100)")
    func revocationLatency() async throws {
        try await withGateway { first in
            try await withGateway { second in
                let a = API(client: first), b = API(client: second)
                let pair = try await Self.pair(a)
                let relationship = try await Self.activeRelationship(a, pair)
                let assignment = "/v1/tenants/\(pair.partner)/relationships/\(relationship)/assignments/\(pair.partnerAdminID)"
                let probe = "/v1/tenants/\(pair.customer)/access/tenant.read"
                var worst: Duration = .zero
                var total: Duration = .zero
                for _ in 0..<100 {
                    try await a.send(.put, assignment, token: pair.partnerToken, json: #"{"roles":["service_admin"]}"#)
                    // Warm the second gateway's cache with an allow (the grant reaches it as an
                    // event too; on a loaded machine that can take a while).
                    var allowed = false
                    let granted = ContinuousClock.now
                    while !allowed && ContinuousClock.now - granted < .seconds(20) {
                        allowed = try await b.send(.get, probe, token: pair.partnerToken).status == 200
                    }
                    #expect(allowed)
                    let removed = try await a.send(.delete, assignment, token: pair.partnerToken)
                    #expect(removed.status == 200)
                    // The gateway that made the change denies the very next call.
                    #expect(try await a.send(.get, probe, token: pair.partnerToken).status == 404)
                    let start = ContinuousClock.now
                    var denied = false
                    while !denied && ContinuousClock.now - start < .seconds(2) {
                        denied = try await b.send(.get, probe, token: pair.partnerToken).status == 404
                    }
                    let elapsed = ContinuousClock.now - start
                    #expect(denied)
                    worst = max(worst, elapsed)
                    total += elapsed
                }
                print("revocation latency through events, 100 tries: worst \(worst), mean \(total / 100)")
                #expect(worst < .seconds(1))
            }
        }
    }

    @Test("a partner terminates several relationships in one call; the next call is denied")
    func bulkTermination() async throws {
        try await withGateway { client in
            let api = API(client: client)
            let pair = try await Self.pair(api)
            let first = try await Self.activeRelationship(api, pair)
            let second = try await Self.activeRelationship(api, pair, roles: #"["tenant_admin","read_only"]"#)
            #expect(try await api.send(.get, "/v1/tenants/\(pair.customer)/admins", token: pair.partnerToken).status == 200)
            let ended = try await api.send(.post, "/v1/tenants/\(pair.partner)/relationships/terminations", token: pair.partnerToken,
                                           json: #"{"relationship_ids":["\#(first)","\#(second)"]}"#)
            #expect(ended.status == 200)
            #expect(ended.body.components(separatedBy: "\"terminated\"").count == 3)
            #expect(try await api.send(.get, "/v1/tenants/\(pair.customer)/admins", token: pair.partnerToken).status == 404)
            // Terminating again is a state conflict, for all of them or none.
            let again = try await api.send(.post, "/v1/tenants/\(pair.partner)/relationships/terminations", token: pair.partnerToken,
                                           json: #"{"relationship_ids":["\#(first)"]}"#)
            #expect(again.status == 409)
        }
    }

    @Test("relationship rules: tenant_admin with auto-extend, 731 days, and non-customer roles are refused")
    func relationshipRules() async throws {
        try await withGateway { client in
            let api = API(client: client)
            let pair = try await Self.pair(api)
            let path = "/v1/tenants/\(pair.partner)/relationships"
            for body in [#"{"customer_tenant_id":"\#(pair.customer)","roles":["tenant_admin"],"duration_days":30,"auto_extend":true}"#,
                         #"{"customer_tenant_id":"\#(pair.customer)","roles":["service_admin"],"duration_days":731}"#] {
                let reply = try await api.send(.post, path, token: pair.partnerToken, json: body)
                #expect(reply.status == 422, "\(body)")
            }
            let unknown = try await api.send(.post, path, token: pair.partnerToken,
                                             json: #"{"customer_tenant_id":"\#(UUID())","roles":["service_admin"],"duration_days":30}"#)
            #expect(unknown.status == 404)
            // The customer cannot approve for the partner, nor the partner for the customer.
            let id = try await api.send(.post, path, token: pair.partnerToken,
                                        json: #"{"customer_tenant_id":"\#(pair.customer)","roles":["service_admin"],"duration_days":30}"#).string("id")
            #expect(try await api.send(.post, "/v1/tenants/\(pair.partner)/relationships/\(id)/approve", token: pair.partnerToken).status == 403)
            #expect(try await api.send(.post, "/v1/tenants/\(pair.customer)/relationships/\(id)/reject", token: pair.customerToken).status == 200)
            #expect(try await api.send(.post, "/v1/tenants/\(pair.customer)/relationships/\(id)/approve", token: pair.customerToken).status == 409)
        }
    }

    @Test("refresh tokens rotate; reusing one revokes the whole family; logout revokes")
    func refreshRotation() async throws {
        try await withGateway { client in
            let api = API(client: client)
            let pair = try await Self.pair(api)
            let first = try await api.login(pair.customerAdmin.email, Member.password)
            let rotated = try await api.send(.post, "/v1/auth/refresh", json: #"{"refresh_token":"\#(first.refresh)"}"#)
            #expect(rotated.status == 200)
            let second = try rotated.string("refresh_token")
            #expect(second != first.refresh)
            #expect(try await api.send(.get, "/v1/me", token: try rotated.string("access_token")).status == 200)
            // The old token again: refused, and its successor dies with it.
            let reuse = try await api.send(.post, "/v1/auth/refresh", json: #"{"refresh_token":"\#(first.refresh)"}"#)
            #expect(reuse.status == 401)
            #expect(reuse.problemType == "urn:tenantdesk:problem:invalid-grant")
            #expect(try await api.send(.post, "/v1/auth/refresh", json: #"{"refresh_token":"\#(second)"}"#).status == 401)
            // Logout ends another login's family.
            let other = try await api.login(pair.customerAdmin.email, Member.password)
            #expect(try await api.send(.post, "/v1/auth/logout", token: other.access, json: #"{"refresh_token":"\#(other.refresh)"}"#).status == 204)
            #expect(try await api.send(.post, "/v1/auth/refresh", json: #"{"refresh_token":"\#(other.refresh)"}"#).status == 401)
            #expect(try await api.send(.post, "/v1/auth/refresh", json: #"{"refresh_token":"garbage"}"#).status == 401)
        }
    }

    @Test("failed logins lock the account: 429 with Retry-After, even for the right password")
    func loginThrottling() async throws {
        try await withGateway { client in
            let api = API(client: client)
            let pair = try await Self.pair(api)
            let email = pair.customerAdmin.email
            for _ in 0..<5 {
                let wrong = try await api.send(.post, "/v1/auth/token", json: #"{"email":"\#(email)","password":"wrong-password-123"}"#)
                #expect(wrong.status == 401)
            }
            let locked = try await api.send(.post, "/v1/auth/token", json: #"{"email":"\#(email)","password":"\#(Member.password)"}"#)
            #expect(locked.status == 429)
            #expect(locked.problemType == "urn:tenantdesk:problem:login-throttled")
            #expect(Int(locked.retryAfter ?? "") ?? 0 > 0)
            // Another account from the same address is not locked.
            let other = try await api.send(.post, "/v1/auth/token",
                                           json: #"{"email":"\#(SliceStack.operatorEmail)","password":"\#(SliceStack.operatorPassword)"}"#)
            #expect(other.status == 200)
        }
    }

    @Test("the last tenant admin cannot be demoted or disabled; a disabled admin's token stops working")
    func lastTenantAdmin() async throws {
        try await withGateway { client in
            let api = API(client: client)
            let pair = try await Self.pair(api)
            let me = try await api.send(.get, "/v1/me", token: pair.customerToken).string("admin_id")
            let path = "/v1/tenants/\(pair.customer)/admins/\(me)"
            for body in [#"{"roles":["service_admin"]}"#, #"{"status":"disabled"}"#] {
                let refused = try await api.send(.patch, path, token: pair.customerToken, json: body)
                #expect(refused.status == 409)
                #expect(refused.problemType == "urn:tenantdesk:problem:last-tenant-admin")
            }
            let second = Member("Una", "tenant_admin", pair.suffix)
            let secondID = try await api.createAdmin(pair.customerToken, tenant: pair.customer, second)
            #expect(try await api.send(.patch, path, token: pair.customerToken, json: #"{"roles":["service_admin"]}"#).status == 200)
            // Now a service admin: managing admins is forbidden.
            #expect(try await api.send(.get, "/v1/tenants/\(pair.customer)/admins", token: pair.customerToken).status == 403)
            let secondToken = try await api.login(second.email, Member.password).access
            let disabled = try await api.send(.patch, "/v1/tenants/\(pair.customer)/admins/\(me)", token: secondToken,
                                              json: #"{"status":"disabled"}"#)
            #expect(disabled.status == 200)
            #expect(try await api.send(.get, "/v1/tenants/\(pair.customer)", token: pair.customerToken).status == 401)
            _ = secondID
        }
    }

    @Test("a suspended tenant's admins cannot act or log in; partners cannot act for it")
    func suspendedTenant() async throws {
        try await withGateway { client in
            let api = API(client: client)
            let pair = try await Self.pair(api)
            _ = try await Self.activeRelationship(api, pair)
            let op = try await api.login(SliceStack.operatorEmail, SliceStack.operatorPassword).access
            #expect(try await api.send(.patch, "/v1/tenants/\(pair.customer)", token: op, json: #"{"status":"suspended"}"#).status == 200)
            let own = try await api.send(.get, "/v1/tenants/\(pair.customer)", token: pair.customerToken)
            #expect(own.status == 403)
            #expect(own.problemType == "urn:tenantdesk:problem:tenant-suspended")
            #expect(try await api.send(.get, "/v1/tenants/\(pair.customer)/admins", token: pair.partnerToken).status == 403)
            let login = try await api.send(.post, "/v1/auth/token", json: #"{"email":"\#(pair.customerAdmin.email)","password":"\#(Member.password)"}"#)
            #expect(login.status == 401)
            #expect(try await api.send(.patch, "/v1/tenants/\(pair.customer)", token: op, json: #"{"status":"active"}"#).status == 200)
            #expect(try await api.send(.get, "/v1/tenants/\(pair.customer)", token: pair.customerToken).status == 200)
            // Only the platform operator suspends.
            #expect(try await api.send(.patch, "/v1/tenants/\(pair.customer)", token: pair.customerToken,
                                       json: #"{"status":"suspended"}"#).status == 403)
        }
    }

    @Test("API keys: scoped to the owner's roles, shown once, exchanged for a token, revocable")
    func apiKeys() async throws {
        try await withGateway { client in
            let api = API(client: client)
            let pair = try await Self.pair(api)
            let beyond = try await api.send(.post, "/v1/me/api-keys", token: pair.partnerToken,
                                            json: #"{"name":"too much","roles":["platform_operator"]}"#)
            #expect(beyond.status == 422)
            let created = try await api.send(.post, "/v1/me/api-keys", token: pair.partnerToken,
                                             json: #"{"name":"nightly sync","roles":["partner_admin"],"expires_in_days":30}"#)
            #expect(created.status == 201)
            let secret = try created.string("secret")
            #expect(secret.hasPrefix("tdk_"))
            let listed = try await api.send(.get, "/v1/me/api-keys", token: pair.partnerToken)
            #expect(listed.body.contains("nightly sync"))
            #expect(!listed.body.contains(secret))
            let exchanged = try await api.send(.post, "/v1/auth/api-key-token", json: #"{"api_key":"\#(secret)"}"#)
            #expect(exchanged.status == 200)
            let keyToken = try exchanged.string("access_token")
            let me = try await api.send(.get, "/v1/me", token: keyToken)
            #expect(me.body.contains("api_key_id"))
            #expect(try await api.send(.get, "/v1/tenants/\(pair.partner)/relationships", token: keyToken).status == 200)
            let keyID = (try created.json()["key"] as? [String: Any])?["id"] as? String ?? ""
            #expect(try await api.send(.delete, "/v1/me/api-keys/\(keyID)", token: pair.partnerToken).status == 200)
            #expect(try await api.send(.get, "/v1/tenants/\(pair.partner)/relationships", token: keyToken).status == 401)
            #expect(try await api.send(.post, "/v1/auth/api-key-token", json: #"{"api_key":"\#(secret)"}"#).status == 401)
        }
    }
}
