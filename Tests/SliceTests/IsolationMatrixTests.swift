import Foundation
import HTTPTypes
import Testing

/// Every endpoint × every kind of caller × {own tenant, another tenant, a delegated customer}:
/// each cell asserts the exact status, and a denial must not leak the tenant's data. The
/// expected outcome comes from the capability table below, written out independently of the
/// code's permission table.
@Suite("Isolation matrix", .serialized, .timeLimit(.minutes(5)))
struct IsolationMatrixTests {
    /// Operations that need no token (excluded from the matrix by design).
    static let publicOperations: Set<String> = ["getLiveness", "getReadiness", "createToken", "refreshToken", "createAPIKeyToken"]

    enum Target: String, CaseIterable { case own, other, delegated }

    struct Caller {
        var label: String
        var token: String?
        var home: String
        var delegated: String
        /// Actions allowed per tenant id; a tenant missing here is one the caller has no access to.
        var actions: [String: Set<String>]
    }

    struct Probe {
        var operation: String
        var method: HTTPRequest.Method
        /// Path for a tenant id.
        var path: (String) -> String
        var body: String?
        var action: String
        /// Status when allowed, for the target tenant.
        var allowed: (String) -> Int
        /// Status when allowed, when it also depends on who calls.
        var allowedFor: ((Caller, String) -> Int)? = nil
    }

    static let tenantAdmin: Set<String> = ["tenant.read", "request.create", "request.read", "request.comment", "request.close",
                                           "directory.read", "admin.manage", "delegation.approve", "audit.read", "webhook.manage"]
    /// A delegated tenant admin: everything but deciding on relationships.
    static let delegatedTenantAdmin = tenantAdmin.subtracting(["delegation.approve"])
    static let serviceAdmin: Set<String> = ["tenant.read", "request.create", "request.read", "request.comment", "request.close", "directory.read"]
    static let partnerAdmin: Set<String> = ["tenant.read", "delegation.manage", "admin.manage", "audit.read", "directory.read",
                                            "webhook.manage"]
    static let engineerHome: Set<String> = ["tenant.read", "support.work", "request.read", "request.comment", "directory.read"]
    static let engineerReach: Set<String> = ["tenant.read", "support.work", "request.read", "request.comment"]
    static let operatorHome: Set<String> = ["tenant.read", "tenant.manage", "admin.manage", "audit.read", "directory.read"]
    static let operatorReach: Set<String> = ["tenant.read", "tenant.manage", "admin.manage", "audit.read"]

    static func callers(_ w: PartnerWorld) -> [Caller] {
        let customers = [w.c1, w.c2, w.c3, w.c4, w.c5]
        func reach(_ actions: Set<String>) -> [String: Set<String>] {
            Dictionary(uniqueKeysWithValues: customers.map { ($0, actions) })
        }
        return [
            Caller(label: "platform operator", token: w.operatorToken, home: w.vendor, delegated: w.c1,
                   actions: reach(operatorReach).merging([w.vendor: operatorHome, w.partner: operatorReach]) { $1 }),
            Caller(label: "support engineer", token: w.engineerToken, home: w.vendor, delegated: w.c1,
                   actions: reach(engineerReach).merging([w.vendor: engineerHome]) { $1 }),
            Caller(label: "tenant admin", token: w.ta1Token, home: w.c1, delegated: w.c4, actions: [w.c1: tenantAdmin]),
            Caller(label: "service admin", token: w.sa1Token, home: w.c1, delegated: w.c4, actions: [w.c1: serviceAdmin]),
            Caller(label: "partner admin, active delegation", token: w.paToken, home: w.partner, delegated: w.c1,
                   actions: [w.partner: partnerAdmin, w.c1: delegatedTenantAdmin]),
            Caller(label: "partner admin, pending delegation", token: w.paToken, home: w.partner, delegated: w.c3,
                   actions: [w.partner: partnerAdmin, w.c1: delegatedTenantAdmin]),
            Caller(label: "partner admin, expired delegation", token: w.paToken, home: w.partner, delegated: w.c4,
                   actions: [w.partner: partnerAdmin, w.c1: delegatedTenantAdmin]),
            Caller(label: "partner admin, terminated delegation", token: w.paToken, home: w.partner, delegated: w.c5,
                   actions: [w.partner: partnerAdmin, w.c1: delegatedTenantAdmin]),
            Caller(label: "partner admin, not assigned", token: w.pbToken, home: w.partner, delegated: w.c1,
                   actions: [w.partner: partnerAdmin]),
            Caller(label: "anonymous", token: nil, home: w.c1, delegated: w.c1, actions: [:]),
        ]
    }

    static func probes(_ w: PartnerWorld) -> [Probe] {
        let unknown = UUID().uuidString.lowercased()
        // R5 (partner ↔ C5) is terminated: changing it again is a 409 for the parties, and
        // nobody else can see it.
        let partyOfR5: (String) -> Int = { [w.partner, w.c5].contains($0) ? 409 : 404 }
        return [
            Probe(operation: "getTenant", method: .get, path: { "/v1/tenants/\($0)" }, action: "tenant.read", allowed: { _ in 200 }),
            Probe(operation: "updateTenant", method: .patch, path: { "/v1/tenants/\($0)" }, body: #"{"default_language":"en"}"#,
                  action: "tenant.manage", allowed: { _ in 200 }),
            Probe(operation: "checkAccess", method: .get, path: { "/v1/tenants/\($0)/access/tenant.read" }, action: "tenant.read",
                  allowed: { _ in 200 }),
            Probe(operation: "listAdmins", method: .get, path: { "/v1/tenants/\($0)/admins" }, action: "admin.manage", allowed: { _ in 200 }),
            Probe(operation: "createAdmin", method: .post, path: { "/v1/tenants/\($0)/admins" },
                  body: #"{"name":"X","email":"x-matrix@slice.tenantdesk.test","password":"short","roles":["read_only"]}"#,
                  action: "admin.manage", allowed: { _ in 422 }),
            Probe(operation: "updateAdmin", method: .patch, path: { "/v1/tenants/\($0)/admins/\(unknown)" }, body: #"{"name":" "}"#,
                  action: "admin.manage", allowed: { _ in 422 }),
            Probe(operation: "listRelationships", method: .get, path: { "/v1/tenants/\($0)/relationships" },
                  action: "delegation.any", allowed: { _ in 200 }),
            Probe(operation: "requestRelationship", method: .post, path: { "/v1/tenants/\($0)/relationships" },
                  body: #"{"customer_tenant_id":"\#(w.c2)","roles":["service_admin"],"duration_days":0}"#,
                  action: "delegation.manage", allowed: { _ in 422 }),
            Probe(operation: "terminateRelationships", method: .post, path: { "/v1/tenants/\($0)/relationships/terminations" },
                  body: #"{"relationship_ids":[]}"#, action: "delegation.any", allowed: { _ in 422 }),
            Probe(operation: "approveRelationship", method: .post, path: { "/v1/tenants/\($0)/relationships/\(w.r5)/approve" },
                  action: "delegation.approve", allowed: partyOfR5),
            Probe(operation: "rejectRelationship", method: .post, path: { "/v1/tenants/\($0)/relationships/\(w.r5)/reject" },
                  action: "delegation.approve", allowed: partyOfR5),
            Probe(operation: "terminateRelationship", method: .post, path: { "/v1/tenants/\($0)/relationships/\(w.r5)/terminate" },
                  action: "delegation.any", allowed: partyOfR5),
            Probe(operation: "assignRelationship", method: .put, path: { "/v1/tenants/\($0)/relationships/\(w.r5)/assignments/\(w.pbID)" },
                  body: #"{"roles":["service_admin"]}"#, action: "delegation.manage", allowed: partyOfR5),
            Probe(operation: "unassignRelationship", method: .delete,
                  path: { "/v1/tenants/\($0)/relationships/\(w.r5)/assignments/\(w.pbID)" },
                  action: "delegation.manage", allowed: partyOfR5),
            Probe(operation: "listAuditEvents", method: .get, path: { "/v1/tenants/\($0)/audit-events" }, action: "audit.read",
                  allowed: { _ in 200 }),
            // Service requests: bodies that fail validation and ids that do not exist, so that no
            // cell changes what the next one sees.
            Probe(operation: "getIntakeOptions", method: .get, path: { "/v1/tenants/\($0)/support/intake-options" },
                  action: "directory.read", allowed: { _ in 200 }),
            Probe(operation: "suggestArticles", method: .post, path: { "/v1/tenants/\($0)/suggestions" },
                  body: #"{"category":"no-such-category","text":"printer"}"#, action: "request.create", allowed: { _ in 422 }),
            Probe(operation: "recordSuggestionOutcome", method: .put, path: { "/v1/tenants/\($0)/suggestions/\(unknown)/outcome" },
                  body: #"{"outcome":"helped"}"#, action: "request.create", allowed: { _ in 404 }),
            Probe(operation: "listRequests", method: .get, path: { "/v1/tenants/\($0)/requests?status=all" }, action: "request.read",
                  allowed: { _ in 200 }),
            Probe(operation: "createRequest", method: .post, path: { "/v1/tenants/\($0)/requests" },
                  body: #"{"language":"not a language tag"}"#, action: "request.create", allowed: { _ in 422 }),
            Probe(operation: "getRequest", method: .get, path: { "/v1/tenants/\($0)/requests/\(unknown)" }, action: "request.read",
                  allowed: { _ in 404 }),
            Probe(operation: "updateRequest", method: .patch, path: { "/v1/tenants/\($0)/requests/\(unknown)" }, body: "{}",
                  action: "request.create", allowed: { _ in 428 }),
            Probe(operation: "submitRequest", method: .post, path: { "/v1/tenants/\($0)/requests/\(unknown)/submit" },
                  action: "request.create", allowed: { _ in 404 }),
            Probe(operation: "addRequestMessage", method: .post, path: { "/v1/tenants/\($0)/requests/\(unknown)/messages" },
                  body: #"{"body":"hello"}"#, action: "request.comment", allowed: { _ in 404 }),
            Probe(operation: "transitionRequest", method: .post, path: { "/v1/tenants/\($0)/requests/\(unknown)/transitions" },
                  body: #"{"transition":"withdraw"}"#, action: "request.close", allowed: { _ in 404 }),
            Probe(operation: "uploadAttachment", method: .post,
                  path: { "/v1/tenants/\($0)/requests/\(unknown)/attachments?filename=notes.txt" }, body: "plain text notes",
                  action: "request.comment", allowed: { _ in 404 }),
            Probe(operation: "downloadAttachment", method: .get,
                  path: { "/v1/tenants/\($0)/requests/\(unknown)/attachments/\(unknown)" }, action: "request.read",
                  allowed: { _ in 404 }),
            // A partner's list across its customers is asked in its own tenant only.
            Probe(operation: "listCustomerRequests", method: .get, path: { "/v1/tenants/\($0)/customer-requests" },
                  action: "tenant.read", allowed: { _ in 200 }, allowedFor: { caller, tenant in tenant == caller.home ? 200 : 403 }),
            // The engineer takes the request itself (assigning someone else needs support.manage).
            Probe(operation: "assignRequest", method: .put, path: { "/v1/tenants/\($0)/requests/\(unknown)/assignee" },
                  body: #"{"admin_id":"\#(w.engineerID)"}"#, action: "support.work", allowed: { _ in 404 }),
            Probe(operation: "releaseRequest", method: .delete, path: { "/v1/tenants/\($0)/requests/\(unknown)/assignee" },
                  action: "support.work", allowed: { _ in 404 }),
            Probe(operation: "escalateRequest", method: .post, path: { "/v1/tenants/\($0)/requests/\(unknown)/escalations" },
                  body: #"{"reason":"customer is down"}"#, action: "support.work", allowed: { _ in 404 }),
            Probe(operation: "changeSeverity", method: .post, path: { "/v1/tenants/\($0)/requests/\(unknown)/severity-changes" },
                  body: #"{"severity":"A","reason":"outage"}"#, action: "request.comment", allowed: { _ in 404 }),
            Probe(operation: "decideSeverityChange", method: .post,
                  path: { "/v1/tenants/\($0)/requests/\(unknown)/severity-changes/\(unknown)/decision" },
                  body: #"{"decision":"accept"}"#, action: "support.work", allowed: { _ in 404 }),
            Probe(operation: "answerSurvey", method: .put, path: { "/v1/tenants/\($0)/requests/\(unknown)/survey" },
                  body: #"{"rating":5}"#, action: "request.read", allowed: { _ in 404 }),
            // Webhooks: an invalid registration and ids that do not exist.
            Probe(operation: "listWebhooks", method: .get, path: { "/v1/tenants/\($0)/webhooks" }, action: "webhook.manage",
                  allowed: { _ in 200 }),
            Probe(operation: "createWebhook", method: .post, path: { "/v1/tenants/\($0)/webhooks" },
                  body: #"{"url":"ftp://example.com/hook","events":["request.submitted"]}"#, action: "webhook.manage", allowed: { _ in 422 }),
            Probe(operation: "getWebhook", method: .get, path: { "/v1/tenants/\($0)/webhooks/\(unknown)" }, action: "webhook.manage",
                  allowed: { _ in 404 }),
            Probe(operation: "updateWebhook", method: .patch, path: { "/v1/tenants/\($0)/webhooks/\(unknown)" }, body: #"{"active":false}"#,
                  action: "webhook.manage", allowed: { _ in 404 }),
            Probe(operation: "deleteWebhook", method: .delete, path: { "/v1/tenants/\($0)/webhooks/\(unknown)" },
                  action: "webhook.manage", allowed: { _ in 404 }),
            Probe(operation: "listWebhookDeliveries", method: .get, path: { "/v1/tenants/\($0)/webhooks/\(unknown)/deliveries" },
                  action: "webhook.manage", allowed: { _ in 404 }),
            Probe(operation: "redeliverWebhookDelivery", method: .post,
                  path: { "/v1/tenants/\($0)/webhooks/\(unknown)/deliveries/\(unknown)/redeliver" }, action: "webhook.manage",
                  allowed: { _ in 404 }),
            Probe(operation: "pingWebhook", method: .post, path: { "/v1/tenants/\($0)/webhooks/\(unknown)/pings" },
                  action: "webhook.manage", allowed: { _ in 404 }),
        ]
    }

    /// Operations that are not about one tenant: the caller's own data, or lists scoped by the caller.
    static func ownProbes(_ w: PartnerWorld) -> [(operation: String, method: HTTPRequest.Method, path: String, body: String?, expected: (Caller) -> Int)] {
        let authenticated: (Int) -> (Caller) -> Int = { status in { $0.token == nil ? 401 : status } }
        return [
            ("getMe", .get, "/v1/me", nil, authenticated(200)),
            ("listAPIKeys", .get, "/v1/me/api-keys", nil, authenticated(200)),
            ("createAPIKey", .post, "/v1/me/api-keys", #"{"name":"","roles":[]}"#, authenticated(422)),
            ("revokeAPIKey", .delete, "/v1/me/api-keys/\(UUID().uuidString)", nil, authenticated(404)),
            ("listTenants", .get, "/v1/tenants", nil, authenticated(200)),
            ("createTenant", .post, "/v1/tenants", #"{"kind":"customer","display_name":"","country":"JP"}"#,
             { $0.token == nil ? 401 : ($0.home == w.vendor && $0.label == "platform operator" ? 422 : 403) }),
            ("logout", .post, "/v1/auth/logout", #"{"refresh_token":"tdr_unknown"}"#, authenticated(204)),
            ("listPhoneNumbers", .get, "/v1/support/phone-numbers", nil, authenticated(200)),
            ("listFeatures", .get, "/v1/support/categories/enrollment/features", nil, authenticated(200)),
            ("listSupportRequests", .get, "/v1/support/requests", nil,
             { $0.token == nil ? 401 : ($0.label == "support engineer" ? 200 : 403) }),
            ("listSupportCustomers", .get, "/v1/support/customers", nil,
             { $0.token == nil ? 401 : ($0.label == "support engineer" ? 200 : 403) }),
            // Support managers only; the matrix has none (the support-work tests have one).
            ("getSurveySummary", .get, "/v1/support/survey-summary", nil, authenticated(403)),
            ("getDeflection", .get, "/v1/support/deflection", nil, authenticated(403)),
            // Support administration: managers only (SupportAdminTests has one).
            ("listSupportQueues", .get, "/v1/support/queues", nil, authenticated(403)),
            ("putSupportQueue", .put, "/v1/support/queues/matrix", #"{"name":"Matrix"}"#, authenticated(403)),
            ("putQueueMember", .put, "/v1/support/queues/general/members/\(UUID().uuidString)", #"{"languages":["en"]}"#,
             authenticated(403)),
            ("removeQueueMember", .delete, "/v1/support/queues/general/members/\(UUID().uuidString)", nil, authenticated(403)),
            ("listRoutingRules", .get, "/v1/support/routing-rules", nil, authenticated(403)),
            ("addRoutingRule", .post, "/v1/support/routing-rules", #"{"position":1,"language":"xx","queue":"general"}"#,
             authenticated(403)),
            ("removeRoutingRule", .delete, "/v1/support/routing-rules/1", nil, authenticated(403)),
            ("listCalendars", .get, "/v1/support/calendars", nil, authenticated(403)),
            ("putCalendar", .put, "/v1/support/calendars/matrix", #"{"name":"M","time_zone":"UTC","weekly_hours":{"mon":[["09:00","17:00"]]}}"#,
             authenticated(403)),
            ("getSLAFigures", .get, "/v1/support/sla-figures", nil, authenticated(403)),
            // The caller's own feed: every active account, its own items only (NotificationTests).
            ("listNotifications", .get, "/v1/me/notifications", nil, authenticated(200)),
            ("markNotificationsRead", .post, "/v1/me/notifications/read", #"{"all":true}"#, authenticated(200)),
            ("getNotificationSettings", .get, "/v1/me/notification-settings", nil, authenticated(200)),
            ("putNotificationSettings", .put, "/v1/me/notification-settings", #"{"email":true,"email_kinds":["no-such-kind"]}"#,
             authenticated(400)),
        ]
    }

    @Test("every operation of the OpenAPI document is in the matrix or declared public")
    func matrixCoversEveryOperation() async throws {
        let spec = try String(contentsOf: SliceStack.repositoryRoot.appendingPathComponent("Sources/GatewayApp/openapi.yaml"), encoding: .utf8)
        let documented = Set(spec.split(separator: "\n").compactMap { line -> String? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("operationId:") else { return nil }
            return trimmed.dropFirst("operationId:".count).trimmingCharacters(in: .whitespaces)
        })
        // Names only: building the world is not needed to list the operations.
        let placeholder = PartnerWorld(
            vendor: "v", c1: "c1", c2: "c2", c3: "c3", c4: "c4", c5: "c5", partner: "p", r1: "r1", r3: "r3", r4: "r4", r5: "r5",
            operatorToken: "", engineerToken: "", ta1Token: "", sa1Token: "", ta2Token: "", paToken: "", pbToken: "",
            paID: "", pbID: "", names: [:])
        let covered = Set(Self.probes(placeholder).map(\.operation)).union(Self.ownProbes(placeholder).map(\.operation))
            .union(Self.publicOperations)
        #expect(documented.subtracting(covered).isEmpty, "not in the isolation matrix: \(documented.subtracting(covered).sorted())")
        #expect(covered.subtracting(documented).isEmpty, "in the matrix but not documented: \(covered.subtracting(documented).sorted())")
        #expect(documented.count >= 49)
    }

    @Test("a tenant list names the caller's own tenant and the customers it may read now, not those of pending, expired or ended relationships")
    func tenantLists() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            // Every page of the caller's list, pages of `limit`, in the order listed.
            func pages(_ token: String, _ query: String = "", limit: Int = 1) async throws -> [String] {
                var ids: [String] = []
                var cursor: String?
                repeat {
                    let reply = try await api.send(
                        .get, "/v1/tenants?limit=\(limit)\(query)" + (cursor.map { "&cursor=\($0)" } ?? ""), token: token)
                    #expect(reply.status == 200)
                    let items = try #require(try reply.json()["items"] as? [[String: Any]])
                    #expect(items.count <= limit)
                    ids += items.compactMap { $0["id"] as? String }
                    cursor = try reply.json()["next_cursor"] as? String
                } while cursor != nil
                return ids
            }
            func listed(_ token: String, _ query: String = "", limit: Int = 1) async throws -> Set<String> {
                Set(try await pages(token, query, limit: limit))
            }
            // Pat is assigned to every relationship: only the active one counts.
            #expect(try await listed(w.paToken) == [w.partner, w.c1])
            #expect(try await listed(w.paToken, "&kind=customer") == [w.c1])
            #expect(try await listed(w.paToken, "&kind=partner") == [w.partner])
            // Pia is assigned to none.
            #expect(try await listed(w.pbToken) == [w.partner])
            // A customer's admin: its own tenant, not its partner's.
            #expect(try await listed(w.ta1Token) == [w.c1])
            #expect(try await listed(w.sa1Token) == [w.c1])
            // The operator lists every tenant.
            let all = try await listed(w.operatorToken, limit: 200)
            #expect(all.isSuperset(of: [w.c1, w.c2, w.c3, w.c4, w.c5, w.partner, w.vendor]))
            // With more active customers, each page holds the next ones in id order, once each
            // (a page decides only the customers after its cursor, until it is full).
            let more = [try await w.addActiveCustomer(api, label: "Alpine"), try await w.addActiveCustomer(api, label: "Bergen")]
            let everyone = [w.partner, w.c1] + more
            for limit in [1, 2, 3, 200] {
                #expect(try await pages(w.paToken, limit: limit) == everyone.sorted(), "pages of \(limit)")
            }
            #expect(try await pages(w.paToken, "&kind=customer", limit: 2) == ([w.c1] + more).sorted())
            #expect(try await listed(w.paToken, "&kind=partner", limit: 2) == [w.partner])
            #expect(try await listed(w.pbToken) == [w.partner])
        }
    }

    @Test("each cell answers exactly as the capability table says, and denials leak nothing")
    func matrix() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let world = try await PartnerWorld.build(api, environment: environment)
            var cells = 0
            var failures: [String] = []
            for caller in Self.callers(world) {
                for target in Target.allCases {
                    let tenant: String
                    switch target {
                    case .own: tenant = caller.home
                    case .other: tenant = world.c2 == caller.home ? world.c3 : world.c2
                    case .delegated: tenant = caller.delegated
                    }
                    let granted = caller.actions[tenant]
                    for probe in Self.probes(world) {
                        let expected: Int
                        if caller.token == nil {
                            expected = 401
                        } else if let granted {
                            let allowed = probe.action == "delegation.any"
                                ? !granted.isDisjoint(with: ["delegation.manage", "delegation.approve"])
                                : granted.contains(probe.action)
                            expected = allowed ? (probe.allowedFor?(caller, tenant) ?? probe.allowed(tenant)) : 403
                        } else {
                            expected = 404
                        }
                        let reply = try await api.send(probe.method, probe.path(tenant), token: caller.token, json: probe.body)
                        cells += 1
                        if reply.status != expected {
                            failures.append("\(caller.label) · \(target.rawValue) · \(probe.operation): \(reply.status), expected \(expected): \(reply.body.prefix(200))")
                        }
                        if reply.status >= 400 {
                            #expect(reply.contentType == "application/problem+json", "\(caller.label) \(probe.operation)")
                            if let name = world.names[tenant], expected == 404 || expected == 401 {
                                #expect(!reply.body.contains(name), "\(caller.label) · \(probe.operation) leaked \(name)")
                            }
                        }
                    }
                }
                for probe in Self.ownProbes(world) {
                    let reply = try await api.send(probe.method, probe.path, token: caller.token, json: probe.body)
                    cells += 1
                    let expected = probe.expected(caller)
                    if reply.status != expected {
                        failures.append("\(caller.label) · \(probe.operation): \(reply.status), expected \(expected): \(reply.body.prefix(200))")
                    }
                }
            }
            #expect(failures.isEmpty, "\(failures.count) of \(cells) cells:\n\(failures.joined(separator: "\n"))")
            #expect(cells == 10 * 3 * 42 + 10 * 27)
        }
    }
}
