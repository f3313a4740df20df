import Contracts
import Domain
import Foundation
import Logging
import PostgresNIO
import Store

/// The customers support serves, for an engineer who needs to know who a request comes from:
/// plan, country, language, whether the tenant is suspended, its open requests (from the counts
/// kept per tenant and status) and its latest submission. Read in the support scope, which
/// reads every customer tenant.
struct CustomerDirectory: Sendable {
    let database: Database
    let logger: Logger

    func customers(_ request: SupportCustomersMethod.Request) async throws -> SupportCustomersMethod.Response {
        guard request.context.side == .support else {
            throw RPCProblem(status: 403, type: ProblemType.forbidden, title: "Forbidden", detail: "the customer directory is support's")
        }
        let text = try request.text.map { try RequestFieldRules.text($0, "q", max: 200) }.flatMap { $0.isEmpty ? nil : $0 }
        var after: UUID?
        if let raw = request.after {
            guard let id = UUID(uuidString: raw) else { throw WorkerProblems.invalid("cursor is not valid") }
            after = id
        }
        guard PageSize.allowed.contains(request.limit) else { throw WorkerProblems.invalid(PageSize.rule) }
        return try await database.withTenantTransaction(
            try request.context.tenant(), supportAudience: true, supportScope: true
        ) { connection in
            let rows = try await connection.query("""
                SELECT t.id, t.display_name, t.country, t.default_language, t.support_plan, t.status,
                       coalesce((SELECT sum(c.count) FROM service_request_counts c
                                 WHERE c.tenant_id = t.id AND c.status IN ('submitted', 'in_progress', 'waiting_for_customer')), 0)::int,
                       (SELECT r.submitted_at FROM service_requests r
                        WHERE r.tenant_id = t.id AND r.status <> 'draft' ORDER BY r.created_at DESC LIMIT 1)
                FROM tenants t
                WHERE t.kind = 'customer'
                  AND (\(text)::text IS NULL OR strpos(lower(t.display_name), lower(\(text))) > 0)
                  AND (\(after)::uuid IS NULL
                       OR (lower(t.display_name), t.id) > (SELECT lower(a.display_name), a.id FROM tenants a WHERE a.id = \(after)))
                ORDER BY lower(t.display_name), t.id
                LIMIT \(request.limit + 1)
                """, logger: logger)
            var items: [SupportCustomersMethod.Customer] = []
            for try await (id, name, country, language, plan, status, open, last) in rows.decode(
                (UUID, String, String, String, String, String, Int, Date?).self
            ) {
                items.append(.init(
                    tenantID: id.text, name: name, country: country, language: language, plan: plan, status: status,
                    openRequests: open, lastSubmittedAt: last))
            }
            let more = items.count > request.limit
            if more { items.removeLast() }
            return .init(items: items, next: more ? items.last?.tenantID : nil)
        }
    }
}
