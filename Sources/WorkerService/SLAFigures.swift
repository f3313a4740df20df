import Contracts
import Foundation
import Logging
import PostgresNIO
import Store

/// First-response figures for support managers, across customers: attainment per plan,
/// severity and queue, median and 90th percentile time to first response, open requests per
/// severity, breaches since midnight UTC, and per engineer their open requests, attainment and
/// time to resolution.
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
                breachesToday: today, byEngineer: try await engineers(since: since, on: connection))
        }
    }

    /// Per assignee: open requests now; first-response attainment decided since `since` (the
    /// same rule as the other groups); requests resolved since then and their minutes from
    /// submission to resolution. A reopened request counts again when it is resolved again.
    private func engineers(since: Date, on connection: PostgresConnection) async throws -> [SLAFiguresMethod.EngineerFigures] {
        let rows = try await connection.query("""
            WITH r AS (
                SELECT assigned_to, assigned_to_name, status, submitted_at, resolved_at,
                       status IN ('submitted', 'in_progress', 'waiting_for_customer') AS open,
                       resolved_at >= \(since) AS resolved,
                       (coalesce(first_response_at, resolved_at) >= \(since)
                        OR (first_response_at IS NULL AND resolved_at IS NULL AND response_due_at >= \(since)
                            AND response_due_at < now() AND coalesce(closed_at, 'infinity') > response_due_at)) AS decided,
                       coalesce(first_response_at, resolved_at) <= response_due_at AS met,
                       coalesce(first_response_at, resolved_at, closed_at, now()) > response_due_at AS breached
                FROM service_requests
                WHERE assigned_to IS NOT NULL AND status <> 'draft'
            )
            SELECT assigned_to, max(assigned_to_name),
                   count(*) FILTER (WHERE open)::int,
                   count(*) FILTER (WHERE decided AND met)::int,
                   count(*) FILTER (WHERE decided AND breached)::int,
                   count(*) FILTER (WHERE resolved)::int,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - submitted_at) / 60)
                       FILTER (WHERE resolved),
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - submitted_at) / 60)
                       FILTER (WHERE resolved)
            FROM r
            WHERE open OR decided OR resolved
            GROUP BY assigned_to
            ORDER BY 2, 1
            """, logger: logger)
        var figures: [SLAFiguresMethod.EngineerFigures] = []
        for try await (id, name, open, met, breached, resolved, median, p90) in rows.decode(
            (UUID, String?, Int, Int, Int, Int, Double?, Double?).self
        ) {
            figures.append(.init(
                adminID: id.text, name: name ?? "", open: open, attainment: .init(key: id.text, met: met, breached: breached),
                resolved: resolved, medianMinutesToResolution: median, p90MinutesToResolution: p90))
        }
        return figures
    }
}
