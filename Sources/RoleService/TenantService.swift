import Contracts
import Domain
import Foundation
import PostgresNIO
import Store

/// Tenants: created, updated, suspended and listed by platform operators; read by their own
/// admins and by the partner admins a relationship lets read them.
struct TenantService: Sendable {
    let store: RoleStore
    let admins: AdminService

    static let plans: Set<String> = ["premier", "professional", "trial"]
    static let columns = "id, kind, display_name, country, default_language, support_plan, status, created_at"

    func list(_ request: ListTenantsMethod.Request) async throws -> Page<TenantView> {
        let principal = request.context.principal
        let limit = max(1, min(request.limit, 200))
        var after: UUID?
        if let cursor = request.cursor {
            guard let id = UUID(uuidString: cursor) else { throw Problems.invalid("cursor is not valid") }
            after = id
        }
        let home = try parseID(principal.tenantID)
        // One decision: a platform operator (tenant.manage) lists every tenant, anyone else (tenant.read) theirs.
        let grant = try await store.authorizer.require(request.context, anyOf: [.tenantManage, .tenantRead], in: principal.tenantID)
        let kind = request.kind?.rawValue
        let status = request.status
        var visible: [UUID]?  // nil: every tenant (an operator)
        if grant.action != .tenantManage {
            visible = try await visibleTenants(
                principal, home: home, homeKind: grant.tenantKind, kind: request.kind, after: after, most: limit + 1)
        }
        let query: PostgresQuery = """
            SELECT \(unescaped: Self.columns) FROM tenants
            WHERE (\(kind)::text IS NULL OR kind = \(kind)) AND (\(status)::text IS NULL OR status = \(status))
              AND (\(after)::uuid IS NULL OR id > \(after)) AND (\(visible)::uuid[] IS NULL OR id = ANY (\(visible)))
            ORDER BY id LIMIT \(limit + 1)
            """
        let rows: [TenantView]
        if grant.action == .tenantManage {
            rows = try await store.database.withPlatformTransaction { try await Self.decode($0.query(query, logger: store.logger)) }
        } else {
            // Under the caller's binding as well: the policies hold whatever the list asks for.
            rows = try await store.read(in: home) { try await Self.decode($0.query(query, logger: store.logger)) }
        }
        let page = Array(rows.prefix(limit))
        return Page(items: page, nextCursor: rows.count > limit ? page.last?.id : nil)
    }

    /// The tenants anyone but an operator lists: its own and, for a partner admin, the customers
    /// it may read now through a relationship it is assigned to, each decided as
    /// `GET /v1/tenants/{id}` would be (a suspended customer is not). The other side of a
    /// pending, ended or expired relationship is not listed (the policies would show it: the
    /// relationships keep its name), nor a customer's partners. Only the customers a page can
    /// show are decided: those after the cursor, in id order, until the page is full.
    private func visibleTenants(
        _ principal: Principal, home: UUID, homeKind: TenantKind, kind: TenantKind?, after: UUID?, most: Int
    ) async throws -> [UUID] {
        guard homeKind == .partner, kind != .partner else { return [home] }
        let customers = try await ReachableTenants(store: store).ids(principal, action: .tenantRead, after: after, most: most)
        return [home] + customers
    }

    func get(_ request: GetTenantMethod.Request) async throws -> TenantView {
        let grant = try await store.authorizer.require(request.context, .tenantRead, in: request.tenantID)
        return try await store.read(in: grant.tenantID) { try await Self.load(grant.tenantID, on: $0, store: store) }
    }

    func create(_ request: CreateTenantMethod.Request) async throws -> TenantView {
        let principal = request.context.principal
        let grant = try await store.authorizer.require(request.context, .tenantManage, in: principal.tenantID)
        guard request.kind != .vendor else { throw Problems.notAllowed("there is one vendor tenant; create customers or partners") }
        let name = try Problems.name(request.displayName, "display_name", max: 200)
        guard let country = Validation.countryCode(request.country) else { throw Problems.invalid("country must be an ISO 3166-1 alpha-2 code") }
        guard Self.plans.contains(request.supportPlan) else { throw Problems.invalid("support_plan must be premier, professional or trial") }
        guard Self.isLanguageTag(request.defaultLanguage) else { throw Problems.invalid("default_language must be a language tag such as en or ja") }
        let id = UUID()
        var firstAdmin: AdminService.Prepared?
        if let admin = request.firstAdmin {
            firstAdmin = try await admins.prepare(admin, kind: request.kind)
        }
        return try await store.change(in: id) { connection in
            try await connection.query("""
                INSERT INTO tenants (id, kind, display_name, country, default_language, support_plan)
                VALUES (\(id), \(request.kind.rawValue), \(name), \(country), \(request.defaultLanguage), \(request.supportPlan))
                """, logger: store.logger)
            try await AuditLog.record(
                AuditEntry(tenantID: id, action: "tenant.created", targetType: "tenant", targetID: id.text,
                           details: ["kind": request.kind.rawValue, "display_name": name, "support_plan": request.supportPlan]),
                context: request.context, via: grant.via, on: connection, logger: store.logger)
            if let firstAdmin {
                try await admins.insert(firstAdmin, tenant: id, context: request.context, via: grant.via, on: connection)
            }
            return try await Self.load(id, on: connection, store: store)
        }
    }

    func update(_ request: UpdateTenantMethod.Request) async throws -> TenantView {
        let grant = try await store.authorizer.require(request.context, .tenantManage, in: request.tenantID)
        // Only a platform operator may change a tenant; its own vendor tenant stays active.
        if let status = request.status {
            guard ["active", "suspended"].contains(status) else { throw Problems.invalid("status must be active or suspended") }
            if status == "suspended", grant.tenantID.text == request.context.principal.tenantID.lowercased() {
                throw Problems.notAllowed("the vendor tenant cannot suspend itself")
            }
        }
        if let plan = request.supportPlan, !Self.plans.contains(plan) {
            throw Problems.invalid("support_plan must be premier, professional or trial")
        }
        if let language = request.defaultLanguage, !Self.isLanguageTag(language) {
            throw Problems.invalid("default_language must be a language tag such as en or ja")
        }
        var name: String?
        if let raw = request.displayName {
            name = try Problems.name(raw, "display_name", max: 200)
        }
        return try await store.change(in: grant.tenantID, invalidating: request.status == nil ? [] : [grant.tenantID]) { connection in
            let before = try await Self.load(grant.tenantID, on: connection, store: store)
            try await connection.query("""
                UPDATE tenants SET display_name = coalesce(\(name), display_name),
                    default_language = coalesce(\(request.defaultLanguage), default_language),
                    support_plan = coalesce(\(request.supportPlan), support_plan),
                    status = coalesce(\(request.status), status)
                WHERE id = \(grant.tenantID)
                """, logger: store.logger)
            let after = try await Self.load(grant.tenantID, on: connection, store: store)
            var details: [String: String] = [:]
            if before.displayName != after.displayName { details["display_name"] = after.displayName }
            if before.defaultLanguage != after.defaultLanguage { details["default_language"] = after.defaultLanguage }
            if before.supportPlan != after.supportPlan { details["support_plan"] = after.supportPlan }
            if before.status != after.status { details["status"] = after.status }
            let action = before.status == after.status ? "tenant.updated" : (after.status == "suspended" ? "tenant.suspended" : "tenant.reactivated")
            try await AuditLog.record(
                AuditEntry(tenantID: grant.tenantID, action: action, targetType: "tenant", targetID: grant.tenantID.text, details: details),
                context: request.context, via: grant.via, on: connection, logger: store.logger)
            return after
        }
    }

    static func isLanguageTag(_ text: String) -> Bool {
        (2...35).contains(text.count) && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            && text.first?.isLetter == true
    }

    static func load(_ id: UUID, on connection: PostgresConnection, store: RoleStore) async throws -> TenantView {
        let rows = try await decode(connection.query("SELECT \(unescaped: columns) FROM tenants WHERE id = \(id)", logger: store.logger))
        guard let tenant = rows.first else { throw Problems.notFound }
        return tenant
    }

    static func decode(_ rows: PostgresRowSequence) async throws -> [TenantView] {
        var tenants: [TenantView] = []
        for try await (id, kind, name, country, language, plan, status, created) in rows.decode(
            (UUID, String, String, String, String, String, String, Date).self) {
            tenants.append(TenantView(
                id: id.text, kind: TenantKind(rawValue: kind) ?? .customer, displayName: name, country: country,
                defaultLanguage: language, supportPlan: plan, status: status, createdAt: created))
        }
        return tenants
    }
}
