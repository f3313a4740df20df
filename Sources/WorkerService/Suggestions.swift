import Contracts
import Domain
import Foundation
import Logging
import PostgresNIO
import Store

/// Self-help articles suggested before a request is submitted, ranked by full-text match (English
/// stems and Japanese bigrams) with a boost for the chosen feature, symptom and language; each
/// suggestion is recorded as a session whose outcome measures deflection.
struct Suggestions: Sendable {
    let database: Database
    let idempotency: Idempotency
    let logger: Logger

    static let limit = 5

    func suggest(_ request: SuggestionsMethod.Request) async throws -> SuggestionsMethod.Response {
        let context = request.context
        let text = try RequestFieldRules.text(request.text, "text", max: 20_000, multiline: true)
        let language = request.language.lowercased()
        guard TextShape.isLanguageTag(language) else {
            throw WorkerProblems.invalid("language must be a BCP 47 tag such as en or ja")
        }
        let fields = RequestFields(
            category: try RequestFieldRules.code(request.category, "category"),
            feature: try request.feature.map { try RequestFieldRules.code($0, "feature") },
            symptom: try request.symptom.map { try RequestFieldRules.code($0, "symptom") })
        let sessionID = UUID()
        return try await idempotency.run(
            context, key: request.idempotencyKey, operation: "suggestions",
            fingerprint: [fields.category ?? "", fields.feature ?? "", fields.symptom ?? "", text, language]
        ) { connection in
            try await RequestFieldRules.checkReferences(fields, on: connection, logger: logger)
            let rows = try await connection.query("""
                WITH q AS (SELECT tenantdesk_search_query(\(SuggestionText.searched(text))) AS query)
                SELECT a.id, a.title, a.url, a.language, left(a.body, 240),
                       (coalesce(ts_rank(a.search, q.query, 32), 0)
                        + CASE WHEN a.category_code = \(request.category) THEN 0.2 ELSE 0 END
                        + CASE WHEN a.feature_code = \(request.feature)::text THEN 0.3 ELSE 0 END
                        + CASE WHEN a.symptom_code = \(request.symptom)::text THEN 0.5 ELSE 0 END
                        + CASE WHEN a.language = \(language) THEN 0.2 ELSE 0 END)::float8 AS score
                FROM kb_articles a, q
                WHERE a.language IN (\(language), 'en')
                  AND ((q.query IS NOT NULL AND a.search @@ q.query)
                       OR (a.category_code = \(request.category) AND a.feature_code = \(request.feature)::text))
                ORDER BY score DESC, a.id
                LIMIT \(Self.limit)
                """, logger: logger)
            var articles: [SuggestedArticle] = []
            for try await (id, title, url, articleLanguage, snippet, score) in rows.decode((String, String, String, String, String, Double).self) {
                articles.append(SuggestedArticle(
                    id: id, title: title, url: url, language: articleLanguage, snippet: snippet, score: (score * 1000).rounded() / 1000))
            }
            try await connection.query("""
                INSERT INTO suggestion_sessions (id, tenant_id, admin_id, category_code, feature_code, symptom_code, language,
                                                 query, article_ids)
                VALUES (\(sessionID), tenantdesk_current_tenant(), \(try context.admin()), \(request.category), \(request.feature),
                        \(request.symptom), \(language), \(text), \(articles.map(\.id)))
                """, logger: logger)
            return .init(sessionID: sessionID.text, articles: articles)
        }
    }

    /// Whether a request was submitted after the session's suggestions (in SQL, for a row of
    /// `suggestion_sessions`): its outcome is then `continued`, for good.
    private static let submitted = """
        EXISTS (SELECT 1 FROM service_requests r WHERE r.suggestion_session_id = suggestion_sessions.id AND r.status <> 'draft')
        """

    /// Records whether the suggestions helped (`helped`, naming the article that did) or the
    /// admin went on to file a request (`continued`). Once a request made after them is
    /// submitted, the outcome is `continued` and cannot be changed (409).
    func recordOutcome(_ request: SuggestionOutcomeMethod.Request) async throws -> EmptyResponse {
        let context = request.context
        guard ["helped", "continued"].contains(request.outcome) else {
            throw WorkerProblems.invalid("outcome must be helped or continued")
        }
        guard let session = UUID(uuidString: request.sessionID) else { throw WorkerProblems.notFound }
        if let article = request.articleID, !TextShape.isArticleID(article) {
            throw WorkerProblems.invalid("article_id is not one of the articles suggested in this session")
        }
        return try await database.withTenantTransaction(try context.tenant(), supportAudience: context.supportAudience) { connection in
            let rows = try await connection.query("""
                UPDATE suggestion_sessions SET outcome = \(request.outcome), helpful_article_id = \(request.articleID),
                    decided_at = now()
                WHERE id = \(session) AND admin_id = \(try context.admin())
                  AND (\(request.articleID)::text IS NULL OR \(request.articleID)::text = ANY(article_ids))
                  AND NOT \(unescaped: Self.submitted)
                RETURNING 1
                """, logger: logger).collect()
            if rows.isEmpty {
                let found = try await connection.query(
                    "SELECT \(unescaped: Self.submitted) FROM suggestion_sessions WHERE id = \(session) AND admin_id = \(try context.admin())",
                    logger: logger).collect()
                guard let submitted = try found.first?.decode(Bool.self) else { throw WorkerProblems.notFound }
                if submitted {
                    throw RPCProblem(
                        status: 409, type: ProblemType.invalidTransition, title: "Outcome settled",
                        detail: "a request was submitted after these suggestions, so the session counts as continued")
                }
                throw WorkerProblems.invalid("article_id is not one of the articles suggested in this session")
            }
            return EmptyResponse()
        }
    }

    /// The deflection figures since `since`, across every customer (support managers).
    func deflection(_ request: DeflectionMethod.Request) async throws -> DeflectionMethod.Response {
        let context = request.context
        guard context.side == .support else { throw WorkerProblems.notFound }
        let since = request.since ?? Date(timeIntervalSince1970: 0)
        return try await database.withTenantTransaction(try context.tenant(), supportAudience: true, supportScope: true) { connection in
            let totals = try await connection.query("""
                SELECT count(*)::int, (count(*) FILTER (WHERE outcome = 'helped'))::int,
                       (count(*) FILTER (WHERE outcome = 'continued'))::int,
                       (count(*) FILTER (WHERE EXISTS (
                           SELECT 1 FROM service_requests r WHERE r.suggestion_session_id = s.id AND r.status <> 'draft')))::int
                FROM suggestion_sessions s WHERE s.created_at >= \(since)
                """, logger: logger).collect()
            let (sessions, helped, continued, submitted) = try totals.first?.decode((Int, Int, Int, Int).self) ?? (0, 0, 0, 0)
            let rows = try await connection.query("""
                SELECT a.id, k.title, count(*)::int,
                       (count(*) FILTER (WHERE s.helpful_article_id = a.id))::int,
                       (count(*) FILTER (WHERE EXISTS (
                           SELECT 1 FROM service_requests r WHERE r.suggestion_session_id = s.id AND r.status <> 'draft')))::int
                FROM suggestion_sessions s CROSS JOIN LATERAL unnest(s.article_ids) AS a (id)
                LEFT JOIN kb_articles k ON k.id = a.id
                WHERE s.created_at >= \(since)
                GROUP BY a.id, k.title ORDER BY 3 DESC, a.id LIMIT 50
                """, logger: logger)
            var articles: [DeflectionMethod.Article] = []
            for try await (id, title, shown, articleHelped, articleSubmitted) in rows.decode((String, String?, Int, Int, Int).self) {
                articles.append(.init(id: id, title: title, shown: shown, helped: articleHelped, submitted: articleSubmitted))
            }
            let decided = helped + continued
            return .init(
                sessions: sessions, helped: helped, continued: continued, submitted: submitted,
                deflectionRate: decided == 0 ? nil : (Double(helped) / Double(decided) * 1000).rounded() / 1000, articles: articles)
        }
    }
}
