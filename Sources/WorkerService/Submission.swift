import Contracts
import Domain
import Foundation
import Logging
import PostgresNIO

/// A checked submission of one draft, ready for `tenantdesk_submit_draft` (sql/0020): the draft
/// as it was read (tenant, version) and everything its submission writes.
struct Submission: Sendable {
    var tenant: UUID
    /// The audience bound for the statement (`customer`, or `support`).
    var audience: String
    /// The draft's version when it was checked: the statement submits nothing if it changed.
    var version: Int
    var suggestionSession: UUID?
    var request: UUID
    var plan: SupportPlan
    var queue: String
    var due: ResponseDue
    var now: Date
    /// `due.explanation`, the `submitted` timeline entry's data and the event body, as JSON.
    var explanation: String
    var entry: String
    var actor: UUID?
    var actorName: String
    var actorSide: String
    var relationship: UUID?
    var event: String

    /// Submits the draft: the submitted request, or nil when the draft is no longer the one
    /// checked (changed, submitted or expired meanwhile). Outside a transaction, PostgreSQL
    /// commits when the statement ends; inside one, it holds the tenant's counter until the commit.
    func run(on connection: PostgresConnection, logger: Logger) async throws -> RequestRecord? {
        let rows = try await connection.query("""
            SELECT \(unescaped: RequestRecord.columns) FROM tenantdesk_submit_draft(
                \(tenant)::uuid, \(audience)::text, \(version)::int, \(suggestionSession)::uuid,
                \(request)::uuid, \(plan.rawValue)::text, \(queue)::text, \(due.targetMinutes)::int,
                \(due.dueAt)::timestamptz, \(due.warnAt)::timestamptz, \(explanation)::jsonb, \(now)::timestamptz,
                \(actor)::uuid, \(actorName)::text, \(actorSide)::text, \(relationship)::uuid, \(entry)::jsonb,
                \(RequestEvent.submitted)::text, \(UUID())::uuid, \(event)::jsonb) r
            """, logger: logger)
        var submitted: RequestRecord?
        for try await row in rows { submitted = try RequestRecord(row: row) }
        return submitted
    }
}
