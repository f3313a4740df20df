import Contracts
import Domain
import Foundation
import Logging
import Messaging
import PostgresNIO
import Store

/// Satisfaction surveys: the requester rates a resolved request once (1–5, with a comment);
/// support managers see the averages per queue and per engineer.
struct Surveys: Sendable {
    let database: Database
    let outbox: Outbox
    let logger: Logger

    func answer(_ request: AnswerSurveyMethod.Request) async throws -> SurveyView {
        let context = request.context
        let id = try requestID(request.requestID)
        guard (1...5).contains(request.rating) else { throw WorkerProblems.invalid("rating must be between 1 and 5") }
        let comment = try request.comment.map { try RequestFieldRules.text($0, "comment", max: 5000, multiline: true) }
        let view = try await database.withTenantTransaction(try context.tenant(), supportAudience: context.supportAudience) { connection in
            let record = try await RequestQueries.load(id, context: context, forUpdate: true, on: connection, logger: logger)
            guard context.side == .customer, record.requestedBy == (try context.admin()) else {
                throw RPCProblem(
                    status: 403, type: ProblemType.forbidden, title: "Forbidden", detail: "the survey is answered by the requester")
            }
            guard record.resolvedAt != nil || record.status == .resolved else {
                throw RPCProblem(
                    status: 409, type: ProblemType.invalidTransition, title: "Not resolved",
                    detail: "a request is rated once it is resolved (status \(record.status.rawValue))")
            }
            let now = Date()
            let inserted = try await connection.query("""
                INSERT INTO request_surveys (request_id, tenant_id, rating, comment, queue_id, engineer_id, engineer_name,
                                             answered_by, answered_at)
                VALUES (\(id), tenantdesk_current_tenant(), \(request.rating), \(comment.flatMap { $0.isEmpty ? nil : $0 }),
                        \(record.queue), \(record.assignedTo), \(record.assignedToName), \(try context.admin()), \(now))
                ON CONFLICT (request_id) DO NOTHING RETURNING 1
                """, logger: logger).collect()
            guard !inserted.isEmpty else {
                throw RPCProblem(
                    status: 409, type: ProblemType.invalidTransition, title: "Already answered", detail: "the survey was answered already")
            }
            try await RequestTimeline.record(
                "survey_answered", request: id, context: context, data: ["rating": String(request.rating)], on: connection, logger: logger)
            try await Outbox.enqueue(RequestEvent.surveyAnswered, record.event(actor: context.adminID, at: now), on: connection, logger: logger)
            return SurveyView(rating: request.rating, comment: comment.flatMap { $0.isEmpty ? nil : $0 }, answeredAt: now)
        }
        outbox.wake()
        return view
    }

    static func load(of request: UUID, on connection: PostgresConnection, logger: Logger) async throws -> SurveyView? {
        let rows = try await connection.query(
            "SELECT rating, comment, answered_at FROM request_surveys WHERE request_id = \(request)", logger: logger).collect()
        guard let row = rows.first else { return nil }
        let (rating, comment, at) = try row.decode((Int, String?, Date).self)
        return SurveyView(rating: rating, comment: comment, answeredAt: at)
    }

    func summary(_ request: SurveySummaryMethod.Request) async throws -> SurveySummaryMethod.Response {
        let context = request.context
        guard context.side == .support else { throw WorkerProblems.notFound }
        let since = request.since ?? Date(timeIntervalSince1970: 0)
        return try await database.withTenantTransaction(try context.tenant(), supportAudience: true, supportScope: true) { connection in
            func groups(_ sql: String) async throws -> [SurveySummaryMethod.Group] {
                var found: [SurveySummaryMethod.Group] = []
                var query = QueryBuilder()
                query.append(sql.replacingOccurrences(of: "$since", with: query.bind(since)))
                let rows = try await connection.query(query.query, logger: logger)
                for try await (key, name, count, average) in rows.decode((String, String?, Int, Double).self) {
                    found.append(.init(key: key, name: name, responses: count, averageRating: (average * 100).rounded() / 100))
                }
                return found
            }
            let byQueue = try await groups("""
                SELECT coalesce(s.queue_id, '(none)'), q.name, count(*)::int, avg(s.rating)::float8
                FROM request_surveys s LEFT JOIN support_queues q ON q.id = s.queue_id
                WHERE s.answered_at >= $since GROUP BY 1, 2 ORDER BY 1
                """)
            let byEngineer = try await groups("""
                SELECT coalesce(s.engineer_id::text, '(unassigned)'), max(s.engineer_name), count(*)::int, avg(s.rating)::float8
                FROM request_surveys s WHERE s.answered_at >= $since GROUP BY 1 ORDER BY 1
                """)
            return .init(byQueue: byQueue, byEngineer: byEngineer)
        }
    }
}
