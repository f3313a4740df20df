import Foundation

/// How a list's statement matches the words of its text search (`q`) against a request's
/// summary and details (`r.search`).
///
/// Under row-level security a condition on `r.search` cannot use the search index: PostgreSQL
/// applies a condition whose operator is not leakproof (`@@` is not) only after the policies,
/// so it would match every request of the tenant in turn. A statement that searches therefore
/// starts with the matching rows' locations, found through the index by
/// `tenantdesk_request_text_matches` (migration 25) in a CTE named `m`, and has two branches:
/// `indexed` reads those rows; `rowsWhenMany` matches the rows in turn, and runs only when the
/// function found too many to read by location (it then answers NULL).
enum ListTextMatch {
    /// The rows whose locations `m` holds (a TID scan).
    case indexed
    /// The rows matched in turn, only if `m` holds NULL (a condition PostgreSQL checks once).
    case rowsWhenMany
    /// The rows matched in turn (the reader's own drafts: a few rows).
    case rows

    /// The request number a text asks for (`123` or `#123`), if it is one.
    static func number(in text: String) -> Int? {
        Int(text.trimmingCharacters(in: CharacterSet(charactersIn: "#")))
    }

    /// The CTE that finds the matching rows' locations once per statement, for the tenants and
    /// the text given as SQL (a bound parameter or an expression).
    static func matches(tenants: String, text: String) -> String {
        "WITH m AS MATERIALIZED (SELECT tenantdesk_request_text_matches(\(tenants), \(text)) AS found) "
    }

    /// The condition (preceded by ` AND `) that matches `text`, bound in `query`.
    func condition(text: String, in query: inout QueryBuilder) -> String {
        switch self {
        case .indexed:
            return " AND r.ctid = ANY((SELECT m.found FROM m)::tid[])"
        case .rowsWhenMany:
            return " AND (SELECT m.found IS NULL FROM m)" + Self.rowsCondition(query.bind(text))
        case .rows:
            return Self.rowsCondition(query.bind(text))
        }
    }

    /// English words, or Japanese and Chinese bigrams, as the search index holds them.
    private static func rowsCondition(_ text: String) -> String {
        " AND r.search @@ (plainto_tsquery('english', \(text)) || plainto_tsquery('simple', tenantdesk_cjk_bigrams(\(text))))"
    }
}
