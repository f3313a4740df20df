import Contracts
import Foundation
import Logging
import PostgresNIO
import Store

/// First-response figures for support managers, across customers: attainment per plan,
/// severity and queue, median and 90th percentile time to first response, open requests per
/// severity, and breaches since midnight UTC.
struct SLAFigures: Sendable {
    let database: Database
    let logger: Logger

    func figures(_ request: SLAFiguresMethod.Request) async throws -> SLAFiguresMethod.Response {
        try SupportAdmin.requireSupport(request.context)
        let since = request.since ?? Date().addingTimeInterval(-30 * 86_400)
        return try await database.withTenantTransaction(
            try request.context.tenant(), supportAudience: true, supportScope: true
        ) { connection in
            // Decided since `since`: answered since then, or still unanswered past a due time in the window.
            let rows = try await connection.query("""
                WITH decided AS (
                    SELECT r.plan, r.severity, coalesce(r.queue_id, '-') AS queue_id,
                           (coalesce(r.first_response_at, r.resolved_at) <= r.response_due_at)::int AS met,
                           (coalesce(r.first_response_at, r.resolved_at, r.closed_at, now()) > r.response_due_at)::int AS breached
                    FROM service_requests r
                    WHERE r.status <> 'draft'
                      AND (coalesce(r.first_response_at, r.resolved_at) >= \(since)
                           OR (r.first_response_at IS NULL AND r.resolved_at IS NULL AND r.response_due_at >= \(since)
                               AND r.response_due_at < now() AND coalesce(r.closed_at, 'infinity') > r.response_due_at))
                )
                SELECT 'plan', coalesce(plan, '-'), sum(met)::int, sum(breached)::int FROM decided GROUP BY plan
                UNION ALL SELECT 'severity', coalesce(severity, '-'), sum(met)::int, sum(breached)::int FROM decided GROUP BY severity
                UNION ALL SELECT 'queue', queue_id, sum(met)::int, sum(breached)::int FROM decided GROUP BY queue_id
                ORDER BY 1, 2
                """, logger: logger)
            var groups: [String: [SLAFiguresMethod.Attainment]] = [:]
            for try await (kind, key, met, breached) in rows.decode((String, String, Int, Int).self) {
                groups[kind, default: []].append(.init(key: key, met: met, breached: breached))
            }
            let timing = try await connection.query("""
                SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_response_at - submitted_at) / 60),
                       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM first_response_at - submitted_at) / 60)
                FROM service_requests WHERE first_response_at >= \(since) AND submitted_at IS NOT NULL
                """, logger: logger)
            var median: Double?
            var p90: Double?
            for try await (m, p) in timing.decode((Double?, Double?).self) { (median, p90) = (m, p) }
            let open = try await connection.query("""
                SELECT coalesce(severity, '-'), count(*)::int FROM service_requests
                WHERE status IN ('submitted', 'in_progress', 'waiting_for_customer') GROUP BY 1
                """, logger: logger)
            var openBySeverity: [String: Int] = [:]
            for try await (severity, count) in open.decode((String, Int).self) { openBySeverity[severity] = count }
            let breaches = try await connection.query("""
                SELECT count(*)::int FROM service_requests
                WHERE sla_breached_at >= (date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')
                """, logger: logger)
            var today = 0
            for try await count in breaches.decode(Int.self) { today = count }
            return .init(
                since: since, byPlan: groups["plan"] ?? [], bySeverity: groups["severity"] ?? [], byQueue: groups["queue"] ?? [],
                medianMinutesToFirstResponse: median, p90MinutesToFirstResponse: p90, openBySeverity: openBySeverity,
                breachesToday: today)
        }
    }
}
