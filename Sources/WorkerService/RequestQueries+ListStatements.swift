import Contracts
import Domain
import Foundation
import Logging
import PostgresNIO
import Store

/// The statements of a list read (the page and the counts per status), built from a validated
/// request. The default view of a tenant's admin (unresolved requests, newest first, first page)
/// is by far the most frequent read: its two statements are prepared on each connection
/// (`DefaultListPage`, `DefaultListCounts`), so PostgreSQL plans them once instead of on every
/// read. Planning them was about half of PostgreSQL's time for a list.
extension RequestQueries {
    /// What a list read asks for, validated.
    struct ListShape {
        var request: ListRequestsMethod.Request
        var sortKey: String
        var descending: Bool
        var cursor: ListCursor?
        var text: String?
        var category: String?
        var admin: UUID
        var statuses: [RequestStatus]
        var readTenants: [UUID]
        var customer: UUID?
    }

    struct ListStatements {
        var page: QueryBuilder
        var counts: QueryBuilder
    }

    static func listStatements(_ shape: ListShape) -> ListStatements {
        let request = shape.request
        /// Appends the filters every part shares (all but status).
        func appendFilters(to query: inout QueryBuilder) {
            // The tenants, explicitly: row-level security is the second wall, not the filter.
            switch request.scope {
            case .tenant: query.append("r.tenant_id = tenantdesk_current_tenant() AND ")
            case .customers: query.append("r.tenant_id = ANY(\(query.bind(shape.readTenants))) AND ")
            case .support: break
            }
            if let customer = shape.customer { query.append("r.tenant_id = \(query.bind(customer)) AND ") }
            if let queue = request.queue { query.append("r.queue_id = \(query.bind(queue)) AND ") }
            switch request.assignee {
            case nil: break
            case "unassigned": query.append("r.assigned_to IS NULL AND ")
            case "me": query.append("r.assigned_to = \(query.bind(shape.admin)) AND ")
            case let other?:
                query.append("r.assigned_to = \(query.bind(UUID(uuidString: other) ?? UUID())) AND ")
            }
            appendVisible(request.context, to: &query)
            if let severities = request.severities { query.append(" AND r.severity = ANY(\(query.bind(severities.map(\.rawValue))))") }
            if let category = shape.category { query.append(" AND r.category_code = \(query.bind(category))") }
            if request.requestedByMe { query.append(" AND r.requested_by = \(query.bind(shape.admin))") }
            if let text = shape.text, !text.isEmpty {
                if let number = Int(text.trimmingCharacters(in: CharacterSet(charactersIn: "#"))) {
                    query.append(" AND r.number = \(query.bind(number))")
                } else {
                    let bound = query.bind(text)
                    query.append("""
                         AND (r.search @@ plainto_tsquery('english', \(bound))
                              OR r.search @@ plainto_tsquery('simple', tenantdesk_cjk_bigrams(\(bound))))
                        """)
                }
            }
            if let from = request.createdFrom { query.append(" AND r.created_at >= \(query.bind(from))") }
            if let to = request.createdTo { query.append(" AND r.created_at < \(query.bind(to))") }
            if let from = request.updatedFrom { query.append(" AND r.updated_at >= \(query.bind(from))") }
            if let to = request.updatedTo { query.append(" AND r.updated_at < \(query.bind(to))") }
        }

        var page = QueryBuilder("SELECT \(RequestRecord.listColumns), \(shape.sortKey) AS sort_key FROM service_requests r WHERE ")
        appendFilters(to: &page)
        // The statuses and the page size are written into the text, not bound: both come from closed
        // sets (the statuses' names, a size checked to be 1 to 200). With them bound, PostgreSQL
        // would plan the prepared default view again on every run (a generic plan cannot know
        // how many rows the LIMIT keeps); written in, it plans it once per connection.
        page.append(" AND r.status = ANY('{\(shape.statuses.map(\.rawValue).joined(separator: ","))}'::text[])")
        let direction = shape.descending ? "DESC" : "ASC"
        if let cursor = shape.cursor {
            page.append(" AND (\(shape.sortKey), r.id) \(shape.descending ? "<" : ">") (\(page.bind(cursor.key)), \(page.bind(cursor.id)))")
        }
        page.append(" ORDER BY sort_key \(direction), r.id \(direction) LIMIT \(request.limit + 1)")
        var counts = QueryBuilder("SELECT r.status, count(*)::int FROM service_requests r WHERE ")
        appendFilters(to: &counts)
        counts.append(" GROUP BY r.status")
        return ListStatements(page: page, counts: counts)
    }

    /// The statements of a tenant admin's default view (the values bound do not change the text).
    static let defaultView: ListStatements = {
        let context = ActingContext(
            tenantID: "", adminID: UUID().uuidString, adminName: "", homeTenantID: "", side: .customer,
            viaRelationshipID: nil, requestID: "")
        let request = ListRequestsMethod.Request(
            context: context, statuses: nil, severities: nil, category: nil, requestedByMe: false, text: nil, createdFrom: nil,
            createdTo: nil, updatedFrom: nil, updatedTo: nil, sort: "-created", cursor: nil, limit: ListRequestsMethod.defaultLimit)
        return listStatements(ListShape(
            request: request, sortKey: sortKeys["created"] ?? "", descending: true, cursor: nil, text: nil, category: nil,
            admin: UUID(), statuses: RequestStatus.defaultListed, readTenants: [], customer: nil))
    }()

    /// The rows of a list statement: through its prepared form when it is one of the default view's,
    /// else as built.
    static func rows(of statement: QueryBuilder, on connection: PostgresConnection, logger: Logger) async throws -> [PostgresRow] {
        var rows: [PostgresRow] = []
        switch statement.sql {
        case DefaultListPage.sql:
            for try await row in try await connection.execute(DefaultListPage(bindings: statement.bindings), logger: logger) {
                rows.append(row)
            }
        case DefaultListCounts.sql:
            for try await row in try await connection.execute(DefaultListCounts(bindings: statement.bindings), logger: logger) {
                rows.append(row)
            }
        default:
            for try await row in try await connection.query(statement.query, logger: logger) { rows.append(row) }
        }
        return rows
    }
}

/// The first page of a tenant admin's default view (unresolved requests, newest first, 50 a
/// page), prepared: $1 the admin (their drafts).
struct DefaultListPage: PreparedRowStatement {
    static let sql = RequestQueries.defaultView.page.sql
    static let bindingDataTypes: [PostgresDataType] = [.uuid]
    var bindings: PostgresBindings

    func makeBindings() throws -> PostgresBindings { bindings }
}

/// The counts per status of a tenant admin's default view, prepared: $1 the admin.
struct DefaultListCounts: PreparedRowStatement {
    static let sql = RequestQueries.defaultView.counts.sql
    static let bindingDataTypes: [PostgresDataType] = [.uuid]
    var bindings: PostgresBindings

    func makeBindings() throws -> PostgresBindings { bindings }
}
